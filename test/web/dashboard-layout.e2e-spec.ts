import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { GuiProcess, makeTempDir, removeTempDir, startGui } from '@ccs/testing';
import { Browser, SCREENSHOT_DIR, axeViolations, launchBrowser, scrollsSideways } from './browser';
import { Seeded, seedDataDir } from './seed-data';

/** `CCS_UPDATE_SCREENSHOTS=1` (make screenshots) also writes the pictures the README shows. */
const DOCS_SHOTS = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');
const UPDATE_DOCS = process.env['CCS_UPDATE_SCREENSHOTS'] === '1';

/**
 * Narrow windows: at 1,024 and 768 px the panes become two columns (the right one with tabs), the page never
 * scrolls sideways and nothing moves when a task or a run is selected. And the connection indicator when the server
 * says it is stopping.
 */
describe('dashboard in a browser: layout at 1,024 and 768 px, the stopped server', () => {
  let dir: string;
  let gui: GuiProcess;
  let browser: Browser;
  let page: Page;
  let seeded: Seeded;

  beforeAll(async () => {
    dir = makeTempDir('ccs-web-layout-');
    const dataDir = path.join(dir, 'data');
    seeded = seedDataDir(dataDir, { jobs: 4, tasks: 14, runs: 420, firstTaskRuns: 30 });
    gui = await startGui({ dataDir });
    browser = await launchBrowser();
    page = browser.page;
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    if (UPDATE_DOCS) fs.mkdirSync(DOCS_SHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gui?.stop();
    removeTempDir(dir);
  });

  afterEach(() => {
    expect(browser.errors).toEqual([]);
  });

  const open = async (query: string): Promise<void> => {
    await page.goto(`${gui.url}/${query}`);
    await page.locator('body[data-ready="true"]').waitFor();
  };
  const shoot = async (name: string): Promise<void> => {
    // The temp data directory in the status bar differs on every run: left out of the pictures.
    const png = await page.screenshot({
      path: path.join(SCREENSHOT_DIR, `${name}.png`),
      style: '.statusbar .data-dir { visibility: hidden; }',
    });
    if (UPDATE_DOCS) fs.writeFileSync(path.join(DOCS_SHOTS, `${name}.png`), png);
  };
  const expectAccessible = async (where: string): Promise<void> => {
    const found = await axeViolations(page);
    expect({ where, violations: found }).toEqual({ where, violations: [] });
  };

  for (const width of [1024, 768]) {
    it(`never scrolls sideways at ${width} px, and selecting moves nothing`, async () => {
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width, height: 800 });
      await open('');
      expect(await scrollsSideways(page)).toBe(false);
      const panes = () =>
        page.evaluate<string>(
          'JSON.stringify([...document.querySelectorAll("[data-panel], .pane-box")].map((e) => { const r = e.getBoundingClientRect(); return [r.x, r.width]; }))',
        );
      const before = await panes();
      await page.getByRole('button', { name: `Task ${seeded.taskNames[0]}`, exact: true }).click();
      await page.getByRole('heading', { name: 'Edit task' }).waitFor();
      expect(await scrollsSideways(page)).toBe(false);
      await page.getByRole('tab', { name: 'Runs and logs' }).click();
      await page
        .getByRole('button', { name: `Run of ${seeded.taskNames[0]}, success` })
        .first()
        .click();
      await page.locator('#log-view', { hasText: /\S/ }).waitFor();
      expect(await scrollsSideways(page)).toBe(false);
      await page.getByRole('tab', { name: 'Task editor' }).click();
      // The same boxes at the same places after a task and a run were selected.
      expect(await panes()).toBe(before);
      await expectAccessible(`tasks view at ${width} px`);
      await shoot(`tasks-${width}px`);
      for (const view of ['history', 'overview']) {
        await open(`?view=${view}`);
        await page.locator('.page-head h2').waitFor();
        expect(await scrollsSideways(page)).toBe(false);
      }
      await page.setViewportSize({ width: 1450, height: 900 });
    }, 60_000);
  }

  it('says "stopped" when the server announces that it is shutting down, and goes live again when it is back', async () => {
    // The server's last event before it closes the stream (sent on SIGTERM/SIGINT).
    await page.route('**/api/events*', (route) =>
      route.fulfill({
        status: 200,
        headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
        body: 'event: server.stopping\ndata: {}\n\n',
      }),
    );
    await open('');
    await page.getByRole('status', { name: 'Connection: stopped' }).waitFor();
    await page.getByText('The scheduler has stopped.').waitFor();
    // The stream ended: the browser retries, and the page keeps saying "stopped" rather than "reconnecting".
    await page.waitForTimeout(3500);
    expect(await page.getByRole('status', { name: 'Connection: stopped' }).count()).toBe(1);
    await page.unroute('**/api/events*');
    await page.getByRole('status', { name: 'Connection: live' }).waitFor({ timeout: 20_000 });
  }, 60_000);
});
