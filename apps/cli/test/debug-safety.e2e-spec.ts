import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CliResult, assertBuilt, rows, runMany } from './cli-runner';
import { FX, fixtureFiles, writeFixtureDataDir } from './data-dir.fixture';

/**
 * What `debug` must never do: print secrets, write to the data directory, take or disturb the lock, or hide a
 * corrupt file. Also: the paths it reports are the real ones, and -v only ever adds to stderr.
 */

/** Every file under `dir` with its bytes and mtime. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const p = path.join(entry.parentPath, entry.name);
    if (entry.isFile()) out[path.relative(dir, p)] = `${fs.statSync(p).mtimeMs}:${fs.readFileSync(p, 'base64')}`;
  }
  return out;
}

let root: string;
let dataDir: string;
let unmaskDir: string;
let corruptDir: string;
let corruptTasks: string;
let lockText: string;
let before: Record<string, string>;
let r: Record<string, CliResult>;

beforeAll(async () => {
  assertBuilt();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ccs-debug-safety-'));
  dataDir = path.join(root, 'data');
  writeFixtureDataDir(dataDir);
  // A live writer holds the lock (this test process stands in for a running coordinator).
  lockText = `${JSON.stringify({ product: 'claude-code-scheduler', pid: process.pid, host: os.hostname(), started_at: '2025-06-03T10:00:00.000Z', token: 'abc' }, null, 2)}\n`;
  fs.writeFileSync(path.join(dataDir, '.lock'), lockText);

  unmaskDir = path.join(root, 'unmask');
  writeFixtureDataDir(unmaskDir, { ...fixtureFiles(), settings: { unmask_env_vars: true } });

  corruptDir = path.join(root, 'corrupt');
  writeFixtureDataDir(corruptDir);
  corruptTasks = '[\n  {"id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "name": "cut off"\n';
  fs.writeFileSync(path.join(corruptDir, 'tasks.json'), corruptTasks);

  before = snapshot(dataDir);
  const d = ['--data-dir', dataDir];
  const upstream = { CCS_FIXTURE_UPSTREAM: 'upstream-value-from-env-77' };
  r = await runMany(
    {
      profiles: { args: ['debug', 'profiles', ...d] },
      profilesJson: { args: ['debug', 'profiles', '--json', ...d] },
      all: { args: ['debug', 'all', ...d] },
      allJson: { args: ['debug', 'all', '--json', ...d] },
      env: { args: ['debug', 'env', 'work', ...d], env: upstream },
      envJson: { args: ['debug', 'env', FX.profileId.slice(0, 8), '--json', ...d], env: upstream },
      envMissingSource: { args: ['debug', 'env', 'Work', ...d] },
      envUnmasked: { args: ['debug', 'env', 'Work', '--data-dir', unmaskDir], env: upstream },
      options: { args: ['debug', 'options', ...d] },
      optionsJson: { args: ['debug', 'options', '--json'], env: { CLAUDE_SCHEDULER_DATA_DIR: dataDir } },
      optionsDefault: { args: ['debug', 'options', '--json'] },
      tasks: { args: ['debug', 'tasks', ...d] },
      tasksVerbose: { args: ['debug', 'tasks', ...d, '-v'] },
      corrupt: { args: ['debug', 'tasks', '--data-dir', corruptDir] },
      corruptRuns: { args: ['debug', 'runs', '--data-dir', corruptDir] },
    },
    { home: root, baseEnv: process.env },
  );
}, 120_000);

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('secrets', () => {
  it('debug profiles masks static values and shows references', () => {
    expect(r.profiles.code).toBe(0);
    expect(r.profiles.stdout).toContain('Work (9d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a) - fake credentials');
    expect(r.profiles.stdout).toContain(`ANTHROPIC_API_KEY [static] ${FX.secret.slice(0, 4)}****\n`);
    expect(r.profiles.stdout).toContain('SHORT_TOKEN [static] ****\n');
    expect(r.profiles.stdout).toContain('UPSTREAM_VALUE [env] CCS_FIXTURE_UPSTREAM\n');
  });

  it('no command prints a static secret in full, in text or JSON', () => {
    for (const key of ['profiles', 'profilesJson', 'all', 'allJson', 'env', 'envJson'] as const) {
      expect(r[key].code).toBe(0);
      expect(r[key].stdout).not.toContain(FX.secret);
      expect(r[key].stdout).not.toContain(FX.shortSecret);
      expect(r[key].stderr).not.toContain(FX.secret);
    }
    const profiles = JSON.parse(r.profilesJson.stdout) as { env_vars: { value: string }[] }[];
    expect(profiles[0].env_vars.map((v) => v.value)).toEqual(['fixt****', '****', 'CCS_FIXTURE_UPSTREAM', '']);
  });

  it('debug env resolves each variable like a node, masked, with its length', () => {
    const lines = r.env.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Profile: Work (9d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a)');
    expect(lines[2]).toMatch(/^ANTHROPIC_API_KEY\s+static\s+set\s+fixt\*\*\*\* \(length 32\)$/);
    expect(lines[3]).toMatch(/^SHORT_TOKEN\s+static\s+set\s+\*\*\*\* \(length 8\)$/);
    expect(lines[4]).toMatch(/^UPSTREAM_VALUE\s+env var "CCS_FIXTURE_UPSTREAM"\s+set\s+upst\*\*\*\* \(length 26\)$/);
    expect(lines[5]).toMatch(/^CLAUDE_CODE_USE_BEDROCK\s+unset\s+unset/);
    expect(r.env.stdout).not.toContain('upstream-value-from-env-77');
    const report = JSON.parse(r.envJson.stdout) as { unmasked: boolean; vars: { name: string; value: string }[] };
    expect(report.unmasked).toBe(false);
    expect(report.vars.map((v) => v.value)).toEqual(['fixt****', '****', 'upst****', null]);
  });

  it('a source that cannot be resolved is reported for that variable only', () => {
    expect(r.envMissingSource.code).toBe(0);
    expect(r.envMissingSource.stdout).toMatch(/^UPSTREAM_VALUE\s+env var "CCS_FIXTURE_UPSTREAM"\s+ERROR\s+.*not set/m);
    expect(r.envMissingSource.stdout).toMatch(/^ANTHROPIC_API_KEY\s+static\s+set/m);
  });

  it('values are shown in full only when settings.unmask_env_vars is true', () => {
    expect(r.envUnmasked.code).toBe(0);
    expect(rows(r.envUnmasked.stdout)).toContain(`ANTHROPIC_API_KEY static set ${FX.secret} (length 32)`);
    expect(r.envUnmasked.stdout).toContain('upstream-value-from-env-77');
    expect(r.envUnmasked.stdout).toContain('settings.unmask_env_vars is true');
  });
});

describe('read-only next to a running writer', () => {
  it('every debug command above worked while the lock was held, and nothing in the directory changed', () => {
    for (const key of ['profiles', 'all', 'env', 'options', 'tasks']) expect(r[key].code).toBe(0);
    expect(snapshot(dataDir)).toEqual(before);
    expect(fs.readFileSync(path.join(dataDir, '.lock'), 'utf8')).toBe(lockText);
  });

  it('debug options shows the real paths, what exists, and who holds the lock', () => {
    const lines = rows(r.options.stdout);
    expect(lines).toContain(`data dir ${dataDir} exists (from --data-dir)`);
    for (const f of ['jobs.json', 'tasks.json', 'runs.json', 'profiles.json', 'settings.json']) {
      expect(lines).toContain(`${f} ${path.join(dataDir, f)} exists`);
    }
    expect(lines).toContain(`nodes.json ${path.join(dataDir, 'nodes.json')} missing`);
    expect(lines).toContain(`logs dir ${path.join(dataDir, 'logs')} exists, 2 log files`);
    expect(lines).toContain(
      `lock file ${path.join(dataDir, '.lock')} held by pid ${process.pid} on ${os.hostname()} since 2025-06-03T10:00:00.000Z (running)`,
    );
    expect(lines).toContain(
      `legacy data ${path.join(root, '.config', 'claude-code-scheduler')} missing (import-legacy --from default)`,
    );
  });

  it('the data directory comes from --data-dir, else CLAUDE_SCHEDULER_DATA_DIR, else ~/.claude-scheduler', () => {
    const fromEnv = JSON.parse(r.optionsJson.stdout) as { dataDir: { path: string; source: string; exists: boolean } };
    expect(fromEnv.dataDir).toEqual({ path: dataDir, exists: true, source: 'CLAUDE_SCHEDULER_DATA_DIR' });
    const dflt = JSON.parse(r.optionsDefault.stdout) as {
      dataDir: { path: string; source: string; exists: boolean };
      files: Record<string, { path: string }>;
    };
    expect(dflt.dataDir).toEqual({ path: path.join(root, '.claude-scheduler'), exists: false, source: 'default' });
    expect(dflt.files['tasks.json'].path).toBe(path.join(root, '.claude-scheduler', 'tasks.json'));
    // Reading a missing default directory does not create it.
    expect(fs.existsSync(path.join(root, '.claude-scheduler'))).toBe(false);
  });
});

describe('-v', () => {
  it('adds INFO lines on stderr and changes nothing on stdout', () => {
    expect(r.tasks).toMatchObject({ code: 0, stderr: '' });
    expect(r.tasksVerbose.code).toBe(0);
    expect(r.tasksVerbose.stdout).toBe(r.tasks.stdout);
    expect(r.tasksVerbose.stderr).toMatch(
      /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\]\[INFO\]\[cli\.debug\] Reading data directory/m,
    );
    expect(r.tasksVerbose.stderr).not.toMatch(/\[DEBUG\]/);
  });
});

describe('corrupt data', () => {
  it('stops with one Error line naming the file and position, exit 1, and leaves the file untouched', () => {
    for (const key of ['corrupt', 'corruptRuns'] as const) {
      expect(r[key].code).toBe(1);
      expect(r[key].stdout).toBe('');
      const lines = r[key].stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`Error: ${path.join(corruptDir, 'tasks.json')}: invalid JSON at line 3, column 1`);
    }
    expect(fs.readFileSync(path.join(corruptDir, 'tasks.json'), 'utf8')).toBe(corruptTasks);
  });
});
