import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { ProcessIdentity } from './iam.component';
import type { ComputeConfig } from './stack-config';
import { renderUserData } from './user-data';

export interface ComputeArgs {
  prefix: string;
  config: ComputeConfig;
  daemonIdentity: ProcessIdentity;
  nodeIdentity: ProcessIdentity;
  partition: pulumi.Input<string>;
  region: pulumi.Input<string>;
  accountId: pulumi.Input<string>;
  commandTopicArn: pulumi.Input<string>;
  controlBusArn: pulumi.Input<string>;
  serverQueueUrl: pulumi.Input<string>;
  nodeQueueUrl: pulumi.Input<string>;
  /** The queues' DLQs, passed as `--server-dlq` / `--node-dlq`. */
  serverDlqUrl: pulumi.Input<string>;
  nodeDlqUrl: pulumi.Input<string>;
  logBucketName: pulumi.Input<string>;
  tags?: Record<string, string>;
}

/** The Session Manager channels. AWS authorizes ssmmessages:* on `*` only (no resource types). */
export const SESSION_MANAGER_CHANNEL_ACTIONS = [
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
] as const;

// AL2023's public SSM parameter always names the current x86_64 AMI; getAmi's name filter does the same lookup
// without needing ssm:GetParameter on the deployer's side.
const AL2023_AMI_NAME = 'al2023-ami-2023.*-x86_64';

/**
 * Optional EC2 hosts (`computeEnabled`): one daemon and `nodeCount` nodes on Amazon Linux 2023, each running its
 * process as a systemd service under an unprivileged user (see user-data.ts). No inbound traffic except the daemon's
 * API port from `allowedCidrs` (none by default: reach it through SSM port forwarding); all egress (SNS/SQS/S3,
 * npm, the Anthropic API). IMDSv2 only, encrypted root volumes.
 */
export class Compute extends pulumi.ComponentResource {
  readonly daemonSecurityGroup: aws.ec2.SecurityGroup;
  readonly nodeSecurityGroup: aws.ec2.SecurityGroup;
  readonly daemonInstance: aws.ec2.Instance;
  readonly nodeInstances: aws.ec2.Instance[];
  readonly apiTokenParameter: aws.ssm.Parameter | undefined;
  readonly daemonBootstrapPolicy: aws.iam.RolePolicy | undefined;
  readonly sessionManagerPolicies: aws.iam.RolePolicy[];

