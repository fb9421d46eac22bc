import { ChildProcess, spawn } from 'node:child_process';
import type { AwsTopology } from './aws';
import { binPath } from './gui-process';

/** A running process of the real binary, with its output collected. */
export interface BinaryProcess {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

/** Starts `claude-code-scheduler <args>` with `env` on top of this process's environment. */
export function launchBinary(args: string[], env: Record<string, string>): BinaryProcess {
  const proc = spawn(process.execPath, [binPath(), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, out: () => out, err: () => err, exited };
}

/** `daemon` arguments for a test topology (API on a free port unless `apiPort` is given). */
export function daemonArgs(
  aws: Pick<AwsTopology, 'commandTopicArn' | 'serverQueueUrl' | 'nodeQueueUrl' | 'bucket'>,
  o: { dataDir: string; nodeTimeoutSeconds: number; pollSeconds?: number; apiPort?: number },
): string[] {
  return [
    'daemon',
    '--command-topic',
    aws.commandTopicArn,
    '--server-queue',
    aws.serverQueueUrl,
    '--node-queue',
    aws.nodeQueueUrl,
    '--s3-bucket',
    aws.bucket,
    '--api-port',
    String(o.apiPort ?? 0),
    '--data-dir',
    o.dataDir,
    '--node-timeout',
    String(o.nodeTimeoutSeconds),
    '--poll-seconds',
    String(o.pollSeconds ?? 1),
  ];
}

/** `node` arguments for a test topology. */
export function nodeArgs(
  aws: Pick<AwsTopology, 'commandTopicArn' | 'controlBusArn' | 'nodeQueueUrl' | 'bucket' | 'prefix'>,
  o: {
    id: string;
    workDir: string;
    heartbeatSeconds: number;
    capacity: number;
    pollSeconds?: number;
    visibilitySeconds?: number;
    mockMode?: boolean;
    tags?: string;
  },
): string[] {
  return [
    'node',
    '--command-queue',
    aws.nodeQueueUrl,
    '--command-topic',
    aws.commandTopicArn,
    '--control-bus',
    aws.controlBusArn,
    '--s3-bucket',
    aws.bucket,
    '--node-id',
    o.id,
    '--heartbeat-interval',
    String(o.heartbeatSeconds),
    '--max-concurrent',
    String(o.capacity),
    '--poll-seconds',
    String(o.pollSeconds ?? 1),
    ...(o.visibilitySeconds ? ['--visibility-timeout', String(o.visibilitySeconds)] : []),
    '--queue-prefix',
    aws.prefix,
    '--work-dir',
    o.workDir,
    ...(o.tags ? ['--tags', o.tags] : []),
    ...(o.mockMode ? ['--mock-mode'] : []),
  ];
}
