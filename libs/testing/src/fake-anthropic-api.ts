import { randomUUID, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Token counts the fake reports for one answer, in the Messages API's `usage` shape. */
export interface FakeAnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** One scripted answer of the fake Messages API. */
export type FakeAnthropicTurn =
  /** The assistant answers with text and ends its turn (`stop_reason: end_turn`). */
  | { text: string; usage?: Partial<FakeAnthropicUsage> }
  /**
   * The assistant asks to call a tool (`stop_reason: tool_use`), optionally after some text. The CLI then runs
   * (or denies) the tool and sends the result back in the next request.
   */
  | {
      tool_use: { name: string; input: Record<string, unknown>; id?: string };
      text?: string;
      usage?: Partial<FakeAnthropicUsage>;
    }
  /** An HTTP error in the API's error shape, e.g. 401 `authentication_error`. */
  | { error: { status: number; type: string; message: string } };

export interface FakeAnthropicApiOptions {
  /** Answers to conversation requests, in order. Replace them later with `setScript`. */
  turns?: FakeAnthropicTurn[];
  /** Answer once the script is used up (default: a text saying so, so a test sees it in the output). */
  whenExhausted?: FakeAnthropicTurn;
  /** Model name reported in answers; default: the model the request asked for. */
  model?: string;
  /** Usage reported when a turn gives none. */
  defaultUsage?: Partial<FakeAnthropicUsage>;
  /**
   * The only API key accepted (`x-api-key` or `Authorization: Bearer`); any other key gets the API's 401
   * `authentication_error`, as the real API answers an invalid key. Default: `FAKE_ANTHROPIC_API_KEY`.
   */
  apiKey?: string;
}

/** A `POST /v1/messages` request as the fake received it. */
export interface FakeAnthropicRequest {
  /** Order of arrival among all requests to this fake (0-based). */
  seq: number;
  path: string;
  headers: http.IncomingHttpHeaders;
  model: string | null;
  stream: boolean;
  max_tokens: number | null;
  /** `system` as sent: a string or a list of text blocks. */
  system: unknown;
  /** `system` flattened to text, for `toContain` assertions. */
  systemText: string;
  messages: Array<{ role: string; content: unknown }>;
  /** Names of the tools offered in the request. */
  toolNames: string[];
  /** True when a scripted turn answered it (false for tool-less side requests and refused API keys). */
  scripted: boolean;
  /** What the fake answered: the turn, the usage it reported (null for errors) and the HTTP status. */
  answer: { turn: FakeAnthropicTurn; usage: FakeAnthropicUsage | null; status: number };
  /** The whole parsed body. */
  body: Record<string, unknown>;
}

/** Any request that was not `POST /v1/messages` (probes, count_tokens, unknown endpoints). */
export interface FakeAnthropicOtherRequest {
  seq: number;
  method: string;
  url: string;
  status: number;
  body: string;
}

export interface FakeAnthropicApi {
  /** Base URL for `ANTHROPIC_BASE_URL` (`http://127.0.0.1:<port>`). */
  url: string;
  port: number;
  /** Every `POST /v1/messages` request, in order of arrival. */
  readonly requests: FakeAnthropicRequest[];
  /** Every other request, in order of arrival: what the CLI probes besides the Messages API. */
  readonly otherRequests: FakeAnthropicOtherRequest[];
  /** Scripted turns not answered yet. */
  remainingTurns(): number;
  /** Replaces the remaining script (e.g. between two CLI runs against the same fake). */
  setScript(turns: FakeAnthropicTurn[]): void;
  /** Clears the recorded requests. */
  clearRecords(): void;
  /** The environment that points the Claude Code CLI at this fake (with an API key it accepts). */
  env(): Record<string, string>;
  close(): Promise<void>;
}

const DEFAULT_USAGE: FakeAnthropicUsage = {
  input_tokens: 20,
  output_tokens: 10,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
};

/** The key the fake accepts (and its `env()` hands out) unless `apiKey` says otherwise. */
export const FAKE_ANTHROPIC_API_KEY = 'sk-ant-fake-key-for-tests';

/**
 * A fake Anthropic Messages API on loopback, enough for the real Claude Code CLI: `POST /v1/messages` answered
 * as SSE (`stream: true`, what the CLI uses) or JSON from a script of turns, `POST /v1/messages/count_tokens`
 * with a rough count, 200 for `HEAD /` (the CLI's reachability probe) and 404 in the API's error shape for
 * anything else. Every request is recorded for assertions (model, system prompt, messages, tools, headers).
 *
 * Which requests take a scripted turn: those that offer tools, i.e. the agent loop. The CLI may also send small
 * tool-less side requests (none seen from 2.1.x in print mode with nonessential traffic off); those get a short
 * text answer without consuming the script, so a test's script stays "the conversation". An `error` turn at the
 * head of the script answers the next request of either kind (so `[{ error: 529 … }, { text }]` tests a retry).
 * A request with another API key than `apiKey` gets 401 and consumes nothing.
 */
export async function startFakeAnthropicApi(opts: FakeAnthropicApiOptions = {}): Promise<FakeAnthropicApi> {
  let script = [...(opts.turns ?? [])];
  const apiKey = opts.apiKey ?? FAKE_ANTHROPIC_API_KEY;
  const whenExhausted: FakeAnthropicTurn = opts.whenExhausted ?? {
    text: '(fake Anthropic API: the script is used up)',
  };
  const requests: FakeAnthropicRequest[] = [];
  const otherRequests: FakeAnthropicOtherRequest[] = [];
  let seq = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0];
      const mySeq = seq++;
      try {
        if (req.method === 'POST' && path === '/v1/messages') {
          handleMessages(mySeq, req, raw, res);
          return;
        }
        let status = 404;
        if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
          status = 200;
          // ~4 characters a token, like the API's own rough guidance.
          sendJson(res, 200, { input_tokens: Math.max(1, Math.ceil(raw.length / 4)) });
        } else if (req.method === 'HEAD' || (req.method === 'GET' && (path === '/' || path === ''))) {
          status = 200;
          res.writeHead(200, { 'content-type': 'text/plain' }).end(req.method === 'HEAD' ? undefined : 'ok');
        } else {
          sendJson(res, 404, apiError('not_found_error', `fake Anthropic API: no ${req.method} ${path}`));
        }
        otherRequests.push({
          seq: mySeq,
          method: req.method ?? '?',
          url: req.url ?? '/',
          status,
          body: raw.slice(0, 4096),
        });
      } catch (err) {
        sendJson(res, 500, apiError('api_error', `fake Anthropic API failed: ${String(err)}`));
      }
    });
  });

  function handleMessages(mySeq: number, req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      body =
        typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
          ? (parsed as Record<string, unknown>)
          : {};
    } catch {
      sendJson(res, 400, apiError('invalid_request_error', 'fake Anthropic API: the body is not JSON'));
      return;
    }
    const tools = Array.isArray(body['tools']) ? (body['tools'] as unknown[]) : [];
    const toolNames = tools
      .map((t) => (typeof t === 'object' && t !== null ? (t as Record<string, unknown>)['name'] : null))
      .filter((n): n is string => typeof n === 'string');
    const requestedModel = typeof body['model'] === 'string' ? body['model'] : null;
    const auth = req.headers['authorization'];
    const key = req.headers['x-api-key'] ?? (typeof auth === 'string' ? auth.replace(/^Bearer\s+/i, '') : undefined);
    let turn: FakeAnthropicTurn;
    let scripted = false;
    if (!sameKey(key, apiKey)) {
      turn = { error: { status: 401, type: 'authentication_error', message: 'invalid x-api-key' } };
    } else if (script.length > 0 && 'error' in script[0]) {
      turn = script.shift()!;
      scripted = true;
    } else if (toolNames.length > 0) {
      turn = script.shift() ?? whenExhausted;
      scripted = true;
    } else {
      turn = { text: 'ok' };
    }

    const record: FakeAnthropicRequest = {
      seq: mySeq,
      path: req.url ?? '/v1/messages',
      headers: req.headers,
      model: requestedModel,
      stream: body['stream'] === true,
      max_tokens: typeof body['max_tokens'] === 'number' ? body['max_tokens'] : null,
      system: body['system'] ?? null,
      systemText: systemText(body['system']),
      messages: Array.isArray(body['messages']) ? (body['messages'] as Array<{ role: string; content: unknown }>) : [],
      toolNames,
      scripted,
      answer: { turn, usage: null, status: 200 },
      body,
    };
    requests.push(record);

    if ('error' in turn) {
      record.answer.status = turn.error.status;
      sendJson(res, turn.error.status, apiError(turn.error.type, turn.error.message));
      return;
    }
    const usage: FakeAnthropicUsage = { ...DEFAULT_USAGE, ...opts.defaultUsage, ...turn.usage };
    record.answer.usage = usage;
    const message = buildMessage(turn, opts.model ?? requestedModel ?? 'claude-fake', usage);
    if (record.stream) sendSse(res, message, usage);
    else sendJson(res, 200, message);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | null = null;

  return {
    url,
    port,
    requests,
    otherRequests,
    remainingTurns: () => script.length,
    setScript: (turns) => {
      script = [...turns];
    },
    clearRecords: () => {
      requests.length = 0;
      otherRequests.length = 0;
    },
    env: () => ({
      ANTHROPIC_BASE_URL: url,
      ANTHROPIC_API_KEY: apiKey,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      CLAUDE_CODE_MAX_RETRIES: '0',
    }),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

interface FakeMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: Array<Record<string, unknown>>;
  stop_reason: 'end_turn' | 'tool_use';
  stop_sequence: null;
  usage: FakeAnthropicUsage;
}

