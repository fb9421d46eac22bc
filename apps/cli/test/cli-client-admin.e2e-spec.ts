import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Job, Profile, Task } from '@ccs/core';
import { assertBuilt } from './cli-runner';
import { GuiServer, cli, json, ok, startGui } from './cli-client.fixture';

/**
 * Profiles with secret sources, job export/import and the destructive commands' confirmations, through the `cli`
 * client against a real `gui`.
 */

const SECRET = 'sk-ant-fixture-secret-7c1e9a4b2d';

let gui: GuiServer;

beforeAll(async () => {
  assertBuilt();
  gui = await startGui({ baseEnv: process.env });
}, 60_000);

afterAll(async () => {
  await gui?.stop();
});

function storedProfiles(): Profile[] {
  return JSON.parse(fs.readFileSync(path.join(gui.dataDir, 'profiles.json'), 'utf8')) as Profile[];
}

describe('profiles, export/import and deletes', () => {
  let profile: Profile;
  let job: Job;
  let task: Task;
  const exportFile = (): string => path.join(gui.root, 'exports', 'src.json');

  it('creates a profile from --env specs (static and sourced) and shows static values masked only', async () => {
    const [p, j] = await Promise.all([
      cli(gui, [
        'profiles',
        'create',
        '--name',
        'Prod',
        '--description',
        'production',
        '--env',
        `ANTHROPIC_API_KEY=${SECRET}`,
        '--env',
        'ANTHROPIC_MODEL=opus',
        '--env',
        'AWS_KEY=aws_sm:prod/anthropic',
        '--env-config',
        'AWS_KEY=region=eu-west-1,decrypt=true',
        '--env',
        'TOKEN=keychain:svc/acct',
        '--env',
        'H=env:HOME',
        '--env',
        'P=command:pass show x',
        '--env',
        'Z=unset:',
      ]),
      cli(gui, [
        'jobs',
        'create',
        '--name',
        'Src',
        '--working-directory',
        gui.work,
        '--use-worktree',
        '--worktree-branch',
        'feature/x',
      ]),
    ]);
    profile = json<{ profile: Profile }>(ok(p)).profile;
    job = json<{ job: Job }>(ok(j)).job;
    expect(p.stdout).not.toContain(SECRET);
    expect(job.working_directory).toMatchObject({
      path: gui.work,
      use_git_worktree: true,
      worktree_branch: 'feature/x',
    });
    expect(profile.env_vars.map((v) => [v.name, v.source, v.value, v.config])).toEqual([
      ['ANTHROPIC_API_KEY', 'static', 'sk-a****', null],
      ['ANTHROPIC_MODEL', 'static', '****', null],
      ['AWS_KEY', 'aws_sm', 'prod/anthropic', { region: 'eu-west-1', decrypt: true }],
      ['TOKEN', 'keychain', 'svc/acct', null],
      ['H', 'env', 'HOME', null],
      ['P', 'command', 'pass show x', null],
      ['Z', 'unset', '', null],
    ]);

    const [getJson, getTable, t, ju] = await Promise.all([
      cli(gui, ['profiles', 'get', 'Prod']),
      cli(gui, ['profiles', 'get', profile.id.slice(0, 8), '--output', 'table']),
      cli(gui, ['tasks', 'create', '--name', 'T1', '--prompt', 'p', '--job', 'Src', '--profile', 'prod']),
      cli(gui, ['jobs', 'update', 'Src', '--profile', 'Prod', '--description', 'source job']),
    ]);
    expect(ok(getJson).stdout).not.toContain(SECRET);
    expect(json<{ profile: Profile }>(getJson).profile.env_vars[0].value).toBe('sk-a****');
    expect(ok(getTable).stdout).toMatch(/│ ANTHROPIC_API_KEY +│ static +│ sk-a\*\*\*\* +│ - +│/);
    expect(getTable.stdout).toMatch(
      /│ AWS_KEY +│ aws_sm +│ prod\/anthropic +│ \{"region":"eu-west-1","decrypt":true\} +│/,
    );
    expect(getTable.stdout).not.toContain(SECRET);
    task = json<{ task: Task }>(ok(t)).task;
    expect(task).toMatchObject({ job_id: job.id, profile: profile.id });
    expect(json<{ job: Job }>(ok(ju)).job).toMatchObject({
      profile: profile.id,
      description: 'source job',
      working_directory: { use_git_worktree: true },
    });
  }, 60_000);

  it('update merges variables (GET then PUT): the stored secret survives the masked round trip; deletes ask first', async () => {
    const [upd, exp, delNoTty, delInUse] = await Promise.all([
      cli(gui, [
        'profiles',
        'update',
        'Prod',
        '--unset-env',
        'ANTHROPIC_MODEL',
        '--env',
        'NEW=v',
        '--env',
        'AWS_KEY=aws_sm:prod/other',
        '--unset-env',
        'NOPE',
      ]),
      cli(gui, ['jobs', 'export', 'Src', '-o', exportFile()]),
      cli(gui, ['tasks', 'delete', 'T1']),
      cli(gui, ['profiles', 'delete', 'Prod', '-f']),
    ]);
    const updated = json<{ profile: Profile }>(ok(upd)).profile;
    expect(updated.env_vars.map((v) => v.name)).toEqual([
      'ANTHROPIC_API_KEY',
      'AWS_KEY',
      'TOKEN',
      'H',
      'P',
      'Z',
      'NEW',
    ]);
    expect(updated.env_vars[1]).toMatchObject({ value: 'prod/other', config: { region: 'eu-west-1', decrypt: true } });
    expect(upd.stderr).toContain('Warning: the profile has no variable NOPE');
    const stored = storedProfiles()[0].env_vars;
    expect(stored.find((v) => v.name === 'ANTHROPIC_API_KEY')!.value).toBe(SECRET);
    expect(stored.find((v) => v.name === 'NEW')!.value).toBe('v');

    expect(ok(exp).stderr).toContain(`Exported job "Src" with 1 task(s) to ${exportFile()}`);
    const doc = JSON.parse(fs.readFileSync(exportFile(), 'utf8')) as {
      version: string;
      job: Job;
      tasks: Task[];
      profiles_referenced: string[];
    };
    expect(doc).toMatchObject({ version: '1.0', job: { id: job.id }, profiles_referenced: [profile.id] });
    expect(doc.tasks.map((t) => t.id)).toEqual([task.id]);

    expect(delNoTty.code).toBe(2);
    expect(delNoTty.stderr).toMatch(/Delete task "T1" .*stdin is not a terminal.*pass -f/);
    expect(delInUse.code).toBe(1);
    expect(delInUse.stderr).toMatch(/Error: profile "Prod" is used by 1 task\(s\) and 1 job\(s\)/);
    expect(delInUse.stderr).toContain('hint: change those tasks and jobs first, or pass --clear-references');
  }, 60_000);

  it('jobs import --new-ids makes a copy; a plain import of existing ids is refused with the flags to use', async () => {
    const [copy, conflict] = await Promise.all([
      cli(gui, ['jobs', 'import', '-i', exportFile(), '--new-ids']),
      cli(gui, ['jobs', 'import', '-i', exportFile()]),
    ]);
    const imported = json<{ job: Job; tasks: Task[]; warnings: string[] }>(ok(copy));
    expect(imported.job.id).not.toBe(job.id);
    expect(imported.job).toMatchObject({ name: 'Src', profile: profile.id, status: 'pending' });
    expect(imported.tasks).toHaveLength(1);
    expect(imported.tasks[0]).toMatchObject({ name: 'T1', job_id: imported.job.id });
    expect(imported.tasks[0].id).not.toBe(task.id);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toMatch(/Error: already exists: job /);
    expect(conflict.stderr).toContain('hint: pass -f/--force to overwrite them, or --new-ids to import a copy');

    const [list, del] = await Promise.all([
      cli(gui, ['jobs', 'list', '--output', 'table']),
      cli(gui, ['jobs', 'delete', job.id, '-f']),
    ]);
    expect(ok(list).stdout).toMatch(
      new RegExp(`│ ${imported.job.id.slice(0, 8)} +│ Src +│ pending +│ 1 +│ ${profile.id.slice(0, 8)} +│`),
    );
    expect(json(ok(del))).toEqual({ deleted: job.id, tasks_deleted: 1, runs_deleted: 0, worktree_kept: true });
  }, 60_000);
});
