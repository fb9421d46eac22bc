import { ArgumentsHost, Catch, ExceptionFilter, HttpServer } from '@nestjs/common';
import { getLogger } from '@ccs/shared';
import { MapErrorOptions, mapHttpError } from './api-error';

const log = getLogger('http');

interface RequestLike {
  method?: string;
  url?: string;
}

/**
 * The global exception filter: every error a request can end in — thrown by a controller or service, a
 * validation failure, a body-parser error, an unmatched route — becomes `{ error: { code, message, details } }`
 * with the status of `mapHttpError`. 5xx answers carry an `error_id` that is logged with the stack, so a user's
 * report can be matched with the log line.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(
    private readonly httpAdapter: HttpServer,
    private readonly options: MapErrorOptions = {},
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<RequestLike>();
    const response: unknown = http.getResponse();
    const { status, body, errorId } = mapHttpError(exception, this.options);
    if (errorId) {
      log.error(`${request.method ?? '?'} ${request.url ?? '?'} failed with error_id=${errorId}:`, exception);
    }
    const adapter = this.httpAdapter;
    if (adapter.isHeadersSent(response)) {
      // A streamed answer (e.g. SSE) already started: a second status line is impossible, so end it.
      adapter.end(response);
      return;
    }
    adapter.reply(response, body, status);
  }
}
