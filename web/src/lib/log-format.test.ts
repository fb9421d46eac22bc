import { LiveLog, errorLines, rawLines } from './log-format';

const out = (o: unknown) => ({ stream: 'stdout', line: JSON.stringify(o) });

describe('LiveLog', () => {
  it('turns a stream-json run into readable lines with a kind each', () => {
    const log = new LiveLog();
    log.push([
      out({ type: 'system', subtype: 'init', session_id: 'abc-123', model: 'sonnet', tools: ['Read'] }),
      out({ type: 'assistant', message: { content: [{ type: 'text', text: 'Looking at the repo' }] } }),
      out({
        type: 'assistant',
        message: { content: [{ type: 'tool_use', id: 't1', name: 'Read', input: { file_path: 'README.md' } }] },
      }),
      out({ type: 'user', message: { content: [{ type: 'tool_result', tool_use_id: 't1', content: '# Title' }] } }),
      out({
        type: 'result',
        subtype: 'success',
        is_error: false,
        total_cost_usd: 0.0123,
        num_turns: 2,
        usage: { input_tokens: 10, output_tokens: 20, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
      }),
    ]);
    expect(log.lines.map((l) => l.kind)).toEqual(['session', 'text', 'tool', 'tool_result', 'result']);
    expect(log.lines[0].text).toContain('sonnet');
    expect(log.lines[1].text).toBe('Claude: Looking at the repo');
    expect(log.lines[2].text).toContain('[Using tool: Read]');
    expect(log.lines[2].text).toContain('README.md');
    expect(log.lines[3].text).toContain('# Title');
    expect(log.lines[4].text).toMatch(/Completed: 2 turns, \$0\.0123/);
    expect(log.errorCount).toBe(0);
  });

  it('shows stderr and failed results as errors and counts them', () => {
    const log = new LiveLog();
    log.push([
      { stream: 'stderr', line: 'warning: rate limited' },
      { stream: 'stderr', line: '   ' },
      out({ type: 'result', subtype: 'success', is_error: true, result: 'Invalid API key' }),
    ]);
    expect(log.lines.map((l) => [l.kind, l.text])).toEqual([
      ['stderr', 'warning: rate limited'],
      ['error', expect.stringContaining('Invalid API key')],
    ]);
    expect(log.errorCount).toBe(2);
  });

  it('keeps text that is not JSON as it is and skips thinking and unknown events', () => {
    const log = new LiveLog();
    log.push([
      { stream: 'stdout', line: 'plain text from the CLI' },
      out({ type: 'assistant', message: { content: [{ type: 'thinking', thinking: 'hmm' }] } }),
      out({ type: 'brand_new_event', x: 1 }),
      out({ type: 'assistant', message: { content: [{ type: 'text', text: 'done' }] } }),
    ]);
    expect(log.lines.map((l) => l.text)).toEqual(['plain text from the CLI', 'Claude: done']);
    expect(log.lines[1].kind).toBe('text');
  });

  it('keeps at most maxLines lines, dropping the oldest, with stable numbers for keys', () => {
    const log = new LiveLog(3);
    for (let i = 0; i < 5; i++) log.push([{ stream: 'stdout', line: `line ${i}` }]);
    expect(log.lines.map((l) => l.text)).toEqual(['line 2', 'line 3', 'line 4']);
    expect(log.lines.map((l) => l.n)).toEqual([2, 3, 4]);
    expect(log.dropped).toBe(2);
  });

  it('fills from a raw JSONL text and returns only what was added', () => {
    const log = new LiveLog();
    const raw = [
      JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text: 'a' }] } }),
      '',
      JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text: 'b' }] } }),
    ].join('\n');
    expect(log.pushRaw(raw).map((l) => l.text)).toEqual(['Claude: a', 'Claude: b']);
    expect(log.push([{ stream: 'stdout', line: 'c' }]).map((l) => l.text)).toEqual(['c']);
    expect(log.text()).toBe('Claude: a\nClaude: b\nc');
  });
});

describe('errorLines and rawLines', () => {
  it('split text into non-empty lines', () => {
    expect(errorLines(null)).toEqual([]);
    expect(errorLines('first\r\n\n  \nsecond')).toEqual(['first', 'second']);
    expect(rawLines('{"a":1}\n\n{"b":2}\n')).toEqual(['{"a":1}', '{"b":2}']);
  });
});
