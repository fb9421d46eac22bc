import { randomUUID } from 'node:crypto';
import { newRun, normalizeTask, DEFAULT_SETTINGS } from '@ccs/core';
import { CommandEnvelope, EventEnvelope, makeEnvelope } from './messages';
import { InMemoryTransport } from './in-memory.transport';

function executeRun(): CommandEnvelope {
  const task = normalizeTask({ name: 't', prompt: 'hi' });
  const run = newRun({ task_id: task.id, task_name: task.name });
  const {
    mock_mode,
    unmask_env_vars,
    claude_cli_path,
    default_timeout_seconds,
    stop_grace_seconds,
    max_output_bytes,
    mock_duration_ms,
    default_working_directory,
  } = DEFAULT_SETTINGS;
  return makeEnvelope(
    'ExecuteRun',
    {
      run,
      task,
      job: null,
      task_profile: null,
      job_profile: null,
      settings: {
        mock_mode,
        unmask_env_vars,
        claude_cli_path,
        default_timeout_seconds,
        stop_grace_seconds,
        max_output_bytes,
        mock_duration_ms,
        default_working_directory,
      },
    },
    { runId: run.id },
  );
}

const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('InMemoryTransport', () => {
  it('delivers each ExecuteRun to exactly one node and respects per-node concurrency', async () => {
    const t = new InMemoryTransport();
    const seen: Record<string, string[]> = { a: [], b: [] };
    let active = 0;
    let maxActive = 0;
    const release: (() => void)[] = [];
    for (const node of ['a', 'b']) {
      await t.createCommandSource().start(
        node,
        async (cmd) => {
          seen[node].push(cmd.id);
          active++;
          maxActive = Math.max(maxActive, active);
          await new Promise<void>((r) => release.push(r));
          active--;
        },
        { concurrency: 2 },
      );
    }
    const sent = Array.from({ length: 6 }, executeRun);
    for (const c of sent) await t.commandBus.send(c);
    await until(() => active === 4);
    expect(t.depth().work).toBe(2);
    await until(() => {
      while (release.length) release.shift()!();
      return seen['a'].length + seen['b'].length === 6 && active === 0;
    });
    expect(new Set([...seen['a'], ...seen['b']])).toEqual(new Set(sent.map((c) => c.id)));
    expect(maxActive).toBe(4);
    t.close();
  });

  it('redelivers after a handler failure and dead-letters after maxReceives', async () => {
    const t = new InMemoryTransport({ redeliveryDelayMs: 5, maxReceives: 3 });
    let calls = 0;
    await t.createCommandSource().start(
      'a',
      () => {
        calls++;
        return Promise.reject(new Error('boom'));
      },
      { concurrency: 1 },
    );
    await t.commandBus.send(executeRun());
    await until(() => t.deadLetters.length === 1);
    expect(calls).toBe(3);
    t.close();
  });

  it('routes a targeted StopRun only to its node', async () => {
    const t = new InMemoryTransport();
    const got: string[] = [];
    for (const node of ['a', 'b']) {
      await t
        .createCommandSource()
        .start(node, (c) => Promise.resolve(void got.push(`${node}:${c.type}`)), { concurrency: 1 });
    }
    await t.commandBus.send(
      makeEnvelope('StopRun', { run_id: randomUUID(), reason: 'test', by: 'user' }, { nodeId: 'b' }),
    );
    await until(() => got.length === 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual(['b:StopRun']);
    t.close();
  });

  it('dead-letters invalid events without stopping later ones, in order', async () => {
    const t = new InMemoryTransport();
    const got: number[] = [];
    await t.eventSource.start((e: EventEnvelope) => {
      if (e.type === 'TaskOutput') got.push(e.payload.seq);
      return Promise.resolve();
    });
    const runId = randomUUID();
    await t.eventBus.publish(makeEnvelope('TaskOutput', { run_id: runId, seq: 1, lines: [] }));
    await t.eventBus.publish({ v: 1, type: 'Bogus', id: 'x', ts: 'y', payload: {} } as unknown as EventEnvelope);
    await t.eventBus.publish(makeEnvelope('TaskOutput', { run_id: runId, seq: 2, lines: [] }));
    await until(() => got.length === 2);
    expect(got).toEqual([1, 2]);
    expect(t.deadLetters).toHaveLength(1);
    expect(t.deadLetters[0].error).toMatch(/unknown message type/);
    t.close();
  });
});
