import { IAM_ACTIONS, type ProcessName } from '../src/iam-actions';
import { buildProcessPolicy, type PolicyDocument, type StackArns } from '../src/process-policy';
import { renderUserData } from '../src/user-data';

/**
 * The roles against the command lines the hosts really run: every resource flag in a unit's ExecStart names a stack
 * resource, and the process's policy must allow what the process calls on it. The calls per flag are stated here, by
 * what the code does with the value (libs/transport/src/aws, apps/cli/src/runtime/cloud-runtime.ts); a flag added to
 * a unit without an entry fails, which is the moment to decide what its role needs.
 */
const account = '123456789012';
const sqsUrl = (name: string) => `https://sqs.eu-central-1.amazonaws.com/${account}/${name}`;
const ARNS: StackArns = {
  partition: 'aws',
  region: 'eu-central-1',
  accountId: account,
  prefix: 'ccs',
  commandTopicArn: `arn:aws:sns:eu-central-1:${account}:ccs-commands`,
  controlBusArn: `arn:aws:sns:eu-central-1:${account}:ccs-control-bus`,
  nodeQueueArn: `arn:aws:sqs:eu-central-1:${account}:ccs-nodes`,
  nodeDlqArn: `arn:aws:sqs:eu-central-1:${account}:ccs-nodes-dlq`,
  serverQueueArn: `arn:aws:sqs:eu-central-1:${account}:ccs-server`,
  serverDlqArn: `arn:aws:sqs:eu-central-1:${account}:ccs-server-dlq`,
  logBucketArn: 'arn:aws:s3:::ccs-logs-0123abcd',
  nodeSecretArns: [],
};
const BUCKET = 'ccs-logs-0123abcd';

/** Flag value on the command line → the ARN it names. */
const RESOURCE_OF_VALUE: Record<string, string> = {
  [ARNS.commandTopicArn]: ARNS.commandTopicArn,
  [ARNS.controlBusArn]: ARNS.controlBusArn,
  [sqsUrl('ccs-nodes')]: ARNS.nodeQueueArn,
  [sqsUrl('ccs-nodes-dlq')]: ARNS.nodeDlqArn,
  [sqsUrl('ccs-server')]: ARNS.serverQueueArn,
  [sqsUrl('ccs-server-dlq')]: ARNS.serverDlqArn,
  // Run logs are objects under logs/ of the bucket.
  [BUCKET]: `${ARNS.logBucketArn}/logs/run.log`,
};

const CONSUME = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'];

/** What each process calls on the resource a flag names; null for flags that name no AWS resource. */
const CALLS: Record<ProcessName, Record<string, string[] | null>> = {
  daemon: {
    '--host': null,
    '--api-port': null,
    // Commands to nodes.
    '--command-topic': ['sns:Publish'],
    // Events from nodes; its redrive policy names the DLQ when --server-dlq is not given; its depth in stats.
    '--server-queue': CONSUME,
    // The work queue's depth in `stats` (the reported bug: without this the queue section went blank).
    '--node-queue': ['sqs:GetQueueAttributes'],
    // Invalid events moved at once.
    '--server-dlq': ['sqs:SendMessage'],
    // Logs served by the API, deleted by retention.
    '--s3-bucket': ['s3:GetObject', 's3:DeleteObject'],
  },
  node: {
    '--node-id': null,
    '--capacity': null,
    '--queue-prefix': null,
    // Runs taken from the work queue; its redrive policy and ARN are read at start.
    '--command-queue': CONSUME,
    // The node subscribes its control queue to the command topic.
    '--command-topic': ['sns:Subscribe'],
    // Events to the coordinator.
    '--control-bus': ['sns:Publish'],
    // Invalid commands moved at once.
    '--node-dlq': ['sqs:SendMessage'],
    // Logs shipped (and read back before a log is continued).
    '--s3-bucket': ['s3:PutObject', 's3:GetObject'],
  },
};

