import { randomUUID } from 'node:crypto';

export interface MockStreamInput {
  prompt: string;
  /** The run's session id (the one buildClaudeArgv chose, or a fresh one for a fork). */
  sessionId: string;
  /** Reported in `system/init`; e.g. the task's model. */
  model?: string | null;
  cwd?: string;
  /** Reported `duration_ms` (settings.mock_duration_ms). Default 1500. */
  durationMs?: number;
  /** Reported cost; default derived from the token counts so it looks plausible. */
  costUsd?: number;
  /** `error` ends like the real CLI without credentials: `subtype: success`, `is_error: true`. */
  outcome?: 'success' | 'error';
  /** Id generator for message/tool/event ids; inject for deterministic output. */
  newId?: () => string;
}

/** Tools the real CLI lists in `system/init` for a default setup (subset). */
const MOCK_TOOLS = ['Task', 'Bash', 'Glob', 'Grep', 'Read', 'Edit', 'Write', 'WebFetch', 'TodoWrite', 'WebSearch'];

/**
 * The stream-json lines of a realistic run, in the real CLI's event schema, so mock mode goes through the same
 * parser, log files and dashboard views as a real run. Pure (ids come from `newId`). Timing is the caller's:
 * these are only the lines.
 */
export function buildMockStream(input: MockStreamInput): string[] {
  const newId = input.newId ?? randomUUID;
  const sessionId = input.sessionId;
  const model = input.model?.trim() || 'sonnet';
  const cwd = input.cwd ?? '/';
  const durationMs = Math.max(0, Math.round(input.durationMs ?? 1500));
  const prompt = input.prompt;
  const shortPrompt = prompt.length > 120 ? `${prompt.slice(0, 119)}…` : prompt;
  const toolId = `toolu_mock_${newId().replace(/-/g, '').slice(0, 20)}`;
  const line = (o: Record<string, unknown>) => JSON.stringify(o);
  const usage = (input_tokens: number, output_tokens: number, cache_read: number, cache_creation: number) => ({
    input_tokens,
    cache_creation_input_tokens: cache_creation,
    cache_read_input_tokens: cache_read,
    output_tokens,
    service_tier: 'standard',
  });
  const assistant = (content: unknown[], u: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    line({
      type: 'assistant',
      message: {
        model,
        id: `msg_mock_${newId().replace(/-/g, '').slice(0, 20)}`,
        type: 'message',
        role: 'assistant',
        content,
        stop_reason: null,
        stop_sequence: null,
        usage: u,
      },
      parent_tool_use_id: null,
      session_id: sessionId,
      uuid: newId(),
      ...extra,
    });

  const init = line({
    type: 'system',
    subtype: 'init',
    cwd,
    session_id: sessionId,
    tools: MOCK_TOOLS,
    mcp_servers: [],
    model,
    permissionMode: 'default',
    slash_commands: ['compact', 'context', 'cost', 'init', 'review'],
    apiKeySource: 'none',
    claude_code_version: 'mock',
    output_style: 'default',
    uuid: newId(),
  });

  if (input.outcome === 'error') {
    const message = 'Mock mode: simulated failure (as the real CLI reports a missing login)';
    return [
      init,
      assistant([{ type: 'text', text: message }], usage(0, 0, 0, 0), { error: 'authentication_failed' }),
      line({
        type: 'result',
        subtype: 'success',
        is_error: true,
        duration_ms: durationMs,
        duration_api_ms: 0,
        num_turns: 1,
        result: message,
        stop_reason: 'stop_sequence',
        session_id: sessionId,
        total_cost_usd: 0,
        usage: usage(0, 0, 0, 0),
        modelUsage: {},
        permission_denials: [],
        terminal_reason: 'api_error',
        uuid: newId(),
      }),
    ];
  }

  const input1 = 12;
  const output1 = 48;
  const output2 = 96;
  const cacheCreation = 2048;
  const cacheRead = 9216;
  // Rough Sonnet list prices, only so the number looks like a real one.
  const cost =
    input.costUsd ??
    Number(
      ((input1 * 2 * 3 + (output1 + output2) * 15 + cacheCreation * 3.75 + cacheRead * 0.3) / 1_000_000).toFixed(6),
    );
  const totalUsage = usage(input1 * 2, output1 + output2, cacheRead, cacheCreation);
  const fileText = '# Project\n\nThis is a mock file read in mock mode.\n';

  return [
    init,
    assistant([{ type: 'text', text: `I'll help you with: ${shortPrompt}` }], usage(input1, output1, 0, cacheCreation)),
    assistant(
      [{ type: 'tool_use', id: toolId, name: 'Read', input: { file_path: `${cwd.replace(/\/$/, '')}/README.md` } }],
      usage(input1, output1, 0, cacheCreation),
    ),
    line({
      type: 'user',
      message: {
        role: 'user',
        content: [{ tool_use_id: toolId, type: 'tool_result', content: fileText.replace(/^/gm, '     1→') }],
      },
      parent_tool_use_id: null,
      session_id: sessionId,
      uuid: newId(),
    }),
    assistant(
      [{ type: 'text', text: `Mock run complete. I read README.md and would now act on: ${shortPrompt}` }],
      usage(input1, output2, cacheRead, 0),
    ),
    line({
      type: 'result',
      subtype: 'success',
      is_error: false,
      duration_ms: durationMs,
      duration_api_ms: Math.round(durationMs * 0.8),
      num_turns: 2,
      result: `Mock run complete. I read README.md and would now act on: ${shortPrompt}`,
      stop_reason: 'end_turn',
      session_id: sessionId,
      total_cost_usd: cost,
      usage: totalUsage,
      modelUsage: {
        [model]: {
          inputTokens: totalUsage.input_tokens,
          outputTokens: totalUsage.output_tokens,
          cacheReadInputTokens: cacheRead,
          cacheCreationInputTokens: cacheCreation,
          webSearchRequests: 0,
          costUSD: cost,
          contextWindow: 200000,
        },
      },
      permission_denials: [],
      terminal_reason: 'completed',
      uuid: newId(),
    }),
  ];
}
