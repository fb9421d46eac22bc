import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { GuiProcess, makeTempDir, removeTempDir, startGui } from '@ccs/testing';
import { Browser, SCREENSHOT_DIR, axeViolations, launchBrowser } from './browser';
import { Seeded, seedDataDir } from './seed-data';

/** `CCS_UPDATE_SCREENSHOTS=1` (make screenshots) also writes the pictures the README shows. */
const DOCS_SHOTS = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');
const UPDATE_DOCS = process.env['CCS_UPDATE_SCREENSHOTS'] === '1';

/**
 * Every view and dialog of the dashboard in a theme: axe-core finds no critical or serious violation.
 * Screenshots of each view (docs/screenshots with CCS_UPDATE_SCREENSHOTS=1).
 */
/** The suite for one theme (one file per theme keeps each file short). */
export function describeAccessibility(scheme: 'light' | 'dark'): void {
  describe(`dashboard in a browser: accessibility in the ${scheme} theme, screenshots`, () => {
    let dir: string;
    let gui: GuiProcess;
    let browser: Browser;
    let page: Page;
    let seeded: Seeded;

    beforeAll(async () => {
      dir = makeTempDir('ccs-web-a11y-');
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
    const expectAccessible = async (where: string, scope?: string): Promise<void> => {
      const found = await axeViolations(page, scope);
      expect({ where, violations: found }).toEqual({ where, violations: [] });
    };
    const task0 = () => seeded.taskIds[0];
    const run0 = () => seeded.firstTaskRunIds[0];

    it(`has no critical or serious axe violation on any view (${scheme} theme)`, async () => {
      await page.setViewportSize({ width: 1450, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });

      await open(`?task=${task0()}&run=${run0()}`);
      await page.getByRole('heading', { name: `Logs: ${seeded.taskNames[0]}` }).waitFor();
      await page.locator('#log-view').waitFor();
      await expectAccessible(`tasks view, ${scheme}`);
      await shoot(`tasks-${scheme}`);

      await page.keyboard.press('n');
      await page.getByRole('heading', { name: 'New task' }).waitFor();
      await expectAccessible(`new task, ${scheme}`);

      await open(`?view=history&status=failed`);
      await page.locator('.history-table tbody tr[data-run-id]').first().waitFor();
      await expectAccessible(`history, ${scheme}`);
      await shoot(`history-${scheme}`);

      await open('?view=overview');
      await page.getByRole('heading', { name: 'Busiest tasks' }).waitFor();
      // The charts are drawn from the seeded history: hundreds of runs, most of them successful.
      expect(Number(await page.locator('.card', { hasText: 'Runs' }).locator('dd').textContent())).toBeGreaterThan(300);
      expect(await page.getByRole('img', { name: /^Runs per day over the last 14 days: \d+ succeeded/ }).count()).toBe(
        1,
      );
      await expectAccessible(`overview, ${scheme}`);
      await shoot(`overview-${scheme}`);
    }, 60_000);

    it(`has no critical or serious axe violation in any dialog (${scheme} theme)`, async () => {
      await page.setViewportSize({ width: 1450, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await open(`?task=${task0()}`);
      const dialogs: [string, () => Promise<void>][] = [
        ['New job', () => page.getByRole('button', { name: '+ New job' }).click()],
        ['Profiles', () => page.getByRole('button', { name: 'Profiles', exact: true }).click()],
        ['Settings', () => page.getByRole('button', { name: 'Settings', exact: true }).click()],
        ['Keyboard shortcuts', () => page.getByRole('button', { name: 'Keyboard shortcuts' }).click()],
        [
          `Occurrences: ${seeded.taskNames[0]}`,
          async () => {
            await page.getByRole('button', { name: `Task ${seeded.taskNames[0]}`, exact: true }).hover();
            await page.getByRole('button', { name: `Occurrences of task ${seeded.taskNames[0]}` }).click();
          },
        ],
        ['Delete task', () => page.getByRole('button', { name: `Delete task ${seeded.taskNames[0]}` }).click()],
      ];
      for (const [title, opener] of dialogs) {
        await opener();
        const dialog = page.getByRole('dialog', { name: title });
        await dialog.waitFor();
        await expectAccessible(`dialog ${title}, ${scheme}`, 'dialog[open]');
        if (title === 'Settings') await shoot(`settings-${scheme}`);
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached' });
      }
    }, 60_000);
  });
}
