import * as fs from 'node:fs';
import * as path from 'node:path';
import { GuiProcess, makeTempDir, removeTempDir } from '@ccs/testing';
import { api, fakeClaudeGuiEnv, listAllRuns, parseAllDataFiles, startDrillGui, until } from './drill-support';

/**
 * Fault drill: API writes while 30 job runs execute (each job runs two tasks in order through a fake claude that
 * takes a moment). The run traffic (status changes, run records, log files) and the writes share the store's
 * files; nothing acknowledged may be lost or overwritten by a stale copy — checked through the API, and again from
 * disk after a restart.
 */
describe('drill: writes while 30 job runs execute', () => {
  const JOBS = 30;
  let dir: string;
  let gui: GuiProcess | null = null;

  beforeAll(() => (dir = makeTempDir('ccs-drill-writes-')));
  afterAll(async () => {
    await gui?.stop();
    removeTempDir(dir);
  });

  it('keeps every acknowledged write and finishes every job run', async () => {
    const dataDir = path.join(dir, 'data');
    const work = path.join(dir, 'work');
    fs.mkdirSync(work);
    const env = fakeClaudeGuiEnv(dir, { delayMs: 60 });
    gui = await startDrillGui(dataDir, env);
    const port = gui.port;
    expect(
      (await api(port, 'PUT', '/api/settings', { max_concurrent_tasks: JOBS, run_retention_count: 100_000 })).status,
    ).toBe(200);

    const jobIds: string[] = [];
    for (let j = 0; j < JOBS; j++) {
      const job = await api(port, 'POST', '/api/jobs', { name: `drill job ${j}`, working_directory: { path: work } });
      expect(job.status).toBe(201);
      const id = job.json().job.id as string;
      for (const step of ['first', 'second']) {
        const t = await api(port, 'POST', '/api/tasks', {
          name: `${step} of ${j}`,
          prompt: step,
          job_id: id,
          schedule: { schedule_type: 'sequential' },
        });
        expect(t.status).toBe(201);
      }
      jobIds.push(id);
    }
    const started = await Promise.all(jobIds.map((id) => api(port, 'POST', `/api/jobs/${id}/run`)));
    expect(started.map((r) => r.status)).toEqual(Array(JOBS).fill(202));

    // While the jobs run: create, update and delete tasks, create profiles, change a setting.
    const tasks = new Map<string, string>(); // id → expected prompt
    const deleted = new Set<string>();
    const profiles = new Map<string, string>(); // id → name
    let activeMidway = -1;
    await Promise.all([
      ...[0, 1, 2, 3].map(async (w) => {
        for (let i = 0; i < 40; i++) {
          const r = await api(port, 'POST', '/api/tasks', { name: `w${w}-${i}`, prompt: `created ${w}-${i}` });
          expect(r.status).toBe(201);
          const id = r.json().task.id as string;
          tasks.set(id, `created ${w}-${i}`);
          if (w === 0 && i === 20) {
            const runs = (await api(port, 'GET', '/api/stats')).json().runs as Record<string, number>;
            activeMidway = runs['running'] + runs['upcoming'];
          }
          if (i % 3 === 0) {
            const u = await api(port, 'PUT', `/api/tasks/${id}`, { prompt: `updated ${w}-${i}` });
            expect(u.status).toBe(200);
            tasks.set(id, `updated ${w}-${i}`);
          }
          if (i % 10 === 9) {
            expect((await api(port, 'DELETE', `/api/tasks/${id}`)).status).toBe(200);
            tasks.delete(id);
            deleted.add(id);
          }
        }
      }),
      (async () => {
        for (let i = 0; i < 20; i++) {
          const r = await api(port, 'POST', '/api/profiles', {
            name: `drill profile ${i}`,
            env_vars: [{ name: 'DRILL_VAR', value: String(i) }],
          });
          expect(r.status).toBe(201);
          profiles.set(r.json().profile.id, `drill profile ${i}`);
        }
      })(),
      (async () => {
        for (let i = 0; i < 20; i++)
          expect((await api(port, 'PATCH', '/api/settings', { theme: `theme-${i}` })).status).toBe(200);
      })(),
    ]);

    expect(activeMidway).toBeGreaterThan(0); // the writes did overlap the runs
    await until(
      async () =>
        (
          await Promise.all(jobIds.map(async (id) => (await api(port, 'GET', `/api/jobs/${id}`)).json().job.status))
        ).every((s) => s === 'completed'),
      'every job run to complete',
      60_000,
    );

    const verify = async (p: number, when: string): Promise<void> => {
      const listed = new Map<string, string>(
        (await api(p, 'GET', '/api/tasks')).json().tasks.map((t: { id: string; prompt: string }) => [t.id, t.prompt]),
      );
      const wrong = [...tasks]
        .filter(([id, prompt]) => listed.get(id) !== prompt)
        .map(([id, prompt]) => `${id}: expected "${prompt}", got "${listed.get(id)}"`);
      expect({ when, wrong }).toEqual({ when, wrong: [] });
      expect([...deleted].filter((id) => listed.has(id))).toEqual([]);
      const storedProfiles = new Map<string, string>(
        (await api(p, 'GET', '/api/profiles')).json().profiles.map((x: { id: string; name: string }) => [x.id, x.name]),
      );
      for (const [id, name] of profiles) expect(storedProfiles.get(id)).toBe(name);
      expect((await api(p, 'GET', '/api/settings')).json().settings.theme).toBe('theme-19');
      const runs = await listAllRuns(p);
      for (const id of jobIds) {
        const own = runs.filter((r) => r.job_id === id);
        expect({ job: id, statuses: own.map((r) => r.status) }).toEqual({ job: id, statuses: ['success', 'success'] });
      }
      const jobs = (await api(p, 'GET', '/api/jobs')).json().jobs as {
        id: string;
        status: string;
        task_order: string[];
      }[];
      for (const id of jobIds) {
        const job = jobs.find((j) => j.id === id);
        expect(job?.status).toBe('completed');
        expect(job?.task_order).toHaveLength(2);
      }
    };
    await verify(port, 'live');
    expect(await gui.stop()).toBe(0);
    gui = null;
    parseAllDataFiles(dataDir);
    gui = await startDrillGui(dataDir, env);
    await verify(gui.port, 'after restart');
  }, 120_000);
});