  constructor(name: string, args: ComputeArgs, opts?: pulumi.ComponentResourceOptions) {
    super('ccs:infra:Compute', name, {}, opts);
    const parent = { parent: this };
    const config = args.config;
    const tags = args.tags ?? {};

    // The API token: a SecureString (aws/ssm key) under /<prefix>/daemon/, a path the node role cannot read.
    this.apiTokenParameter = config.apiToken
      ? new aws.ssm.Parameter(
          `${name}-api-token`,
          {
            name: `/${args.prefix}/daemon/api-token`,
            type: 'SecureString',
            value: config.apiToken,
            description: 'claude-code-scheduler daemon API token (CLAUDE_SCHEDULER_API_TOKEN)',
            tags,
          },
          parent,
        )
      : undefined;
    // Read at boot by the instance (not by the daemon process), so it is not part of iam-actions.json.
    this.daemonBootstrapPolicy = this.apiTokenParameter
      ? new aws.iam.RolePolicy(
          `${name}-daemon-bootstrap-policy`,
          {
            name: `${args.prefix}-daemon-bootstrap`,
            role: args.daemonIdentity.role.id,
            policy: this.apiTokenParameter.arn.apply((arn) =>
              JSON.stringify({
                Version: '2012-10-17',
                Statement: [{ Sid: 'ReadApiToken', Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: [arn] }],
              }),
            ),
          },
          parent,
        )
      : undefined;

    this.sessionManagerPolicies = config.ssmAccess
      ? (['daemon', 'node'] as const).map(
          (process) =>
            new aws.iam.RolePolicy(
              `${name}-${process}-session-manager-policy`,
              {
                name: `${args.prefix}-${process}-session-manager`,
                role: (process === 'daemon' ? args.daemonIdentity : args.nodeIdentity).role.id,
                policy: pulumi
                  .all([args.partition, args.region, args.accountId])
                  .apply(([partition, region, accountId]) => sessionManagerPolicy(partition, region, accountId)),
              },
              parent,
            ),
        )
      : [];

    const network = resolveNetwork(config, parent);

    this.daemonSecurityGroup = new aws.ec2.SecurityGroup(
      `${name}-daemon-sg`,
      {
        name: `${args.prefix}-daemon`,
        description: 'claude-code-scheduler daemon: API port from allowedCidrs only',
        vpcId: network.vpcId,
        ingress: config.allowedCidrs.map((cidr) => ({
          description: 'daemon API',
          protocol: 'tcp',
          fromPort: config.apiPort,
          toPort: config.apiPort,
          ...(cidr.includes(':') ? { ipv6CidrBlocks: [cidr] } : { cidrBlocks: [cidr] }),
        })),
        egress: [allEgress()],
        tags,
      },
      parent,
    );
    this.nodeSecurityGroup = new aws.ec2.SecurityGroup(
      `${name}-node-sg`,
      {
        name: `${args.prefix}-node`,
        description: 'claude-code-scheduler nodes: no inbound traffic',
        vpcId: network.vpcId,
        ingress: [],
        egress: [allEgress()],
        tags,
      },
      parent,
    );

    const ami =
      config.amiId ??
      aws.ec2
        .getAmiOutput(
          {
            owners: ['amazon'],
            mostRecent: true,
            filters: [
              { name: 'name', values: [AL2023_AMI_NAME] },
              { name: 'architecture', values: ['x86_64'] },
            ],
          },
          parent,
        )
        .apply((image) => image.id);

    const host = config.allowedCidrs.length > 0 ? '0.0.0.0' : '127.0.0.1';
    const daemonUserData = pulumi
      .all([
        args.region,
        args.commandTopicArn,
        args.serverQueueUrl,
        args.nodeQueueUrl,
        args.serverDlqUrl,
        args.logBucketName,
        this.apiTokenParameter?.name ?? pulumi.output<string | undefined>(undefined),
      ])
      .apply(
        ([region, commandTopicArn, serverQueueUrl, nodeQueueUrl, serverDlqUrl, logBucket, apiTokenParameterName]) =>
          renderUserData({
            role: 'daemon',
            region,
            packageSpec: config.packageSpec,
            commandTopicArn,
            serverQueueUrl,
            nodeQueueUrl,
            serverDlqUrl,
            logBucket,
            host,
            port: config.apiPort,
            ...(apiTokenParameterName ? { apiTokenParameterName } : {}),
          }),
      );
    const nodeUserData = pulumi
      .all([
        args.region,
        args.nodeQueueUrl,
        args.commandTopicArn,
        args.controlBusArn,
        args.nodeDlqUrl,
        args.logBucketName,
      ])
      .apply(([region, commandQueueUrl, commandTopicArn, controlBusArn, nodeDlqUrl, logBucket]) =>
        renderUserData({
          role: 'node',
          region,
          packageSpec: config.packageSpec,
          claudeCodePackageSpec: config.claudeCodePackageSpec,
          commandQueueUrl,
          commandTopicArn,
          controlBusArn,
          nodeDlqUrl,
          logBucket,
          capacity: config.nodeCapacity,
          queuePrefix: args.prefix,
        }),
      );

    const instance = (
      hostName: string,
      instanceType: string,
      identity: ProcessIdentity,
      securityGroup: aws.ec2.SecurityGroup,
      userData: pulumi.Output<string>,
      extraDependsOn: pulumi.Resource[],
    ): aws.ec2.Instance =>
      new aws.ec2.Instance(
        `${name}-${hostName}`,
        {
          ami,
          instanceType,
          subnetId: network.subnetId,
          vpcSecurityGroupIds: [securityGroup.id],
          associatePublicIpAddress: config.associatePublicIp,
          iamInstanceProfile: identity.instanceProfile.name,
          ...(config.keyName ? { keyName: config.keyName } : {}),
          userData,
          // A changed bootstrap (new ARNs, new package spec) rebuilds the host instead of leaving it stale.
          userDataReplaceOnChange: true,
          // IMDSv2 only, one hop: a container on the host cannot reach the instance credentials.
          metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
          rootBlockDevice: { volumeType: 'gp3', volumeSize: config.rootVolumeGb, encrypted: true },
          tags: { ...tags, Name: `${args.prefix}-${hostName}` },
        },
        // The role's policies must exist before the service starts calling AWS.
        { parent: this, dependsOn: [identity.policy, ...extraDependsOn] },
      );

    this.daemonInstance = instance(
      'daemon',
      config.daemonInstanceType,
      args.daemonIdentity,
      this.daemonSecurityGroup,
      daemonUserData,
      this.daemonBootstrapPolicy ? [this.daemonBootstrapPolicy] : [],
    );
    this.nodeInstances = Array.from({ length: config.nodeCount }, (_, index) =>
      instance(`node-${index}`, config.nodeInstanceType, args.nodeIdentity, this.nodeSecurityGroup, nodeUserData, []),
    );

    this.registerOutputs({
      daemonInstanceId: this.daemonInstance.id,
      nodeInstanceIds: this.nodeInstances.map((node) => node.id),
    });
  }
}

function allEgress(): aws.types.input.ec2.SecurityGroupEgress {
  return {
    description: 'all outbound (AWS APIs, npm, Anthropic API)',
    protocol: '-1',
    fromPort: 0,
    toPort: 0,
    cidrBlocks: ['0.0.0.0/0'],
    ipv6CidrBlocks: ['::/0'],
  };
}

/** The configured VPC/subnet, or the default VPC and one of its default subnets (the first by id: stable). */
function resolveNetwork(
  config: ComputeConfig,
  opts: pulumi.InvokeOutputOptions,
): { vpcId: pulumi.Output<string>; subnetId: pulumi.Output<string> } {
  if (config.subnetId) {
    const subnet = aws.ec2.getSubnetOutput({ id: config.subnetId }, opts);
    return { vpcId: config.vpcId ? pulumi.output(config.vpcId) : subnet.vpcId, subnetId: pulumi.output(subnet.id) };
  }
  const vpcId = config.vpcId ? pulumi.output(config.vpcId) : aws.ec2.getVpcOutput({ default: true }, opts).id;
  const subnets = aws.ec2.getSubnetsOutput(
    {
      filters: [
        { name: 'vpc-id', values: [vpcId] },
        { name: 'default-for-az', values: ['true'] },
      ],
    },
    opts,
  );
  const subnetId = subnets.ids.apply((ids) => {
    const first = [...ids].sort()[0];
    if (!first) throw new Error('no default subnet found: set config subnetId');
    return first;
  });
  return { vpcId, subnetId };
}

/** The minimum for Session Manager: register the instance, open the session channels. */
export function sessionManagerPolicy(partition: string, region: string, accountId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'RegisterInstance',
        Effect: 'Allow',
        Action: ['ssm:UpdateInstanceInformation'],
        Resource: [`arn:${partition}:ec2:${region}:${accountId}:instance/*`],
      },
      { Sid: 'SessionChannels', Effect: 'Allow', Action: [...SESSION_MANAGER_CHANNEL_ACTIONS], Resource: ['*'] },
    ],
  });
}
