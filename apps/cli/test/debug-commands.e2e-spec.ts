import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CliResult, assertBuilt, rows, runMany } from './cli-runner';
import { FX, writeFixtureDataDir } from './data-dir.fixture';

/** The `debug` listing commands against a data directory in the original's format. */

let root: string;
let dataDir: string;
let r: Record<string, CliResult>;

beforeAll(async () => {
  assertBuilt();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ccs-debug-'));
  dataDir = path.join(root, 'data');
  writeFixtureDataDir(dataDir);
  const d = ['--data-dir', dataDir];
  r = await runMany(
    {
      tasks: { args: ['debug', 'tasks', ...d] },
      tasksJson: { args: ['debug', ...d, '--json', 'tasks'] },
      taskByName: { args: ['debug', 'task', 'weekly test report', ...d] },
      taskByPrefix: { args: ['debug', 'task', '3C4D', ...d, '--json'] },
      taskAmbiguous: { args: ['debug', 'task', '1a2b', ...d] },
      taskMissing: { args: ['debug', 'task', 'No Such Task', ...d] },
      taskMissingVerbose: { args: ['debug', 'task', 'No Such Task', ...d, '-vv'] },
      runs: { args: ['debug', 'runs', ...d] },
      runsJson2: { args: ['debug', 'runs', '-n', '2', '--json', ...d] },
      run: { args: ['debug', 'run', FX.runs.newest.id.slice(0, 6), ...d] },
      logs: { args: ['debug', 'logs', ...d] },
      logsJson1: { args: ['debug', 'logs', '--limit', '1', '--json', ...d] },
      log: { args: ['debug', 'log', FX.runs.middle.id.slice(0, 8), ...d] },
      logNone: { args: ['debug', 'log', FX.runs.oldest.id, ...d] },
      settings: { args: ['debug', 'settings', ...d] },
      settingsJson: { args: ['debug', 'settings', '--json', ...d] },
      all: { args: ['debug', 'all', ...d] },
    },
    { home: root, baseEnv: process.env },
  );
}, 120_000);

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function ok(res: CliResult): string {
  expect(res).toMatchObject({ code: 0, stderr: '' });
  return res.stdout;
}

describe('debug tasks / task', () => {
  it('lists every task with short id, schedule, job and name', () => {
    const lines = ok(r.tasks).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+ENABLED\s+MODEL\s+SCHEDULE\s+JOB\s+NAME$/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^1a2b3c4d\s+no\s+sonnet\s+daily at 09:00:00\s+Feature: login\s+Daily Code Review$/);
    expect(lines[2]).toMatch(
      /^1a2b9999\s+yes\s+sonnet\s+weekly Mon at 10:00:00\s+Feature: login\s+Weekly Test Report$/,
    );
    expect(lines[3]).toMatch(/^3c4d5e6f\s+yes\s+opus\s+manual\s+-\s+On-Demand Analysis$/);
  });

  it('--json prints the tasks as stored, legacy `command` read as the prompt', () => {
    const tasks = JSON.parse(ok(r.tasksJson)) as { id: string; name: string; prompt: string }[];
    expect(tasks.map((t) => t.id)).toEqual([FX.tasks.review.id, FX.tasks.report.id, FX.tasks.analysis.id]);
    expect(tasks[2]).toMatchObject({ name: 'On-Demand Analysis', prompt: 'Analyse the repository' });
    expect(tasks[2]).not.toHaveProperty('command');
  });

  it('finds a task by name (case-insensitive) or by id prefix (case-insensitive)', () => {
    const text = ok(r.taskByName);
    expect(text).toMatch(/^ID:\s+1a2b9999-6f7a-4b8c-9d0e-1f2a3b4c5d6e$/m);
    expect(text).toMatch(/^Job:\s+Feature: login \(4b8f1c2e/m);
    expect(text).toMatch(/^Runs:\s+1 \(0 ok, 1 failed, 0 cancelled\)$/m);
    expect(text).toContain('Prompt:\n  Do Weekly Test Report');
    expect(JSON.parse(ok(r.taskByPrefix))).toMatchObject({ id: FX.tasks.analysis.id, model: 'opus' });
  });

  it('an ambiguous prefix or unknown task is one Error line and exit 1 (stack only at -vv)', () => {
    expect(r.taskAmbiguous.code).toBe(1);
    expect(r.taskAmbiguous.stderr).toBe(
      `Error: task prefix "1a2b" is ambiguous: 2 tasks match (${FX.tasks.review.id}, ${FX.tasks.report.id}); give more characters\n`,
    );
    expect(r.taskMissing).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error: No task matches "No Such Task" (by id, id prefix or name)\n',
    });
    expect(r.taskMissingVerbose.code).toBe(1);
    expect(r.taskMissingVerbose.stderr).toContain('Error: No task matches "No Such Task"');
    expect(r.taskMissingVerbose.stderr).toMatch(/\n\s+at /);
  });
});

