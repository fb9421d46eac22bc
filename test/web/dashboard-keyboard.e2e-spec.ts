import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { GuiProcess, makeTempDir, removeTempDir, startGui } from '@ccs/testing';
import { Browser, apiJson, launchBrowser } from './browser';
import { Seeded, seedDataDir } from './seed-data';

/**
 * The keyboard reaches everything (skip link, one tab stop per list, arrow keys, focus into dialogs and back); the
 * checked-task actions (with a confirmation for delete) and the duplicate-name warning.
 */
describe('dashboard in a browser: keyboard use, bulk actions, duplicate names', () => {
  let dir: string;
  let gui: GuiProcess;
  let browser: Browser;
  let page: Page;
  let seeded: Seeded;

  beforeAll(async () => {
    dir = makeTempDir('ccs-web-keys-');
    const dataDir = path.join(dir, 'data');
    seeded = seedDataDir(dataDir, { jobs: 4, tasks: 14, runs: 420, firstTaskRuns: 30 });
    gui = await startGui({ dataDir });
    browser = await launchBrowser();
    page = browser.page;
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
  const task0 = () => seeded.taskIds[0];
  const run0 = () => seeded.firstTaskRunIds[0];
  it('can be used with the keyboard alone: skip link, one tab stop per list, arrow keys, focus into dialogs and back', async () => {
    await open('');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to the main content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');

    // A list is one tab stop, wherever its rows are; the arrow keys move inside it.
    const tabStops = await page.evaluate<number>(
      `document.querySelectorAll('ul[aria-label="Tasks"] :is(button, input, a, [tabindex]):not([tabindex="-1"])').length`,
    );
    expect(tabStops).toBe(1);
    const first = page.getByRole('button', { name: `Task ${seeded.taskNames[0]}`, exact: true });
    await first.focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate('document.activeElement.getAttribute("aria-label")')).toBe(
      `Task ${seeded.taskNames[1]}`,
    );
    await page.keyboard.press('End');
    await page.waitForFunction(
      `document.activeElement && document.activeElement.getAttribute('aria-label')?.startsWith('Task ')`,
    );
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Edit task' }).waitFor();
    // → reaches the row's own buttons (they are not tab stops).
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate('document.activeElement.getAttribute("aria-label")')).toMatch(/^(Run|Stop) task /);

    // Radios and tabs follow the arrow keys.
    const manual = page.getByRole('radio', { name: 'Manual' });
    await manual.focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('radio', { name: 'Startup' }).getAttribute('aria-checked')).toBe('true');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Startup');
    await page.getByRole('button', { name: 'Revert' }).click();

    // A dialog takes the focus to its first field and gives it back when it closes.
    const opener = page.getByRole('button', { name: '+ New job' });
    await opener.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New job' });
    await dialog.waitFor();
    expect(await page.evaluate('document.activeElement.closest("dialog") !== null')).toBe(true);
    expect(await page.evaluate('document.activeElement.tagName')).toBe('INPUT');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate('document.activeElement.textContent')).toBe('+ New job');

    // A new task form takes the focus too; single-key shortcuts do nothing while typing.
    await page.locator('main').focus();
    await page.keyboard.press('n');
    await page.getByRole('heading', { name: 'New task' }).waitFor();
    await page.waitForFunction(`document.activeElement?.getAttribute('data-new-focus') !== null`);
    await page.keyboard.type('nr');
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('nr');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();

    // Log views: one tab stop, arrows switch.
    await open(`?task=${task0()}&run=${run0()}`);
    await page.getByRole('tab', { name: 'Output' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Raw' }).getAttribute('aria-selected')).toBe('true');
  }, 60_000);

  it('acts on checked tasks at once, asks before deleting them, and warns about a duplicate name', async () => {
    await open('');
    const names = seeded.taskNames.slice(10, 13);
    for (const name of names) await page.getByRole('checkbox', { name: `Check task ${name}` }).check();
    const bar = page.getByRole('toolbar', { name: 'Checked tasks' });
    await bar.getByText('3 checked').waitFor();
    await bar.getByRole('button', { name: 'Disable' }).click();
    await page.getByText('Disabled 3 tasks.').waitFor();
    const tasks = async () =>
      (await apiJson<{ tasks: { id: string; name: string; enabled: boolean }[] }>(`${gui.url}/api/tasks`)).tasks;
    expect((await tasks()).filter((t) => names.includes(t.name)).map((t) => t.enabled)).toEqual([false, false, false]);

    for (const name of names.slice(0, 2)) await page.getByRole('checkbox', { name: `Check task ${name}` }).check();
    await page.getByRole('toolbar', { name: 'Checked tasks' }).getByRole('button', { name: 'Delete…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete tasks' });
    expect(await confirm.textContent()).toMatch(/Delete 2 tasks and their \d+ runs with the logs\?/);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect((await tasks()).filter((t) => names.includes(t.name))).toHaveLength(3);
    await page.getByRole('toolbar', { name: 'Checked tasks' }).getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('dialog', { name: 'Delete tasks' }).getByRole('button', { name: 'Delete 2 tasks' }).click();
    await page.getByText('Deleted 2 tasks.').waitFor();
    expect((await tasks()).filter((t) => names.includes(t.name)).map((t) => t.name)).toEqual([names[2]]);

    await page.keyboard.press('n');
    const name = page.getByLabel('Name', { exact: true });
    await name.fill(seeded.taskNames[0].toUpperCase());
    const describedBy = (await name.getAttribute('aria-describedby'))!;
    expect(await page.locator(`[id="${describedBy.split(' ')[0]}"]`).textContent()).toMatch(
      /Another task is already called/,
    );
    await name.fill('A name nobody has');
    await page.getByText(/Another task is already called/).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  }, 60_000);
});
