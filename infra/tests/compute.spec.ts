import * as pulumi from '@pulumi/pulumi';
import { Compute } from '../src/compute.component';
import { IAM_ACTIONS } from '../src/iam-actions';
import { Iam } from '../src/iam.component';
import { UnmappedActionError } from '../src/process-policy';
import type { ComputeConfig } from '../src/stack-config';
import { calls, jsonInput, named, ofType, recorded, settle, useMocks } from './pulumi-mocks';

const TOPIC = 'arn:aws:sns:eu-central-1:123456789012:ccs-commands';
const BUS = 'arn:aws:sns:eu-central-1:123456789012:ccs-control-bus';

const baseConfig: ComputeConfig = {
  enabled: true,
  nodeCount: 1,
  daemonInstanceType: 't3.small',
  nodeInstanceType: 't3.medium',
  amiId: undefined,
  vpcId: undefined,
  subnetId: undefined,
  associatePublicIp: true,
  keyName: undefined,
  ssmAccess: true,
  allowedCidrs: [],
  apiPort: 8787,
  apiToken: undefined,
  packageSpec: 'claude-code-scheduler',
  claudeCodePackageSpec: '@anthropic-ai/claude-code',
  nodeCapacity: 1,
  rootVolumeGb: 30,
};

/** A Compute component (with the IAM it needs) under `name`, so variants can share one mock run. */
function compute(name: string, config: Partial<ComputeConfig>): Compute {
  const iam = new Iam(`${name}-iam`, {
    prefix: name,
    actions: IAM_ACTIONS,
    arns: {
      partition: 'aws',
      region: 'eu-central-1',
      accountId: '123456789012',
      prefix: name,
      commandTopicArn: TOPIC,
      controlBusArn: BUS,
      nodeQueueArn: 'arn:aws:sqs:eu-central-1:123456789012:ccs-nodes',
      nodeDlqArn: 'arn:aws:sqs:eu-central-1:123456789012:ccs-nodes-dlq',
      serverQueueArn: 'arn:aws:sqs:eu-central-1:123456789012:ccs-server',
      serverDlqArn: 'arn:aws:sqs:eu-central-1:123456789012:ccs-server-dlq',
      logBucketArn: 'arn:aws:s3:::ccs-logs-x',
      nodeSecretArns: [],
    },
  });
  return new Compute(name, {
    prefix: name,
    config: { ...baseConfig, ...config },
    daemonIdentity: iam.daemon,
    nodeIdentity: iam.node,
    partition: 'aws',
    region: 'eu-central-1',
    accountId: '123456789012',
    commandTopicArn: TOPIC,
    controlBusArn: BUS,
    serverQueueUrl: 'https://sqs.eu-central-1.amazonaws.com/123456789012/ccs-server',
    nodeQueueUrl: 'https://sqs.eu-central-1.amazonaws.com/123456789012/ccs-nodes',
    serverDlqUrl: 'https://sqs.eu-central-1.amazonaws.com/123456789012/ccs-server-dlq',
    nodeDlqUrl: 'https://sqs.eu-central-1.amazonaws.com/123456789012/ccs-nodes-dlq',
    logBucketName: 'ccs-logs-x',
  });
}

describe('Iam', () => {
  it('refuses, at construction, an iam-actions.json action it cannot scope to the stack', () => {
    useMocks();
    const arns = {
      partition: 'aws',
      region: 'eu-central-1',
      accountId: '123456789012',
      prefix: 'bad',
      commandTopicArn: TOPIC,
      controlBusArn: BUS,
      nodeQueueArn: 'q',
      nodeDlqArn: 'q',
      serverQueueArn: 'q',
      serverDlqArn: 'q',
      logBucketArn: 'b',
      nodeSecretArns: [],
    };
    const actions = { daemon: IAM_ACTIONS.daemon, node: [...IAM_ACTIONS.node, 'iam:PassRole'] };
    expect(() => new Iam('bad-iam', { prefix: 'bad', actions, arns })).toThrow(UnmappedActionError);
    expect(() => new Iam('bad-iam', { prefix: 'bad', actions, arns })).toThrow(/iam:PassRole.*node/);
  });
});

