import * as path from 'node:path';
import {
  AwsHarness,
  BinaryProcess,
  assertBuilt,
  daemonArgs,
  launchBinary,
  nodeArgs,
  fakeClaudeDir,
  fakeClaudeEnv,
  makeTempDir,
  removeTempDir,
  startAwsHarness,
} from '@ccs/testing';
import { BenchClient } from './http-client';
import { msSince } from './stats';

/** One process of the real binary (daemon or node). */
export type ClusterProc = BinaryProcess;
const launch = launchBinary;

export interface ClusterOptions {
  /** Seconds between node heartbeats. */
  heartbeatSeconds: number;
  /** A node silent this long is lost. */
  nodeTimeoutSeconds: number;
  /** Runs per node at once. */
  capacity: number;
  /** Lease on a taken run (SQS visibility), renewed while it runs. */
  visibilitySeconds: number;
  /** Nodes simulate Claude (mock mode) instead of running the fake claude CLI. */
  mockMode: boolean;
}

export interface BenchCluster {
  aws: AwsHarness;
  api: BenchClient;
  url: string;
  daemon: ClusterProc;
  nodes: Map<string, ClusterProc>;
  /** Process spawn of the daemon → its "listening on" line, ms. */
  daemonListeningMs: number;
  startNode(id: string): ClusterProc;
  /** Polls GET /api/nodes until these nodes are online; returns the wait in ms. */
  waitOnline(ids: string[], timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * The distributed topology on loopback: the SNS/SQS/S3-protocol test servers (libs/testing/src/aws), one real
 * `daemon` and real `node` processes, the same flags as production with short heartbeats and long polls.
 */
export async function startBenchCluster(o: ClusterOptions): Promise<BenchCluster> {
  assertBuilt();
  const dir = makeTempDir('ccs-bench-cluster-');
  const aws = await startAwsHarness({ prefix: 'ccs-bench', visibilityTimeoutSeconds: o.visibilitySeconds });
  const t0 = process.hrtime.bigint();
  const daemon = launch(
    daemonArgs(aws, { dataDir: path.join(dir, 'daemon'), nodeTimeoutSeconds: o.nodeTimeoutSeconds }),
    { ...aws.env, HOME: dir },
  );
  let url: string | undefined;
  for (const deadline = Date.now() + 30_000; !url;) {
    url = /listening on (http:\/\/\S+)/.exec(daemon.out())?.[1];
    if (url) break;
    if (daemon.proc.exitCode !== null || Date.now() > deadline)
      throw new Error(`daemon did not start:\n${daemon.err()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const daemonListeningMs = msSince(t0);
  const api = new BenchClient(url, 4);
  const nodes = new Map<string, ClusterProc>();
  const startNode = (id: string): ClusterProc => {
    const p = launch(
      nodeArgs(aws, {
        id,
        workDir: path.join(dir, id),
        heartbeatSeconds: o.heartbeatSeconds,
        capacity: o.capacity,
        visibilitySeconds: o.visibilitySeconds,
        mockMode: o.mockMode,
      }),
      { ...aws.env, PATH: `${fakeClaudeDir()}:${process.env['PATH'] ?? ''}`, HOME: dir, ...fakeClaudeEnv({}) },
    );
    nodes.set(id, p);
    return p;
  };
  const waitOnline = async (ids: string[], timeoutMs = 30_000): Promise<number> => {
    const start = process.hrtime.bigint();
    for (const deadline = Date.now() + timeoutMs; ;) {
      const list = (await api.expect<{ nodes: { id: string; status: string }[] }>(200, 'GET', '/api/nodes')).body.nodes;
      if (ids.every((id) => list.some((n) => n.id === id && n.status === 'online'))) return msSince(start);
      if (Date.now() > deadline) {
        const errs = ids.map((id) => `${id}: ${nodes.get(id)?.err().slice(-2000) ?? 'not started'}`).join('\n');
        throw new Error(`nodes ${ids.join(', ')} not online after ${timeoutMs} ms: ${JSON.stringify(list)}\n${errs}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const close = async (): Promise<void> => {
    api.close();
    for (const p of nodes.values()) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGTERM');
    await Promise.all([...nodes.values()].map((p) => p.exited));
    if (daemon.proc.exitCode === null) daemon.proc.kill('SIGTERM');
    await daemon.exited;
    await aws.stop();
    removeTempDir(dir);
  };
  return { aws, api, url, daemon, nodes, daemonListeningMs, startNode, waitOnline, close };
}
