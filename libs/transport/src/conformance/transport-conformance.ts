import { randomUUID } from 'node:crypto';
import { DEFAULT_SETTINGS, ValidationError, newRun, normalizeTask } from '@ccs/core';
import { LogCapPolicy, capStartMarker } from '../log-cap.policy';
import { CommandEnvelope, EventEnvelope, ExecutionSettings, makeEnvelope } from '../messages';
import type { CommandBus, CommandSource, EventBus, EventSource, LogKind, LogSlice, LogStore } from '../ports';

/**
 * One conformance suite for the transport ports (CommandBus/CommandSource, EventBus/EventSource, LogStore). Each
 * adapter family (in-memory, AWS over the loopback harness) runs it through its own spec file; whatever passes
 * here behaves the same for the coordinator and the node.
 */
export interface TransportUnderTest {
  commandBus: CommandBus;
  /** A command source for one more node (each test starts its own nodes). */
  createCommandSource(): CommandSource;
  eventBus: EventBus;
  createEventSource(): EventSource;
  /** Bodies of the messages dead-lettered so far. */
  deadLetters(): Promise<string[]>;
  /** Upper bound for a message to reach a free consumer (long poll included). */
  deliveryMs: number;
  /** Upper bound for a message whose handler threw to come back. */
  redeliveryMs: number;
  logs: LogStore;
  /**
   * A second LogStore over the same storage, as another process (the coordinator reading a node's logs) sees it;
   * with `cap`, one that caps logs by that policy.
   */
  openLogStore(cap?: LogCapPolicy): LogStore;
  /** Drains what the adapter keeps in the background (the S3 spool upload); no-op where nothing is. */
  settleLogs?(store: LogStore): Promise<void>;
  close(): Promise<void>;
}

export type TransportFactory = () => Promise<TransportUnderTest>;

const SETTINGS: ExecutionSettings = {
  mock_mode: DEFAULT_SETTINGS.mock_mode,
  unmask_env_vars: DEFAULT_SETTINGS.unmask_env_vars,
  claude_cli_path: DEFAULT_SETTINGS.claude_cli_path,
  default_timeout_seconds: DEFAULT_SETTINGS.default_timeout_seconds,
  stop_grace_seconds: DEFAULT_SETTINGS.stop_grace_seconds,
  max_output_bytes: DEFAULT_SETTINGS.max_output_bytes,
  max_log_bytes: DEFAULT_SETTINGS.max_log_bytes,
  mock_duration_ms: DEFAULT_SETTINGS.mock_duration_ms,
  default_working_directory: DEFAULT_SETTINGS.default_working_directory,
};

export function executeRun(): CommandEnvelope {
  const task = normalizeTask({ name: 'conformance', prompt: 'hi' });
  const run = newRun({ task_id: task.id, task_name: task.name });
  return makeEnvelope(
    'ExecuteRun',
    { run, task, job: null, task_profile: null, job_profile: null, settings: SETTINGS },
    { runId: run.id },
  );
}

export function stopRun(runId: string, nodeId: string): CommandEnvelope {
  return makeEnvelope('StopRun', { run_id: runId, reason: 'test', by: 'user' }, { runId, nodeId });
}

