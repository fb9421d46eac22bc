import { execFile } from 'node:child_process';
import { Inject } from '@nestjs/common';
import { Command, Option } from 'nest-commander';
import { PRODUCT_NAME, VERSION, ValidationError } from '@ccs/core';
import { currentLogLevel, getLogger } from '@ccs/shared';
import { ALLOWED_HOSTS_ENV, ALLOWED_ORIGINS_ENV, API_TOKEN_ENV, CLI_CONFIG, CliConfig, splitList } from '../cli.config';

import { DataDirectoryService } from '../debug/data-directory.service';
import { CcsCommand } from './ccs-command.base';

const log = getLogger('gui');

interface GuiOptions {
  restport?: number;
  host?: string;
  apiToken?: string;
  allowedHost?: string[];
  allowedOrigin?: string[];
  mockMode?: boolean;
  open?: boolean;
}

/** A repeatable option that also takes comma-separated values. */
export function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, ...splitList(value)];
}

export const ALLOWED_HOST_OPTION = {
  flags: '--allowed-host <host>',
  description:
    `another name clients use for this server, e.g. a reverse proxy's (name or name:port; repeatable; env ` +
    `${ALLOWED_HOSTS_ENV}). See docs/security.md`,
};

export const ALLOWED_ORIGIN_OPTION = {
  flags: '--allowed-origin <origin>',
  description: `another origin whose pages may use the API, e.g. https://scheduler.example.com (repeatable; env ${ALLOWED_ORIGINS_ENV})`,
};

export function parsePort(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new ValidationError(`invalid port "${value}": expected 0–65535`);
  return n;
}

/**
 * `gui`: the local all-in-one product. One process runs the coordinator (scheduler, REST API, SSE, dashboard) and
 * an in-process worker over the in-memory adapters of the same ports the cloud uses. Runs until SIGINT/SIGTERM,
 * then cancels running runs with a reason, flushes the data directory and exits.
 */
@Command({
  name: 'gui',
  description: 'local all-in-one: scheduler, in-process worker, REST API and dashboard on 127.0.0.1:5679',
})
export class GuiCommand extends CcsCommand {
  constructor(
    @Inject(CLI_CONFIG) private readonly config: CliConfig,
    private readonly dataDirs: DataDirectoryService,
  ) {
    super();
  }

  @Option({ flags: '--restport <port>', description: 'port of the REST API and dashboard (default: 5679)' })
  parseRestport(value: string): number {
    return parsePort(value);
  }

  @Option({ flags: '--host <host>', description: 'bind address (default: 127.0.0.1; anything else needs --api-token)' })
  parseHost(value: string): string {
    return value;
  }

  @Option({
    flags: '--api-token <token>',
    description: `require "Authorization: Bearer <token>" (env ${API_TOKEN_ENV})`,
  })
  parseApiToken(value: string): string {
    return value;
  }

  @Option(ALLOWED_HOST_OPTION)
  parseAllowedHost(value: string, previous?: string[]): string[] {
    return collectList(value, previous);
  }

  @Option(ALLOWED_ORIGIN_OPTION)
  parseAllowedOrigin(value: string, previous?: string[]): string[] {
    return collectList(value, previous);
  }

  @Option({ flags: '--mock-mode', description: 'simulate Claude runs for this process (settings.json unchanged)' })
  parseMockMode(): boolean {
    return true;
  }

  @Option({ flags: '--no-open', description: 'do not open a browser (the URL is printed either way)' })
  parseNoOpen(): boolean {
    return false;
  }

  async run(_args: string[], options: GuiOptions = {}): Promise<void> {
    const dataDir = this.dataDirs.resolve(this.globals().dataDir);
    const port = options.restport ?? 5679;
    const host = options.host ?? '127.0.0.1';
    const apiToken = options.apiToken ?? this.config.apiTokenEnv ?? null;
    // Loaded on demand: the runtime pulls in Nest, Fastify and the AWS SDK, which other commands never need.
    const { startLocalRuntime } = await import('../runtime/local-runtime.js');
    const runtime = await startLocalRuntime({
      dataDir,
      host,
      port,
      apiToken,
      allowedHosts: options.allowedHost ?? this.config.allowedHostsEnv,
      allowedOrigins: options.allowedOrigin ?? this.config.allowedOriginsEnv,
      mockMode: options.mockMode === true,
      env: this.config.processEnv,
      homeDir: this.config.home,
    });
    log.info(
      `${PRODUCT_NAME} ${VERSION} | mode gui | ${runtime.url} | data dir ${dataDir} | log level ${currentLogLevel()}${options.mockMode ? ' | mock mode' : ''}`,
    );
    process.stdout.write(`${PRODUCT_NAME} gui listening on ${runtime.url}\n`);
    if (options.open !== false) openBrowser(runtime.url);
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        runtime
          .close(`scheduler stopped (${signal})`)
          .catch((err: unknown) => log.error('shutdown failed:', err))
          .finally(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  }
}

/** Opens the dashboard in a browser when the desktop has an opener; silently does nothing otherwise. */
function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = execFile(opener, [url], { timeout: 10_000 }, (err) => {
    if (err) log.debug(`could not open a browser (${opener}): ${err.message}`);
  });
  child.unref();
}
