import { buildMockStream } from './mock-stream';
import { StreamJsonParser, parseStreamJson } from './stream-json-parser';

const SESSION = '12345678-9abc-4def-8123-456789abcdef';

/** The parts of a stream-json event these tests look at. */
interface Ev {
  type: string;
  subtype?: string;
  session_id?: string;
  message?: { content: Array<{ type: string; id?: string; name?: string; tool_use_id?: string }> };
  [key: string]: unknown;
}
const parseEvent = (line: string) => JSON.parse(line) as Ev;

function counter() {
  let i = 0;
  return () => `00000000-0000-4000-8000-${String(++i).padStart(12, '0')}`;
}

describe('buildMockStream', () => {
  it('parses, through the real parser, as a successful run with cost, tokens and turns', () => {
    const lines = buildMockStream({ prompt: 'Fix the flaky test', sessionId: SESSION, model: 'opus', cwd: '/work/x' });
    const p = new StreamJsonParser();
    for (const l of lines) p.pushLine(l);
    const s = p.summary();
    expect(s).toMatchObject({
      session_id: SESSION,
      model: 'opus',
      has_result: true,
      is_error: false,
      error: null,
      num_turns: 2,
      duration_ms: 1500,
      result_subtype: 'success',
    });
    expect(s.cost_usd).toBeGreaterThan(0);
    expect(s.tokens).toEqual({
      input_tokens: 24,
      output_tokens: 144,
      cache_read_input_tokens: 9216,
      cache_creation_input_tokens: 2048,
    });
    expect(s.stats).toEqual({ lines: 6, events: 6, invalid: 0, unknown: 0 });
    expect(p.output).toEqual([
      `[Session started with model: opus, session ${SESSION}]`,
      "Claude: I'll help you with: Fix the flaky test",
      '[Using tool: Read] {"file_path":"/work/x/README.md"}',
      expect.stringMatching(/^\[Read result: 1→# Project/),
      'Claude: Mock run complete. I read README.md and would now act on: Fix the flaky test',
      expect.stringMatching(/^\[Completed: 2 turns, \$0\.\d{4}, 24 in \/ 144 out tokens/),
    ]);
  });

  it('has the event shapes of the real CLI', () => {
    const events = buildMockStream({ prompt: 'p', sessionId: SESSION }).map(parseEvent);
    expect(events.map((e) => `${e.type}${e.subtype ? `/${e.subtype}` : ''}`)).toEqual([
      'system/init',
      'assistant',
      'assistant',
      'user',
      'assistant',
      'result/success',
    ]);
    expect(events[0]).toMatchObject({ session_id: SESSION });
    expect(events[0]['tools']).toEqual(expect.arrayContaining<string>(['Read', 'Bash']));
    const toolUse = events[2].message!.content[0];
    expect(toolUse).toMatchObject({ type: 'tool_use', name: 'Read' });
    expect(events[3].message!.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: toolUse.id });
    expect(events[5]).toMatchObject({ is_error: false });
    expect(typeof events[5]['total_cost_usd']).toBe('number');
    expect(Object.keys(events[5]['usage'] as object)).toEqual(
      expect.arrayContaining<string>([
        'input_tokens',
        'output_tokens',
        'cache_read_input_tokens',
        'cache_creation_input_tokens',
      ]),
    );
    for (const e of events) expect(e.session_id).toBe(SESSION);
  });

  it('is deterministic for injected ids and honours cost and duration', () => {
    const a = buildMockStream({ prompt: 'x', sessionId: SESSION, newId: counter(), costUsd: 0.25, durationMs: 42 });
    const b = buildMockStream({ prompt: 'x', sessionId: SESSION, newId: counter(), costUsd: 0.25, durationMs: 42 });
    expect(a).toEqual(b);
    expect(parseStreamJson(a).summary).toMatchObject({ cost_usd: 0.25, duration_ms: 42 });
  });

  it('keeps a prompt with quotes, newlines and unicode intact as JSON', () => {
    const prompt = 'say "hi"\nand \\ then ✓';
    const out = parseStreamJson(buildMockStream({ prompt, sessionId: SESSION })).output;
    expect(out).toContain(`Claude: I'll help you with: ${prompt}`);
  });

  it('can simulate the no-credentials failure (subtype success, is_error true)', () => {
    const lines = buildMockStream({ prompt: 'p', sessionId: SESSION, outcome: 'error' });
    const last = parseEvent(lines.at(-1)!);
    expect(last).toMatchObject({ type: 'result', subtype: 'success', is_error: true });
    const s = parseStreamJson(lines).summary;
    expect(s.is_error).toBe(true);
    expect(s.error).toContain('simulated failure');
  });
});
