import * as os from 'node:os';
import { machineTimeZone } from '@ccs/core';
import { DataStore, RunLogFiles, openDataStore, selectLogFilesToPrune } from '@ccs/storage';
import { Clock, getLogger, runMetrics, startTelemetry, systemClock } from '@ccs/shared';
import { FileLogStore, InMemoryTransport, LogCapPolicy, applyLogCapsFrom } from '@ccs/transport';
import { ApiServer, ChokidarFileWatcher, Coordinator, createApiServer } from '@ccs/coordinator';
import { NodeWorker, createRunExecutor, expandPath } from '@ccs/node';

const log = getLogger('gui');
const LOCAL_HEARTBEAT_MS = 30_000;

export interface LocalRuntimeOptions {
  dataDir: string;
  host: string;
  port: number;
  apiToken: string | null;
  /** More names clients use for the API and more origins of pages that may use it (see HttpSecurityOptions). */
  allowedHosts?: string[];
  allowedOrigins?: string[];
  /** `--mock-mode` for this process (settings.json is not changed). */
  mockMode: boolean;
  /** The environment runs start from. */
  env: Readonly<Record<string, string | undefined>>;
  homeDir?: string;
  platform?: NodeJS.Platform;
  clock?: Clock;
  /** Grace for running runs on shutdown before they are killed. */
  shutdownGraceMs?: number;
  /** Directory of the built dashboard; omitted = `web/out` when built, null = none (see ApiServerOptions). */
  dashboard?: string | null;
}

export interface LocalRuntime {
  url: string;
  coordinator: Coordinator;
  store: DataStore;
  /** Orderly shutdown; idempotent. */
  close(reason?: string): Promise<void>;
}

/**
 * `gui` mode's composition root: the coordinator and one in-process worker over the in-memory transport
 * adapters, the JSON store and file logs of the data directory, and the REST API. `daemon` + `node` compose the
 * same Coordinator and NodeWorker with AWS adapters instead.
 */
export async function startLocalRuntime(o: LocalRuntimeOptions): Promise<LocalRuntime> {
  const clock = o.clock ?? systemClock;
  const homeDir = o.homeDir ?? os.homedir();
  const store = await openDataStore({ dataDir: o.dataDir });
  // OpenTelemetry when the OTEL_* variables ask for it (off by default); before the coordinator starts any run.
  const telemetry = startTelemetry({ mode: 'gui', env: o.env });
  const transport = new InMemoryTransport();
  const queueDepths = (): Promise<Record<string, number>> => Promise.resolve(transport.depth());
  // Each run's logs are capped by the max_log_bytes it was dispatched with (applyLogCapsFrom, below).
  const logCap = new LogCapPolicy(store.settings.get().max_log_bytes);
  const logs = new FileLogStore(RunLogFiles.forDataDir(store.dataDir), logCap);
  const expansion = { homeDir, env: o.env };
  const coordinator = new Coordinator({
    store,
    commands: transport.commandBus,
    events: transport.eventSource,
    logs,
    clock,
    watcher: new ChokidarFileWatcher(),
    info: {
      mode: 'gui',
      startedAt: clock.now(),
      dataDir: store.dataDir,
      queueDepths,
    },
    defaultTimezone: machineTimeZone(),
    expandPath: (p) => expandPath(p, expansion),
    executionOverrides: o.mockMode ? { mock_mode: true } : {},
    nodeTimeoutMs: 3 * LOCAL_HEARTBEAT_MS,
    pruneLogsByAge: async (days, now) => {
      const files = RunLogFiles.forDataDir(store.dataDir);
      const active = new Set(
        store.runs
          .list()
          .filter((r) => r.status === 'running' || r.status === 'upcoming')
          .map((r) => r.id),
      );
      let n = 0;
      for (const f of selectLogFilesToPrune(await files.list(), days, now, active))
        n += await files.delete(f.runId, [f.kind]);
      return n;
    },
  });
  const executor = createRunExecutor({
    nodeId: 'local',
    clock,
    events: transport.eventBus,
    logs,
    baseEnv: o.env,
    homeDir,
    platform: o.platform ?? process.platform,
  });
  const worker = new NodeWorker(
    {
      nodeId: 'local',
      nodeName: os.hostname(),
      host: os.hostname(),
      capacity: Math.max(1, store.settings.get().max_concurrent_tasks),
      tags: { mode: 'gui' },
      heartbeatIntervalMs: LOCAL_HEARTBEAT_MS,
      shutdownDeadlineMs: o.shutdownGraceMs ?? 5_000,
    },
    applyLogCapsFrom(transport.createCommandSource(), logCap),
    transport.eventBus,
    executor,
    clock,
  );
  coordinator.settings.onChange((s) => worker.setCapacity(s.max_concurrent_tasks));
  const stopQueueGauge = runMetrics.observeQueueDepths(queueDepths);
  let api: ApiServer | null = null;
  try {
    await coordinator.start();
    await worker.start();
    api = await createApiServer(coordinator, {
      host: o.host,
      port: o.port,
      apiToken: o.apiToken,
      allowedHosts: o.allowedHosts,
      allowedOrigins: o.allowedOrigins,
      dashboard: o.dashboard,
    });
  } catch (err) {
    await worker.stop().catch(() => undefined);
    await coordinator.stop().catch(() => undefined);
    transport.close();
    await store.close().catch(() => undefined);
    await telemetry.shutdown();
    stopQueueGauge();
    throw err;
  }
  let closing: Promise<void> | null = null;
  const close = (reason = 'scheduler shutting down'): Promise<void> =>
    (closing ??= (async () => {
      log.info(`shutting down: ${reason}`);
      await api?.close().catch((err: unknown) => log.warn('closing the API failed:', err));
      await coordinator.scheduler.stop();
      // Running runs end cancelled with the reason; their final events are applied before the store closes.
      await worker.stopAllRuns(reason, 'shutdown');
      await worker.stop(reason);
      await waitForIdle(transport);
      await coordinator.stop();
      transport.close();
      await store.close();
      // Last, so the spans of runs ended during shutdown are flushed too (and the final queue depths collected).
      await telemetry.shutdown();
      stopQueueGauge();
    })());
  return { url: api.url, coordinator, store, close };
}

async function waitForIdle(transport: InMemoryTransport): Promise<void> {
  for (let i = 0; i < 100 && transport.depth().events > 0; i++) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 20));
}
