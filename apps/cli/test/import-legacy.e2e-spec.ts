import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CliResult, assertBuilt, runCli, runMany } from './cli-runner';
import { FX, fixtureFiles, writeFixtureDataDir } from './data-dir.fixture';

/**
 * `import-legacy` with the Python original's layout: JSON files in one directory, run logs in another. One task
 * record the model rejects must be skipped with its reason; everything else lands in the target.
 */

const BAD_TASK_ID = '7f7f7f7f-0000-4000-8000-000000000001';

/** The fixture, split the way the original stored it: `<config>/*.json` and `<logs>/run_<id>.log`. */
function writeLegacy(config: string, logs: string): void {
  const files = fixtureFiles();
  files.tasks.push({ id: BAD_TASK_ID, name: 'Broken', permissions: 'yolo' });
  writeFixtureDataDir(config, files);
  fs.mkdirSync(path.dirname(logs), { recursive: true });
  fs.renameSync(path.join(config, 'logs'), logs);
  fs.writeFileSync(path.join(logs, 'notes.txt'), 'not a run log');
}

function lockFor(pid: number): string {
  return `${JSON.stringify({ pid, host: os.hostname(), started_at: '2025-06-03T10:00:00.000Z', token: 'held' })}\n`;
}

let root: string;
let from: string;
let fromLogs: string;
let target: string;
let locked: string;
let r: Record<string, CliResult>;
let legacyBefore: string;

beforeAll(async () => {
  assertBuilt();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ccs-import-'));
  from = path.join(root, 'legacy', 'config');
  fromLogs = path.join(root, 'legacy', 'logs');
  writeLegacy(from, fromLogs);
  legacyBefore = fs.readFileSync(path.join(from, 'tasks.json'), 'utf8');
  // The original's default places: ~/.config/claude-code-scheduler and ~/.claude-scheduler/logs.
  writeLegacy(path.join(root, '.config', 'claude-code-scheduler'), path.join(root, '.claude-scheduler', 'logs'));
  target = path.join(root, 'target');
  locked = path.join(root, 'locked');
  fs.mkdirSync(locked);
  fs.writeFileSync(path.join(locked, '.lock'), lockFor(process.pid));

  const first = await runMany(
    {
      import: { args: ['import-legacy', '--from', from, '--from-logs', fromLogs, '--data-dir', target, '-v'] },
      locked: { args: ['import-legacy', '--from', from, '--data-dir', locked] },
      defaults: { args: ['import-legacy', '--json'] },
      missing: { args: ['import-legacy', '--from', path.join(root, 'nope'), '--data-dir', path.join(root, 'x')] },
    },
    { home: root, baseEnv: process.env },
  );
  const second = await runMany(
    {
      again: { args: ['import-legacy', '--from', from, '--from-logs', fromLogs, '--data-dir', target] },
      tasks: { args: ['debug', 'tasks', '--json', '--data-dir', target] },
      logs: { args: ['debug', 'logs', '--json', '--data-dir', target] },
    },
    { home: root, baseEnv: process.env },
  );
  r = { ...first, ...second };
}, 120_000);

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

it('imports everything valid and prints what it imported', () => {
  expect(r.import.code).toBe(0);
  const text = r.import.stdout;
  expect(text).toContain(`Imported from ${from}\n  logs from ${fromLogs}\n  into ${target}\n`);
  expect(text).toMatch(/^\s+profiles\s+2$/m);
  expect(text).toMatch(/^\s+jobs\s+1$/m);
  expect(text).toMatch(/^\s+tasks\s+3$/m);
  expect(text).toMatch(/^\s+runs\s+3$/m);
  expect(text).toMatch(/^\s+settings\s+4 keys$/m);
  expect(text).toMatch(/^\s+run logs\s+2 files$/m);
  expect(text).toContain('mock_mode was imported as true');
});