describe('debug runs / run', () => {
  it('lists runs newest first by scheduled_time (file order is different)', () => {
    const lines = ok(r.runs).trimEnd().split('\n');
    expect(lines.slice(1, 4).map((l) => l.split(/\s+/)[0])).toEqual([
      FX.runs.newest.id.slice(0, 8),
      FX.runs.middle.id.slice(0, 8),
      FX.runs.oldest.id.slice(0, 8),
    ]);
    expect(lines[2]).toMatch(/success\s+2025-06-02T09:00:00.123456\s+12.5s\s+0\s+Daily Code Review$/);
    expect(lines[4]).toBe('(3 of 3 runs, newest first)');
  });

  it('-n limits the list; --json keeps the order', () => {
    const runs = JSON.parse(ok(r.runsJson2)) as { id: string }[];
    expect(runs.map((x) => x.id)).toEqual([FX.runs.newest.id, FX.runs.middle.id]);
  });

  it('shows one run by id prefix, with its errors and log file', () => {
    const text = ok(r.run);
    expect(rows(text)).toContain(`ID: ${FX.runs.newest.id}`);
    expect(text).toMatch(/^Task:\s+On-Demand Analysis \(3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f\)$/m);
    expect(text).toMatch(/^Status:\s+failed$/m);
    expect(text).toContain(path.join(dataDir, 'logs', `run_${FX.runs.newest.id}.log`));
    expect(text).toContain('Errors:\n  CLI exited with code 1: Error: not logged in');
  });
});

describe('debug logs / log', () => {
  it('lists log files newest first (by modification time) with their size', () => {
    const lines = ok(r.logs).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RUN\s+KIND\s+SIZE\s+MODIFIED\s+TASK\s+PATH$/);
    const newest = `${FX.runs.newest.id} log ${Buffer.byteLength(FX.logText.newest)} B 2025-06-03T10:31:00.000Z`;
    const middle = `${FX.runs.middle.id} log ${Buffer.byteLength(FX.logText.middle)} B 2025-06-02T09:01:00.000Z`;
    expect(rows(lines[1])[0]).toBe(
      `${newest} On-Demand Analysis ${path.join(dataDir, 'logs', `run_${FX.runs.newest.id}.log`)}`,
    );
    expect(rows(lines[2])[0]).toBe(
      `${middle} Daily Code Review ${path.join(dataDir, 'logs', `run_${FX.runs.middle.id}.log`)}`,
    );
    expect(lines[3]).toBe('(2 of 2 log files, newest first)');
  });

  it('--limit and --json', () => {
    const files = JSON.parse(ok(r.logsJson1)) as { runId: string; size: number; path: string }[];
    expect(files).toEqual([
      expect.objectContaining({
        runId: FX.runs.newest.id,
        size: Buffer.byteLength(FX.logText.newest),
        path: path.join(dataDir, 'logs', `run_${FX.runs.newest.id}.log`),
      }),
    ]);
  });

  it("prints a run's log file exactly, found by id prefix", () => {
    expect(r.log).toEqual({ code: 0, stdout: FX.logText.middle, stderr: '' });
  });

  it('a run without a log file is an error naming the run and the directory', () => {
    expect(r.logNone.code).toBe(1);
    expect(r.logNone.stderr).toBe(`Error: Run ${FX.runs.oldest.id} has no log file in ${path.join(dataDir, 'logs')}\n`);
  });
});

describe('debug settings / all', () => {
  it('settings: stored values merged with defaults', () => {
    const text = ok(r.settings);
    expect(text).toMatch(/^mock_mode:\s+true$/m);
    expect(text).toMatch(/^max_concurrent_tasks:\s+2$/m);
    expect(text).toMatch(/^run_retention_count:\s+50$/m); // a default
    expect(JSON.parse(ok(r.settingsJson))).toMatchObject({ mock_mode: true, theme: 'dark', log_retention_days: 30 });
  });

  it('all: every section, newest runs first', () => {
    const text = ok(r.all);
    expect(text).toContain(`Data directory: ${dataDir}\n`);
    for (const title of ['== Settings ==', '== Profiles (2) ==', '== Jobs (1) ==', '== Tasks (3) ==']) {
      expect(text).toContain(title);
    }
    expect(text).toContain('== Newest runs (3 of 3) ==');
    expect(text.indexOf(FX.runs.newest.id.slice(0, 8))).toBeLessThan(text.indexOf(FX.runs.oldest.id.slice(0, 8)));
    expect(text).toMatch(/== Logs ==\n2 files, 173 B, newest 2025-06-03T10:31:00.000Z/);
  });
});
