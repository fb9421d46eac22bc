import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AwsTestServers, createAwsTopology, makeTempDir, removeTempDir, startAwsServers, waitFor } from '@ccs/testing';
import { S3LogStore } from './s3-log.store';
import { TransportUnavailableError } from './transport.errors';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

let servers: AwsTestServers;
let bucket: string;
let s3: S3Client;
const dirs: string[] = [];
const stores: S3LogStore[] = [];

beforeAll(async () => {
  servers = await startAwsServers();
  const topo = await createAwsTopology(servers);
  bucket = topo.bucket;
  await topo.stop();
  s3 = servers.createClients({ maxAttempts: 1 }).s3;
});

afterAll(async () => {
  await servers?.stop();
});

afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) removeTempDir(d);
});

function store(spoolDir = makeTempDir('ccs-spool-'), uploadIntervalMs = 100): S3LogStore {
  dirs.push(spoolDir);
  const s = new S3LogStore(s3, {
    bucket,
    spoolDir,
    uploadIntervalMs,
    maxRetryDelayMs: 200,
    retry: { attempts: 2, baseDelayMs: 10 },
  });
  stores.push(s);
  return s;
}

const spoolFile = (dir: string, runId: string, kind = 'log') => path.join(dir, `run_${runId}.${kind}`);

describe('S3LogStore', () => {
  it('uploads a running log periodically, so another process can tail it before finalize', async () => {
    const node = store();
    const coordinator = store();
    const runId = randomUUID();
    await node.append(runId, ['first']);
    let seen: string | null = null;
    await waitFor(
      () => {
        void coordinator.read(runId).then((t) => (seen = t));
        return seen === 'first\n';
      },
      { timeoutMs: 5000, what: 'the periodic upload' },
    );
    await node.append(runId, ['second']);
    await waitFor(
      () => {
        void coordinator.read(runId, 'log', 6).then((t) => (seen = t));
        return seen === 'second\n';
      },
      { timeoutMs: 5000, what: 'the next upload' },
    );
  });

  it('stores logs under logs/<run-id>.log|jsonl with text content types and removes the spool after finalize', async () => {
    const spool = makeTempDir('ccs-spool-');
    const node = store(spool);
    const runId = randomUUID();
    await node.append(runId, ['x']);
    await node.append(runId, ['{"a":1}'], 'jsonl');
    expect(fs.existsSync(spoolFile(spool, runId))).toBe(true);
    await node.finalize(runId);
    expect(fs.existsSync(spoolFile(spool, runId))).toBe(false);
    expect(fs.existsSync(spoolFile(spool, runId, 'jsonl'))).toBe(false);
    expect(node.key(runId)).toBe(`logs/${runId}.log`);
    const log = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `logs/${runId}.log` }));
    expect(log.ContentType).toMatch(/^text\/plain/);
    const jsonl = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `logs/${runId}.jsonl` }));
    expect(jsonl.ContentType).toBe('application/x-ndjson');
    expect(node.pendingUploads()).toBe(0);
  });

  it('keeps the spool while S3 is down and uploads once it is back', async () => {
    const spool = makeTempDir('ccs-spool-');
    const node = store(spool);
    const runId = randomUUID();
    await servers.s3.pause();
    try {
      await node.append(runId, ['written during the outage']);
      await expect(node.finalize(runId)).resolves.toBeUndefined();
      expect(fs.readFileSync(spoolFile(spool, runId), 'utf8')).toBe('written during the outage\n');
      expect(await node.flush({ timeoutMs: 300 })).toBe(false);
      expect(node.pendingUploads()).toBe(1);
      // The node still serves its own log from the spool.
      expect(await node.read(runId)).toBe('written during the outage\n');
      // A reader without the spool gets a typed error, not a raw SDK one.
      await expect(store().read(runId)).rejects.toBeInstanceOf(TransportUnavailableError);
    } finally {
      await servers.s3.restart();
    }
    expect(await node.flush({ timeoutMs: 10_000 })).toBe(true);
    expect(fs.existsSync(spoolFile(spool, runId))).toBe(false);
    expect(await store().read(runId)).toBe('written during the outage\n');
  });

  it('uploads spool files a previous process left behind when started', async () => {
    const spool = makeTempDir('ccs-spool-');
    const runId = randomUUID();
    fs.writeFileSync(spoolFile(spool, runId), 'left by a crashed node\n');
    fs.writeFileSync(path.join(spool, 'unrelated.txt'), 'not a run log');
    const node = store(spool);
    await node.start();
    expect(await node.flush({ timeoutMs: 10_000 })).toBe(true);
    expect(fs.existsSync(spoolFile(spool, runId))).toBe(false);
    expect(fs.existsSync(path.join(spool, 'unrelated.txt'))).toBe(true);
    expect(await store().read(runId)).toBe('left by a crashed node\n');
  });

  it('does not lose lines appended while an upload is in flight', async () => {
    const node = store(undefined, 20);
    const runId = randomUUID();
    const expected: string[] = [];
    for (let i = 0; i < 40; i++) {
      const lines = [`line ${i}`];
      expected.push(...lines);
      await node.append(runId, lines);
      if (i % 7 === 0) await new Promise((r) => setTimeout(r, 15));
    }
    await node.finalize(runId);
    expect(await node.flush({ timeoutMs: 10_000 })).toBe(true);
    expect(await store().read(runId)).toBe(expected.map((l) => `${l}\n`).join(''));
  });
});
