/**
 * `make cluster`: the distributed topology on one machine. Starts the SQS-, S3- and SNS-protocol test servers on
 * loopback, creates the topics/queues/bucket, then runs one `daemon` and two `node` processes of the real binary
 * against them (nodes in mock mode unless CLUSTER_REAL_CLAUDE=1). Ctrl-C stops everything.
 *
 *   make build && make cluster          # then open the printed dashboard URL, or use `cli --api-url …`
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { binPath, daemonArgs, nodeArgs, startAwsHarness } from '@ccs/testing';

async function main(): Promise<void> {
  const env = process.env;
  const port = env['CLUSTER_API_PORT'] ?? '8787';
  const mock = env['CLUSTER_REAL_CLAUDE'] !== '1';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccs-cluster-'));
  const aws = await startAwsHarness({ prefix: 'ccs-local', visibilityTimeoutSeconds: 30 });
  const children: ChildProcess[] = [];
  const run = (name: string, args: string[]): void => {
    const child = spawn(process.execPath, [binPath(), ...args, '-v'], {
      env: { ...env, ...aws.env },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    child.stderr.on('data', (d: Buffer) => process.stderr.write(d.toString().replace(/^/gm, `[${name}] `)));
    children.push(child);
  };
  run(
    'daemon',
    daemonArgs(aws, {
      dataDir: path.join(dir, 'daemon'),
      nodeTimeoutSeconds: 30,
      pollSeconds: 2,
      apiPort: Number(port),
    }),
  );
  for (const id of ['node-1', 'node-2']) {
    run(
      id,
      nodeArgs(aws, {
        id,
        workDir: path.join(dir, id),
        heartbeatSeconds: 10,
        capacity: 2,
        pollSeconds: 2,
        mockMode: mock,
      }),
    );
  }
  process.stdout.write(
    `\nLocal cluster: dashboard and API at http://127.0.0.1:${port} (daemon), nodes node-1 and node-2${mock ? ' in mock mode' : ''}.\n` +
      `Try: ${binPath()} cli --api-url http://127.0.0.1:${port} nodes list\n` +
      `AWS endpoints: SQS ${aws.env['AWS_ENDPOINT_URL_SQS']}, SNS ${aws.env['AWS_ENDPOINT_URL_SNS']}, S3 ${aws.env['AWS_ENDPOINT_URL_S3']}; state in ${dir}\n` +
      'Ctrl-C stops everything.\n\n',
  );
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    await aws.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`cluster failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