it('lists each skipped record with the file, position, id and reason', () => {
  expect(r.import.stdout).toContain('Skipped (1):\n');
  expect(r.import.stdout).toContain(
    `  tasks.json[3] id ${BAD_TASK_ID}: tasks.json[3].permissions must be one of default, bypass, acceptEdits, plan, auto, dontAsk (got "yolo")\n`,
  );
});

it('logs its steps on stderr with -v, never on stdout', () => {
  expect(r.import.stderr).toMatch(/\[INFO\]\[cli\.import\] Opening .* for writing/);
  expect(r.import.stdout).not.toMatch(/\[INFO\]/);
});

it('the imported data reads back through debug, legacy source untouched', () => {
  const tasks = JSON.parse(r.tasks.stdout) as { id: string; prompt: string }[];
  expect(tasks.map((t) => t.id).sort()).toEqual(
    Object.values(FX.tasks)
      .map((t) => t.id)
      .sort(),
  );
  expect(tasks.find((t) => t.id === FX.tasks.analysis.id)!.prompt).toBe('Analyse the repository');
  const logs = JSON.parse(r.logs.stdout) as { runId: string; mtime: string }[];
  // mtimes are kept, so the newest legacy log is still the newest.
  expect(logs.map((l) => [l.runId, l.mtime])).toEqual([
    [FX.runs.newest.id, '2025-06-03T10:31:00.000Z'],
    [FX.runs.middle.id, '2025-06-02T09:01:00.000Z'],
  ]);
  expect(fs.readFileSync(path.join(from, 'tasks.json'), 'utf8')).toBe(legacyBefore);
});

it('importing again skips what is already there, saying why', () => {
  expect(r.again.code).toBe(0);
  expect(r.again.stdout).toMatch(/^\s+tasks\s+0$/m);
  expect(r.again.stdout).toContain(
    `tasks.json[0] id ${FX.tasks.review.id}: an item with this id already exists in the target`,
  );
  expect(r.again.stdout).toContain(
    `logs/run_${FX.runs.middle.id}.log id ${FX.runs.middle.id}: a log file for this run already exists in the target`,
  );
});

it('refuses a data directory held by a running process, naming its pid, and writes no data', () => {
  expect(r.locked.code).toBe(1);
  expect(r.locked.stdout).toBe('');
  expect(r.locked.stderr).toContain(`Error: Data directory ${locked} is in use by another`);
  expect(r.locked.stderr).toContain(`(pid ${process.pid})`);
  expect(r.locked.stderr.trimEnd().split('\n')).toHaveLength(1);
  // (The store creates an empty logs/ directory before it tries the lock; no data file is written.)
  expect(fs.readdirSync(locked).filter((n) => n !== 'logs')).toEqual(['.lock']);
  expect(fs.readFileSync(path.join(locked, '.lock'), 'utf8')).toBe(lockFor(process.pid));
});

it("without flags it reads the original's default places and writes ~/.claude-scheduler", () => {
  expect(r.defaults.code).toBe(0);
  const report = JSON.parse(r.defaults.stdout) as {
    from: string;
    to: string;
    imported: Record<string, number>;
    notes: string[];
  };
  expect(report.from).toBe(path.join(root, '.config', 'claude-code-scheduler'));
  expect(report.to).toBe(path.join(root, '.claude-scheduler'));
  expect(report.imported).toMatchObject({ tasks: 3, runs: 3, profiles: 2, jobs: 1 });
  // The original kept its logs where this edition keeps them: they are used in place.
  expect(report.notes.join('\n')).toContain("is the target's logs directory");
});

it('a missing legacy directory is an error, exit 1', () => {
  expect(r.missing.code).toBe(1);
  expect(r.missing.stderr).toBe(`Error: Legacy data directory ${path.join(root, 'nope')} does not exist\n`);
});

it('releases the lock when it is done, so the next import can take it', async () => {
  expect(fs.existsSync(path.join(target, '.lock'))).toBe(false);
  const res = await runCli(['import-legacy', '--from', from, '--data-dir', target, '--json'], {
    home: root,
    baseEnv: process.env,
  });
  expect(res.code).toBe(0);
});
