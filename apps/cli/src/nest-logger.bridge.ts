import type { LoggerService } from '@nestjs/common';
import { getLogger } from '@ccs/shared';

const log = getLogger('nest');

function text(message: unknown, params: unknown[]): string {
  const context = params.length ? params[params.length - 1] : undefined;
  const body = typeof message === 'string' ? message : JSON.stringify(message);
  return typeof context === 'string' ? `${context}: ${body}` : body;
}

/** Nest's own messages are library internals: visible at -vvv (TRACE), warnings and errors always. */
export class NestLoggerBridge implements LoggerService {
  log(message: unknown, ...params: unknown[]): void {
    log.trace(text(message, params));
  }
  debug(message: unknown, ...params: unknown[]): void {
    log.trace(text(message, params));
  }
  verbose(message: unknown, ...params: unknown[]): void {
    log.trace(text(message, params));
  }
  warn(message: unknown, ...params: unknown[]): void {
    log.warn(text(message, params));
  }
  error(message: unknown, ...params: unknown[]): void {
    log.error(text(message, params));
  }
  fatal(message: unknown, ...params: unknown[]): void {
    log.error(text(message, params));
  }
}
