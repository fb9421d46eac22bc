export * from './messages';
export * from './ports';
export * from './in-memory.transport';
export * from './file-log.store';
export * from './log-cap.policy';
export * from './capped-log.writer';
export * from './aws';
export * from './buffered-event.bus';
