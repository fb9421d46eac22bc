import { FAKE_ANTHROPIC_API_KEY, FakeAnthropicApi, startFakeAnthropicApi } from './fake-anthropic-api';

describe('fake Anthropic Messages API', () => {
  let api: FakeAnthropicApi;
  afterEach(async () => api?.close());

  const TOOLS = [{ name: 'Read', input_schema: { type: 'object' } }];

  function post(path: string, body: unknown, key = FAKE_ANTHROPIC_API_KEY): Promise<Response> {
    return fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(body),
    });
  }

  /** Parses an SSE body into its events (`event:` name and JSON `data:`). */
  function sse(text: string): Array<{ event: string; data: Record<string, unknown> }> {
    return text
      .split('\n\n')
      .filter((b) => b.trim())
      .map((block) => {
        const event = /^event: (.*)$/m.exec(block)![1];
        const data = JSON.parse(/^data: (.*)$/m.exec(block)![1]) as Record<string, unknown>;
        expect(data['type']).toBe(event);
        return { event, data };
      });
  }

  it('streams a tool-use turn as the API does and records the request', async () => {
    api = await startFakeAnthropicApi({
      turns: [{ text: 'Reading.', tool_use: { name: 'Read', input: { file_path: '/x' } }, usage: { input_tokens: 7 } }],
    });
    const res = await post('/v1/messages?beta=true', {
      model: 'claude-test',
      stream: true,
      system: [{ type: 'text', text: 'You are a test.' }],
      messages: [{ role: 'user', content: 'hi' }],
      tools: TOOLS,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = sse(await res.text());
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0].data['message']).toMatchObject({
      model: 'claude-test',
      role: 'assistant',
      usage: { input_tokens: 7 },
    });
    expect(events[3].data['delta']).toEqual({ type: 'text_delta', text: 'Reading.' });
    expect(events[5].data['content_block']).toMatchObject({ type: 'tool_use', name: 'Read', input: {} });
    expect(JSON.parse((events[6].data['delta'] as { partial_json: string }).partial_json)).toEqual({ file_path: '/x' });
    expect(events[8].data).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 10 } });

    const [req] = api.requests;
    expect(req).toMatchObject({
      model: 'claude-test',
      stream: true,
      systemText: 'You are a test.',
      toolNames: ['Read'],
      scripted: true,
    });
    expect(req.messages).toEqual([{ role: 'user', content: 'hi' }]);
    expect(req.answer.usage).toEqual({
      input_tokens: 7,
      output_tokens: 10,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
    expect(api.remainingTurns()).toBe(0);
  });

  it('answers without streaming as one JSON message; side requests without tools do not consume the script', async () => {
    api = await startFakeAnthropicApi({ turns: [{ text: 'scripted' }], model: 'fixed-model' });
    const side = await (await post('/v1/messages', { model: 'm', messages: [] })).json();
    expect(side).toMatchObject({ content: [{ type: 'text', text: 'ok' }] });
    const main = await (await post('/v1/messages', { model: 'm', messages: [], tools: TOOLS })).json();
    expect(main).toMatchObject({
      type: 'message',
      model: 'fixed-model',
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: 'scripted' }],
    });
    const after = await (await post('/v1/messages', { model: 'm', messages: [], tools: TOOLS })).json();
    expect(after).toMatchObject({ content: [{ text: '(fake Anthropic API: the script is used up)' }] });
    expect(api.requests.map((r) => r.scripted)).toEqual([false, true, true]);
  });

  it('refuses another API key with 401; an error turn answers the next request once', async () => {
    api = await startFakeAnthropicApi({
      turns: [{ error: { status: 529, type: 'overloaded_error', message: 'Overloaded' } }, { text: 'after' }],
    });
    const bad = await post('/v1/messages', { messages: [], tools: TOOLS }, 'sk-wrong');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'invalid x-api-key' },
    });
    expect(api.remainingTurns()).toBe(2);
    const overloaded = await post('/v1/messages', { messages: [], tools: TOOLS });
    expect(overloaded.status).toBe(529);
    const ok = await (await post('/v1/messages', { messages: [], tools: TOOLS })).json();
    expect(ok).toMatchObject({ content: [{ text: 'after' }] });
    expect(api.requests.map((r) => r.answer.status)).toEqual([401, 529, 200]);
  });

  it('counts tokens, answers probes, 404s and records anything else; env() points a client at it', async () => {
    api = await startFakeAnthropicApi();
    const count = await (
      await post('/v1/messages/count_tokens', { messages: [{ role: 'user', content: 'x'.repeat(400) }] })
    ).json();
    expect((count as { input_tokens: number }).input_tokens).toBeGreaterThan(100);
    expect((await fetch(api.url, { method: 'HEAD' })).status).toBe(200);
    const missing = await fetch(`${api.url}/v1/models`);
    expect(missing.status).toBe(404);
    expect(api.otherRequests.map((o) => [o.method, o.url, o.status])).toEqual([
      ['POST', '/v1/messages/count_tokens', 200],
      ['HEAD', '/', 200],
      ['GET', '/v1/models', 404],
    ]);
    expect(api.env()).toMatchObject({
      ANTHROPIC_BASE_URL: api.url,
      ANTHROPIC_API_KEY: FAKE_ANTHROPIC_API_KEY,
      CLAUDE_CODE_MAX_RETRIES: '0',
    });
    api.clearRecords();
    expect(api.otherRequests).toEqual([]);
  });
});