/** IAM's `*`/`?` wildcard match. */
function iamMatches(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(value);
}

function allows(policy: PolicyDocument, action: string, resource: string): boolean {
  return policy.Statement.some(
    (s) => s.Effect === 'Allow' && s.Action.includes(action) && s.Resource.some((r) => iamMatches(r, resource)),
  );
}

/** `--flag value` pairs of the unit's ExecStart. */
function execStartFlags(script: string, unit: string): [string, string][] {
  const body = script.slice(script.indexOf(`cat > /etc/systemd/system/${unit} <<'CCS_EOF'`));
  const line = body.split('\n').find((l) => l.startsWith('ExecStart='))!;
  const words = line.split(' ').slice(2);
  const pairs: [string, string][] = [];
  for (let i = 0; i < words.length; i += 2) pairs.push([words[i], words[i + 1]]);
  return pairs;
}

const rendered: Record<ProcessName, [string, string][]> = {
  daemon: execStartFlags(
    renderUserData({
      role: 'daemon',
      region: ARNS.region,
      packageSpec: 'claude-code-scheduler',
      logBucket: BUCKET,
      commandTopicArn: ARNS.commandTopicArn,
      serverQueueUrl: sqsUrl('ccs-server'),
      nodeQueueUrl: sqsUrl('ccs-nodes'),
      serverDlqUrl: sqsUrl('ccs-server-dlq'),
      host: '127.0.0.1',
      port: 8787,
    }),
    'ccs-daemon.service',
  ),
  node: execStartFlags(
    renderUserData({
      role: 'node',
      region: ARNS.region,
      packageSpec: 'claude-code-scheduler',
      claudeCodePackageSpec: '@anthropic-ai/claude-code',
      logBucket: BUCKET,
      commandQueueUrl: sqsUrl('ccs-nodes'),
      commandTopicArn: ARNS.commandTopicArn,
      controlBusArn: ARNS.controlBusArn,
      nodeDlqUrl: sqsUrl('ccs-nodes-dlq'),
      capacity: 1,
      queuePrefix: 'ccs-prod',
    }),
    'ccs-node.service',
  ),
};

describe.each(['daemon', 'node'] as const)('the %s role and its boot flags', (process) => {
  const policy = buildProcessPolicy(process, IAM_ACTIONS[process], ARNS);

  it('has an entry for every flag of the unit', () => {
    const flags = rendered[process].map(([flag]) => flag);
    expect(flags.filter((flag) => !(flag in CALLS[process]))).toEqual([]);
    // Every resource flag the process knows is on the host's command line (DLQs included).
    const resourceFlags = Object.keys(CALLS[process]).filter((flag) => CALLS[process][flag] !== null);
    expect(resourceFlags.filter((flag) => !flags.includes(flag))).toEqual([]);
  });

  it('allows what the process calls on the resource each flag names', () => {
    const missing: string[] = [];
    for (const [flag, value] of rendered[process]) {
      const actions = CALLS[process][flag];
      if (!actions) continue;
      const resource = RESOURCE_OF_VALUE[value];
      expect(resource).toBeDefined();
      for (const action of actions)
        if (!allows(policy, action, resource)) missing.push(`${flag}: ${action} on ${resource}`);
    }
    expect(missing).toEqual([]);
  });

  it('finds a missing grant (the check is not vacuous)', () => {
    const without = buildProcessPolicy(
      process,
      IAM_ACTIONS[process].filter((a) => a !== 'sqs:GetQueueAttributes'),
      ARNS,
    );
    const queueFlag = process === 'daemon' ? '--node-queue' : '--command-queue';
    const value = rendered[process].find(([flag]) => flag === queueFlag)![1];
    expect(allows(without, 'sqs:GetQueueAttributes', RESOURCE_OF_VALUE[value])).toBe(false);
    expect(allows(policy, 'sqs:GetQueueAttributes', RESOURCE_OF_VALUE[value])).toBe(true);
  });
});
