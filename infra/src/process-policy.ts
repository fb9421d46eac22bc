import type { ProcessName } from './iam-actions';

/** The concrete ARNs of one deployed stack (resolved values, so the policy is built by a pure function). */
export interface StackArns {
  partition: string;
  region: string;
  accountId: string;
  prefix: string;
  commandTopicArn: string;
  controlBusArn: string;
  nodeQueueArn: string;
  nodeDlqArn: string;
  serverQueueArn: string;
  serverDlqArn: string;
  logBucketArn: string;
  /** Extra secrets nodes may read (config `nodeSecretArns`). */
  nodeSecretArns: readonly string[];
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/**
 * Actions that AWS does not authorize per resource: their statements must name `*` (the service authorization
 * reference lists no resource type for them). Unsubscribe takes a subscription ARN, which IAM cannot scope; SNS
 * itself only lets the subscription's or the topic's owner unsubscribe an SQS endpoint. ListSubscriptions is how a
 * node started without `--command-topic` finds the topic that feeds its work queue (it reveals subscription ARNs and
 * endpoints of the account, nothing else).
 */
export const ACTIONS_WITHOUT_RESOURCE_SCOPE: ReadonlySet<string> = new Set([
  'sns:Unsubscribe',
  'sns:GetSubscriptionAttributes',
  'sns:SetSubscriptionAttributes',
  'sns:ListSubscriptions',
]);

interface Grant {
  resources: string[];
  condition?: PolicyStatement['Condition'];
  /** Statement id; actions with the same id, resources and condition share a statement. */
  sid: string;
}

type GrantTable = Record<string, (arns: StackArns) => Grant>;

/** `arn:<partition>:sqs:<region>:<account>:<prefix>-node-*`: the per-node control queues nodes create at runtime. */
export function controlQueueArnPattern(arns: Pick<StackArns, 'partition' | 'region' | 'accountId' | 'prefix'>): string {
  return `arn:${arns.partition}:sqs:${arns.region}:${arns.accountId}:${arns.prefix}-node-*`;
}

/** SSM parameters under `/<prefix>/secrets/`: where profile secrets for nodes live by convention. */
function nodeSecretParameters(arns: StackArns): string {
  return `arn:${arns.partition}:ssm:${arns.region}:${arns.accountId}:parameter/${arns.prefix}/secrets/*`;
}

function nodeSecretSecrets(arns: StackArns): string {
  return `arn:${arns.partition}:secretsmanager:${arns.region}:${arns.accountId}:secret:${arns.prefix}/secrets/*`;
}

/** Daemon-only parameters (the API token): `/<prefix>/daemon/*`, deliberately outside the nodes' secret path. */
export function daemonParameterArnPattern(
  arns: Pick<StackArns, 'partition' | 'region' | 'accountId' | 'prefix'>,
): string {
  return `arn:${arns.partition}:ssm:${arns.region}:${arns.accountId}:parameter/${arns.prefix}/daemon/*`;
}

const logObjects = (arns: StackArns): string => `${arns.logBucketArn}/logs/*`;

const everywhere = (): Grant => ({ sid: 'NoResourceScope', resources: ['*'] });

/**
 * What each action may touch, per process. An action in iam-actions.json that is missing here fails the deployment
 * (and the tests) instead of being granted on `*`: whoever adds an SDK call decides which of the stack's resources
 * it needs.
 */
const GRANTS: Record<ProcessName, GrantTable> = {
  daemon: {
    // The coordinator publishes ExecuteRun/StopRun to the command topic only.
    'sns:Publish': (a) => ({ sid: 'PublishCommands', resources: [a.commandTopicArn] }),
    ...sqsConsumer('ConsumeServerQueue', (a) => [a.serverQueueArn]),
    // Queue depths for `stats` (server and work queue, `--node-queue`) and the server queue's redrive policy, which
    // names the DLQ when `--server-dlq` is not given. Read-only: the daemon never receives from the work queue.
    'sqs:GetQueueAttributes': (a) => ({ sid: 'ReadQueueAttributes', resources: [a.serverQueueArn, a.nodeQueueArn] }),
    // Dead-lettering an invalid event by hand goes to the server queue's own DLQ.
    'sqs:SendMessage': (a) => ({ sid: 'DeadLetterEvents', resources: [a.serverDlqArn] }),
    ...s3Objects('RunLogs', logObjects),
    's3:ListBucket': (a) => ({ sid: 'ListRunLogs', resources: [a.logBucketArn] }),
    'ssm:GetParameter': (a) => ({ sid: 'DaemonParameters', resources: [daemonParameterArnPattern(a)] }),
    'ssm:GetParameters': (a) => ({ sid: 'DaemonParameters', resources: [daemonParameterArnPattern(a)] }),
    // No subscription management: the daemon never needs a `*` resource.
  },
  node: {
    // Nodes publish events to the control bus only.
    'sns:Publish': (a) => ({ sid: 'PublishEvents', resources: [a.controlBusArn] }),
    // A node subscribes its own control queue to the command topic, and nothing else to anything else.
    'sns:Subscribe': (a) => ({
      sid: 'SubscribeControlQueue',
      resources: [a.commandTopicArn],
      condition: {
        StringEquals: { 'sns:Protocol': 'sqs' },
        StringLike: { 'sns:Endpoint': controlQueueArnPattern(a) },
      },
    }),
    ...sqsConsumer('ConsumeNodeQueues', (a) => [a.nodeQueueArn, controlQueueArnPattern(a)]),
    ...Object.fromEntries(
      [
        'sqs:CreateQueue',
        'sqs:DeleteQueue',
        'sqs:SetQueueAttributes',
        'sqs:TagQueue',
        'sqs:UntagQueue',
        'sqs:ListQueueTags',
        'sqs:PurgeQueue',
      ].map((action) => [
        action,
        (a: StackArns): Grant => ({ sid: 'ManageControlQueue', resources: [controlQueueArnPattern(a)] }),
      ]),
    ),
    'sqs:SendMessage': (a) => ({ sid: 'DeadLetterCommands', resources: [a.nodeDlqArn] }),
    ...s3Objects('RunLogs', logObjects),
    's3:ListBucket': (a) => ({ sid: 'ListRunLogs', resources: [a.logBucketArn] }),
    // Profile secrets are resolved on the node (aws_ssm / aws_sm sources).
    'ssm:GetParameter': (a) => ({ sid: 'ProfileParameters', resources: [nodeSecretParameters(a), ...ssmArns(a)] }),
    'ssm:GetParameters': (a) => ({ sid: 'ProfileParameters', resources: [nodeSecretParameters(a), ...ssmArns(a)] }),
    'secretsmanager:GetSecretValue': (a) => ({
      sid: 'ProfileSecrets',
      resources: [nodeSecretSecrets(a), ...a.nodeSecretArns.filter((arn) => arn.includes(':secretsmanager:'))],
    }),
    // Unsubscribing the control queue at shutdown (and reading/updating its subscription).
    ...noResourceScope(),
  },
};

function ssmArns(arns: StackArns): string[] {
  return arns.nodeSecretArns.filter((arn) => arn.includes(':ssm:'));
}

function sqsConsumer(sid: string, queues: (arns: StackArns) => string[]): GrantTable {
  return Object.fromEntries(
    [
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
    ].map((action) => [action, (a: StackArns): Grant => ({ sid, resources: queues(a) })]),
  );
}

function s3Objects(sid: string, objects: (arns: StackArns) => string): GrantTable {
  return Object.fromEntries(
    [
      's3:GetObject',
      's3:PutObject',
      's3:DeleteObject',
      's3:AbortMultipartUpload',
      's3:ListMultipartUploadParts',
      's3:GetObjectAttributes',
    ].map((action) => [action, (a: StackArns): Grant => ({ sid, resources: [objects(a)] })]),
  );
}

function noResourceScope(): GrantTable {
  return Object.fromEntries([...ACTIONS_WITHOUT_RESOURCE_SCOPE].map((action) => [action, everywhere]));
}

/** Every action the stack knows how to scope for a process (what iam-actions.json may list). */
export function grantableActions(process: ProcessName): string[] {
  return Object.keys(GRANTS[process]).sort();
}

export class UnmappedActionError extends Error {
  constructor(process: ProcessName, actions: string[]) {
    super(
      `iam-actions.json lists ${actions.join(', ')} for the ${process}, but infra/src/process-policy.ts does not ` +
        'say which of the stack resources it applies to: add it to GRANTS.',
    );
    this.name = 'UnmappedActionError';
  }
}

/**
 * The IAM policy of one process: exactly `actions`, each on the stack resources its grant names. Actions with the
 * same resources and condition share one statement, so the document stays short and readable.
 */
export function buildProcessPolicy(process: ProcessName, actions: readonly string[], arns: StackArns): PolicyDocument {
  const table = GRANTS[process];
  const unmapped = actions.filter((action) => !Object.hasOwn(table, action));
  if (unmapped.length > 0) throw new UnmappedActionError(process, unmapped);

  const statements = new Map<string, PolicyStatement>();
  for (const action of [...new Set(actions)].sort()) {
    const grant = table[action](arns);
    const key = JSON.stringify([grant.sid, grant.resources, grant.condition ?? null]);
    const existing = statements.get(key);
    if (existing) {
      existing.Action.push(action);
      continue;
    }
    statements.set(key, {
      Sid: grant.sid,
      Effect: 'Allow',
      Action: [action],
      Resource: [...grant.resources],
      ...(grant.condition ? { Condition: grant.condition } : {}),
    });
  }
  // Sids must be unique within a policy; the same sid with different resources cannot happen with GRANTS above,
  // but number them rather than emit an invalid document if a future edit makes it so.
  const seen = new Map<string, number>();
  const statementList = [...statements.values()].map((statement) => {
    const count = (seen.get(statement.Sid) ?? 0) + 1;
    seen.set(statement.Sid, count);
    return count === 1 ? statement : { ...statement, Sid: `${statement.Sid}${count}` };
  });
  return { Version: '2012-10-17', Statement: statementList };
}
