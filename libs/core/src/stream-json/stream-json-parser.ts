import type { Run, RunTokens } from '../model/run';

/**
 * Parser for `claude --print --verbose --output-format stream-json` (one JSON event per line).
 *
 * Incremental and total: it is fed lines (or raw stdout chunks) as they arrive and never throws. A line that is
 * not JSON, or an event it does not know, is kept raw and counted, so a newer CLI with new event types degrades
 * to "less detail", never to a failed run. Failure is judged by the `result` record's `is_error` (the CLI
 * reports `subtype: "success"` with `is_error: true` when it has no credentials) or a non-success subtype —
 * the process exit code is the executor's to add.
 */

/** One tool call Claude was not allowed to make, as listed in the result's `permission_denials`. */
export interface PermissionDenial {
  tool_name: string;
  tool_use_id: string | null;
  tool_input: unknown;
}

/** The final `result` record, normalised. */
export interface StreamResult {
  subtype: string;
  is_error: boolean;
  result_text: string | null;
  errors: string[];
  total_cost_usd: number | null;
  tokens: RunTokens | null;
  num_turns: number | null;
  duration_ms: number | null;
  duration_api_ms: number | null;
  terminal_reason: string | null;
  stop_reason: string | null;
  session_id: string | null;
  permission_denials: PermissionDenial[];
  /** Per-model cost/usage object as the CLI reports it (`modelUsage`), untouched. */
  model_usage: Record<string, unknown> | null;
}

/** What a line was understood as. */
export type StreamItem =
  | {
      kind: 'init';
      session_id: string | null;
      model: string | null;
      tools: string[];
      permission_mode: string | null;
      cwd: string | null;
    }
  | { kind: 'assistant_text'; text: string }
  | { kind: 'thinking'; text: string }
  | { kind: 'tool_use'; id: string | null; name: string; input: unknown }
  | { kind: 'tool_result'; tool_use_id: string | null; tool_name: string | null; content: string; is_error: boolean }
  | {
      kind: 'api_retry';
      attempt: number | null;
      max_retries: number | null;
      retry_delay_ms: number | null;
      error_status: number | null;
      error: string | null;
    }
  | { kind: 'permission_denied'; tool_name: string | null; tool_use_id: string | null; reason: string | null }
  | { kind: 'assistant_error'; error: string }
  | { kind: 'result'; result: StreamResult }
  /** A JSON event whose type (or system subtype) this parser does not know. */
  | { kind: 'unknown'; type: string; raw: string }
  /** A line that is not a JSON object. */
  | { kind: 'invalid'; raw: string };

export interface StreamStats {
  /** Non-blank lines seen. */
  lines: number;
  /** Lines that were JSON objects. */
  events: number;
  /** Lines that were not JSON objects. */
  invalid: number;
  /** JSON events of an unknown type or system subtype. */
  unknown: number;
}

/** What a run stores from its stream. Field names follow the Run model where they overlap. */
export interface StreamSummary {
  session_id: string | null;
  model: string | null;
  cost_usd: number | null;
  tokens: RunTokens | null;
  num_turns: number | null;
  duration_ms: number | null;
  duration_api_ms: number | null;
  /** True once the final `result` record was seen. */
  has_result: boolean;
  /** Failure per the stream: result.is_error, a non-success result subtype, or no result record at all. */
  is_error: boolean;
  /** Why it failed (null when it did not). */
  error: string | null;
  result_subtype: string | null;
  terminal_reason: string | null;
  /** The result record's final answer text (`result`), when it has one. */
  result_text: string | null;
  permission_denials: PermissionDenial[];
  api_retries: number;
  stats: StreamStats;
}

/** The outcome of feeding one line. */
export interface ParsedLine {
  items: StreamItem[];
  /** Human-readable lines for the Output view that this line produced (possibly none). */
  output: string[];
}

export interface StreamJsonParserOptions {
  /** Raw lines kept of invalid/unknown input (they are always counted). Default 100. */
  maxRetainedUnparsed?: number;
  /** Characters of a tool result shown in Output. Default 200. */
  toolResultPreviewChars?: number;
  /** Characters of a tool input shown in Output. Default 200. */
  toolInputPreviewChars?: number;
}

const NO_RESULT_ERROR = 'The Claude CLI output ended without a result record';

export class StreamJsonParser {
  private readonly maxRetained: number;
  private readonly resultPreview: number;
  private readonly inputPreview: number;

