export * from './aws-secret-reader.port';
export * from './sdk-aws-secret.reader';
export * from './env-resolver';
export * from './shell-words';
