import * as path from 'node:path';
import { GuiProcess, makeTempDir, removeTempDir, startGui } from '@ccs/testing';
import { Browser, launchBrowser, openDashboard } from './browser';

const TOKEN = 'dashboard-token-0123456789';

/** A scheduler started with --api-token: the dashboard asks for the token once and then works, live updates too. */
describe('dashboard with an API token', () => {
  let dir: string;
  let gui: GuiProcess;
  let browser: Browser;

  beforeAll(async () => {
    dir = makeTempDir('ccs-web-token-');
    gui = await startGui({ dataDir: path.join(dir, 'data'), args: ['--api-token', TOKEN, '--mock-mode'] });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gui?.stop();
    removeTempDir(dir);
  });

  it('prompts for the token, then loads the data and receives live events', async () => {
    const asked: string[] = [];
    browser.page.on('dialog', (d) => {
      asked.push(d.message());
      void d.accept(TOKEN);
    });
    await openDashboard(browser.page, gui.url);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/API token/);
    // A job created through the API (with the token) reaches the page over the event stream.
    const res = await fetch(`${gui.url}/api/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ name: 'Created behind a token' }),
    });
    expect(res.status).toBe(201);
    await browser.page.getByText('Created behind a token').first().waitFor();
    expect(asked).toHaveLength(1);
    expect(browser.errors).toEqual([]);
  }, 60_000);
});
