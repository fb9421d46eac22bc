export * from './loopback-server';
export * from './sqs-server';
export * from './s3-server';
export * from './sns-filter-policy';
export * from './sns-server';
export * from './aws-harness';
