import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * infra/iam-actions.json is the single list of AWS API actions each process calls; the stack's IAM roles grant
 * exactly these. This test keeps it honest from this side: every SDK command the AWS adapters construct (and
 * every command sqs-consumer sends on their behalf) must be listed for each process that runs that code.
 */
type Process = 'daemon' | 'node';

const ROOT = path.resolve(__dirname, '../../../..');
const ADAPTERS = __dirname;
const IAM_FILE = path.join(ROOT, 'infra/iam-actions.json');

/**
 * Which process runs the code of each adapter file. A new file that sends AWS commands must be added here: that is
 * the moment to decide which role needs the new actions.
 */
const FILE_PROCESSES: Record<string, Process[] | Record<string, Process[]>> = {
  // SnsCommandBus (daemon) and SnsEventBus (node) both publish through it.
  'sns-publisher.ts': ['daemon', 'node'],
  // Node only, including its control-queue management.
  'sqs-command.source.ts': ['node'],
  // Coordinator only.
  'sqs-event.source.ts': ['daemon'],
  'queue-depth.ts': ['daemon'],
  // Invalid messages: the node's command source and the daemon's event source both dead-letter.
  'sqs-dead-letter.ts': ['daemon', 'node'],
  'sqs-queue.poller.ts': ['daemon', 'node'],
  // Defaults from the stack: the node finds its command topic (and checks the work queue's filter) and both read
  // their queues' redrive policies; the daemon looks for the work queue next to its server queue.
  'stack-discovery.ts': {
    GetQueueAttributesCommand: ['daemon', 'node'],
    ListSubscriptionsCommand: ['node'],
    GetSubscriptionAttributesCommand: ['node'],
  },
  // S3LogStore: the node writes (and reads a log back before continuing it); the daemon reads and deletes.
  's3-log.store.ts': {
    PutObjectCommand: ['node'],
    GetObjectCommand: ['daemon', 'node'],
    // The size of a log before a ranged read (authorised as s3:GetObject).
    HeadObjectCommand: ['daemon', 'node'],
    DeleteObjectCommand: ['daemon'],
  },
};

/** Batch and read variants that IAM authorises under another action's name. */
const ACTION_ALIASES: Record<string, string> = {
  'sqs:SendMessageBatch': 'sqs:SendMessage',
  'sqs:DeleteMessageBatch': 'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibilityBatch': 'sqs:ChangeMessageVisibility',
  'sns:PublishBatch': 'sns:Publish',
  's3:HeadObject': 's3:GetObject',
  's3:DeleteObjects': 's3:DeleteObject',
  's3:ListObjectsV2': 's3:ListBucket',
};

const SERVICES: Record<string, string> = {
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-s3': 's3',
};

function actionOf(service: string, command: string): string {
  const action = `${service}:${command.replace(/Command$/, '')}`;
  return ACTION_ALIASES[action] ?? action;
}

/** `new XCommand(` in a source file, with the AWS service its import comes from. */
function commandsIn(source: string): { command: string; service: string }[] {
  const imported = new Map<string, string>();
  for (const m of source.matchAll(/\{([^}]*)\} from '(@aws-sdk\/client-[a-z0-9]+)'/g)) {
    const service = SERVICES[m[2]];
    if (!service) continue;
    for (const name of m[1].split(',').map((s) => s.trim().split(/\s+as\s+/)[0])) if (name) imported.set(name, service);
  }
  const out: { command: string; service: string }[] = [];
  for (const m of source.matchAll(/new\s+(\w+Command)\s*\(/g)) {
    const service = imported.get(m[1]);
    if (!service) throw new Error(`${m[1]} is not imported from an AWS client package this test knows`);
    out.push({ command: m[1], service });
  }
  return out;
}

function readIamActions(): Record<Process, string[]> {
  return JSON.parse(fs.readFileSync(IAM_FILE, 'utf8')) as Record<Process, string[]>;
}

/** Every (process, action, origin) the adapters need. */
function requiredActions(): { process: Process; action: string; origin: string }[] {
  const out: { process: Process; action: string; origin: string }[] = [];
  const files = fs.readdirSync(ADAPTERS).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
  for (const file of files) {
    const commands = commandsIn(fs.readFileSync(path.join(ADAPTERS, file), 'utf8'));
    if (commands.length === 0) continue;
    const owners = FILE_PROCESSES[file];
    if (!owners) throw new Error(`${file} sends AWS commands but is not listed in FILE_PROCESSES of this test`);
    for (const { command, service } of commands) {
      const processes = Array.isArray(owners) ? owners : owners[command];
      if (!processes) throw new Error(`${file}: ${command} has no process in FILE_PROCESSES of this test`);
      for (const process of processes)
        out.push({ process, action: actionOf(service, command), origin: `${file} ${command}` });
    }
  }
  // sqs-consumer sends its own receive/delete/visibility commands for the pollers of both processes.
  const consumerSource = fs.readFileSync(
    path.join(path.dirname(require.resolve('sqs-consumer')), 'consumer.js'),
    'utf8',
  );
  const sent = [...consumerSource.matchAll(/new\s+client_sqs_\d+\.(\w+Command)\s*\(/g)].map((m) => m[1]);
  expect(sent).toContain('ReceiveMessageCommand');
  for (const command of sent) {
    for (const process of FILE_PROCESSES['sqs-queue.poller.ts'] as Process[]) {
      out.push({ process, action: actionOf('sqs', command), origin: `sqs-consumer ${command}` });
    }
  }
  return out;
}

describe('infra/iam-actions.json', () => {
  it('has the shape infra reads: { "daemon": [...], "node": [...] } of "service:Action" strings', () => {
    const iam = readIamActions();
    expect(Object.keys(iam).sort()).toEqual(['daemon', 'node']);
    for (const list of Object.values(iam)) {
      expect(list.length).toBeGreaterThan(0);
      for (const a of list) expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
      expect(new Set(list).size).toBe(list.length);
    }
  });

  it('lists every AWS action the adapters call, for each process that runs them', () => {
    const iam = readIamActions();
    const required = requiredActions();
    // The scan must find the adapters' calls, or this test proves nothing.
    expect(required.map((r) => r.action)).toEqual(
      expect.arrayContaining([
        'sns:Publish',
        'sqs:CreateQueue',
        'sns:Subscribe',
        's3:PutObject',
        'sqs:GetQueueAttributes',
      ]),
    );
    const missing = required
      .filter((r) => !iam[r.process].includes(r.action))
      .map((r) => `${r.process}: ${r.action} (${r.origin})`);
    expect([...new Set(missing)]).toEqual([]);
  });

  it('grants the daemon no write to run logs and no queue management (least privilege)', () => {
    const daemon = readIamActions().daemon;
    for (const a of ['s3:PutObject', 'sqs:CreateQueue', 'sqs:DeleteQueue', 'sns:Subscribe'])
      expect(daemon).not.toContain(a);
  });

  it('recognises commands and their services in source text', () => {
    const src = `import { PublishCommand } from '@aws-sdk/client-sns';\nimport { DeleteMessageBatchCommand as D } from '@aws-sdk/client-sqs';\nnew PublishCommand({});`;
    expect(commandsIn(src)).toEqual([{ command: 'PublishCommand', service: 'sns' }]);
    expect(actionOf('sqs', 'DeleteMessageBatchCommand')).toBe('sqs:DeleteMessage');
    expect(() => commandsIn('new FooCommand(1)')).toThrow(/not imported/);
  });
});
