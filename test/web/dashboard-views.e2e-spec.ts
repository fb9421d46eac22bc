import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { GuiProcess, fakeClaudeDir, fakeClaudeEnv, makeTempDir, removeTempDir, startGui } from '@ccs/testing';
import { Browser, SCREENSHOT_DIR, apiJson, launchBrowser, openDashboard } from './browser';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The dashboard's looks and its connection: screenshots of the main view in both themes, the `/api/ui` endpoints,
 * the keyboard shortcuts, and a reconnect after the server restarts.
 */
describe('dashboard in a browser: themes, screenshots, shortcuts, reconnect', () => {
  let dir: string;
  let dataDir: string;
  let gui: GuiProcess;
  let browser: Browser;
  let page: Page;
  const env = () => ({ PATH: `${fakeClaudeDir()}:${process.env['PATH'] ?? ''}`, ...fakeClaudeEnv({ delayMs: 20 }) });

  beforeAll(async () => {
    dir = makeTempDir('ccs-web-views-');
    dataDir = path.join(dir, 'data');
    gui = await startGui({ dataDir, env: env() });
    // A realistic screen: a job with three tasks of different kinds, one run finished.
    const { job } = await apiJson<{ job: { id: string } }>(`${gui.url}/api/jobs`, 'POST', {
      name: 'Nightly maintenance',
      description: 'Review pull requests, update dependencies, write the summary',
      working_directory: { path: dir },
    });
    const tasks = [
      {
        name: 'Review open PRs',
        prompt: 'Review the open pull requests',
        schedule: { schedule_type: 'interval', interval_type: 'cron', interval_cron: '0 9 * * 1-5' },
      },
      {
        name: 'Update dependencies',
        prompt: 'Update the dependencies',
        model: 'opus',
        schedule: { schedule_type: 'sequential' },
      },
      {
        name: 'Weekly summary',
        prompt: 'Summarise the week',
        schedule: {
          schedule_type: 'calendar',
          calendar_frequency: 'weekly',
          calendar_time: '17:30',
          calendar_days_of_week: [4],
        },
      },
    ];
    const ids: string[] = [];
    for (const t of tasks)
      ids.push(
        (await apiJson<{ task: { id: string } }>(`${gui.url}/api/tasks`, 'POST', { ...t, job_id: job.id })).task.id,
      );
    await apiJson(`${gui.url}/api/tasks/${ids[0]}/run`, 'POST');
    await waitUntil(
      async () =>
        (await apiJson<{ runs: { status: string }[] }>(`${gui.url}/api/runs?status=success`)).runs.length === 1,
    );
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

  it('saves screenshots of the main view in the light and the dark theme', async () => {
    await page.getByRole('button', { name: /^Job Nightly maintenance/ }).click();
    await page.getByRole('button', { name: 'Task Review open PRs', exact: true }).click();
    await page.getByRole('button', { name: 'Run of Review open PRs, success' }).click();
    await page.locator('#log-view', { hasText: '[Completed' }).waitFor();
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const shots: Record<string, Buffer> = {};
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const file = path.join(SCREENSHOT_DIR, `dashboard-${scheme}.png`);
      shots[scheme] = await page.screenshot({ path: file });
      expect(fs.statSync(file).size).toBeGreaterThan(20_000);
      // The theme follows the system: the page background really changes.
      const bg = await page.evaluate('getComputedStyle(document.body).backgroundColor');
      expect(bg).toBe(scheme === 'light' ? 'rgb(244, 245, 247)' : 'rgb(17, 19, 23)');
    }
    expect(shots['light'].equals(shots['dark'])).toBe(false);
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('switches the theme by hand and keeps the choice in the settings', async () => {
    const toggle = page.getByRole('button', { name: /^Theme: system/ });
    await toggle.click(); // system → light
    await page.getByRole('button', { name: /^Theme: light/ }).click(); // light → dark
    await page.getByRole('button', { name: /^Theme: dark/ }).waitFor();
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(17, 19, 23)');
    await waitUntil(
      async () => (await apiJson<{ settings: { theme: string } }>(`${gui.url}/api/settings`)).settings.theme === 'dark',
    );
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'dashboard-dark-by-hand.png') });
    await page.getByRole('button', { name: /^Theme: dark/ }).click(); // dark → system
    await page.getByRole('button', { name: /^Theme: system/ }).waitFor();
  });

  it('answers /api/ui with the layout and renders PNG screenshots of the dashboard and of one panel', async () => {
    const ui = await apiJson<{ panels: string[]; screenshots: { available: boolean } }>(`${gui.url}/api/ui`);
    expect(ui.panels).toEqual(['jobs', 'task_list', 'task_editor', 'runs', 'logs', 'window', 'all']);
    expect(ui.screenshots.available).toBe(true);
    const all = await fetch(`${gui.url}/api/ui/screenshot/all`);
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await all.arrayBuffer());
    expect(png.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
    expect(png.readUInt32BE(16)).toBe(1450); // IHDR width
    fs.writeFileSync(path.join(SCREENSHOT_DIR, 'api-ui-screenshot-all.png'), png);
    const jobs = Buffer.from(await (await fetch(`${gui.url}/api/ui/screenshot/jobs?theme=dark`)).arrayBuffer());
    expect(jobs.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
    expect(jobs.readUInt32BE(16)).toBeLessThan(400);
    expect((await fetch(`${gui.url}/api/ui/screenshot/sidebar`)).status).toBe(400);
    const analysis = await apiJson<{ grid: string[]; overlaps: unknown[]; panels: { panel: string; rect: unknown }[] }>(
      `${gui.url}/api/ui/analysis`,
    );
    expect(analysis.grid).toHaveLength(20);
    expect(analysis.grid.every((row) => row.length === 80)).toBe(true);
    expect(analysis.grid.join('')).toMatch(/J+.*T+.*E+.*R+/);
    expect(analysis.overlaps).toEqual([]);
    expect(analysis.panels.every((p) => p.rect !== null)).toBe(true);
  }, 60_000);

  it('follows its keyboard shortcuts (single keys the browser does not own)', async () => {
    await page.getByRole('button', { name: 'Task Weekly summary', exact: true }).click();
    await page.keyboard.press('d');
    await page.getByRole('button', { name: 'Task Weekly summary (Copy)', exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Edit task' }).waitFor();
    await page.getByRole('button', { name: 'Task Weekly summary', exact: true }).click();
    await page.keyboard.press('r');
    await page
      .getByRole('button', { name: /^Run of Weekly summary/ })
      .first()
      .waitFor();
    await page.keyboard.press(',');
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.getByLabel('Runs at the same time').fill('0');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    // The API refuses 0; the message appears in the dialog, at the field.
    await settings.locator('[aria-invalid="true"]').waitFor();
    expect(await settings.getByRole('alert').first().textContent()).toMatch(/Could not save the settings/);
    await settings.getByLabel('Runs at the same time').fill('4');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await settings.waitFor({ state: 'detached' });
    expect(
      (await apiJson<{ settings: { max_concurrent_tasks: number } }>(`${gui.url}/api/settings`)).settings
        .max_concurrent_tasks,
    ).toBe(4);
    await page.keyboard.press('Shift+N');
    await page.getByRole('dialog', { name: 'New job' }).getByRole('button', { name: 'Cancel' }).click();
    await page.keyboard.press('n');
    await page.getByRole('heading', { name: 'New task' }).waitFor();
    // Keyboard focus is visible.
    await page.getByLabel('Name', { exact: true }).focus();
    await page.keyboard.press('Tab');
    // Inputs show focus as a ring (box-shadow), other controls as an outline.
    const ring = await page.evaluate<[string, string]>(
      '(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.boxShadow]; })()',
    );
    expect(ring[0] !== 'none' || ring[1] !== 'none').toBe(true);
  });

  it('reconnects after the server restarts and shows what changed meanwhile', async () => {
    const port = gui.port;
    await page.getByRole('status', { name: 'Connection: live' }).waitFor();
    // A crash-like stop (SIGKILL): the page must notice, keep retrying and recover on its own.
    await gui.kill();
    await page.getByRole('status', { name: 'Connection: reconnecting' }).waitFor();
    gui = await startGui({ dataDir, env: env(), args: ['--restport', String(port)] });
    expect(gui.port).toBe(port);
    // Made while the page was disconnected from this new server's event stream: it must appear anyway.
    await apiJson(`${gui.url}/api/tasks`, 'POST', { name: 'Made after the restart', prompt: 'hello' });
    await page.getByRole('status', { name: 'Connection: live' }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'All tasks' }).click();
    await page.getByRole('button', { name: 'Task Made after the restart', exact: true }).waitFor();
    // And live events flow again on the new connection.
    await apiJson(`${gui.url}/api/tasks`, 'POST', { name: 'Made while connected', prompt: 'hello' });
    await page.getByRole('button', { name: 'Task Made while connected', exact: true }).waitFor();
  }, 60_000);
});
