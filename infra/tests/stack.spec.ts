import * as fs from 'node:fs';
import * as path from 'node:path';
import { IAM_ACTIONS, PROCESS_NAMES } from '../src/iam-actions';
import { ACTIONS_WITHOUT_RESOURCE_SCOPE, type PolicyDocument } from '../src/process-policy';
import { ACCOUNT_ID, jsonInput, named, ofType, recorded, REGION, settle, useMocks, valueOf } from './pulumi-mocks';

type Stack = typeof import('../index');

/** The whole program with the default configuration: compute off. */
describe('the stack (default config: no compute)', () => {
  let stack: Stack;

  beforeAll(async () => {
    useMocks();
    stack = await import('../index.js');
    await settle();
  });

  it('exports the outputs the processes are started with', async () => {
    expect(await valueOf(stack.region)).toBe(REGION);
    expect(await valueOf(stack.command_topic_arn)).toBe(`arn:aws:sns:${REGION}:${ACCOUNT_ID}:ccs-commands`);
    expect(await valueOf(stack.control_bus_arn)).toBe(`arn:aws:sns:${REGION}:${ACCOUNT_ID}:ccs-control-bus`);
    expect(await valueOf(stack.server_queue_url)).toBe(`https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/ccs-server`);
    expect(await valueOf(stack.node_queue_url)).toBe(`https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/ccs-nodes`);
    expect(await valueOf(stack.log_bucket_name)).toBe('ccs-logs-0123abcd');
    expect(await valueOf(stack.node_dlq_url)).toBe(`https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/ccs-nodes-dlq`);
    expect(await valueOf(stack.server_dlq_url)).toBe(
      `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/ccs-server-dlq`,
    );
    expect(stack.queue_prefix).toBe('ccs');
  });

  it('creates no EC2 resources and no compute outputs', () => {
    expect(recorded.filter((r) => r.type.startsWith('aws:ec2/'))).toEqual([]);
    expect(ofType('aws:ssm/parameter:Parameter')).toEqual([]);
    expect(stack.daemon_instance_id).toBeUndefined();
    expect(stack.daemon_private_ip).toBeUndefined();
    expect(stack.daemon_public_ip).toBeUndefined();
    expect(stack.node_instance_ids).toBeUndefined();
  });

  it('creates the messaging, log and IAM resources', () => {
    const counts = (type: string) => ofType(type).length;
    expect(counts('aws:sns/topic:Topic')).toBe(2);
    expect(counts('aws:sqs/queue:Queue')).toBe(4);
    expect(counts('aws:sns/topicSubscription:TopicSubscription')).toBe(2);
    expect(counts('aws:sqs/queuePolicy:QueuePolicy')).toBe(2);
    expect(counts('aws:s3/bucket:Bucket')).toBe(1);
    expect(counts('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock')).toBe(1);
    expect(counts('aws:s3/bucketPolicy:BucketPolicy')).toBe(1);
    expect(counts('aws:iam/role:Role')).toBe(2);
    expect(counts('aws:iam/rolePolicy:RolePolicy')).toBe(2);
    expect(counts('aws:iam/instanceProfile:InstanceProfile')).toBe(2);
  });

  it('gives each process a role EC2 may assume and an instance profile for it', () => {
    for (const process of PROCESS_NAMES) {
      const role = named(`iam-${process}-role`);
      expect(role.inputs.name).toBe(`ccs-${process}`);
      expect(jsonInput(role, 'assumeRolePolicy')).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'Ec2MayAssume',
            Effect: 'Allow',
            Principal: { Service: 'ec2.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      });
      expect(named(`iam-${process}-instance-profile`).inputs.role).toBe(`ccs-${process}`);
      expect(named(`iam-${process}-policy`).inputs.role).toBe(`ccs-${process}`);
    }
  });

  it("grants each role exactly its iam-actions.json actions, on this stack's own ARNs", async () => {
    const bucketArn = `arn:aws:s3:::${await valueOf(stack.log_bucket_name)}`;
    const own = [
      await valueOf(stack.command_topic_arn),
      await valueOf(stack.control_bus_arn),
      ...['ccs-nodes', 'ccs-nodes-dlq', 'ccs-server', 'ccs-server-dlq'].map(
        (queue) => `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${queue}`,
      ),
      bucketArn,
      `${bucketArn}/logs/*`,
      `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:ccs-node-*`,
      `arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter/ccs/secrets/*`,
      `arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter/ccs/daemon/*`,
      `arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:ccs/secrets/*`,
    ];
    for (const process of PROCESS_NAMES) {
      const document = jsonInput<PolicyDocument>(named(`iam-${process}-policy`), 'policy');
      const actions = document.Statement.flatMap((statement) => statement.Action);
      expect(new Set(actions)).toEqual(new Set(IAM_ACTIONS[process]));
      for (const statement of document.Statement) {
        expect(statement.Effect).toBe('Allow');
        if (statement.Resource.includes('*')) {
          expect(statement.Action.every((action) => ACTIONS_WITHOUT_RESOURCE_SCOPE.has(action))).toBe(true);
        } else {
          for (const resource of statement.Resource) expect(own).toContain(resource);
        }
      }
    }
  });

  it('documents every config key with a default in Pulumi.yaml', async () => {
    const { CONFIG_DEFAULTS, SECRET_CONFIG_KEYS } = await import('../src/stack-config.js');
    const yaml = fs.readFileSync(path.join(__dirname, '..', 'Pulumi.yaml'), 'utf8');
    for (const [key, value] of Object.entries(CONFIG_DEFAULTS)) {
      const block = yaml.match(new RegExp(`^  ${key}:\\n((?:    .*\\n)+)`, 'm'));
      expect(block).not.toBeNull();
      const body = block?.[1] ?? '';
      expect(body).toMatch(/^ {4}description: \S/m);
      const expected = Array.isArray(value) ? '[]' : String(value);
      expect(body).toMatch(new RegExp(`^ {4}default: ['"]?${expected.replace(/[.[\]/]/g, '\\$&')}['"]?$`, 'm'));
    }
    // Optional secrets are documented in a comment (a schema entry without a default would make them required).
    for (const key of SECRET_CONFIG_KEYS) {
      expect(yaml).toContain(`pulumi config set --secret ${key} `);
      expect(yaml).not.toMatch(new RegExp(`^  ${key}:`, 'm'));
    }
  });
});