  private pending = '';
  private readonly outputLines: string[] = [];
  private readonly unparsedLines: string[] = [];
  private readonly toolNames = new Map<string, string>();
  private readonly counts: StreamStats = { lines: 0, events: 0, invalid: 0, unknown: 0 };
  private initSessionId: string | null = null;
  private initModel: string | null = null;
  private finalResult: StreamResult | null = null;
  private assistantError: string | null = null;
  private lastAssistantText: string | null = null;
  private retries = 0;

  constructor(opts: StreamJsonParserOptions = {}) {
    this.maxRetained = opts.maxRetainedUnparsed ?? 100;
    this.resultPreview = opts.toolResultPreviewChars ?? 200;
    this.inputPreview = opts.toolInputPreviewChars ?? 200;
  }

  /** Feeds one complete line (a trailing newline or CR is ignored). */
  pushLine(line: string): ParsedLine {
    const text = String(line)
      .replace(/\r?\n$/, '')
      .replace(/\r$/, '');
    if (text.trim() === '') return { items: [], output: [] };
    this.counts.lines += 1;
    let items: StreamItem[];
    try {
      items = this.classify(text);
    } catch {
      // Defensive: classify is written not to throw, but a parser that can kill a run is worse than one that
      // misses an event.
      items = [{ kind: 'unknown', type: 'unparseable', raw: text }];
    }
    const output: string[] = [];
    for (const item of items) {
      this.apply(item);
      const formatted = this.format(item);
      if (formatted !== null) output.push(formatted);
    }
    this.outputLines.push(...output);
    return { items, output };
  }

  /**
   * Feeds a raw stdout chunk that may end in the middle of a line; complete lines are parsed, the rest waits for
   * the next chunk or `end()`. Pass strings decoded with a streaming decoder (e.g. `stream.setEncoding('utf8')`).
   */
  pushChunk(chunk: string): ParsedLine {
    this.pending += chunk;
    const parts = this.pending.split('\n');
    this.pending = parts.pop() ?? '';
    return merge(parts.map((p) => this.pushLine(p)));
  }

  /** Parses whatever partial line `pushChunk` still holds. Call once when stdout closes. */
  end(): ParsedLine {
    const rest = this.pending;
    this.pending = '';
    return rest ? this.pushLine(rest) : { items: [], output: [] };
  }

  get stats(): StreamStats {
    return { ...this.counts };
  }

  /** Raw invalid/unknown lines kept so far (capped by maxRetainedUnparsed). */
  get unparsed(): readonly string[] {
    return this.unparsedLines;
  }

  get result(): StreamResult | null {
    return this.finalResult;
  }

  /** Output view lines so far. */
  get output(): readonly string[] {
    return this.outputLines;
  }

  outputText(): string {
    return this.outputLines.join('\n');
  }

  summary(): StreamSummary {
    const r = this.finalResult;
    const isError = r ? r.is_error || r.subtype !== 'success' : true;
    return {
      session_id: r?.session_id ?? this.initSessionId,
      model: this.initModel ?? firstKey(r?.model_usage),
      cost_usd: r?.total_cost_usd ?? null,
      tokens: r?.tokens ? { ...r.tokens } : null,
      num_turns: r?.num_turns ?? null,
      duration_ms: r?.duration_ms ?? null,
      duration_api_ms: r?.duration_api_ms ?? null,
      has_result: r !== null,
      is_error: isError,
      error: isError ? this.errorText(r) : null,
      result_subtype: r?.subtype ?? null,
      terminal_reason: r?.terminal_reason ?? null,
      result_text: r?.result_text ?? null,
      permission_denials: r ? r.permission_denials.map((d) => ({ ...d })) : [],
      api_retries: this.retries,
      stats: this.stats,
    };
  }

  private errorText(r: StreamResult | null): string {
    if (!r) return NO_RESULT_ERROR;
    const parts: string[] = [];
    if (r.result_text && r.result_text.trim()) parts.push(r.result_text.trim());
    else if (r.errors.length > 0) parts.push(r.errors.join('; '));
    else if (this.assistantError && this.lastAssistantText) parts.push(this.lastAssistantText.trim());
    const reason = [r.subtype !== 'success' ? r.subtype : null, r.terminal_reason, this.assistantError]
      .filter((x): x is string => !!x)
      .filter((x, i, all) => all.indexOf(x) === i);
    if (parts.length === 0) {
      parts.push(reason.length > 0 ? `Claude reported an error (${reason.join(', ')})` : 'Claude reported an error');
    } else if (reason.length > 0) {
      parts.push(`(${reason.join(', ')})`);
    }
    return parts.join(' ');
  }

