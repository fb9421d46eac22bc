import type { Server } from 'node:http';
import { DynamicModule, INestApplication, LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { getLogger, isLevelEnabled } from '@ccs/shared';
import type { Coordinator } from '../coordinator';
import { HttpServerLimits, assertBindAllowed, configureHttpApp, createFastifyAdapterOptions } from '../http';
import { EventsController, SseLimits } from './events.controller';
import { LiveStreams } from './live-streams';
import { JobsController } from './jobs.controller';
import { ProfilesController } from './profiles.controller';
import { RootController } from './root.controller';
import { RunsController } from './runs.controller';
import { SystemController } from './system.controller';
import { TasksController } from './tasks.controller';
import { UiController } from './ui.controller';
import { DASHBOARD_ROUTES, dashboardMissing, registerDashboard, resolveDashboardDir } from './dashboard';
import { API_OPTIONS, COORDINATOR } from './tokens';
import { ResponseCache } from './response-cache';

export interface ApiServerOptions {
  host: string;
  port: number;
  apiToken: string | null;
  allowedHosts?: string[];
  allowedOrigins?: string[];
  limits?: HttpServerLimits;
  /** Filled in by createApiServer: the URL clients use. */
  publicUrl: string;
  /** Filled in by createApiServer: every route the server answers (for the index). */
  routes: () => { method: string; url: string }[];
  /**
   * Directory of the built dashboard (static export, `web/out`). Omitted = `<repo>/web/out` when it is built;
   * null = no dashboard (`GET /` answers the JSON index). Filled in by createApiServer with the directory served.
   */
  dashboard?: string | null;
  /** Chromium used by `/api/ui/screenshot` and `/api/ui/analysis`. Default `/usr/bin/chromium`. */
  chromiumPath?: string | null;
  /** Memory bounds of the event stream (per client backlog, replay); defaults in DEFAULT_SSE_LIMITS. */
  sse?: Partial<SseLimits>;
}

/**
 * On close, connections still open this long after the long-lived streams were ended (a client in the middle of
 * a slow request, a socket that will not let go) are cut, so shutdown never waits on clients.
 */
const FORCE_CLOSE_AFTER_MS = 2000;

export const API_CONTROLLERS = [
  RootController,
  SystemController,
  TasksController,
  RunsController,
  JobsController,
  ProfilesController,
  EventsController,
  UiController,
];

@Module({})
export class ApiModule {
  static forCoordinator(coordinator: Coordinator, options: ApiServerOptions): DynamicModule {
    return {
      module: ApiModule,
      controllers: API_CONTROLLERS,
      providers: [
        { provide: COORDINATOR, useValue: coordinator },
        { provide: API_OPTIONS, useValue: options },
        { provide: LiveStreams, useValue: new LiveStreams() },
        { provide: ResponseCache, useFactory: () => new ResponseCache(coordinator.hub) },
      ],
    };
  }
}

/** Nest's own log lines go through our logger (stderr, -v levels); Nest internals only at -vvv. */
const nestLog = getLogger('nest');
const dashboardLog = getLogger('api.dashboard');

class NestLogBridge implements LoggerService {
  log(message: unknown): void {
    if (isLevelEnabled('TRACE')) nestLog.trace(String(message));
  }
  error(message: unknown, trace?: string): void {
    nestLog.error(String(message), trace ?? '');
  }
  warn(message: unknown): void {
    nestLog.warn(String(message));
  }
  debug(message: unknown): void {
    nestLog.trace(String(message));
  }
  verbose(message: unknown): void {
    nestLog.trace(String(message));
  }
}

export interface ApiServer {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/**
 * Builds and starts the REST API (NestJS on Fastify) for a coordinator: security hooks, error shape, OpenAPI,
 * controllers. Refuses a non-loopback bind without an API token. A busy port is a clear error naming the port.
 */
export async function createApiServer(
  coordinator: Coordinator,
  input: Omit<ApiServerOptions, 'publicUrl' | 'routes'>,
): Promise<ApiServer> {
  assertBindAllowed({ host: input.host, token: input.apiToken });
  const routes: { method: string; url: string }[] = [];
  const displayHost = input.host === '0.0.0.0' || input.host === '::' ? '127.0.0.1' : input.host;
  const options: ApiServerOptions = {
    ...input,
    dashboard: resolveDashboardDir(input.dashboard),
    publicUrl: `http://${displayHost}:${input.port}`,
    routes: () => routes,
  };
  const adapter = new FastifyAdapter(createFastifyAdapterOptions(input.limits));
  adapter.getInstance().addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) if (m !== 'HEAD') routes.push({ method: m, url: r.url });
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    ApiModule.forCoordinator(coordinator, options),
    adapter,
    {
      logger: new NestLogBridge(),
      abortOnError: false,
    },
  );
  configureHttpApp(app, {
    security: {
      host: input.host,
      apiToken: input.apiToken,
      allowedHosts: input.allowedHosts,
      allowedOrigins: input.allowedOrigins,
      // Without a dashboard, `GET /` answers the API index (data), so only a served dashboard makes routes public.
      publicRoutes: options.dashboard ? DASHBOARD_ROUTES : [],
    },
    bodyLimitBytes: input.limits?.bodyLimitBytes,
  });
  if (options.dashboard) await registerDashboard(app, options.dashboard);
  else if (input.dashboard !== null) dashboardLog.warn(dashboardMissing(input.dashboard));
  try {
    await app.listen(input.port, input.host);
  } catch (err) {
    await app.close().catch(() => undefined);
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `Port ${input.port} on ${input.host} is already in use. Stop the other process (see PORTS.md: \`lsof -i :${input.port}\`) or choose another port.`,
        { cause: err },
      );
    }
    throw err;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : input.port;
  options.publicUrl = `http://${displayHost.includes(':') ? `[${displayHost}]` : displayHost}:${port}`;
  let closing: Promise<void> | null = null;
  const shutdown = async (): Promise<void> => {
    // Event streams and followed logs first: each gets a last word and is ended, so nothing holds close() open.
    app.get(LiveStreams).stopAll('server stopping');
    const server: Server = app.getHttpServer();
    const force = setTimeout(() => server.closeAllConnections(), FORCE_CLOSE_AFTER_MS);
    force.unref();
    try {
      // Fastify closes idle keep-alive sockets at once (forceCloseConnections: 'idle') and answers 503 meanwhile.
      await app.close();
    } finally {
      clearTimeout(force);
    }
  };
  return {
    app,
    url: options.publicUrl,
    close: () => (closing ??= shutdown()),
  };
}
