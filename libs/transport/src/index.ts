export * from './messages';
export * from './ports';
export * from './in-memory.transport';
export * from './file-log.store';
export * from './aws';
export * from './buffered-event.bus';
export * from './message.dto';