function taskOutput(runId: string, seq: number): EventEnvelope {
  return makeEnvelope(
    'TaskOutput',
    { run_id: runId, seq, lines: [{ stream: 'stdout', line: `line ${seq}` }] },
    { runId },
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `predicate` (sync or async) until it holds; fails naming `what` after `timeoutMs`. */
async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  opts: { timeoutMs: number; what: string },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}`);
    await sleep(20);
  }
}

/** A handler that holds each message until released (the run "executes" meanwhile). */
class Holds {
  private readonly releases: (() => void)[] = [];
  active = 0;
  maxActive = 0;

  hold(): Promise<void> {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    return new Promise<void>((resolve) => this.releases.push(resolve)).finally(() => this.active--);
  }

  releaseAll(): void {
    for (const r of this.releases.splice(0)) r();
  }
}

export function describeTransportConformance(name: string, factory: TransportFactory): void {
  describe(`transport conformance: ${name}`, () => {
    let t: TransportUnderTest;
    let holds: Holds;
    const sources: { stop(): Promise<void> }[] = [];

    const startNode = async (
      nodeId: string,
      handler: (c: CommandEnvelope) => Promise<void>,
      concurrency = 1,
    ): Promise<CommandSource> => {
      const source = t.createCommandSource();
      sources.push(source);
      await source.start(nodeId, handler, { concurrency });
      return source;
    };

    beforeEach(async () => {
      t = await factory();
      holds = new Holds();
    });

    afterEach(async () => {
      holds.releaseAll();
      for (const s of sources.splice(0)) await s.stop();
      await t.close();
    });

    describe('commands', () => {
      it('delivers each ExecuteRun to exactly one of two nodes', async () => {
        const seen: Record<string, string[]> = { a: [], b: [] };
        for (const node of ['a', 'b']) {
          await startNode(
            node,
            (c) => {
              seen[node].push(c.id);
              return Promise.resolve();
            },
            2,
          );
        }
        const sent = Array.from({ length: 6 }, executeRun);
        for (const c of sent) await t.commandBus.send(c);
        const all = () => [...seen['a'], ...seen['b']];
        await waitFor(() => all().length >= sent.length, { timeoutMs: t.deliveryMs * 4, what: 'all deliveries' });
        // A duplicate would show up within another delivery cycle.
        await sleep(t.deliveryMs);
        expect(all().sort()).toEqual(sent.map((c) => c.id).sort());
        expect(new Set(all()).size).toBe(sent.length);
      });

      it('delivers again after a handler failure (at-least-once), and not after success', async () => {
        const calls: string[] = [];
        await startNode('a', (c) => {
          calls.push(c.id);
          return calls.length === 1 ? Promise.reject(new Error('first attempt fails')) : Promise.resolve();
        });
        const cmd = executeRun();
        await t.commandBus.send(cmd);
        await waitFor(() => calls.length >= 2, { timeoutMs: t.deliveryMs + t.redeliveryMs * 2, what: 'redelivery' });
        await sleep(t.redeliveryMs);
        expect(calls).toEqual([cmd.id, cmd.id]);
      });

      it('never runs more than `concurrency` ExecuteRun handlers at once on a node', async () => {
        const seen: string[] = [];
        await startNode(
          'a',
          (c) => {
            seen.push(c.id);
            return holds.hold();
          },
          2,
        );
        const sent = Array.from({ length: 5 }, executeRun);
        for (const c of sent) await t.commandBus.send(c);
        await waitFor(() => holds.active === 2, { timeoutMs: t.deliveryMs * 3, what: 'two runs in flight' });
        // Held past the redelivery time (on SQS: past the visibility timeout, so the lease must be extended).
        await sleep(t.redeliveryMs);
        expect(holds.active).toBe(2);
        expect(seen).toHaveLength(2);
        await waitFor(
          () => {
            holds.releaseAll();
            return seen.length === sent.length && holds.active === 0;
          },
          { timeoutMs: t.deliveryMs * 8, what: 'all runs' },
        );
        expect(holds.maxActive).toBe(2);
        expect(seen.sort()).toEqual(sent.map((c) => c.id).sort());
      });

      it('delivers a targeted StopRun to its node only, even while that node is at capacity', async () => {
        const got: Record<string, CommandEnvelope[]> = { a: [], b: [] };
        for (const node of ['a', 'b']) {
          await startNode(node, (c) => {
            got[node].push(c);
            return c.type === 'ExecuteRun' ? holds.hold() : Promise.resolve();
          });
        }
        // Fill both nodes' only slot.
        await t.commandBus.send(executeRun());
        await t.commandBus.send(executeRun());
        await waitFor(() => holds.active === 2, { timeoutMs: t.deliveryMs * 4, what: 'both nodes busy' });
        const held = got['b'].find((c) => c.type === 'ExecuteRun')!;
        const stop = stopRun(held.runId!, 'b');
        await t.commandBus.send(stop);
        await waitFor(() => got['b'].some((c) => c.id === stop.id), {
          timeoutMs: t.deliveryMs * 3,
          what: 'StopRun at b',
        });
        await sleep(t.deliveryMs);
        expect(got['a'].filter((c) => c.type === 'StopRun')).toEqual([]);
        expect(got['b'].filter((c) => c.type === 'StopRun').map((c) => c.id)).toEqual([stop.id]);
        expect(got['b'].find((c) => c.id === stop.id)).toMatchObject({
          type: 'StopRun',
          nodeId: 'b',
          payload: { run_id: held.runId },
        });
      });

      it('delivers a StopRun without nodeId (a run no node has claimed yet) to every node', async () => {
        const got: Record<string, string[]> = { a: [], b: [] };
        for (const node of ['a', 'b']) {
          await startNode(node, (c) => {
            got[node].push(c.id);
            return Promise.resolve();
          });
        }
        const stop = makeEnvelope('StopRun', { run_id: randomUUID(), reason: 'test', by: 'user' }, {});
        await t.commandBus.send(stop);
        await waitFor(() => got['a'].includes(stop.id) && got['b'].includes(stop.id), {
          timeoutMs: t.deliveryMs * 3,
          what: 'the StopRun at both nodes',
        });
        await sleep(t.deliveryMs);
        expect(got).toEqual({ a: [stop.id], b: [stop.id] });
      });

      it('dead-letters an invalid command without delivering it or stopping consumption', async () => {
        const seen: string[] = [];
        await startNode('a', (c) => {
          seen.push(c.id);
          return Promise.resolve();
        });
        const bad = { v: 99, type: 'ExecuteRun', id: randomUUID(), ts: new Date().toISOString(), payload: {} };
        await t.commandBus.send(bad as unknown as CommandEnvelope);
        const good = executeRun();
        await t.commandBus.send(good);
        await waitFor(() => seen.includes(good.id), { timeoutMs: t.deliveryMs * 4, what: 'the valid command' });
        let dead: string[] = [];
        await waitFor(
          async () => {
            dead = dead.concat(await t.deadLetters());
            return dead.some((b) => b.includes(bad.id));
          },
          { timeoutMs: t.deliveryMs * 4, what: 'the dead letter' },
        );
        expect(seen).toEqual([good.id]);
        // Still consuming afterwards.
        const later = executeRun();
        await t.commandBus.send(later);
        await waitFor(() => seen.includes(later.id), { timeoutMs: t.deliveryMs * 4, what: 'a later command' });
      });

      it('stop() waits for in-flight handlers, is idempotent, and a stopped node gets no more work', async () => {
        const seenA: string[] = [];
        const a = await startNode('a', (c) => {
          seenA.push(c.id);
          return holds.hold();
        });
        await t.commandBus.send(executeRun());
        await waitFor(() => holds.active === 1, { timeoutMs: t.deliveryMs * 3, what: 'a run in flight' });
        let stopped = 0;
        const first = a.stop().then(() => stopped++);
        const second = a.stop().then(() => stopped++);
        await sleep(Math.min(1000, t.deliveryMs));
        expect(stopped).toBe(0);
        holds.releaseAll();
        await Promise.all([first, second]);
        expect(stopped).toBe(2);
        await a.stop();

        const seenB: string[] = [];
        await startNode('b', (c) => {
          seenB.push(c.id);
          return Promise.resolve();
        });
        const next = executeRun();
        await t.commandBus.send(next);
        await waitFor(() => seenB.includes(next.id), { timeoutMs: t.deliveryMs * 4, what: 'delivery to b' });
        expect(seenA).toHaveLength(1);
      });

      it('stop() before start() resolves', async () => {
        await expect(t.createCommandSource().stop()).resolves.toBeUndefined();
      });
    });

    describe('events', () => {
      it('delivers published events to the event source, validated', async () => {
        const got: EventEnvelope[] = [];
        const source = t.createEventSource();
        sources.push(source);
        await source.start((e) => {
          got.push(e);
          return Promise.resolve();
        });
        const runId = randomUUID();
        const sent = [1, 2, 3].map((seq) => taskOutput(runId, seq));
        for (const e of sent) await t.eventBus.publish(e);
        await waitFor(() => got.length >= 3, { timeoutMs: t.deliveryMs * 4, what: 'three events' });
        expect(got.map((e) => e.id).sort()).toEqual(sent.map((e) => e.id).sort());
        expect(got.find((e) => e.id === sent[0].id)).toEqual(sent[0]);
      });

      it('redelivers an event whose handler failed and dead-letters an invalid one', async () => {
        const calls: string[] = [];
        const source = t.createEventSource();
        sources.push(source);
        await source.start((e) => {
          calls.push(e.id);
          return calls.filter((id) => id === e.id).length === 1 ? Promise.reject(new Error('busy')) : Promise.resolve();
        });
        const bad = { v: 1, type: 'NoSuchEvent', id: randomUUID(), ts: new Date().toISOString(), payload: {} };
        await t.eventBus.publish(bad as unknown as EventEnvelope);
        const good = taskOutput(randomUUID(), 1);
        await t.eventBus.publish(good);
        await waitFor(() => calls.filter((id) => id === good.id).length >= 2, {
          timeoutMs: t.deliveryMs * 2 + t.redeliveryMs * 2,
          what: 'event redelivery',
        });
        let dead: string[] = [];
        await waitFor(
          async () => {
            dead = dead.concat(await t.deadLetters());
            return dead.some((b) => b.includes(bad.id));
          },
          { timeoutMs: t.deliveryMs * 4, what: 'the dead event' },
        );
        expect(calls).not.toContain(bad.id);
      });

      it('stop() is idempotent and nothing is delivered after it resolved', async () => {
        const got: string[] = [];
        const source = t.createEventSource();
        await source.start((e) => {
          got.push(e.id);
          return Promise.resolve();
        });
        const first = taskOutput(randomUUID(), 1);
        await t.eventBus.publish(first);
        await waitFor(() => got.includes(first.id), { timeoutMs: t.deliveryMs * 4, what: 'first event' });
        await Promise.all([source.stop(), source.stop()]);
        await source.stop();
        await t.eventBus.publish(taskOutput(randomUUID(), 2));
        await sleep(t.deliveryMs);
        expect(got).toEqual([first.id]);
      });
    });

    describe('log store', () => {
      const settle = async (s: LogStore) => {
        if (t.settleLogs) await t.settleLogs(s);
      };

      it('appends and reads lines per kind; a missing log reads as null', async () => {
        const runId = randomUUID();
        expect(await t.logs.read(runId)).toBeNull();
        await t.logs.append(runId, ['one', 'two']);
        await t.logs.append(runId, ['three']);
        await t.logs.append(runId, ['{"type":"system"}'], 'jsonl');
        expect(await t.logs.read(runId)).toBe('one\ntwo\nthree\n');
        expect(await t.logs.read(runId, 'log')).toBe('one\ntwo\nthree\n');
        expect(await t.logs.read(runId, 'jsonl')).toBe('{"type":"system"}\n');
        await t.logs.append(runId, []);
        expect(await t.logs.read(runId)).toBe('one\ntwo\nthree\n');
      });

      it('reads from a byte offset (tailing); at or past the end reads as empty', async () => {
        const runId = randomUUID();
        await t.logs.append(runId, ['héllo', 'world']);
        const whole = 'héllo\nworld\n';
        const bytes = Buffer.byteLength(whole);
        expect(await t.logs.read(runId, 'log', Buffer.byteLength('héllo\n'))).toBe('world\n');
        expect(await t.logs.read(runId, 'log', bytes)).toBe('');
        expect(await t.logs.read(runId, 'log', bytes + 10)).toBe('');
      });

      it('after finalize another process reads the whole log, from an offset too', async () => {
        const runId = randomUUID();
        await t.logs.append(runId, ['a', 'b']);
        await t.logs.append(runId, ['{"x":1}'], 'jsonl');
        await t.logs.finalize(runId);
        await settle(t.logs);
        const other = t.openLogStore();
        expect(await other.read(runId)).toBe('a\nb\n');
        expect(await other.read(runId, 'jsonl')).toBe('{"x":1}\n');
        expect(await other.read(runId, 'log', 2)).toBe('b\n');
        expect(await other.read(runId, 'log', 4)).toBe('');
        expect(await t.logs.read(runId)).toBe('a\nb\n');
      });

      it('continues a finalized log when it is appended to again, also from another process', async () => {
        const runId = randomUUID();
        await t.logs.append(runId, ['attempt 1']);
        await t.logs.finalize(runId);
        await settle(t.logs);
        const other = t.openLogStore();
        await other.append(runId, ['attempt 2']);
        await other.finalize(runId);
        await settle(other);
        expect(await t.openLogStore().read(runId)).toBe('attempt 1\nattempt 2\n');
      });

      it('delete removes both kinds, for every reader', async () => {
        const runId = randomUUID();
        await t.logs.append(runId, ['x']);
        await t.logs.append(runId, ['{}'], 'jsonl');
        await t.logs.finalize(runId);
        await settle(t.logs);
        await t.logs.delete(runId);
        expect(await t.logs.read(runId)).toBeNull();
        expect(await t.logs.read(runId, 'jsonl')).toBeNull();
        expect(await t.openLogStore().read(runId)).toBeNull();
        await expect(t.logs.delete(runId)).resolves.toBeUndefined();
      });

      const text = async (slice: LogSlice | null): Promise<string | null> => {
        if (!slice) return null;
        const chunks: Buffer[] = [];
        for await (const c of slice.body) chunks.push(Buffer.from(c as Buffer));
        return Buffer.concat(chunks).toString('utf8');
      };

      it('streams a byte range with the size of the whole log; a missing log is null', async () => {
        const runId = randomUUID();
        expect(await t.logs.open(runId, 'log')).toBeNull();
        expect(await t.logs.size(runId, 'log')).toBeNull();
        await t.logs.append(runId, ['héllo', 'world', 'again']);
        const whole = 'héllo\nworld\nagain\n';
        const size = Buffer.byteLength(whole);
        const check = async (s: LogStore) => {
          expect(await s.size(runId, 'log')).toBe(size);
          const all = await s.open(runId, 'log');
          expect({ size: all?.size, start: all?.start, end: all?.end }).toEqual({ size, start: 0, end: size });
          expect(await text(all)).toBe(whole);
          const mid = await s.open(runId, 'log', { start: 7, end: 13 });
          expect([mid?.start, mid?.end, await text(mid)]).toEqual([7, 13, 'world\n']);
          expect(await text(await s.open(runId, 'log', { start: 13 }))).toBe('again\n');
          const past = await s.open(runId, 'log', { start: size + 5 });
          expect([past?.size, past?.start, past?.end, await text(past)]).toEqual([size, size, size, '']);
          expect(await text(await s.open(runId, 'log', { start: 3, end: 3 }))).toBe('');
          expect(await s.open(runId, 'jsonl')).toBeNull();
        };
        await check(t.logs);
        await t.logs.finalize(runId);
        await settle(t.logs);
        await check(t.openLogStore());
      });

      describe('the per-run cap (max_log_bytes)', () => {
        const CAP = 16 * 1024;
        const line = (i: number) => `line ${String(i).padStart(5, '0')} ${'x'.repeat(88)}`; // 100 bytes with its newline

        async function fill(s: LogStore, runId: string, kind: LogKind, from: number, count: number): Promise<void> {
          // In batches, as the executor writes them.
          for (let i = from; i < from + count; i += 25) {
            await s.append(
              runId,
              Array.from({ length: Math.min(25, from + count - i) }, (_, j) => line(i + j)),
              kind,
            );
          }
        }

        it('keeps head and tail with markers, for both streams, and never stores more than the cap', async () => {
          const runId = randomUUID();
          const s = t.openLogStore(new LogCapPolicy(CAP));
          await fill(s, runId, 'log', 0, 1000);
          await fill(s, runId, 'jsonl', 0, 1000);
          const during = (await s.read(runId, 'log'))!;
          // While the run goes on: the head and the start marker; the tail follows at the end.
          expect(during.startsWith(`${line(0)}\n${line(1)}\n`)).toBe(true);
          expect(during.trimEnd().endsWith(capStartMarker(CAP))).toBe(true);
          expect(Buffer.byteLength(during)).toBeLessThanOrEqual(CAP / 2);
          await s.finalize(runId);
          await settle(s);
          for (const kind of ['log', 'jsonl'] as const) {
            const stored = (await t.openLogStore().read(runId, kind))!;
            expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(CAP);
            expect(Buffer.byteLength(stored)).toBeGreaterThan(CAP - 1024);
            expect(await t.openLogStore().size(runId, kind)).toBe(Buffer.byteLength(stored));
            const lines = stored.trimEnd().split('\n');
            expect(lines[0]).toBe(line(0));
            expect(lines.at(-1)).toBe(line(999));
            const start = lines.indexOf(capStartMarker(CAP));
            const tail =
              /^\[scheduler\] ---- (\d+) bytes of output left out here; the last (\d+) bytes follow ----$/.exec(
                lines[start + 1],
              );
            expect(tail).not.toBeNull();
            // Whole lines on both sides, consecutive within each part, and the byte counts add up.
            const head = lines.slice(0, start);
            const kept = lines.slice(start + 2);
            expect(head).toEqual(head.map((_, i) => line(i)));
            const first = Number(kept[0].slice(5, 10));
            expect(kept).toEqual(kept.map((_, i) => line(first + i)));
            expect(Number(tail![2])).toBe(kept.length * 100);
            expect(Number(tail![1]) + Number(tail![2])).toBe((1000 - head.length) * 100);
          }
        });

        it('only ever appends: bytes a reader saw during the run are the same after it ended', async () => {
          const runId = randomUUID();
          const s = t.openLogStore(new LogCapPolicy(CAP));
          await fill(s, runId, 'log', 0, 300);
          const seen = (await s.read(runId, 'log'))!;
          await s.finalize(runId);
          await settle(s);
          const after = (await t.openLogStore().read(runId, 'log'))!;
          expect(after.startsWith(seen)).toBe(true);
          expect(after.length).toBeGreaterThan(seen.length);
        });

        it('a log under the cap is stored as written; a continued log stays within the cap', async () => {
          const small = randomUUID();
          const s = t.openLogStore(new LogCapPolicy(CAP));
          await fill(s, small, 'log', 0, 50);
          await s.finalize(small);
          await settle(s);
          expect(await t.openLogStore().read(small)).toBe(
            Array.from({ length: 50 }, (_, i) => `${line(i)}\n`).join(''),
          );

          const runId = randomUUID();
          await fill(s, runId, 'log', 0, 500);
          await s.finalize(runId);
          await settle(s);
          // Another attempt of the run, from another process, continues the capped log.
          const other = t.openLogStore(new LogCapPolicy(CAP));
          await fill(other, runId, 'log', 500, 500);
          await other.finalize(runId);
          await settle(other);
          const stored = (await t.openLogStore().read(runId))!;
          expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(CAP);
          expect(stored.startsWith(`${line(0)}\n`)).toBe(true);
          expect(stored.split(capStartMarker(CAP)).length).toBeGreaterThanOrEqual(2);
        });

        it('a single line larger than the whole cap is cut, never stored whole', async () => {
          const runId = randomUUID();
          const s = t.openLogStore(new LogCapPolicy(CAP));
          await s.append(runId, ['first', 'y'.repeat(5 * CAP), 'last'], 'jsonl');
          await s.finalize(runId);
          await settle(s);
          const stored = (await t.openLogStore().read(runId, 'jsonl'))!;
          expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(CAP);
          expect(stored.startsWith('first\n')).toBe(true);
          expect(stored.endsWith('\nlast\n')).toBe(true);
        });
      });

      it('refuses a run id that is not a full UUID', async () => {
        await expect(t.logs.read('../../etc/passwd')).rejects.toBeInstanceOf(ValidationError);
        await expect(t.logs.append('abc', ['x'])).rejects.toBeInstanceOf(ValidationError);
      });
    });
  });
}
