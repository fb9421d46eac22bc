import * as fs from 'node:fs';
import * as path from 'node:path';
import { IAM_ACTIONS, parseIamActions, PROCESS_NAMES, type ProcessName } from '../src/iam-actions';
import {
  ACTIONS_WITHOUT_RESOURCE_SCOPE,
  buildProcessPolicy,
  grantableActions,
  controlQueueArnPattern,
  type PolicyDocument,
  type StackArns,
  UnmappedActionError,
} from '../src/process-policy';

const ARNS: StackArns = {
  partition: 'aws',
  region: 'eu-central-1',
  accountId: '123456789012',
  prefix: 'ccs',
  commandTopicArn: 'arn:aws:sns:eu-central-1:123456789012:ccs-commands',
  controlBusArn: 'arn:aws:sns:eu-central-1:123456789012:ccs-control-bus',
  nodeQueueArn: 'arn:aws:sqs:eu-central-1:123456789012:ccs-nodes',
  nodeDlqArn: 'arn:aws:sqs:eu-central-1:123456789012:ccs-nodes-dlq',
  serverQueueArn: 'arn:aws:sqs:eu-central-1:123456789012:ccs-server',
  serverDlqArn: 'arn:aws:sqs:eu-central-1:123456789012:ccs-server-dlq',
  logBucketArn: 'arn:aws:s3:::ccs-logs-0123abcd',
  nodeSecretArns: [],
};

/** IAM's `*`/`?` wildcard match. */
function iamMatches(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(value);
}

/** Everything a process policy may name: this stack's resources and the name patterns derived from its prefix. */
const STACK_RESOURCES = [
  ARNS.commandTopicArn,
  ARNS.controlBusArn,
  ARNS.nodeQueueArn,
  ARNS.nodeDlqArn,
  ARNS.serverQueueArn,
  ARNS.serverDlqArn,
  ARNS.logBucketArn,
  `${ARNS.logBucketArn}/logs/*`,
  controlQueueArnPattern(ARNS),
  'arn:aws:ssm:eu-central-1:123456789012:parameter/ccs/secrets/*',
  'arn:aws:ssm:eu-central-1:123456789012:parameter/ccs/daemon/*',
  'arn:aws:secretsmanager:eu-central-1:123456789012:secret:ccs/secrets/*',
];

const actionsOf = (policy: PolicyDocument): string[] => policy.Statement.flatMap((statement) => statement.Action);
const statementsWith = (policy: PolicyDocument, action: string) =>
  policy.Statement.filter((statement) => statement.Action.includes(action));

describe('iam-actions.json', () => {
  it('is what the stack grants (read straight from the file)', () => {
    const file = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'iam-actions.json'), 'utf8')) as Record<
      string,
      string[]
    >;
    expect(Object.keys(file).sort()).toEqual(['daemon', 'node']);
    for (const process of PROCESS_NAMES) expect([...IAM_ACTIONS[process]].sort()).toEqual([...file[process]].sort());
  });

  it('rejects wildcards, duplicates, unknown processes and missing lists', () => {
    expect(() => parseIamActions({ daemon: ['sqs:*'], node: ['sns:Publish'] })).toThrow(/service:Action/);
    expect(() => parseIamActions({ daemon: ['*'], node: ['sns:Publish'] })).toThrow(/service:Action/);
    expect(() => parseIamActions({ daemon: ['sns:Publish', 'sns:Publish'], node: ['sns:Publish'] })).toThrow(/twice/);
    expect(() => parseIamActions({ daemon: ['sns:Publish'], node: ['sns:Publish'], gui: [] })).toThrow(/gui/);
    expect(() => parseIamActions({ daemon: ['sns:Publish'] })).toThrow(/"node"/);
    expect(() => parseIamActions([])).toThrow(/object/);
  });
});

describe.each(PROCESS_NAMES)('the %s policy', (process: ProcessName) => {
  const policy = buildProcessPolicy(process, IAM_ACTIONS[process], ARNS);
  // Every action the stack could grant: the scoping rules hold whatever iam-actions.json picks from them.
  const widest = buildProcessPolicy(process, grantableActions(process), ARNS);

  it('grants exactly the actions iam-actions.json lists for the process', () => {
    const granted = actionsOf(policy);
    expect(new Set(granted)).toEqual(new Set(IAM_ACTIONS[process]));
    expect(granted).toHaveLength(new Set(granted).size);
  });

  it("names only this stack's resources; `*` only for actions AWS cannot scope", () => {
    for (const statement of [...policy.Statement, ...widest.Statement]) {
      expect(statement.Effect).toBe('Allow');
      expect(statement.Resource.length).toBeGreaterThan(0);
      if (statement.Resource.includes('*')) {
        expect(statement.Resource).toEqual(['*']);
        for (const action of statement.Action) expect(ACTIONS_WITHOUT_RESOURCE_SCOPE.has(action)).toBe(true);
        continue;
      }
      for (const resource of statement.Resource) expect(STACK_RESOURCES).toContain(resource);
    }
  });

  it('has unique statement ids and no service-wide action', () => {
    const sids = policy.Statement.map((statement) => statement.Sid);
    expect(new Set(sids).size).toBe(sids.length);
    for (const action of actionsOf(policy)) expect(action).not.toMatch(/\*/);
  });

  it('refuses an action it does not know the resources of, instead of granting it on *', () => {
    expect(() => buildProcessPolicy(process, [...IAM_ACTIONS[process], 'ec2:RunInstances'], ARNS)).toThrow(
      UnmappedActionError,
    );
  });
});

