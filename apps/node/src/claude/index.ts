export * from './claude-argv';
export * from './claude-cli-discovery';
export * from './is-executable';
export * from './stream-json-parser';
export * from './mock-stream';
