import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CliResult, assertBuilt, runCli } from './cli-runner';
import { GuiServer, cli, startGui } from './cli-client.fixture';

/**
 * Exit codes of the `cli` client: 2 for a bad command line (before any request), 3 when nothing answers at the API
 * URL, 1 when the API refuses (404, 400 with field details, 401 without the token it requires).
 */

const TOKEN = 'cli-e2e-token-6d1f0b2a9c';

let gui: GuiServer;
let deadUrl: string;
let r: Record<string, CliResult>;

async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  assertBuilt();
  gui = await startGui({ baseEnv: process.env, args: ['--api-token', TOKEN] });
  deadUrl = `http://127.0.0.1:${await closedPort()}`;
  const dead = { url: deadUrl, home: gui.home, baseEnv: gui.baseEnv };
  const calls: Record<string, () => Promise<CliResult>> = {
    unreachable: () => cli(dead, ['jobs', 'list']),
    // No --api-url: the URL comes from the environment.
    unreachableEnv: () =>
      runCli(['cli', 'health'], { home: gui.home, baseEnv: gui.baseEnv, env: { CLAUDE_SCHEDULER_API_URL: deadUrl } }),
    badNumber: () => cli(dead, ['tasks', 'create', '--name', 'x', '--prompt', 'y', '--timeout', 'abc']),
    badDays: () => cli(dead, ['tasks', 'create', '--name', 'x', '--prompt', 'y', '--days', 'funday']),
    badChoice: () => cli(dead, ['tasks', 'list', '--output', 'xml']),
    badPermission: () => cli(dead, ['tasks', 'update', 'x', '--permissions', 'bypass,plan']),
    badUrl: () => cli({ ...dead, url: 'localhost:5679' }, ['health']),
    noPrompt: () => cli(dead, ['tasks', 'create', '--name', 'x']),
    importFlags: () => cli(dead, ['jobs', 'import', '-i', 'x.json', '--force', '--new-ids']),
    noToken: () => cli(gui, ['health']),
    envToken: () => cli(gui, ['health'], { CLAUDE_SCHEDULER_API_TOKEN: TOKEN }),
    notFound: () => cli(gui, ['--api-token', TOKEN, 'tasks', 'get', '00000000']),
    badRequest: () =>
      cli(gui, ['--api-token', TOKEN, 'tasks', 'create', '--name', 'x', '--prompt', 'y', '--cron', '99 * * * *']),
  };
  r = {};
  const keys = Object.keys(calls);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const k = keys[next++];
      r[k] = await calls[k]();
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}, 120_000);

afterAll(async () => {
  await gui?.stop();
});

describe('exit 2: the command line is wrong (nothing is sent)', () => {
  it.each([
    ['badNumber', /option '--timeout <seconds>' argument 'abc' is invalid\. expected a whole number from 1 to 604800/],
    ['badDays', /unknown day "funday"/],
    ['badChoice', /argument 'xml' is invalid\. Allowed choices are json, table/],
    ['badPermission', /argument 'bypass,plan' is invalid\. Allowed choices are default, bypass/],
    ['badUrl', /option '--api-url <url>' argument 'localhost:5679' is invalid/],
    ['noPrompt', /tasks create needs --name <name> and --prompt <text>/],
    ['importFlags', /--force \(overwrite\) and --new-ids \(copy\) exclude each other/],
  ])('%s', (key, message) => {
    expect(r[key].stderr).toMatch(message);
    expect(r[key].code).toBe(2);
    expect(r[key].stdout).toBe('');
  });
});

describe('exit 3: nothing answers at the API URL', () => {
  it('names the URL it tried and what to do', () => {
    expect(r.unreachable.code).toBe(3);
    expect(r.unreachable.stderr).toContain(
      `Error: cannot connect to the scheduler API: GET ${deadUrl}/api/jobs: connection refused (ECONNREFUSED)`,
    );
    expect(r.unreachable.stderr).toContain('--api-url or CLAUDE_SCHEDULER_API_URL');
    expect(r.unreachable.stdout).toBe('');
    expect(r.unreachableEnv.code).toBe(3);
    expect(r.unreachableEnv.stderr).toContain(`GET ${deadUrl}/api/health`);
  });
});

describe('exit 1: the API refused', () => {
  it('401 without the token the server requires, with the way to give it; the env token works', () => {
    expect(r.noToken.code).toBe(1);
    expect(r.noToken.stderr).toMatch(
      /^Error: .*\n {2}hint: pass --api-token <token> or set CLAUDE_SCHEDULER_API_TOKEN\n$/,
    );
    expect(r.envToken.code).toBe(0);
    expect(JSON.parse(r.envToken.stdout)).toMatchObject({ status: 'ok', mode: 'gui' });
  });

  it('404 for an unknown id', () => {
    expect(r.notFound.code).toBe(1);
    expect(r.notFound.stderr).toBe('Error: No task matches "00000000"\n');
  });

  it('400 with the field that is wrong', () => {
    expect(r.badRequest.code).toBe(1);
    expect(r.badRequest.stderr).toMatch(/^Error: .*interval_cron/);
    expect(r.badRequest.stdout).toBe('');
  });
});
