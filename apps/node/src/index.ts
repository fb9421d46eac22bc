/** Public surface of the node app, for composition roots (apps/cli modes) and tests. */
export * from './node-runtime';
export * from './execution/node-worker';
export * from './execution/run-executor';
export * from './execution/mock-process.runner';
export { expandPath } from './workdir/path-expansion';
export type { ExpansionContext } from './workdir/path-expansion';
export { buildRunEnv, resolveProfileEnv, EnvResolutionError } from './env/env-resolver';
export type { ResolvedEnv } from './env/env-resolver';
export { SdkAwsSecretReader } from './env/sdk-aws-secret.reader';
export { ExecFileCommandRunner } from './process/exec-file.command-runner';
export { ChildProcessRunner } from './process/child-process.runner';
