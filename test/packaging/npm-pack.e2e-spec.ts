import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertBuilt, makeTempDir, removeTempDir } from '@ccs/testing';
import { launchBrowser, openDashboard } from '../web/browser';

const ROOT = path.resolve(__dirname, '..', '..');

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Starts the installed command's `gui` and resolves with its URL and a way to stop it. */
async function startInstalledGui(
  bin: string,
  dataDir: string,
  env: NodeJS.ProcessEnv,
): Promise<{ url: string; stderr: () => string; stop: () => Promise<void> }> {
  const proc = spawn(bin, ['gui', '--restport', '0', '--no-open', '--data-dir', dataDir], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gui did not start.\n${out}\n${err}`)), 30_000);
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then(() => reject(new Error(`gui exited before listening.\n${out}\n${err}`)));
  });
  return {
    url,
    stderr: () => err,
    stop: async () => {
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Installed the way the README says, it has its dashboard (issue #19): `npm pack` makes a package that carries the
 * built dashboard, `npm install -g` puts it into a fresh prefix with its production dependencies only, and the
 * installed `gui` serves a dashboard that loads in a browser. Without the dashboard files it says so at start-up and
 * in its 503 answers. (The install unpacks the production dependencies from npm's cache, so this file is slow.)
 */
describe('the packed, globally installed product', () => {
  let dir: string;
  let pkg: string;
  let bin: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    assertBuilt();
    if (!fs.existsSync(path.join(ROOT, 'web', 'out', 'index.html'))) {
      throw new Error('web/out/index.html is missing: run `make build` (it builds the dashboard) first');
    }
    dir = makeTempDir('ccs-pack-');
    // The files are built already (make test builds first): pack them as they are.
    const tarball = run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], ROOT).trim();
    const prefix = path.join(dir, 'prefix');
    run(
      'npm',
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        path.join(dir, tarball.split('\n').pop()!),
      ],
      dir,
    );
    pkg = path.join(prefix, 'lib', 'node_modules', 'claude-code-scheduler');
    bin = path.join(prefix, 'bin', 'claude-code-scheduler');
    env = {
      PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
      HOME: path.join(dir, 'home'),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  }, 300_000);

  afterAll(() => removeTempDir(dir));

  it('ships the dashboard and no development dependencies', () => {
    expect(fs.existsSync(path.join(pkg, 'web', 'out', 'index.html'))).toBe(true);
    expect(fs.existsSync(path.join(pkg, 'dist', 'apps', 'cli', 'src', 'main.js'))).toBe(true);
    for (const dev of ['jest', 'typescript', 'playwright-core', 'next', 'axe-core']) {
      expect({ dev, installed: fs.existsSync(path.join(pkg, 'node_modules', dev)) }).toEqual({ dev, installed: false });
    }
    expect(run(bin, ['--version'], dir, env).trim()).toMatch(/\d+\.\d+\.\d+/);
  });

  it('serves the dashboard from the installed package, and it loads in a browser', async () => {
    const gui = await startInstalledGui(bin, path.join(dir, 'data'), env);
    const browser = await launchBrowser();
    try {
      const res = await fetch(`${gui.url}/`);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(await res.text()).toMatch(/<html/);
      await openDashboard(browser.page, gui.url);
      await browser.page.getByRole('heading', { name: 'Claude Code Scheduler' }).waitFor();
      expect(browser.errors).toEqual([]);
      expect(gui.stderr()).not.toMatch(/dashboard is not built/);
    } finally {
      await browser.close();
      await gui.stop();
    }
  }, 60_000);

  it('says so at start-up and in its 503 answers when the dashboard files are missing', async () => {
    fs.rmSync(path.join(pkg, 'web', 'out'), { recursive: true, force: true });
    const gui = await startInstalledGui(bin, path.join(dir, 'data-2'), env);
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(gui.stderr()).toMatch(/web dashboard is not built/);
      const index = (await (await fetch(`${gui.url}/`)).json()) as { dashboard: unknown; dashboard_hint: string };
      expect(index.dashboard).toBeNull();
      expect(index.dashboard_hint).toMatch(/make build/);
      const shot = await fetch(`${gui.url}/api/ui/screenshot/all`);
      expect(shot.status).toBe(503);
      const body = (await shot.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(body.error.message).toMatch(/web dashboard is not built/);
    } finally {
      await gui.stop();
    }
  }, 60_000);
});
