import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';

/** Debian's Chromium; `make test` installs it (`make chromium`). */
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', 'artifacts', 'screenshots');

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions of the page: a dashboard that throws fails the test. */
  errors: string[];
  close(): Promise<void>;
}

export function assertBrowserPrerequisites(): void {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: run \`make chromium\` (apt-get install -y chromium) before the browser tests`,
    );
  }
  const index = path.resolve(__dirname, '..', '..', 'web', 'out', 'index.html');
  if (!fs.existsSync(index)) throw new Error(`${index} is missing: run \`make web\` before the browser tests`);
}

/** A headless Chromium with a fresh profile, sized like the original window. */
export async function launchBrowser(): Promise<Browser> {
  assertBrowserPrerequisites();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ccs-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1450, height: 900 },
    colorScheme: 'light',
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // The browser logs failed requests (the expected 4xx of a validation test, the SSE stream while the server is
    // down) as console errors; those are not the dashboard's own errors.
    if (m.type() === 'error' && !/Failed to load resource|net::ERR_|EventSource/.test(m.text())) errors.push(m.text());
  });
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function openDashboard(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.locator('body[data-ready="true"]').waitFor();
}

/** JSON API calls from the test itself (Node's fetch; same-origin rules do not apply to it). */
export async function apiJson<T>(url: string, method = 'GET', body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  /** CSS targets and the failure summary of each offending element. */
  nodes: string[];
}

/**
 * Runs axe-core (injected into the page) over the whole document (or the elements of a CSS selector, e.g. an open
 * dialog) and returns the critical and serious violations (WCAG 2.x A/AA rules and axe's best practices).
 */
export async function axeViolations(page: Page, scope = 'document'): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) {
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  }
  const result = await page.evaluate<{
    violations: {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: unknown[]; failureSummary?: string }[];
    }[];
  }>(`window.axe.run(${scope === 'document' ? 'document' : JSON.stringify(scope)}, { resultTypes: ['violations'] })`);
  return result.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${JSON.stringify(n.target)}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`),
    }));
}

/** True when the page scrolls sideways (the document is wider than the window). */
export async function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate<boolean>(
    'document.documentElement.scrollWidth > document.documentElement.clientWidth || document.body.scrollWidth > document.documentElement.clientWidth',
  );
}