  private classify(text: string): StreamItem[] {
    let ev: unknown;
    try {
      ev = JSON.parse(text);
    } catch {
      return [{ kind: 'invalid', raw: text }];
    }
    if (!isObj(ev)) return [{ kind: 'invalid', raw: text }];
    this.counts.events += 1;
    const type = typeof ev['type'] === 'string' ? ev['type'] : '';
    switch (type) {
      case 'system':
        return [this.classifySystem(ev, text)];
      case 'assistant':
        return this.classifyAssistant(ev);
      case 'user':
        return this.classifyUser(ev);
      case 'result':
        return [{ kind: 'result', result: readResult(ev) }];
      default:
        return [{ kind: 'unknown', type: type || '(no type)', raw: text }];
    }
  }

  private classifySystem(ev: Record<string, unknown>, raw: string): StreamItem {
    const subtype = s(ev['subtype']);
    switch (subtype) {
      case 'init':
        return {
          kind: 'init',
          session_id: s(ev['session_id']),
          model: s(ev['model']),
          tools: Array.isArray(ev['tools']) ? ev['tools'].filter((t): t is string => typeof t === 'string') : [],
          permission_mode: s(ev['permissionMode']),
          cwd: s(ev['cwd']),
        };
      case 'api_retry':
        return {
          kind: 'api_retry',
          attempt: n(ev['attempt']),
          max_retries: n(ev['max_retries']),
          retry_delay_ms: n(ev['retry_delay_ms']),
          error_status: n(ev['error_status']),
          error: s(ev['error']),
        };
      case 'permission_denied':
        return {
          kind: 'permission_denied',
          tool_name: s(ev['tool_name']),
          tool_use_id: s(ev['tool_use_id']),
          reason: s(ev['decision_reason']) ?? s(ev['message']) ?? s(ev['decision_reason_type']),
        };
      default:
        return { kind: 'unknown', type: `system/${subtype ?? '(no subtype)'}`, raw };
    }
  }

  private classifyAssistant(ev: Record<string, unknown>): StreamItem[] {
    const items: StreamItem[] = [];
    const message = isObj(ev['message']) ? ev['message'] : {};
    for (const block of contentBlocks(message['content'])) {
      if (typeof block === 'string') {
        if (block.trim()) items.push({ kind: 'assistant_text', text: block });
        continue;
      }
      const btype = s(block['type']);
      if (btype === 'text') {
        const t = s(block['text']) ?? '';
        if (t.trim()) items.push({ kind: 'assistant_text', text: t });
      } else if (btype === 'thinking') {
        items.push({ kind: 'thinking', text: s(block['thinking']) ?? '' });
      } else if (btype === 'tool_use' || btype === 'server_tool_use') {
        items.push({
          kind: 'tool_use',
          id: s(block['id']),
          name: s(block['name']) ?? '(unnamed tool)',
          input: block['input'] ?? null,
        });
      }
      // redacted_thinking and future block types carry nothing for the Output view.
    }
    const error = s(ev['error']);
    if (error) items.push({ kind: 'assistant_error', error });
    return items;
  }

  private classifyUser(ev: Record<string, unknown>): StreamItem[] {
    const items: StreamItem[] = [];
    const message = isObj(ev['message']) ? ev['message'] : {};
    for (const block of contentBlocks(message['content'])) {
      if (typeof block === 'string' || s(block['type']) !== 'tool_result') continue;
      const id = s(block['tool_use_id']);
      items.push({
        kind: 'tool_result',
        tool_use_id: id,
        tool_name: id ? (this.toolNames.get(id) ?? null) : null,
        content: toolResultText(block['content']),
        is_error: block['is_error'] === true,
      });
    }
    // A user event without tool results (e.g. a replayed prompt) has nothing for the Output view.
    return items;
  }

