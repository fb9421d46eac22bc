import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { GuiProcess, makeTempDir, removeTempDir, startGui } from '@ccs/testing';
import { Browser, launchBrowser } from './browser';
import { Seeded, seedDataDir } from './seed-data';

const TASKS = 1000;
const RUNS = 5000;
const FIRST_TASK_RUNS = 300;

/**
 * The dashboard at scale (issue #19): 1,000 tasks and 5,000 runs (plus one task with 300), measured in the browser.
 * Budgets on a quiet machine: data ready ≤ 1.5 s, task selection ≤ 100 ms, typing ≤ 50 ms per key. The assertions
 * allow several times that (the test machine is shared and slow); the numbers are printed for the record.
 */
describe('dashboard in a browser at 1,000 tasks and 5,000 runs', () => {
  let dir: string;
  let gui: GuiProcess;
  let browser: Browser;
  let page: Page;
  let seeded: Seeded;
  const numbers: Record<string, number | string> = {};

  beforeAll(async () => {
    dir = makeTempDir('ccs-web-scale-');
    const dataDir = path.join(dir, 'data');
    seeded = seedDataDir(dataDir, { jobs: 50, tasks: TASKS, runs: RUNS, firstTaskRuns: FIRST_TASK_RUNS });
    gui = await startGui({ dataDir });
    browser = await launchBrowser();
    page = browser.page;
    // A first visit warms the server's caches and the browser's; the measured visit is the second.
    await page.goto(`${gui.url}/`);
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
  }, 60_000);

  afterAll(async () => {
    console.log(`dashboard at ${TASKS} tasks / ${RUNS + FIRST_TASK_RUNS} runs: ${JSON.stringify(numbers)}`);
    await browser?.close();
    await gui?.stop();
    removeTempDir(dir);
  });

  afterEach(() => {
    expect(browser.errors).toEqual([]);
  });

  it('has its data ready quickly and renders only the rows on screen', async () => {
    await page.goto(`${gui.url}/`);
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
    const readyMs = await page.evaluate<number>(`performance.getEntriesByName('ccs-data-ready')[0].startTime`);
    const elements = await page.evaluate<number>('document.querySelectorAll("*").length');
    numbers['data_ready_ms'] = Math.round(readyMs);
    numbers['elements'] = elements;
    expect(await page.locator('ul[aria-label="Tasks"] > li').count()).toBeLessThan(60);
    expect(elements).toBeLessThan(3000);
    expect(readyMs).toBeLessThan(6000);
  });

  it('selects a task within the budget', async () => {
    const times: number[] = [];
    for (const name of seeded.taskNames.slice(1, 7)) {
      // Click in the page and wait until the editor shows the task, painted (the next frame).
      const ms = await page.evaluate<number>(`(async (taskName) => {
        const button = [...document.querySelectorAll('ul[aria-label="Tasks"] [data-primary]')].find(
          (b) => b.getAttribute('aria-label') === 'Task ' + taskName,
        );
        if (!button) throw new Error('task ' + taskName + ' is not on screen');
        const start = performance.now();
        button.click();
        await new Promise((resolve) => {
          const check = () => {
            const input = document.querySelector('[data-panel="task_editor"] [data-new-focus]');
            if (input && input.value === taskName) resolve();
            else requestAnimationFrame(check);
          };
          check();
        });
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
        return performance.now() - start;
      })(${JSON.stringify(name)})`);
      times.push(ms);
      // Let the selection's own follow-ups (its runs arriving) settle before the next one is measured.
      await page.waitForTimeout(500);
    }
    times.sort((a, b) => a - b);
    numbers['select_task_ms_median'] = Math.round(times[Math.floor(times.length / 2)]);
    numbers['select_task_ms_max'] = Math.round(times[times.length - 1]);
    expect(times[Math.floor(times.length / 2)]).toBeLessThan(400);
  });

  /** The longest keyboard event (key press to the next paint, the browser's Event Timing) while typing `text`. */
  async function typingLatency(selector: string, text: string): Promise<number> {
    await page.evaluate(`(() => {
      window.__keyDurations = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (/^key|^input|^beforeinput/.test(e.name)) window.__keyDurations.push(e.duration);
      }).observe({ type: 'event', durationThreshold: 16, buffered: false });
    })()`);
    await page.locator(selector).click();
    await page.keyboard.type(text);
    // Event Timing entries arrive after the frame that ends them.
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => setTimeout(r, 100)))');
    const durations = await page.evaluate<number[]>('window.__keyDurations');
    // Below 16 ms the browser reports nothing: that is within any budget.
    return durations.length ? Math.max(...durations) : 16;
  }

  it('keeps typing fast in the task filter and in the editor', async () => {
    const filterMs = await typingLatency('[data-shortcut="filter-tasks"]', 'review pull requests');
    expect(await page.locator('ul[aria-label="Tasks"] > li').count()).toBeGreaterThan(0);
    await page.locator('[data-shortcut="filter-tasks"]').fill('');
    const editorMs = await typingLatency('[data-panel="task_editor"] [data-new-focus]', ' and more words');
    numbers['typing_filter_max_ms'] = Math.round(filterMs);
    numbers['typing_editor_max_ms'] = Math.round(editorMs);
    expect(filterMs).toBeLessThan(250);
    expect(editorMs).toBeLessThan(250);
    await page.getByRole('button', { name: 'Revert' }).click();
  });

  it('reaches run 250 of a task’s 300 by scrolling its run list', async () => {
    await page.goto(`${gui.url}/?task=${seeded.taskIds[0]}`);
    await page.locator('body[data-ready="true"]').waitFor();
    const target = seeded.firstTaskRunIds[249];
    const row = page.locator(`ul[aria-label="Runs"] li[data-run-id="${target}"]`);
    const list = page.locator('[data-panel="runs"] .list-scroll');
    await list.hover();
    let wheels = 0;
    while ((await row.count()) === 0 && wheels < 300) {
      await page.mouse.wheel(0, 800);
      await page.waitForTimeout(30);
      wheels++;
    }
    numbers['wheel_steps_to_run_250'] = wheels;
    expect(await row.count()).toBe(1);
    await row.locator('[data-primary]').click();
    // The address bar names the run (a deep link to it).
    await page.waitForURL((u) => u.searchParams.get('run') === target);
    await page.getByRole('heading', { name: `Logs: ${seeded.taskNames[0]}` }).waitFor();
    // Everything older was loaded page by page, in order: the list holds exactly the task's runs, newest first.
    const ids = await page.evaluate<string[]>(
      `[...document.querySelectorAll('ul[aria-label="Runs"] li[data-run-id]')].map((li) => li.dataset.runId)`,
    );
    const at = seeded.firstTaskRunIds.indexOf(ids[0]);
    expect(seeded.firstTaskRunIds.slice(at, at + ids.length)).toEqual(ids);
  }, 60_000);
});
