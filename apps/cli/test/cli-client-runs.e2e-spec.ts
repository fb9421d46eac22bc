import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Run, Task } from '@ccs/core';
import { assertBuilt } from './cli-runner';
import { GuiServer, cli, json, ok, startGui } from './cli-client.fixture';

/**
 * `cli tasks run --wait` and the run commands against a real `gui`. FAKE_CLAUDE_FAIL_ONCE_MARKER makes the fake
 * claude fail the first run whose prompt names the marker file, and succeed after that.
 */

let gui: GuiServer;
let markerDir: string;
let marker: string;

beforeAll(async () => {
  assertBuilt();
  markerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccs-cli-marker-'));
  marker = path.join(markerDir, 'fail-once');
  gui = await startGui({ baseEnv: process.env, env: { FAKE_CLAUDE_FAIL_ONCE_MARKER: marker } });
}, 60_000);

afterAll(async () => {
  await gui?.stop();
  fs.rmSync(markerDir, { recursive: true, force: true });
});

describe('tasks run --wait and the runs group', () => {
  let flaky: Task;
  let plainRun: Run;

  it('--wait exits 1 when the run fails (the log on stdout, the reason on stderr); a run without --wait answers 202 at once', async () => {
    const [a, b] = await Promise.all([
      cli(gui, ['tasks', 'create', '--name', 'Flaky', '--prompt', `check ${marker}`]),
      cli(gui, ['tasks', 'create', '--name', 'Plain', '--prompt', 'say hello', '--max-turns', '3']),
    ]);
    flaky = json<{ task: Task }>(ok(a)).task;
    const plain = json<{ task: Task }>(ok(b)).task;

    const [failed, started] = await Promise.all([
      cli(gui, ['tasks', 'run', flaky.id, '--wait']),
      cli(gui, ['tasks', 'run', plain.id]),
    ]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('Invalid API key');
    expect(failed.stderr).toMatch(/Error: Run [0-9a-f]{8} of "Flaky": failed/);
    const answer = json<{ run_id: string; run: Run }>(ok(started));
    expect(answer.run_id).toBe(answer.run.id);
    expect(answer.run.task_id).toBe(plain.id);
    plainRun = answer.run;
  }, 60_000);

  it('--wait exits 0 when the run succeeds and prints how it went; runs logs -f follows a run to its end', async () => {
    const [passed, followed] = await Promise.all([
      cli(gui, ['tasks', 'run', 'Flaky', '--wait']),
      cli(gui, ['runs', 'logs', plainRun.id.slice(0, 8), '--follow']),
    ]);
    expect(ok(passed).stdout).toContain(`Fake Claude finished: check ${marker}`);
    expect(passed.stderr).toMatch(/of "Flaky": success, in .*cost \$0\.0123, tokens 22 in \/ 60 out/);
    expect(ok(followed).stdout).toContain('Fake Claude finished: say hello');
    expect(followed.stdout).toMatch(/--max-turns 3/);
  }, 60_000);

  it('runs logs prints the text log, or with --raw the stream-json, streamed', async () => {
    const [text, raw] = await Promise.all([
      cli(gui, ['runs', 'logs', plainRun.id]),
      cli(gui, ['runs', 'logs', plainRun.id, '--raw']),
    ]);
    expect(ok(text).stdout).toContain('[scheduler] run');
    expect(text.stdout).toContain('Fake Claude finished: say hello');
    const lines = ok(raw).stdout.trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(
      expect.arrayContaining(['system', 'assistant', 'result']),
    );
    expect(raw.stdout).not.toContain('[scheduler]');
  }, 60_000);

  it('lists, shows and tables the runs: newest first, with status, cost and tokens', async () => {
    const [list, table, get, tasks] = await Promise.all([
      cli(gui, ['runs', 'list', '--task', 'Flaky', '-n', '1']),
      cli(gui, ['runs', 'list', '--status', 'success', '--output', 'table']),
      cli(gui, ['runs', 'get', plainRun.id, '--output', 'table']),
      cli(gui, ['tasks', 'list', '--output', 'table']),
    ]);
    const page = json<{ runs: Run[]; count: number; next_cursor: string | null }>(ok(list));
    expect(page.runs).toHaveLength(1);
    expect(page.runs[0]).toMatchObject({ task_id: flaky.id, status: 'success', cost_usd: 0.0123 });
    expect(page.next_cursor).not.toBeNull(); // the failed run is on the next page

    expect(ok(table).stdout).toMatch(/┌.*┐/);
    expect(table.stdout).toMatch(/│ ID +│ TASK +│ STATUS +│ TRIGGER/);
    expect(table.stdout).toMatch(
      /│ [0-9a-f]{8} +│ Flaky +│ success +│ manual +│ 1 +│ .+ +│ .+s +│ \$0\.0123 +│ 22\/60 +│/,
    );
    expect(table.stdout).not.toMatch(/failed/);
    expect(table.stdout).not.toContain(flaky.id);

    expect(ok(get).stdout).toMatch(/│ status +│ success/);
    expect(get.stdout).toMatch(/│ tokens in\/out +│ 22\/60/);
    expect(get.stdout).toContain('Output:');
    expect(
      json<{ run: { output_tail: { truncated: boolean } } }>(ok(await cli(gui, ['runs', 'get', plainRun.id]))).run
        .output_tail.truncated,
    ).toBe(false);

    expect(ok(tasks).stdout).toMatch(
      new RegExp(
        `│ ${flaky.id.slice(0, 8)} +│ Flaky +│ yes +│ Manual +│ sonnet +│ - +│ success +│ - +│ 2 +│ \\$0\\.0123 +│`,
      ),
    );
  }, 60_000);
});
