import * as fs from 'node:fs';
import * as path from 'node:path';
import { StreamJsonParser, formatStreamJson, parseStreamJson, summaryToRunFields } from './stream-json-parser';

const FIXTURES = path.join(__dirname, '__fixtures__');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const lines = (name: string) => fixture(name).split('\n');

function parseLines(name: string) {
  const p = new StreamJsonParser();
  for (const l of lines(name)) p.pushLine(l);
  return p;
}

describe('StreamJsonParser on recorded samples', () => {
  it('success with tool use: session, model, cost, all four token counts, turns, durations, Output text', () => {
    const p = parseLines('success-tool-use.jsonl');
    const s = p.summary();
    expect(s).toMatchObject({
      session_id: '3f6c1a2e-8b4d-4f7a-9c21-5e0d7b9a1c44',
      model: 'claude-sonnet-4-5-20250929',
      cost_usd: 0.0412345,
      tokens: {
        input_tokens: 17,
        output_tokens: 109,
        cache_read_input_tokens: 8556,
        cache_creation_input_tokens: 4553,
      },
      num_turns: 4,
      duration_ms: 18342,
      duration_api_ms: 21977,
      has_result: true,
      is_error: false,
      error: null,
      result_subtype: 'success',
      terminal_reason: 'completed',
      permission_denials: [],
    });
    expect(s.stats).toEqual({ lines: 9, events: 9, invalid: 0, unknown: 0 });

    const out = p.outputText().split('\n');
    expect(out[0]).toBe(
      '[Session started with model: claude-sonnet-4-5-20250929, session 3f6c1a2e-8b4d-4f7a-9c21-5e0d7b9a1c44]',
    );
    expect(out).toContain("Claude: I'll read the README first.");
    expect(out).toContain('[Using tool: Read] {"file_path":"/home/dev/project/README.md"}');
    const readResult = out.find((l) => l.startsWith('[Read result: '))!;
    expect(readResult).toMatch(/^\[Read result: 1→# demo 2→ 3→A tiny demo project/);
    // first 200 characters, then an ellipsis (the README is longer)
    expect(readResult.length).toBe('[Read result: '.length + 200 + '…]'.length);
    expect(readResult.endsWith('…]')).toBe(true);
    expect(out).toContain('[Using tool: Bash] {"command":"git log --oneline -3","description":"Show recent commits"}');
    expect(out).toContain('[Bash result: a1b2c3d Add README 9f8e7d6 Initial commit]');
    expect(p.outputText()).toContain(
      'Claude: The README describes a tiny demo project.\nThe last commit added the README.',
    );
    expect(out.at(-1)).toBe(
      '[Completed: 4 turns, $0.0412, 17 in / 109 out tokens (cache read 8,556, cache write 4,553), 18.3s]',
    );
    // thinking is not shown
    expect(p.outputText()).not.toContain('read it first');
  });

  it('no credentials: subtype "success" with is_error true is a failure with the CLI message', () => {
    const s = parseStreamJson(fixture('error-no-credentials.jsonl')).summary;
    expect(s.result_subtype).toBe('success');
    expect(s.has_result).toBe(true);
    expect(s.is_error).toBe(true);
    expect(s.error).toContain('Not logged in · Please run /login');
    expect(s.error).toContain('authentication_failed');
    expect(s.cost_usd).toBe(0);
    expect(s.tokens).toEqual({
      input_tokens: 0,
      output_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    });
    expect(s.session_id).toBe('7d2b9c10-4e5f-4a6b-8c7d-0e1f2a3b4c5d');
    const out = formatStreamJson(lines('error-no-credentials.jsonl'));
    expect(out).toContain('[Error: authentication_failed]');
    expect(out.split('\n').at(-1)).toMatch(
      /^\[Failed: api_error: Not logged in · Please run \/login, 1 turn, \$0\.0000/,
    );
    expect(out).not.toContain('[Completed');
  });

  it('max turns: error subtype, errors[] as the error text, cost and tokens still counted', () => {
    const s = parseStreamJson(fixture('error-max-turns.jsonl')).summary;
    expect(s).toMatchObject({
      is_error: true,
      result_subtype: 'error_max_turns',
      terminal_reason: 'max_turns',
      num_turns: 3,
      cost_usd: 0.0187,
      tokens: { input_tokens: 13, output_tokens: 86, cache_read_input_tokens: 7800, cache_creation_input_tokens: 4320 },
      result_text: null,
    });
    expect(s.error).toContain('Reached maximum number of turns (2)');
    expect(s.error).toContain('error_max_turns');
    expect(formatStreamJson(fixture('error-max-turns.jsonl'))).toContain(
      '[Failed: error_max_turns, max_turns: Reached maximum number of turns (2), 3 turns, $0.0187',
    );
  });

  it('a non-success subtype is a failure even when is_error is false (older CLIs)', () => {
    const s = parseStreamJson([
      JSON.stringify({ type: 'result', subtype: 'error_during_execution', is_error: false }),
    ]).summary;
    expect(s.is_error).toBe(true);
    expect(s.error).toContain('error_during_execution');
  });

  it('api_retry notes are counted and shown', () => {
    const p = parseLines('api-retry.jsonl');
    const s = p.summary();
    expect(s.api_retries).toBe(3);
    expect(s.is_error).toBe(false);
    expect(s.cost_usd).toBe(0.0151);
    expect(p.output).toContain('[API retry 1/10 in 0.5s: overloaded, HTTP 529]');
    expect(p.output).toContain('[API retry 2/10 in 1.2s: unknown]');
    expect(p.output).toContain('[API retry 3/10 in 2.2s: rate_limit, HTTP 429]');
  });

  it('unknown events are kept raw and counted; permission denials are shown and summarised', () => {
    const p = parseLines('unknown-events.jsonl');
    const s = p.summary();
    expect(s.stats).toEqual({ lines: 12, events: 12, invalid: 0, unknown: 6 });
    expect(p.unparsed).toHaveLength(6);
    expect(p.unparsed.map((l) => (JSON.parse(l) as { type?: string }).type ?? null)).toEqual([
      'system',
      'rate_limit_event',
      'stream_event',
      'system',
      'telemetry_v9',
      null,
    ]);
    expect(s.is_error).toBe(false);
    expect(s.permission_denials).toEqual([
      { tool_name: 'Bash', tool_use_id: 'toolu_01BsX1', tool_input: { command: 'rm -rf build' } },
    ]);
    expect(p.output).toContain('[Permission denied: Bash (dontAsk mode denies tools that need approval)]');
    expect(p.output.some((l) => l.startsWith('[Bash error: Permission to use Bash has been denied'))).toBe(true);
    expect(p.output.at(-1)).toMatch(/^\[Completed: 2 turns, \$0\.0098/);
  });

  it('tolerates non-JSON lines: kept raw, counted, shown verbatim; the run still parses', () => {
    const p = parseLines('non-json-lines.jsonl');
    const s = p.summary();
    // 4 non-JSON-object lines + 1 truncated JSON + the ANSI line; blank lines are not counted
    expect(s.stats).toEqual({ lines: 9, events: 3, invalid: 6, unknown: 0 });
    expect(p.unparsed).toContain('Warning: running as root; consider a sandbox');
    expect(p.unparsed).toContain('[1,2,3]');
    expect(p.output[0]).toBe('Warning: running as root; consider a sandbox');
    expect(s).toMatchObject({ is_error: false, session_id: '9a8b7c6d-5e4f-4321-8fed-cba987654321', num_turns: 1 });
    expect(p.output).toContain('Claude: Still here after the noise.');
  });

  it.each(fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.jsonl')))(
    '%s: chunked feeding at any split gives the same result as line-by-line',
    (name) => {
      const text = fixture(name);
      const reference = parseLines(name);
      for (const size of [1, 7, 64, 1000]) {
        const p = new StreamJsonParser();
        const out: string[] = [];
        for (let i = 0; i < text.length; i += size) out.push(...p.pushChunk(text.slice(i, i + size)).output);
        out.push(...p.end().output);
        expect(p.summary()).toEqual(reference.summary());
        expect(out).toEqual([...reference.output]);
      }
    },
  );
});

describe('StreamJsonParser, incremental behaviour', () => {
  it('returns the Output lines each event produces as it is fed', () => {
    const p = new StreamJsonParser();
    const init = p.pushLine(JSON.stringify({ type: 'system', subtype: 'init', session_id: 's-1', model: 'm' }));
    expect(init.output).toEqual(['[Session started with model: m, session s-1]']);
    expect(init.items[0]).toMatchObject({ kind: 'init', session_id: 's-1', model: 'm' });
    expect(p.summary()).toMatchObject({ session_id: 's-1', has_result: false });

    const two = p.pushLine(
      JSON.stringify({
        type: 'assistant',
        message: {
          content: [
            { type: 'text', text: 'A' },
            { type: 'tool_use', id: 't1', name: 'Grep', input: { pattern: 'x' } },
          ],
        },
      }),
    );
    expect(two.output).toEqual(['Claude: A', '[Using tool: Grep] {"pattern":"x"}']);
  });

  it('holds a partial line until the rest arrives, and end() flushes a last line without newline', () => {
    const p = new StreamJsonParser();
    const line = JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text: 'héllo ✓' }] } });
    expect(p.pushChunk(line.slice(0, 10)).output).toEqual([]);
    expect(p.pushChunk(line.slice(10) + '\r\n' + '{"type":"res').output).toEqual(['Claude: héllo ✓']);
    expect(p.summary().has_result).toBe(false);
    p.pushChunk('ult","subtype":"success","is_error":false,"num_turns":1}');
    expect(p.end().items[0]).toMatchObject({ kind: 'result' });
    expect(p.summary()).toMatchObject({ has_result: true, is_error: false, num_turns: 1 });
  });

  it('a stream without a result record is a failure', () => {
    const s = parseStreamJson(lines('success-tool-use.jsonl').slice(0, 4)).summary;
    expect(s.has_result).toBe(false);
    expect(s.is_error).toBe(true);
    expect(s.error).toMatch(/without a result record/);
    expect(s.session_id).toBe('3f6c1a2e-8b4d-4f7a-9c21-5e0d7b9a1c44');
  });

  it('prefers the result session id (a fork gets a new one) and reads legacy cost_usd', () => {
    const s = parseStreamJson([
      JSON.stringify({ type: 'system', subtype: 'init', session_id: 'old', model: 'm' }),
      JSON.stringify({ type: 'result', subtype: 'success', is_error: false, session_id: 'forked', cost_usd: 0.5 }),
    ]).summary;
    expect(s.session_id).toBe('forked');
    expect(s.cost_usd).toBe(0.5);
    expect(s.tokens).toBeNull();
  });

  it('never throws on hostile input', () => {
    const p = new StreamJsonParser();
    const hostile = [
      '{',
      '{}',
      '{"type":null}',
      '{"type":"assistant"}',
      '{"type":"assistant","message":{"content":"plain string content"}}',
      '{"type":"assistant","message":{"content":[null,1,"x",{"type":"tool_use"}]}}',
      '{"type":"user","message":{"content":[{"type":"tool_result","content":{"weird":true}}]}}',
      '{"type":"result","usage":"nope","permission_denials":[1,null,{}],"errors":[{"a":1}]}',
      '{"type":"system"}',
      '{"type":"system","subtype":"api_retry","attempt":"one"}',
      '{"__proto__":{"polluted":true},"type":"x"}',
      'x'.repeat(100_000),
    ];
    for (const l of hostile) expect(() => p.pushLine(l)).not.toThrow();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(p.stats.lines).toBe(hostile.length);
    expect(() => p.summary()).not.toThrow();
    expect(p.output).toContain('Claude: plain string content');
    expect(p.output).toContain('[Tool result: {"weird":true}]');
  });

  it('caps the raw lines it retains but keeps counting', () => {
    const p = new StreamJsonParser({ maxRetainedUnparsed: 2 });
    for (let i = 0; i < 5; i++) p.pushLine(`noise ${i}`);
    expect(p.unparsed).toEqual(['noise 0', 'noise 1']);
    expect(p.stats.invalid).toBe(5);
  });

  it('maps a summary onto the Run fields', () => {
    const s = parseStreamJson(fixture('success-tool-use.jsonl')).summary;
    expect(summaryToRunFields(s)).toEqual({
      session_id: '3f6c1a2e-8b4d-4f7a-9c21-5e0d7b9a1c44',
      model: 'claude-sonnet-4-5-20250929',
      cost_usd: 0.0412345,
      input_tokens: 17,
      output_tokens: 109,
      cache_read_tokens: 8556,
      cache_creation_tokens: 4553,
      num_turns: 4,
      duration_api_ms: 21977,
    });
  });
});
