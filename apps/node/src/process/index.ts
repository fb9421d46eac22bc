export * from './process-runner.port';
export * from './child-process.runner';
export * from './command-runner.port';
export * from './exec-file.command-runner';
export * from './output-batcher';
export * from './process-group';
export * from './concurrency-limiter';