describe('resource scoping per process', () => {
  // The widest policies the stack can produce, so these hold for any choice iam-actions.json makes.
  const daemon = buildProcessPolicy('daemon', grantableActions('daemon'), ARNS);
  const node = buildProcessPolicy('node', grantableActions('node'), ARNS);

  it('never gives the daemon a `*` resource', () => {
    for (const statement of daemon.Statement) expect(statement.Resource).not.toContain('*');
  });

  it('lets the daemon publish to the command topic only and the node to the control bus only', () => {
    expect(statementsWith(daemon, 'sns:Publish').flatMap((s) => s.Resource)).toEqual([ARNS.commandTopicArn]);
    expect(statementsWith(node, 'sns:Publish').flatMap((s) => s.Resource)).toEqual([ARNS.controlBusArn]);
  });

  it('lets the daemon consume the server queue only, and read (not consume) the work queue', () => {
    for (const action of grantableActions('daemon').filter((a) => a.startsWith('sqs:'))) {
      const resources = statementsWith(daemon, action).flatMap((s) => s.Resource);
      const allowed = [ARNS.serverQueueArn, ARNS.serverDlqArn];
      // Queue depths in `stats` (--node-queue): attributes of the work queue, nothing else on it.
      if (action === 'sqs:GetQueueAttributes') allowed.push(ARNS.nodeQueueArn);
      expect(resources.filter((r) => !allowed.includes(r))).toEqual([]);
    }
    expect(statementsWith(daemon, 'sqs:GetQueueAttributes').flatMap((s) => s.Resource)).toEqual([
      ARNS.serverQueueArn,
      ARNS.nodeQueueArn,
    ]);
  });

  it('lets a node subscribe only an SQS control queue of this stack to the command topic', () => {
    const [subscribe] = statementsWith(node, 'sns:Subscribe');
    expect(subscribe.Resource).toEqual([ARNS.commandTopicArn]);
    expect(subscribe.Action).toEqual(['sns:Subscribe']);
    expect(subscribe.Condition).toEqual({
      StringEquals: { 'sns:Protocol': 'sqs' },
      StringLike: { 'sns:Endpoint': 'arn:aws:sqs:eu-central-1:123456789012:ccs-node-*' },
    });
  });

  it('lets a node create and delete only `<prefix>-node-*` queues, never the shared ones', () => {
    const pattern = controlQueueArnPattern(ARNS);
    for (const action of ['sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:SetQueueAttributes']) {
      const statements = statementsWith(node, action);
      expect(statements.length).toBeGreaterThan(0);
      expect(statements.flatMap((s) => s.Resource)).toEqual([pattern]);
    }
    expect(iamMatches(pattern, 'arn:aws:sqs:eu-central-1:123456789012:ccs-node-i-0abc123')).toBe(true);
    for (const shared of [ARNS.nodeQueueArn, ARNS.nodeDlqArn, ARNS.serverQueueArn, ARNS.serverDlqArn]) {
      expect(iamMatches(pattern, shared)).toBe(false);
    }
  });

  it('lets a node consume the work queue and its control queues', () => {
    const resources = statementsWith(node, 'sqs:ReceiveMessage').flatMap((s) => s.Resource);
    expect(resources.sort()).toEqual([ARNS.nodeQueueArn, controlQueueArnPattern(ARNS)].sort());
  });

  it('keeps run-log access to `logs/*` of the bucket', () => {
    for (const policy of [daemon, node]) {
      for (const statement of policy.Statement.filter((s) => s.Action.some((a) => a.startsWith('s3:')))) {
        const objectActions = statement.Action.filter((a) => a !== 's3:ListBucket');
        if (objectActions.length > 0) expect(statement.Resource).toEqual([`${ARNS.logBucketArn}/logs/*`]);
        else expect(statement.Resource).toEqual([ARNS.logBucketArn]);
      }
    }
  });

  it("keeps the nodes' secret path apart from the daemon's parameters (the API token)", () => {
    const nodeParameters = statementsWith(node, 'ssm:GetParameter').flatMap((s) => s.Resource);
    expect(nodeParameters.length).toBeGreaterThan(0);
    const apiToken = 'arn:aws:ssm:eu-central-1:123456789012:parameter/ccs/daemon/api-token';
    for (const resource of nodeParameters) expect(iamMatches(resource, apiToken)).toBe(false);
  });

  it('adds configured secret ARNs to the node grant of the matching service', () => {
    const parameter = 'arn:aws:ssm:eu-central-1:123456789012:parameter/team/anthropic-key';
    const secret = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:team/zai-AbCdEf';
    const policy = buildProcessPolicy('node', ['ssm:GetParameter', 'secretsmanager:GetSecretValue'], {
      ...ARNS,
      nodeSecretArns: [parameter, secret],
    });
    expect(statementsWith(policy, 'ssm:GetParameter')[0].Resource).toContain(parameter);
    expect(statementsWith(policy, 'ssm:GetParameter')[0].Resource).not.toContain(secret);
    expect(statementsWith(policy, 'secretsmanager:GetSecretValue')[0].Resource).toContain(secret);
  });
});
