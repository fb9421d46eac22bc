import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChildProcessRunner } from './child-process.runner';
import { OutputLine, ProcessResult, SpawnError, truncationMarker } from './process-runner.port';

const NODE = process.execPath;
const FIX = path.join(__dirname, '__fixtures__');
const ENV = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };

/** Alive = signalable and not a zombie (this machine's PID 1 does not reap orphans, so zombies linger). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

function text(result: ProcessResult, stream: 'stdout' | 'stderr'): string[] {
  return result.output.filter((l) => l.stream === stream).map((l) => l.line);
}

describe('ChildProcessRunner', () => {
  let tmp: string;
  const runner = new ChildProcessRunner({ drainMs: 500 });

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ccs-proc-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads both streams line by line and keeps the real exit code', async () => {
    const seen: OutputLine[] = [];
    const p = await runner.spawn(
      [
        NODE,
        '-e',
        "console.log('a'); console.error('err 1'); process.stdout.write('b\\r\\nno-newline'); process.exit(7)",
      ],
      { cwd: tmp, env: ENV, onLine: (l) => seen.push(l) },
    );
    const r = await p.done;
    expect(r.exitCode).toBe(7);
    expect(r.signal).toBeNull();
    expect(r.timedOut).toBe(false);
    expect(r.stopped).toBeNull();
    expect(text(r, 'stdout')).toEqual(['a', 'b', 'no-newline']);
    expect(text(r, 'stderr')).toEqual(['err 1']);
    expect(seen.map((l) => l.line).sort()).toEqual(['a', 'b', 'err 1', 'no-newline']);
    expect(seen.every((l) => typeof l.ts === 'number')).toBe(true);
    expect(r.lineCounts).toEqual({ stdout: 3, stderr: 1 });
  });

  it('passes argv without a shell: nothing is expanded', async () => {
    const p = await runner.spawn(
      [NODE, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', '$(id)', '*', '$HOME', 'a b'],
      {
        cwd: tmp,
        env: ENV,
      },
    );
    const r = await p.done;
    expect(JSON.parse(text(r, 'stdout')[0] ?? 'null')).toEqual(['$(id)', '*', '$HOME', 'a b']);
  });

  it('uses exactly the given env and cwd', async () => {
    const p = await runner.spawn(
      [
        NODE,
        '-e',
        'console.log(process.cwd()); console.log(process.env.ONLY_THIS + ":" + (process.env.HOME ?? "none"))',
      ],
      {
        cwd: tmp,
        env: { ...ENV, ONLY_THIS: 'yes' },
      },
    );
    const r = await p.done;
    expect(text(r, 'stdout')).toEqual([fs.realpathSync(tmp), 'yes:none']);
  });

  it('does not deadlock on 10 MB of stderr before any stdout, and both streams are complete', async () => {
    let stderrLines = 0;
    let lastStderr = '';
    const stdout: string[] = [];
    const p = await runner.spawn([NODE, path.join(FIX, 'stderr-flood.js'), '10', '200'], {
      cwd: tmp,
      env: ENV,
      maxOutputBytes: 32 * 1024 * 1024,
      onLine: (l) => {
        if (l.stream === 'stderr') {
          stderrLines += 1;
          lastStderr = l.line;
        } else stdout.push(l.line);
      },
    });
    const r = await p.done;
    expect(r.exitCode).toBe(0);
    expect(r.truncated).toBe(false);
    expect(stderrLines).toBe(10 * 1024);
    expect(lastStderr).toBe('last-stderr-line');
    expect(r.lineCounts).toEqual({ stdout: 200, stderr: 10 * 1024 });
    expect(r.byteCounts.stderr).toBe((10 * 1024 - 1) * 1024 + 'last-stderr-line\n'.length);
    expect(stdout).toEqual(Array.from({ length: 200 }, (_, i) => `out ${i}`));
    expect(text(r, 'stdout')).toEqual(stdout);
  });

  it('caps retained output with a marker but still counts and streams every line', async () => {
    const streamed: string[] = [];
    const p = await runner.spawn(
      [NODE, '-e', 'for (let i = 0; i < 100; i++) console.log("line-" + String(i).padStart(3, "0"))'],
      {
        cwd: tmp,
        env: ENV,
        maxOutputBytes: 100, // each line is 9 bytes incl. newline → 11 lines fit
        onLine: (l) => streamed.push(l.line),
      },
    );
    const r = await p.done;
    expect(r.truncated).toBe(true);
    expect(r.output).toHaveLength(12);
    expect(r.output.slice(0, 11).map((l) => l.line)).toEqual(
      Array.from({ length: 11 }, (_, i) => `line-${String(i).padStart(3, '0')}`),
    );
    expect(r.output[11]?.line).toBe(truncationMarker(100));
    expect(truncationMarker(100)).toBe('[… output truncated after 100 bytes …]');
    expect(r.lineCounts.stdout).toBe(100);
    expect(streamed).toHaveLength(100);
    expect(r.byteCounts.stdout).toBe(900);
  });

  it('times out: timedOut with the real signal when the child dies of SIGTERM', async () => {
    const p = await runner.spawn([NODE, '-e', 'setInterval(() => {}, 1000)'], {
      cwd: tmp,
      env: ENV,
      timeoutMs: 300,
      graceMs: 2000,
    });
    const r = await p.done;
    expect(r.timedOut).toBe(true);
    expect(r.stopped).toBeNull();
    expect(r.signal).toBe('SIGTERM');
    expect(r.exitCode).toBeNull();
  });

  it('times out: keeps the real exit code of a child that handles SIGTERM', async () => {
    const p = await runner.spawn([NODE, path.join(FIX, 'term-exits-3.js')], {
      cwd: tmp,
      env: ENV,
      timeoutMs: 500,
      graceMs: 2000,
    });
    const r = await p.done;
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBe(3);
    expect(r.signal).toBeNull();
    expect(text(r, 'stdout')).toEqual(['ready']);
  });

  it('stop(): SIGTERM, grace, then SIGKILL of the whole group, grandchild included; idempotent', async () => {
    let grandchild = 0;
    let resolveGc: () => void = () => undefined;
    const gcUp = new Promise<void>((resolve) => (resolveGc = resolve));
    const graceMs = 800;
    const p = await runner.spawn([NODE, path.join(FIX, 'ignore-term-with-grandchild.js')], {
      cwd: tmp,
      env: ENV,
      graceMs,
      onLine: (l) => {
        const m = /^grandchild (\d+)$/.exec(l.line);
        if (m) {
          grandchild = Number(m[1]);
          resolveGc();
        }
      },
    });
    await gcUp;
    expect(alive(p.pid)).toBe(true);
    expect(alive(grandchild)).toBe(true);

    const t0 = Date.now();
    const first = p.stop('stopped by test', 'user');
    const second = p.stop('another reason', 'timeout');
    expect(second).toBe(first);
    const r = await first;
    // Both must be gone within grace + 1 s of the stop request.
    const deadline = t0 + graceMs + 1000;
    while ((alive(p.pid) || alive(grandchild)) && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 20));
    expect(alive(p.pid)).toBe(false);
    expect(alive(grandchild)).toBe(false);
    expect(r.signal).toBe('SIGKILL');
    expect(r.exitCode).toBeNull();
    expect(r.stopped).toEqual({ by: 'user', reason: 'stopped by test' });
    expect(r.timedOut).toBe(false);
    expect(text(r, 'stdout')).toContain('child got SIGTERM, ignoring');
    expect(await p.stop('again')).toBe(r);
  });

  it('stop() uses the runner default grace when the spawn options give none', async () => {
    const quick = new ChildProcessRunner({ defaultGraceMs: 500, drainMs: 500 });
    let grandchild = 0;
    let resolveGc: () => void = () => undefined;
    const gcUp = new Promise<void>((resolve) => (resolveGc = resolve));
    const p = await quick.spawn([NODE, path.join(FIX, 'ignore-term-with-grandchild.js')], {
      cwd: tmp,
      env: ENV,
      onLine: (l) => {
        const m = /^grandchild (\d+)$/.exec(l.line);
        if (m) {
          grandchild = Number(m[1]);
          resolveGc();
        }
      },
    });
    await gcUp;
    const t0 = Date.now();
    const r = await p.stop('user pressed stop');
    while ((alive(p.pid) || alive(grandchild)) && Date.now() - t0 < 1500)
      await new Promise((res) => setTimeout(res, 20));
    expect(alive(p.pid)).toBe(false);
    expect(alive(grandchild)).toBe(false);
    expect(r.signal).toBe('SIGKILL');
  });

  it('stop() after the child already exited records nothing', async () => {
    const p = await runner.spawn([NODE, '-e', 'process.exit(4)'], { cwd: tmp, env: ENV });
    const done = await p.done;
    const r = await p.stop('too late');
    expect(r).toBe(done);
    expect(r.stopped).toBeNull();
    expect(r.exitCode).toBe(4);
  });

  it('finishes when the child exits but a leftover holds its pipes, and ends that leftover', async () => {
    let holder = 0;
    const p = await runner.spawn([NODE, path.join(FIX, 'leaves-pipe-holder.js')], {
      cwd: tmp,
      env: ENV,
      onLine: (l) => {
        const m = /^holder (\d+)$/.exec(l.line);
        if (m) holder = Number(m[1]);
      },
    });
    const r = await p.done;
    expect(r.exitCode).toBe(0);
    expect(holder).toBeGreaterThan(0);
    const t0 = Date.now();
    while (alive(holder) && Date.now() - t0 < 2000) await new Promise((res) => setTimeout(res, 20));
    expect(alive(holder)).toBe(false);
  });

  it('lines() yields every line in order and ends with the process', async () => {
    const p = await runner.spawn([NODE, '-e', 'for (let i = 0; i < 500; i++) console.log(i)'], { cwd: tmp, env: ENV });
    const got: string[] = [];
    for await (const l of p.lines()) got.push(l.line);
    expect(got).toEqual(Array.from({ length: 500 }, (_, i) => String(i)));
    const r = await p.done;
    expect(r.exitCode).toBe(0);
    const late: OutputLine[] = [];
    for await (const l of p.lines()) late.push(l);
    expect(late).toEqual([]);
  });

  it('rejects with SpawnError ENOENT for a missing executable, naming it', async () => {
    const err = await runner
      .spawn(['definitely-not-a-program-xyz', '--help'], { cwd: tmp, env: ENV })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpawnError);
    expect((err as SpawnError).errno).toBe('ENOENT');
    expect((err as SpawnError).message).toBe(
      'cannot start "definitely-not-a-program-xyz": executable not found on PATH (ENOENT)',
    );
  });

  it('rejects with SpawnError EACCES for a file that is not executable', async () => {
    const file = path.join(tmp, 'not-exec.sh');
    fs.writeFileSync(file, '#!/bin/sh\necho hi\n', { mode: 0o644 });
    const err = await runner.spawn([file], { cwd: tmp, env: ENV }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpawnError);
    expect((err as SpawnError).errno).toBe('EACCES');
    expect((err as SpawnError).message).toContain('permission denied');
  });

  it('rejects with a clear SpawnError when the working directory is missing', async () => {
    const missing = path.join(tmp, 'nope');
    const err = await runner.spawn([NODE, '-e', '0'], { cwd: missing, env: ENV }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpawnError);
    expect((err as SpawnError).message).toBe(`cannot start "${NODE}": working directory "${missing}" does not exist`);
  });

  it('looks the executable up on the PATH of the given env', async () => {
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'hello-ccs'), '#!/bin/sh\necho "hello $1"\n', { mode: 0o755 });
    const p = await runner.spawn(['hello-ccs', 'world'], { cwd: tmp, env: { PATH: `${bin}:${ENV.PATH}` } });
    const r = await p.done;
    expect(text(r, 'stdout')).toEqual(['hello world']);
  });
  describe('with the fake claude CLI (libs/testing/fake-claude)', () => {
    const FAKE = path.join(__dirname, '..', '..', '..', '..', 'libs', 'testing', 'fake-claude', 'claude');
    const argv = [FAKE, '-p', '--verbose', '--output-format', 'stream-json', '--', 'hello'];

    it('ignore-sigterm: stop() ends claude and its grandchild', async () => {
      let grandchild = 0;
      let resolveGc: () => void = () => undefined;
      const gcUp = new Promise<void>((resolve) => (resolveGc = resolve));
      const p = await runner.spawn(argv, {
        cwd: tmp,
        env: { ...ENV, FAKE_CLAUDE_MODE: 'ignore-sigterm' },
        graceMs: 500,
        onLine: (l) => {
          const m = /grandchild pid (\d+)/.exec(l.line);
          if (m) {
            grandchild = Number(m[1]);
            resolveGc();
          }
        },
      });
      await gcUp;
      const t0 = Date.now();
      const r = await p.stop('test stop', 'user');
      while ((alive(p.pid) || alive(grandchild)) && Date.now() - t0 < 1500)
        await new Promise((res) => setTimeout(res, 20));
      expect(alive(p.pid)).toBe(false);
      expect(alive(grandchild)).toBe(false);
      expect(r.signal).toBe('SIGKILL');
      expect(r.stopped).toEqual({ by: 'user', reason: 'test stop' });
    });

    it('flood-stderr: all stream-json stdout arrives after 10 MB of stderr', async () => {
      const stdout: string[] = [];
      const p = await runner.spawn(argv, {
        cwd: tmp,
        env: { ...ENV, FAKE_CLAUDE_MODE: 'flood-stderr' },
        maxOutputBytes: 64 * 1024,
        onLine: (l) => {
          if (l.stream === 'stdout') stdout.push(l.line);
        },
      });
      const r = await p.done;
      expect(r.exitCode).toBe(0);
      expect(r.byteCounts.stderr).toBeGreaterThanOrEqual(10 * 1024 * 1024);
      expect(r.truncated).toBe(true);
      expect(r.lineCounts.stdout).toBe(stdout.length);
      expect((JSON.parse(stdout[0] ?? '{}') as { type?: string }).type).toBe('system');
      expect((JSON.parse(stdout[stdout.length - 1] ?? '{}') as { type?: string }).type).toBe('result');
    });
  });
});
