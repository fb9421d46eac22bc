/**
 * The stream-json parser is pure and shared with the coordinator (Output view, `debug run`), so it lives in
 * libs/core; this module keeps the node's claude/ folder complete.
 */
export { StreamJsonParser, formatStreamJson, parseStreamJson, summaryToRunFields } from '@ccs/core';
export type {
  ParsedLine,
  PermissionDenial,
  StreamItem,
  StreamJsonParserOptions,
  StreamResult,
  StreamStats,
  StreamSummary,
} from '@ccs/core';
