export * from './logger';
export * from './clock';
export * from './telemetry.config';
export * from './telemetry';