  private apply(item: StreamItem): void {
    switch (item.kind) {
      case 'init':
        this.initSessionId = item.session_id ?? this.initSessionId;
        this.initModel = item.model ?? this.initModel;
        break;
      case 'assistant_text':
        this.lastAssistantText = item.text;
        break;
      case 'tool_use':
        if (item.id) this.toolNames.set(item.id, item.name);
        break;
      case 'tool_result':
        if (item.tool_use_id) this.toolNames.delete(item.tool_use_id);
        break;
      case 'api_retry':
        this.retries += 1;
        break;
      case 'assistant_error':
        this.assistantError = item.error;
        break;
      case 'result':
        this.finalResult = item.result;
        break;
      case 'invalid':
        this.counts.invalid += 1;
        this.retain(item.raw);
        break;
      case 'unknown':
        this.counts.unknown += 1;
        this.retain(item.raw);
        break;
      case 'thinking':
      case 'permission_denied':
        break;
    }
  }

  private retain(raw: string): void {
    if (this.unparsedLines.length < this.maxRetained) this.unparsedLines.push(raw);
  }

  private format(item: StreamItem): string | null {
    switch (item.kind) {
      case 'init':
        return `[Session started with model: ${item.model ?? 'unknown'}${item.session_id ? `, session ${item.session_id}` : ''}]`;
      case 'assistant_text':
        return `Claude: ${item.text}`;
      case 'thinking':
        return null;
      case 'tool_use':
        return `[Using tool: ${item.name}] ${preview(compactJson(item.input), this.inputPreview)}`.trimEnd();
      case 'tool_result': {
        const label = item.tool_name ?? 'Tool';
        return `[${label} ${item.is_error ? 'error' : 'result'}: ${preview(item.content, this.resultPreview)}]`;
      }
      case 'api_retry': {
        const count =
          item.attempt !== null ? ` ${item.attempt}${item.max_retries !== null ? `/${item.max_retries}` : ''}` : '';
        const delay = item.retry_delay_ms !== null ? ` in ${(item.retry_delay_ms / 1000).toFixed(1)}s` : '';
        const why = [item.error, item.error_status !== null ? `HTTP ${item.error_status}` : null]
          .filter(Boolean)
          .join(', ');
        return `[API retry${count}${delay}${why ? `: ${why}` : ''}]`;
      }
      case 'permission_denied':
        return `[Permission denied: ${item.tool_name ?? 'tool'}${item.reason ? ` (${item.reason})` : ''}]`;
      case 'assistant_error':
        return `[Error: ${item.error}]`;
      case 'result':
        return formatResult(item.result);
      case 'invalid':
        // Not JSON: most likely a message the CLI printed as plain text, which a human should see as-is.
        return item.raw;
      case 'unknown':
        return null;
    }
  }
}

/** Formats a whole stream-json text (or its lines) for the Output view. Pure. */
export function formatStreamJson(lines: string | Iterable<string>): string {
  return parseStreamJson(lines).output;
}

/** Parses a whole stream-json text (or its lines): the run summary and the Output view text. Pure. */
export function parseStreamJson(lines: string | Iterable<string>): { summary: StreamSummary; output: string } {
  const parser = new StreamJsonParser();
  if (typeof lines === 'string') {
    parser.pushChunk(lines);
    parser.end();
  } else {
    for (const line of lines) parser.pushLine(line);
  }
  return { summary: parser.summary(), output: parser.outputText() };
}

/** The Run fields a stream summary fills in. */
export function summaryToRunFields(
  summary: StreamSummary,
): Pick<
  Run,
  | 'session_id'
  | 'model'
  | 'cost_usd'
  | 'input_tokens'
  | 'output_tokens'
  | 'cache_read_tokens'
  | 'cache_creation_tokens'
  | 'num_turns'
  | 'duration_api_ms'
> {
  return {
    session_id: summary.session_id,
    model: summary.model,
    cost_usd: summary.cost_usd,
    input_tokens: summary.tokens?.input_tokens ?? null,
    output_tokens: summary.tokens?.output_tokens ?? null,
    cache_read_tokens: summary.tokens?.cache_read_input_tokens ?? null,
    cache_creation_tokens: summary.tokens?.cache_creation_input_tokens ?? null,
    num_turns: summary.num_turns,
    duration_api_ms: summary.duration_api_ms,
  };
}

