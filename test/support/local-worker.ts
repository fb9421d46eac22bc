import { systemClock } from '@ccs/shared';
import type { DataStore } from '@ccs/storage';
import { RunLogFiles } from '@ccs/storage';
import { FileLogStore, InMemoryTransport } from '@ccs/transport';
import { ChildProcessRunner, MockProcessRunner, NodeWorker, RunExecutor } from '@ccs/node';

/**
 * The in-process worker of the gui wiring for cross-app tests: the real RunExecutor and NodeWorker over the given
 * in-memory transport, with the fake claude's environment (`env`, read at every run so a test may change it) and
 * the job's directory (or the default one) as working directory.
 */
export async function startTestWorker(o: {
  transport: InMemoryTransport;
  store: DataStore;
  env: Record<string, string>;
}): Promise<NodeWorker> {
  const executor = new RunExecutor({
    nodeId: 'local',
    clock: systemClock,
    events: o.transport.eventBus,
    logs: new FileLogStore(RunLogFiles.forDataDir(o.store.dataDir)),
    runner: new ChildProcessRunner(),
    mockRunner: () => new MockProcessRunner(() => 50),
    resolveEnv: () => Promise.resolve({ env: { ...o.env }, logLines: ['ENV: test env'] }),
    prepareWorkDir: (job, dflt) => Promise.resolve({ dir: job ? job.working_directory.path : dflt, notes: [] }),
    findClaude: (p) => p!,
    commitOnSuccess: () => Promise.resolve(null),
    outputIntervalMs: 20,
  });
  const worker = new NodeWorker(
    {
      nodeId: 'local',
      nodeName: 'local',
      host: 'localhost',
      capacity: 2,
      tags: {},
      heartbeatIntervalMs: 60_000,
      shutdownDeadlineMs: 2000,
    },
    o.transport.createCommandSource(),
    o.transport.eventBus,
    executor,
    systemClock,
  );
  await worker.start();
  return worker;
}