function buildMessage(
  turn: Exclude<FakeAnthropicTurn, { error: unknown }>,
  model: string,
  usage: FakeAnthropicUsage,
): FakeMessage {
  const content: Array<Record<string, unknown>> = [];
  if (turn.text !== undefined && turn.text !== '') content.push({ type: 'text', text: turn.text });
  if ('tool_use' in turn) {
    content.push({
      type: 'tool_use',
      id: turn.tool_use.id ?? `toolu_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
      name: turn.tool_use.name,
      input: turn.tool_use.input,
    });
  }
  return {
    id: `msg_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: 'tool_use' in turn ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage,
  };
}

/** Streams a message the way the API does: start, one start/delta/stop per block, delta with usage, stop. */
function sendSse(res: http.ServerResponse, message: FakeMessage, usage: FakeAnthropicUsage): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': `req_fake_${randomUUID().slice(0, 8)}`,
  });
  const event = (type: string, data: Record<string, unknown>): void => {
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  };
  event('message_start', {
    message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
  });
  event('ping', {});
  message.content.forEach((block, index) => {
    if (block['type'] === 'text') {
      event('content_block_start', { index, content_block: { type: 'text', text: '' } });
      event('content_block_delta', { index, delta: { type: 'text_delta', text: block['text'] } });
    } else {
      event('content_block_start', { index, content_block: { ...block, input: {} } });
      event('content_block_delta', {
        index,
        delta: { type: 'input_json_delta', partial_json: JSON.stringify(block['input']) },
      });
    }
    event('content_block_stop', { index });
  });
  event('message_delta', {
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: { output_tokens: usage.output_tokens },
  });
  event('message_stop', {});
  res.end();
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'request-id': `req_fake_${randomUUID().slice(0, 8)}`,
  });
  res.end(text);
}

function apiError(type: string, message: string): Record<string, unknown> {
  return { type: 'error', error: { type, message } };
}

/** Key comparison in constant time, as a real server would (and as the security lint asks even of a fake). */
function sameKey(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) return '';
  return system
    .map((b) =>
      typeof b === 'object' && b !== null && typeof (b as Record<string, unknown>)['text'] === 'string'
        ? (b as Record<string, string>)['text']
        : '',
    )
    .join('\n');
}