function formatResult(r: StreamResult): string {
  const facts: string[] = [];
  if (r.num_turns !== null) facts.push(`${r.num_turns} turn${r.num_turns === 1 ? '' : 's'}`);
  if (r.total_cost_usd !== null) facts.push(`$${r.total_cost_usd.toFixed(4)}`);
  if (r.tokens) {
    const t = r.tokens;
    facts.push(
      `${int(t.input_tokens)} in / ${int(t.output_tokens)} out tokens ` +
        `(cache read ${int(t.cache_read_input_tokens)}, cache write ${int(t.cache_creation_input_tokens)})`,
    );
  }
  if (r.duration_ms !== null) facts.push(`${(r.duration_ms / 1000).toFixed(1)}s`);
  if (!r.is_error && r.subtype === 'success') return `[Completed: ${facts.join(', ')}]`;
  const why = [r.subtype !== 'success' ? r.subtype : null, r.terminal_reason].filter(Boolean).join(', ');
  const text = r.result_text?.trim() || r.errors.join('; ');
  const head = [why, text ? preview(text, 300) : null].filter(Boolean).join(': ');
  return `[Failed: ${[head || 'error', ...facts].join(', ')}]`;
}

function readResult(ev: Record<string, unknown>): StreamResult {
  const usage = isObj(ev['usage']) ? ev['usage'] : null;
  return {
    subtype: s(ev['subtype']) ?? '(none)',
    is_error: ev['is_error'] === true,
    result_text: s(ev['result']),
    errors: Array.isArray(ev['errors']) ? ev['errors'].map((e) => (typeof e === 'string' ? e : compactJson(e))) : [],
    // `cost_usd` is what older CLI versions (and the original's mock) wrote.
    total_cost_usd: n(ev['total_cost_usd']) ?? n(ev['cost_usd']),
    tokens: usage
      ? {
          input_tokens: n(usage['input_tokens']) ?? 0,
          output_tokens: n(usage['output_tokens']) ?? 0,
          cache_read_input_tokens: n(usage['cache_read_input_tokens']) ?? 0,
          cache_creation_input_tokens: n(usage['cache_creation_input_tokens']) ?? 0,
        }
      : null,
    num_turns: n(ev['num_turns']),
    duration_ms: n(ev['duration_ms']),
    duration_api_ms: n(ev['duration_api_ms']),
    terminal_reason: s(ev['terminal_reason']),
    stop_reason: s(ev['stop_reason']),
    session_id: s(ev['session_id']),
    permission_denials: Array.isArray(ev['permission_denials'])
      ? ev['permission_denials'].filter(isObj).map((d) => ({
          tool_name: s(d['tool_name']) ?? '(unknown tool)',
          tool_use_id: s(d['tool_use_id']),
          tool_input: d['tool_input'] ?? null,
        }))
      : [],
    model_usage: isObj(ev['modelUsage']) ? ev['modelUsage'] : null,
  };
}

function contentBlocks(content: unknown): Array<Record<string, unknown> | string> {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  return content.filter((b): b is Record<string, unknown> | string => isObj(b) || typeof b === 'string');
}

function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((b) => {
        if (typeof b === 'string') return b;
        if (isObj(b) && b['type'] === 'text' && typeof b['text'] === 'string') return b['text'];
        if (isObj(b) && typeof b['type'] === 'string') return `[${b['type']}]`;
        return '';
      })
      .filter((t) => t !== '')
      .join('\n');
  }
  if (content === undefined || content === null) return '';
  return compactJson(content);
}

function merge(parts: ParsedLine[]): ParsedLine {
  return { items: parts.flatMap((p) => p.items), output: parts.flatMap((p) => p.output) };
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function s(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function n(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function firstKey(o: Record<string, unknown> | null | undefined): string | null {
  if (!o) return null;
  const keys = Object.keys(o);
  return keys.length > 0 ? keys[0] : null;
}

function compactJson(v: unknown): string {
  if (v === undefined || v === null) return '';
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '[unserializable value]'; // e.g. a BigInt or a cycle; not reachable from JSON.parse output
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The first `max` characters of `text` on one line, with `…` when something was cut. */
function preview(text: string, max: number): string {
  // Work on a bounded prefix: a tool result can be megabytes long.
  const head = oneLine(text.slice(0, max * 4 + 16));
  // Count code points, not UTF-16 units, so a cut never splits an emoji in two.
  const chars = Array.from(head);
  const cut = chars.length > max || text.length > max * 4 + 16;
  return cut ? `${chars.slice(0, max).join('')}…` : head;
}

function int(v: number): string {
  return v.toLocaleString('en-US');
}
