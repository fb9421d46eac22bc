import * as path from 'node:path';
import { GuiProcess, makeTempDir, removeTempDir } from '@ccs/testing';
import { TERMINAL, api, fakeClaudeGuiEnv, listAllRuns, parseAllDataFiles, sleep, startDrillGui } from './drill-support';

/**
 * Fault drill: `kill -9` of the gui in the middle of a write burst, 10 times on the same data directory. Writers
 * create tasks, update them, create jobs and start runs (a fake claude that takes a moment, so runs are upcoming
 * or running when the process dies). After every crash: each *.json in the data dir parses, and the restarted gui
 * has every write it acknowledged, and no run is left non-terminal (a run the crash interrupted is failed with
 * "coordinator restarted").
 */
describe('drill: kill -9 during a write burst', () => {
  const TRIALS = 10;
  let dir: string;
  let gui: GuiProcess | null = null;

  beforeAll(() => (dir = makeTempDir('ccs-drill-kill9-')));
  afterAll(async () => {
    await gui?.kill();
    removeTempDir(dir);
  });

  it(`loses no acknowledged write and leaves no run unfinished (${TRIALS} crashes)`, async () => {
    const dataDir = path.join(dir, 'data');
    const env = fakeClaudeGuiEnv(dir, { delayMs: 40 });
    const ackedTasks = new Map<string, string>(); // id → name
    const ackedUpdates = new Map<string, string>(); // id → prompt of the last acknowledged update
    const ackedJobs = new Set<string>();
    const ackedRuns = new Set<string>();
    let interrupted = 0;
    gui = await startDrillGui(dataDir, env);
    expect(
      (await api(gui.port, 'PUT', '/api/settings', { max_concurrent_tasks: 8, run_retention_count: 1_000_000 })).status,
    ).toBe(200);
    const runTask = (await api(gui.port, 'POST', '/api/tasks', { name: 'drill runner', prompt: 'run' })).json().task
      .id as string;

    for (let trial = 0; trial < TRIALS; trial++) {
      const port = gui.port;
      let stop = false;
      // A request cut off by the crash was never acknowledged: the writer just ends.
      const loop = async (step: (i: number) => Promise<void>): Promise<void> => {
        for (let i = 0; !stop; i++) {
          try {
            await step(i);
          } catch {
            return;
          }
        }
      };
      const writers = [
        ...[0, 1, 2].map((w) =>
          loop(async (i) => {
            const name = `t-${trial}-${w}-${i}`;
            const r = await api(port, 'POST', '/api/tasks', { name, prompt: 'p' });
            if (r.status === 201) ackedTasks.set(r.json().task.id, name);
          }),
        ),
        loop(async (i) => {
          const ids = [...ackedTasks.keys()];
          if (ids.length === 0) return sleep(5);
          const id = ids[(i * 7919) % ids.length];
          const prompt = `updated ${trial}-${i}`;
          const r = await api(port, 'PUT', `/api/tasks/${id}`, { prompt });
          if (r.status === 200) ackedUpdates.set(id, prompt);
        }),
        loop(async (i) => {
          const r = await api(port, 'POST', '/api/jobs', { name: `j-${trial}-${i}` });
          if (r.status === 201) ackedJobs.add(r.json().job.id);
        }),
        loop(async () => {
          const r = await api(port, 'POST', `/api/tasks/${runTask}/run`);
          if (r.status === 202) ackedRuns.add(r.json().run_id);
        }),
      ];
      await sleep(250 + ((trial * 137) % 400));
      await gui.kill();
      stop = true;
      await Promise.all(writers);

      const files = parseAllDataFiles(dataDir);
      expect(Object.keys(files)).toEqual(expect.arrayContaining(['tasks.json', 'jobs.json', 'runs.json']));

      gui = await startDrillGui(dataDir, env);
      const tasks = new Map<string, { name: string; prompt: string }>(
        (await api(gui.port, 'GET', '/api/tasks'))
          .json()
          .tasks.map((t: { id: string; name: string; prompt: string }) => [t.id, t]),
      );
      expect([...ackedTasks.keys()].filter((id) => !tasks.has(id))).toEqual([]);
      for (const [id, name] of ackedTasks) expect(tasks.get(id)?.name).toBe(name);
      // An update acknowledged before the crash is on disk (a later, unacknowledged one may be too).
      for (const [id, prompt] of ackedUpdates) {
        const stored = tasks.get(id)!.prompt;
        if (stored !== prompt) expect(stored.startsWith('updated ')).toBe(true);
      }
      const jobs = new Set((await api(gui.port, 'GET', '/api/jobs')).json().jobs.map((j: { id: string }) => j.id));
      expect([...ackedJobs].filter((id) => !jobs.has(id))).toEqual([]);
      const runs = await listAllRuns(gui.port);
      const runIds = new Set(runs.map((r) => r.id));
      expect([...ackedRuns].filter((id) => !runIds.has(id))).toEqual([]);
      expect(runs.filter((r) => !TERMINAL.has(r.status))).toEqual([]);
      for (const r of runs.filter((x) => x.status === 'failed'))
        expect(r.status_reason).toMatch(/coordinator restarted/);
      interrupted = runs.filter((r) => r.status === 'failed').length;
      expect((await api(gui.port, 'GET', '/api/health')).json().status).toBe('ok');
    }
    expect(ackedTasks.size).toBeGreaterThan(TRIALS);
    expect(ackedRuns.size).toBeGreaterThan(TRIALS);
    expect(interrupted).toBeGreaterThan(0); // the drill did catch runs in flight
  }, 150_000);
});
