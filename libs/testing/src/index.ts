export * from './temp-dir';
export * from './fake-claude';
export * from './aws';
export * from './gui-process';
export * from './fake-anthropic-api';
export * from './cluster-process';
