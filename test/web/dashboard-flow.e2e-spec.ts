import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { GuiProcess, fakeClaudeDir, fakeClaudeEnv, makeTempDir, removeTempDir, startGui } from '@ccs/testing';
import { Browser, apiJson, launchBrowser, openDashboard } from './browser';

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The dashboard in a real headless Chromium against the real `gui` binary and a fake `claude`: what a user does
 * in the first minutes, driven by role and label as a screen reader would see the page.
 */
describe('dashboard in a browser: jobs, tasks, schedules, runs, profiles', () => {
  let dir: string;
  let gui: GuiProcess;
  let browser: Browser;
  let page: Page;
  let jobId: string;

  beforeAll(async () => {
    dir = makeTempDir('ccs-web-flow-');
    gui = await startGui({
      dataDir: path.join(dir, 'data'),
      // Slow enough output that the Live tab is seen streaming while the run is going.
      env: { PATH: `${fakeClaudeDir()}:${process.env['PATH'] ?? ''}`, ...fakeClaudeEnv({ delayMs: 400 }) },
    });
    browser = await launchBrowser();
    page = browser.page;
    await openDashboard(page, gui.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gui?.stop();
    removeTempDir(dir);
  });

  afterEach(() => {
    expect(browser.errors).toEqual([]);
  });

  const taskItem = (name: string) => page.getByRole('button', { name: `Task ${name}`, exact: true });
  const taskOrder = () => page.locator('[data-panel="task_list"] .item-select .item-title').allTextContents();

  it('creates a job and two tasks, shows the API’s validation message in place, and reorders them by drag and drop', async () => {
    await page.getByRole('button', { name: '+ New job' }).click();
    const jobDialog = page.getByRole('dialog', { name: 'New job' });
    await jobDialog.getByLabel('Name').fill('Nightly');
    await jobDialog.getByLabel('Description').fill('Review and update every night');
    await jobDialog.getByLabel('Working directory').fill(dir);
    await jobDialog.getByRole('button', { name: 'Create job' }).click();
    await jobDialog.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Tasks of Nightly' }).waitFor();
    jobId = (await apiJson<{ jobs: { id: string; name: string }[] }>(`${gui.url}/api/jobs`)).jobs.find(
      (j) => j.name === 'Nightly',
    )!.id;

    // N: a new task in the selected job.
    await page.keyboard.press('n');
    const editor = page.getByRole('form', { name: 'Task editor' });
    await page.getByRole('heading', { name: 'New task' }).waitFor();
    expect(await editor.getByLabel('Job', { exact: true }).inputValue()).toBe(jobId);
    await editor.getByLabel('Prompt', { exact: true }).fill('Review the open pull requests');
    await editor.getByRole('button', { name: 'Create task' }).click();
    // No name: the API's field error appears at the field, and the form stays as typed.
    const name = editor.getByLabel('Name', { exact: true });
    await editor.locator('[aria-invalid="true"]').first().waitFor();
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await name.getAttribute('aria-describedby'))!.split(' ')[0];
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toMatch(/name/i);
    expect(await editor.getByRole('alert').first().textContent()).toMatch(/Could not create the task/);
    await name.fill('Review PRs');
    // The server's old message goes once the field has a new value.
    expect(await name.getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator(`[id="${describedBy}"]`).count()).toBe(0);
    await editor.getByRole('button', { name: 'Create task' }).click();
    await taskItem('Review PRs').waitFor();

    await page.getByRole('button', { name: '+ New task' }).first().click();
    await editor.getByLabel('Name', { exact: true }).fill('Update deps');
    await editor.getByLabel('Prompt', { exact: true }).fill('Update the dependencies');
    await editor.getByRole('button', { name: 'Create task' }).click();
    await taskItem('Update deps').waitFor();
    expect(await taskOrder()).toEqual(['Review PRs', 'Update deps']);

    await page
      .locator('[data-panel="task_list"] li', { hasText: 'Update deps' })
      .dragTo(page.locator('[data-panel="task_list"] li', { hasText: 'Review PRs' }));
    await waitUntil(async () => (await taskOrder()).join() === 'Update deps,Review PRs');
    const tasks = (await apiJson<{ tasks: { id: string; name: string }[] }>(`${gui.url}/api/tasks`)).tasks;
    const order = (await apiJson<{ task_order: string[] }>(`${gui.url}/api/jobs/${jobId}/task-order`)).task_order;
    expect(order.map((id) => tasks.find((t) => t.id === id)?.name)).toEqual(['Update deps', 'Review PRs']);
  });

  it('sets a cron schedule, previews its next five fire times before and after saving', async () => {
    await taskItem('Review PRs').click();
    const editor = page.getByRole('form', { name: 'Task editor' });
    await editor.getByRole('radio', { name: 'Interval' }).click();
    await editor.getByRole('radio', { name: 'Cron' }).click();
    await editor.getByLabel('Cron expression').fill('15 9 * * 1-5');
    const fires = editor.getByRole('list', { name: 'Next fire times' }).getByRole('listitem');
    await waitUntil(async () => (await fires.count()) === 5);
    for (const text of await fires.allTextContents())
      expect(text).toMatch(/(Mon|Tue|Wed|Thu|Fri) \d{4}-\d\d-\d\d 09:15/);
    await editor.getByLabel('Cron expression').fill('15 9 * * 1-9');
    await editor.getByRole('list', { name: 'Next fire times' }).waitFor({ state: 'detached' });
    expect(await editor.getByLabel('Cron expression').getAttribute('aria-invalid')).toBe('true');
    await editor.getByLabel('Cron expression').fill('15 9 * * 1-5');
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.getByText('from the scheduler').waitFor();
    expect(await fires.count()).toBe(5);
    await page
      .locator('[data-panel="task_list"] li', { hasText: 'Review PRs' })
      .getByText('Cron: 15 9 * * 1-5')
      .waitFor();
    const saved = await apiJson<{ fire_times: { local: string }[] }>(
      `${gui.url}/api/tasks/${await taskId('Review PRs')}/schedule/preview?count=5`,
    );
    expect(saved.fire_times).toHaveLength(5);
    expect(saved.fire_times.every((f) => f.local.endsWith('09:15:00'))).toBe(true);
  });

  async function taskId(name: string): Promise<string> {
    const { tasks } = await apiJson<{ tasks: { id: string; name: string }[] }>(`${gui.url}/api/tasks`);
    return tasks.find((t) => t.name === name)!.id;
  }

  it('runs the job: Live streams the output, then every run ends with its cost and tokens', async () => {
    await page.getByRole('button', { name: /^Job Nightly/ }).click();
    await page.getByRole('button', { name: 'Run job Nightly' }).click();
    const firstRun = page.getByRole('button', { name: 'Run of Update deps, running' });
    await firstRun.click();
    await page.getByRole('heading', { name: 'Live: Update deps' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Live' }).getAttribute('aria-selected')).toBe('true');
    // Lines arrive while the run is still going.
    await page.locator('#log-view .log-line', { hasText: 'Claude:' }).first().waitFor();
    const { runs: during } = await apiJson<{ runs: { task_name: string; status: string }[] }>(
      `${gui.url}/api/runs?status=running`,
    );
    expect(during.map((r) => r.task_name)).toEqual(['Update deps']);
    await page.locator('#log-view .log-result', { hasText: 'Completed' }).waitFor({ timeout: 20_000 });

    // The job runs its tasks in the order set by drag and drop; both end in success.
    await page.getByRole('button', { name: 'Run of Review PRs, success' }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Run of Update deps, success' }).waitFor();
    const runs = page.locator('[data-panel="runs"] .run-item');
    expect(await runs.count()).toBe(2);
    for (const text of await runs.allTextContents()) {
      expect(text).toMatch(/\$0\.01/);
      expect(text).toMatch(/\d+ tokens/);
    }
    const { runs: stored } = await apiJson<{ runs: { task_name: string; start_time: string }[] }>(
      `${gui.url}/api/runs?job_id=${jobId}`,
    );
    const started = [...stored].sort((a, b) => a.start_time.localeCompare(b.start_time)).map((r) => r.task_name);
    expect(started).toEqual(['Update deps', 'Review PRs']);
    await page.getByRole('button', { name: 'Run of Review PRs, success' }).click();
    await page.getByRole('tab', { name: 'Output' }).click();
    await page.locator('#log-view', { hasText: '[Completed' }).waitFor();
    await page.getByRole('tab', { name: 'Raw' }).click();
    await page.locator('#log-view', { hasText: '"type":"result"' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Errors (0)' }).count()).toBe(1);
    await page.getByRole('button', { name: /^Job Nightly, completed/ }).waitFor();
  });

  it('edits a profile: secrets are masked once saved, references and source options are kept', async () => {
    await page.getByRole('button', { name: 'Profiles' }).click();
    const dialog = page.getByRole('dialog', { name: 'Profiles' });
    await dialog.getByLabel('Profile name').fill('Work');
    await dialog.getByRole('button', { name: '+ Add variable' }).click();
    await dialog.getByLabel('Variable 1 name', { exact: true }).fill('ANTHROPIC_API_KEY');
    const value = dialog.getByLabel('Variable 1 value', { exact: true });
    await value.fill('sk-ant-secret-value-123');
    expect(await value.getAttribute('type')).toBe('password');
    await dialog.getByRole('button', { name: '+ Add variable' }).click();
    await dialog.getByLabel('Variable 2 name', { exact: true }).fill('DB_PASSWORD');
    await dialog.getByLabel('Variable 2 source', { exact: true }).selectOption('aws_ssm');
    await dialog.getByLabel('Variable 2 value', { exact: true }).fill('/prod/db/password');
    await dialog.getByLabel('AWS region', { exact: true }).fill('eu-west-1');
    await dialog.getByRole('button', { name: 'Create profile' }).click();
    await dialog.getByRole('button', { name: 'Save profile' }).waitFor();

    await waitUntil(
      async () => (await dialog.getByLabel('Variable 1 value', { exact: true }).inputValue()) === 'sk-a****',
    );
    expect(await dialog.getByLabel('Variable 1 value', { exact: true }).getAttribute('type')).toBe('text');
    await dialog.getByText('Stored secret, shown masked. Type to replace it.').waitFor();
    expect(await dialog.getByLabel('Variable 2 value', { exact: true }).inputValue()).toBe('/prod/db/password');
    const { profiles } = await apiJson<{
      profiles: { name: string; env_vars: { name: string; value: string; config: unknown }[] }[];
    }>(`${gui.url}/api/profiles`);
    const work = profiles.find((p) => p.name === 'Work')!;
    expect(work.env_vars).toEqual([
      expect.objectContaining({ name: 'ANTHROPIC_API_KEY', value: 'sk-a****' }),
      expect.objectContaining({ name: 'DB_PASSWORD', value: '/prod/db/password', config: { region: 'eu-west-1' } }),
    ]);
    expect(JSON.stringify(profiles)).not.toContain('secret-value');

    // Saving again without touching the secret keeps it (the mask is never stored as the value).
    await dialog.getByLabel('Description').fill('Work account');
    await dialog.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('button', { name: /Work\s+2 variable/ }).waitFor();
    await waitUntil(async () => {
      const body = await apiJson<{ profiles: { description: string }[] }>(`${gui.url}/api/profiles`);
      return body.profiles.some((p) => p.description === 'Work account');
    });
    const stored = fs.readFileSync(path.join(dir, 'data', 'profiles.json'), 'utf8');
    expect(stored).toContain('sk-ant-secret-value-123');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('deletes a task and a job only after a confirmation that says what goes with them', async () => {
    await page.locator('[data-panel="task_list"] li', { hasText: 'Update deps' }).hover();
    await page.getByRole('button', { name: 'Delete task Update deps' }).click();
    let confirm = page.getByRole('dialog', { name: 'Delete task' });
    expect(await confirm.textContent()).toMatch(/Delete Update deps and its 1 run with their logs\?/);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await taskItem('Update deps').count()).toBe(1);

    await taskItem('Update deps').click();
    await page.keyboard.press('Delete');
    confirm = page.getByRole('dialog', { name: 'Delete task' });
    await confirm.getByRole('button', { name: 'Delete task' }).click();
    await taskItem('Update deps').waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Delete job Nightly' }).click();
    confirm = page.getByRole('dialog', { name: 'Delete job' });
    expect(await confirm.textContent()).toMatch(/Delete Nightly with its 1 task and 1 run\?/);
    await confirm.getByRole('button', { name: 'Delete job' }).click();
    await page.getByRole('button', { name: /^Job Nightly/ }).waitFor({ state: 'detached' });
    expect((await apiJson<{ tasks: unknown[] }>(`${gui.url}/api/tasks`)).tasks).toEqual([]);
  });
});
