import { RunLogFiles } from '@ccs/storage';
import { makeTempDir, removeTempDir } from '@ccs/testing';
import { FileLogStore } from '../file-log.store';
import { InMemoryTransport } from '../in-memory.transport';
import { LogCapPolicy } from '../log-cap.policy';
import { describeTransportConformance } from './transport-conformance';

describeTransportConformance('in-memory transport + FileLogStore', () => {
  const transport = new InMemoryTransport({ redeliveryDelayMs: 50, maxReceives: 5 });
  const dir = makeTempDir('ccs-conf-mem-');
  const files = (cap?: LogCapPolicy) => new FileLogStore(new RunLogFiles(dir), cap);
  let seen = 0;
  return Promise.resolve({
    commandBus: transport.commandBus,
    createCommandSource: () => transport.createCommandSource(),
    eventBus: transport.eventBus,
    createEventSource: () => transport.eventSource,
    deadLetters: () => {
      const fresh = transport.deadLetters.slice(seen).map((d) => d.body);
      seen = transport.deadLetters.length;
      return Promise.resolve(fresh);
    },
    deliveryMs: 200,
    redeliveryMs: 300,
    logs: files(),
    openLogStore: files,
    close: () => {
      transport.close();
      removeTempDir(dir);
      return Promise.resolve();
    },
  });
});
