/**
 * Formats a run's live output (the `run.output` SSE lines: raw stream-json on stdout, plain text on stderr) into the
 * lines the Live tab shows. stdout goes through libs/core's StreamJsonParser, the same one that writes the Output
 * view on the server, so Live and Output read alike.
 */
import { StreamJsonParser, type StreamItem } from '@core/stream-json/stream-json-parser';
import type { OutputLine } from './types';

export type LogLineKind = 'session' | 'text' | 'tool' | 'tool_result' | 'result' | 'error' | 'stderr' | 'info';

export interface LogLine {
  /** Position in the run's log, for React keys. */
  n: number;
  kind: LogLineKind;
  text: string;
}

function kindOf(item: StreamItem | undefined): LogLineKind {
  switch (item?.kind) {
    case 'init':
      return 'session';
    case 'assistant_text':
    case 'thinking':
      return 'text';
    case 'tool_use':
      return 'tool';
    case 'tool_result':
      return item.is_error ? 'error' : 'tool_result';
    case 'result':
      return item.result.is_error || item.result.subtype !== 'success' ? 'error' : 'result';
    case 'assistant_error':
    case 'permission_denied':
      return 'error';
    case 'api_retry':
      return 'info';
    case 'unknown':
    case 'invalid':
    case undefined:
      return 'text';
  }
}

export const DEFAULT_MAX_LINES = 5000;

/** Incremental formatter of one run's output. Keeps at most `maxLines` lines (the oldest are dropped). */
export class LiveLog {
  private readonly parser = new StreamJsonParser();
  private next = 0;
  lines: LogLine[] = [];
  /** Lines dropped because of the cap. */
  dropped = 0;
  /** stderr lines and error items seen. */
  errorCount = 0;

  constructor(private readonly maxLines = DEFAULT_MAX_LINES) {}

  /** Adds output lines; returns the formatted lines they produced. */
  push(lines: readonly OutputLine[]): LogLine[] {
    const added: LogLine[] = [];
    const add = (kind: LogLineKind, text: string): void => {
      if (kind === 'error' || kind === 'stderr') this.errorCount++;
      added.push({ n: this.next++, kind, text });
    };
    for (const l of lines) {
      if (l.stream === 'stderr') {
        if (l.line.trim()) add('stderr', l.line);
        continue;
      }
      const parsed = this.parser.pushLine(l.line);
      // The parser formats every item except thinking and unknown events, in order: pair them up for the kind.
      const shown = parsed.items.filter((i) => i.kind !== 'thinking' && i.kind !== 'unknown');
      parsed.output.forEach((text, i) => add(kindOf(shown[i]), text));
    }
    this.lines = this.lines.concat(added);
    if (this.lines.length > this.maxLines) {
      const cut = this.lines.length - this.maxLines;
      this.dropped += cut;
      this.lines = this.lines.slice(cut);
    }
    return added;
  }

  /** Adds the lines of a raw JSONL text (what the run wrote so far), e.g. to fill Live for a run already going. */
  pushRaw(raw: string): LogLine[] {
    return this.push(
      raw
        .split('\n')
        .filter((l) => l.trim())
        .map((line) => ({ stream: 'stdout', line })),
    );
  }

  text(): string {
    return this.lines.map((l) => l.text).join('\n');
  }
}

/** The Errors tab: the run's error summary as lines, without blank ones. */
export function errorLines(errors: string | null | undefined): string[] {
  if (!errors) return [];
  return errors.split(/\r?\n/).filter((l) => l.trim().length > 0);
}

/** The Raw tab: JSONL as is, but an object per line pretty enough to scan (long lines stay one line). */
export function rawLines(raw: string | null | undefined): string[] {
  if (!raw) return [];
  return raw.split(/\r?\n/).filter((l) => l.length > 0);
}
