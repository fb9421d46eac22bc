/**
 * Tests with real separate processes: what SIGKILL leaves behind, and two processes on one data directory.
 * Children run libs/storage/test-support/store-child.ts through a tiny swc require hook (no build needed).
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REGISTER, STORE_CHILD, tempDirs } from '../test-support/temp-dirs';
import { isAtomicTempFile } from './atomic-write';
import { LOCK_FILE, readLockHolder } from './data-dir.lock';
import { DATA_FILES, openDataStore } from './json-file.store';
import { DataDirLockedError } from './storage.errors';

const dirs = tempDirs();
const children = new Set<ChildProcess>();
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.clear();
  dirs.cleanup();
});

interface Child {
  proc: ChildProcess;
  lines: string[];
  /** Resolves with the first line matching `re` (waits for it). */
  waitFor(re: RegExp): Promise<string>;
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startChild(mode: 'burst' | 'hold' | 'open', dataDir: string, onLine?: (line: string) => void): Child {
  const proc = spawn(process.execPath, ['--require', REGISTER, STORE_CHILD, mode, dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  let buf = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      lines.push(line);
      onLine?.(line);
      for (const w of waiters.filter((x) => x.re.test(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  proc.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    proc,
    lines,
    closed,
    waitFor: (re) => {
      const hit = lines.find((l) => re.test(l));
      if (hit) return Promise.resolve(hit);
      return new Promise<string>((resolve, reject) => {
        waiters.push({ re, resolve });
        void closed.then(() => reject(new Error(`child exited before printing ${re}; stderr: ${stderr}`)));
      });
    },
  };
}

describe('crash safety (SIGKILL mid-burst)', () => {
  it('keeps every acknowledged put and leaves every file parseable, over 10 kills', async () => {
    const dataDir = dirs.make();
    const acked = { tasks: new Set<string>(), runs: new Set<string>(), jobs: new Set<string>() };
    // Kill after different numbers of acknowledgements, so the kill lands at different points of a write.
    const killAfter = [1, 4, 9, 16, 25, 33, 47, 60, 75, 90];
    for (const n of killAfter) {
      let seen = 0;
      const child = startChild('burst', dataDir, (line) => {
        const m = /^ack (tasks|runs|jobs) (\S+)$/.exec(line);
        if (!m) return;
        acked[m[1] as keyof typeof acked].add(m[2]);
        if (++seen === n) child.proc.kill('SIGKILL');
      });
      const { signal } = await child.closed;
      expect(signal).toBe('SIGKILL');
      expect(seen).toBeGreaterThanOrEqual(n);

      // Every file parses (openDataStore would throw CorruptDataError otherwise) and holds every acked id.
      for (const name of Object.values(DATA_FILES)) {
        expect((): unknown => JSON.parse(fs.readFileSync(path.join(dataDir, name), 'utf8'))).not.toThrow();
      }
      const ro = await openDataStore({ dataDir, readOnly: true });
      for (const [file, ids] of Object.entries(acked)) {
        const present = new Set(ro[file as keyof typeof acked].list().map((x) => x.id));
        const missing = [...ids].filter((id) => !present.has(id));
        expect({ file, missing }).toEqual({ file, missing: [] });
      }
      await ro.close();
    }
    expect(acked.tasks.size + acked.runs.size + acked.jobs.size).toBeGreaterThanOrEqual(
      killAfter.reduce((a, b) => a + b),
    );

    // The killed writer left its lock (and maybe a temp file): a new writer takes over and cleans up.
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(true);
    const store = await openDataStore({ dataDir });
    expect(store.tasks.count()).toBeGreaterThanOrEqual(acked.tasks.size);
    await store.close();
    expect(fs.readdirSync(dataDir).filter(isAtomicTempFile)).toEqual([]);
  });
});

describe('two processes on one data directory', () => {
  it('the second writer fails fast with a message naming the first one’s pid; a stale lock is taken over', async () => {
    const dataDir = dirs.make();
    const holder = startChild('hold', dataDir);
    const ready = await holder.waitFor(/^ready \d+$/);
    const holderPid = Number(ready.split(' ')[1]);
    expect(holderPid).toBe(holder.proc.pid);
    expect((await readLockHolder(dataDir))?.pid).toBe(holderPid);

    // A second process (a real one) is refused and exits on its own.
    const second = startChild('open', dataDir);
    const { code } = await second.closed;
    expect(code).toBe(3);
    expect(second.lines.join('\n')).toContain(
      `error DATA_DIR_LOCKED Data directory ${dataDir} is in use by another claude-code-scheduler process (pid ${holderPid}). Stop it or use --data-dir.`,
    );

    // This test process is a third one: refused too, with the typed error.
    const err = await openDataStore({ dataDir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect((err as DataDirLockedError).holder.pid).toBe(holderPid);

    // Readers are welcome while the writer runs.
    const ro = await openDataStore({ dataDir, readOnly: true });
    await ro.close();

    // Once the holder dies without cleaning up, its lock is stale and the next writer takes over.
    holder.proc.kill('SIGKILL');
    await holder.closed;
    expect((await readLockHolder(dataDir))?.pid).toBe(holderPid);
    const third = startChild('open', dataDir);
    expect((await third.closed).code).toBe(0);
    expect(third.lines).toContain('opened');
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  });
});