describe('Compute variants', () => {
  beforeAll(async () => {
    useMocks();
    compute('open', {
      allowedCidrs: ['203.0.113.0/24', '2001:db8::/32'],
      apiPort: 9443,
      apiToken: pulumi.secret('s3cr3t-token-0123456789'),
    });
    compute('closed', { ssmAccess: false, keyName: 'ops-key', nodeCount: 0 });
    compute('placed', { subnetId: 'subnet-explicit', amiId: 'ami-pinned', associatePublicIp: false, nodeCount: 3 });
    await settle();
  });

  it('opens exactly the API port to allowedCidrs (IPv4 and IPv6) and nothing to the nodes', () => {
    expect(named('open-daemon-sg').inputs.ingress).toEqual([
      expect.objectContaining({ protocol: 'tcp', fromPort: 9443, toPort: 9443, cidrBlocks: ['203.0.113.0/24'] }),
      expect.objectContaining({ protocol: 'tcp', fromPort: 9443, toPort: 9443, ipv6CidrBlocks: ['2001:db8::/32'] }),
    ]);
    expect(named('open-node-sg').inputs.ingress).toEqual([]);
  });

  it('stores the API token as a SecureString under the daemon path and lets only the daemon read it', () => {
    const parameter = named('open-api-token');
    expect(parameter.inputs).toMatchObject({ name: '/open/daemon/api-token', type: 'SecureString' });
    // Registered as a secret (Pulumi's wire signature for secrets), so the state file keeps it encrypted.
    expect(parameter.inputs.value).toEqual({
      '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270',
      value: 's3cr3t-token-0123456789',
    });
    const bootstrap = named('open-daemon-bootstrap-policy');
    expect(bootstrap.inputs.role).toBe('open-daemon');
    expect(jsonInput(bootstrap, 'policy')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadApiToken',
          Effect: 'Allow',
          Action: ['ssm:GetParameter'],
          Resource: ['arn:aws:ssm:eu-central-1:123456789012:parameter/open/daemon/api-token'],
        },
      ],
    });
    expect(recorded.filter((r) => r.type === 'aws:iam/rolePolicy:RolePolicy' && r.inputs.role === 'open-node')).toEqual(
      [
        expect.objectContaining({ name: 'open-iam-node-policy' }),
        expect.objectContaining({ name: 'open-node-session-manager-policy' }),
      ],
    );
  });

  it('binds the daemon to all interfaces with the token fetched from SSM, never on its command line', () => {
    const script = String(named('open-daemon').inputs.userData);
    expect(script).toContain('--host 0.0.0.0 --api-port 9443');
    expect(script).toContain("--name '/open/daemon/api-token' --with-decryption");
    expect(script).toContain('EnvironmentFile=/etc/ccs/daemon.env');
    expect(script).not.toContain('s3cr3t-token-0123456789');
  });

  it('without ssmAccess grants no Session Manager permissions; a key pair is used when configured', () => {
    expect(recorded.filter((r) => r.name.startsWith('closed-') && r.name.includes('session-manager'))).toEqual([]);
    expect(named('closed-daemon').inputs.keyName).toBe('ops-key');
    expect(recorded.filter((r) => r.name.startsWith('closed-node-') && r.type === 'aws:ec2/instance:Instance')).toEqual(
      [],
    );
    expect(recorded.filter((r) => r.name === 'closed-api-token')).toEqual([]);
  });

  it('places the instances in the configured subnet (and its VPC) with the pinned AMI', () => {
    const subnetCall = calls.find((call) => call.token === 'aws:ec2/getSubnet:getSubnet');
    expect(subnetCall?.inputs.id).toBe('subnet-explicit');
    expect(named('placed-daemon-sg').inputs.vpcId).toBe('vpc-of-subnet');
    const placed = ofType('aws:ec2/instance:Instance').filter((i) => i.name.startsWith('placed-'));
    expect(placed).toHaveLength(4);
    for (const instance of placed) {
      expect(instance.inputs).toMatchObject({
        subnetId: 'subnet-explicit',
        ami: 'ami-pinned',
        associatePublicIpAddress: false,
      });
    }
  });
});
