/** Public surface of the coordinator app, for composition roots (apps/cli modes) and tests. */
export * from './coordinator';
export * from './api/api-server';
export * from './events/event-hub';
export * from './runs/run.service';
export * from './jobs/job-runner.service';
export * from './scheduler/scheduler.service';
export * from './scheduler/file-watcher.port';
export * from './scheduler/chokidar.file-watcher';
export * from './app/state.service';
export * from './nodes/node-registry.service';
export * from './retention/retention.service';
