import { ValidationError } from '@ccs/core';
import { executeRun, stopRun } from './conformance/transport-conformance';
import { LogCapPolicy, MARKER_RESERVE_BYTES, applyLogCapsFrom, capStartMarker, capTailMarker } from './log-cap.policy';
import type { CommandEnvelope, ExecuteRunPayload } from './messages';
import type { CommandSource, MessageHandler } from './ports';

describe('LogCapPolicy', () => {
  it('gives each run the cap it was dispatched with, else the default', () => {
    const p = new LogCapPolicy(1024 * 1024);
    p.setRunLimit('a', 8192);
    expect(p.limitFor('a')).toBe(8192);
    expect(p.limitFor('b')).toBe(1024 * 1024);
    p.forgetRun('a');
    expect(p.limitFor('a')).toBe(1024 * 1024);
    p.setDefault(65536);
    expect(p.limitFor('a')).toBe(65536);
  });

  it('refuses caps too small to hold a head, two markers and a tail', () => {
    expect(() => new LogCapPolicy(100)).toThrow(ValidationError);
    expect(() => new LogCapPolicy(1.5e6 + 0.5)).toThrow(ValidationError);
  });

  it('splits a cap into a head of half of what the markers leave', () => {
    expect(LogCapPolicy.budget(16384).head).toBe((16384 - 3 * MARKER_RESERVE_BYTES) / 2);
  });

  it('writes markers that fit their reserve', () => {
    expect(Buffer.byteLength(capStartMarker(64 * 1024 * 1024 * 1024))).toBeLessThan(MARKER_RESERVE_BYTES);
    expect(Buffer.byteLength(capTailMarker(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER))).toBeLessThan(
      MARKER_RESERVE_BYTES,
    );
    expect(capStartMarker(50 * 1024 * 1024)).toContain('log capped at 50 MiB (setting max_log_bytes)');
  });
});

describe('applyLogCapsFrom', () => {
  it("hands each ExecuteRun's max_log_bytes to the policy before the handler runs, and passes everything on", async () => {
    let handler: MessageHandler<CommandEnvelope> | null = null;
    const calls: string[] = [];
    const source: CommandSource = {
      start: (_node, h) => {
        handler = h;
        return Promise.resolve();
      },
      stop: () => {
        calls.push('stop');
        return Promise.resolve();
      },
      setConcurrency: (n) => calls.push(`concurrency ${n}`),
    };
    const policy = new LogCapPolicy(1024 * 1024);
    const tapped = applyLogCapsFrom(source, policy);
    const seen: number[] = [];
    await tapped.start(
      'n1',
      (m) => {
        if (m.type === 'ExecuteRun') seen.push(policy.limitFor(m.payload.run.id));
        return Promise.resolve();
      },
      { concurrency: 1 },
    );
    const withCap = executeRun();
    const capped = withCap.payload as ExecuteRunPayload;
    capped.settings = { ...capped.settings, max_log_bytes: 2 * 1024 * 1024 };
    const older = executeRun();
    const olderPayload = older.payload as ExecuteRunPayload;
    const { max_log_bytes: _omitted, ...olderSettings } = olderPayload.settings;
    olderPayload.settings = olderSettings;
    await handler!(withCap);
    await handler!(older);
    await handler!(stopRun(capped.run.id, 'n1'));
    expect(seen).toEqual([2 * 1024 * 1024, 1024 * 1024]);
    tapped.setConcurrency(3);
    await tapped.stop();
    expect(calls).toEqual(['concurrency 3', 'stop']);
  });
});
