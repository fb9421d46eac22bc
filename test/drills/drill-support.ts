import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { GuiProcess, fakeClaudeDir, fakeClaudeEnv, startGui } from '@ccs/testing';

/** Helpers shared by the fault drills (test/drills): raw HTTP against the real gui binary, data-dir checks. */

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: () => any;
}

/** One HTTP request; the caller controls every header and the exact body bytes. Rejects on a socket error. */
export function rawRequest(
  port: number,
  method: string,
  urlPath: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer; agent?: http.Agent; timeoutMs?: number } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: urlPath, headers: opts.headers, agent: opts.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
        });
      },
    );
    req.setTimeout(opts.timeoutMs ?? 10_000, () =>
      req.destroy(new Error(`${method} ${urlPath}: no answer within ${opts.timeoutMs ?? 10_000} ms`)),
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** A JSON request (content-type set when there is a body). */
export function api(port: number, method: string, urlPath: string, body?: unknown): Promise<RawResponse> {
  return rawRequest(
    port,
    method,
    urlPath,
    body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
}

/** Environment for a gui that runs the fake claude (PATH) with the given behaviour. */
export function fakeClaudeGuiEnv(home: string, opts: Parameters<typeof fakeClaudeEnv>[0] = {}): Record<string, string> {
  return { PATH: `${fakeClaudeDir()}:${process.env['PATH'] ?? ''}`, HOME: home, ...fakeClaudeEnv(opts) };
}

export function startDrillGui(dataDir: string, env: Record<string, string>): Promise<GuiProcess> {
  return startGui({ dataDir, env, timeoutMs: 45_000 });
}

/** Every *.json file directly in the data directory, parsed (throws naming the file that does not parse). */
export function parseAllDataFiles(dataDir: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of fs.readdirSync(dataDir)) {
    if (!name.endsWith('.json')) continue;
    const text = fs.readFileSync(path.join(dataDir, name), 'utf8');
    try {
      out[name] = JSON.parse(text);
    } catch (err) {
      throw new Error(`${name} does not parse after the crash (${text.length} bytes): ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  return out;
}

export const TERMINAL = new Set(['success', 'failed', 'cancelled']);

/** Polls until `check` returns true (or throws after timeoutMs with `what`). */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface RunSummary {
  id: string;
  task_id: string;
  job_id: string | null;
  status: string;
  status_reason: string | null;
}

/** Every run, following the API's cursor pages. */
export async function listAllRuns(port: number, query = ''): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  let cursor: string | null = null;
  do {
    const page = await api(port, 'GET', `/api/runs?limit=500${query}${cursor ? `&cursor=${cursor}` : ''}`);
    if (page.status !== 200) throw new Error(`GET /api/runs answered ${page.status}: ${page.body}`);
    const body = page.json() as { runs: RunSummary[]; next_cursor: string | null };
    out.push(...body.runs);
    cursor = body.next_cursor;
  } while (cursor);
  return out;
}

/** Resident memory of a process, MB (Linux /proc). */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? NaN) / 1024;
}

/** Samples a process's RSS every 20 ms until stopped; `peak()` is the highest seen so far (MB). */
export function sampleRss(pid: number): { peak: () => number; stop: () => number } {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {
      // the process ended
    }
  }, 20);
  return {
    peak: () => peak,
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}
