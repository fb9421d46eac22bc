/**
 * One logger for every mode. Writes `[YYYY-MM-DD HH:MM:SS][LEVEL][name] message` to stderr only, so stdout stays
 * clean for piping. Verbosity: 0 = WARNING (default), 1 = INFO (-v), 2 = DEBUG (-vv), 3+ = TRACE (-vvv: also
 * library internals such as the AWS SDK and Nest's own logs).
 */
export type LogLevel = 'ERROR' | 'WARNING' | 'INFO' | 'DEBUG' | 'TRACE';

const RANK: Record<LogLevel, number> = { ERROR: 0, WARNING: 1, INFO: 2, DEBUG: 3, TRACE: 4 };

export interface LogSink {
  write(line: string): void;
}

interface LoggerState {
  level: LogLevel;
  sink: LogSink;
  /** Secret values that must never be printed; replaced by `****` in every line. */
  redactions: Set<string>;
}

const state: LoggerState = {
  level: 'WARNING',
  sink: { write: (line) => process.stderr.write(line) },
  redactions: new Set(),
};

export function verbosityToLevel(count: number): LogLevel {
  if (count <= 0) return 'WARNING';
  if (count === 1) return 'INFO';
  if (count === 2) return 'DEBUG';
  return 'TRACE';
}

export function setupLogging(verboseCount: number, sink?: LogSink): LogLevel {
  state.level = verbosityToLevel(verboseCount);
  if (sink) state.sink = sink;
  return state.level;
}

export function currentLogLevel(): LogLevel {
  return state.level;
}

export function isLevelEnabled(level: LogLevel): boolean {
  return RANK[level] <= RANK[state.level];
}

/** Registers a secret so that it is masked in every later log line (values shorter than 4 chars are ignored). */
export function registerSecret(value: string): void {
  if (value.length >= 4) state.redactions.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of state.redactions) {
    if (out.includes(secret)) out = out.split(secret).join('****');
  }
  return out;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function stamp(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function format(args: unknown[]): string {
  return args
    .map((a) => (a instanceof Error ? (a.stack ?? a.message) : typeof a === 'string' ? a : JSON.stringify(a)))
    .join(' ');
}

export class Logger {
  constructor(readonly name: string) {}

  private log(level: LogLevel, args: unknown[]): void {
    if (!isLevelEnabled(level)) return;
    state.sink.write(`[${stamp(new Date())}][${level}][${this.name}] ${redact(format(args))}\n`);
  }

  error(...args: unknown[]): void {
    this.log('ERROR', args);
  }
  warn(...args: unknown[]): void {
    this.log('WARNING', args);
  }
  info(...args: unknown[]): void {
    this.log('INFO', args);
  }
  debug(...args: unknown[]): void {
    this.log('DEBUG', args);
  }
  trace(...args: unknown[]): void {
    this.log('TRACE', args);
  }
}

export function getLogger(name: string): Logger {
  return new Logger(name);
}
