import { isIPv4, isIPv6 } from 'node:net';
import * as pulumi from '@pulumi/pulumi';

/**
 * Everything the stack can be configured with, validated once. Pulumi.yaml documents each key with its meaning and
 * default; keep the two in step (a test compares them).
 */
export interface StackConfig {
  /** Name prefix of every resource; nodes name their control queues `<prefix>-node-<nodeId>`. */
  prefix: string;
  /** Default visibility timeout of the node work queue; nodes receive with their own and extend it (Pulumi.yaml). */
  visibilityTimeoutSeconds: number;
  /** Visibility timeout of the server (event) queue; events are handled in milliseconds. */
  serverVisibilityTimeoutSeconds: number;
  /** Deliveries before a message moves to its queue's dead-letter queue. */
  maxReceiveCount: number;
  /** How long an unconsumed message stays in a work/event queue. */
  messageRetentionSeconds: number;
  /** KMS key (id, ARN or alias) that encrypts both SNS topics. */
  snsKmsKeyId: string;
  /** Days after which `logs/` objects expire. */
  logRetentionDays: number;
  /** Keep old versions of log objects (expired `logRetentionDays` after they become noncurrent). */
  logVersioning: boolean;
  /** Let `pulumi destroy` delete a non-empty log bucket. */
  logBucketForceDestroy: boolean;
  /** Extra SSM parameter / Secrets Manager ARNs nodes may read for profile secrets (beyond `/<prefix>/secrets/*`). */
  nodeSecretArns: string[];
  compute: ComputeConfig;
}

export interface ComputeConfig {
  enabled: boolean;
  nodeCount: number;
  daemonInstanceType: string;
  nodeInstanceType: string;
  /** Empty: the latest Amazon Linux 2023 AMI for x86_64. */
  amiId: string | undefined;
  /** Empty: the default VPC (derived from `subnetId` when that is set). */
  vpcId: string | undefined;
  /** Empty: a default subnet of the VPC (the first by id, so the choice is stable). */
  subnetId: string | undefined;
  associatePublicIp: boolean;
  /** EC2 key pair for SSH; empty: no key (use SSM Session Manager). */
  keyName: string | undefined;
  /** Grant the instances the minimum Session Manager permissions. */
  ssmAccess: boolean;
  /** CIDRs that may reach the daemon's API port; empty: no inbound rule at all. */
  allowedCidrs: string[];
  apiPort: number;
  /** Secret from `pulumi config set --secret apiToken …`; stored as an SSM SecureString for the daemon. */
  apiToken: pulumi.Output<string> | undefined;
  /** npm spec installed on the instances (`claude-code-scheduler`, `claude-code-scheduler@0.2.0`, a tarball URL). */
  packageSpec: string;
  /** npm spec of the Claude Code CLI installed on nodes. */
  claudeCodePackageSpec: string;
  /** Runs one node executes at the same time. */
  nodeCapacity: number;
  rootVolumeGb: number;
}

export class StackConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackConfigError';
  }
}

/** Defaults, exported so Pulumi.yaml can be checked against them. */
export const CONFIG_DEFAULTS = {
  prefix: 'ccs',
  visibilityTimeoutSeconds: 900,
  serverVisibilityTimeoutSeconds: 60,
  maxReceiveCount: 5,
  messageRetentionSeconds: 345600,
  snsKmsKeyId: 'alias/aws/sns',
  logRetentionDays: 30,
  logVersioning: false,
  logBucketForceDestroy: false,
  nodeSecretArns: [] as string[],
  computeEnabled: false,
  nodeCount: 1,
  daemonInstanceType: 't3.small',
  nodeInstanceType: 't3.medium',
  amiId: '',
  vpcId: '',
  subnetId: '',
  associatePublicIp: true,
  keyName: '',
  ssmAccess: true,
  allowedCidrs: [] as string[],
  apiPort: 8787,
  packageSpec: 'claude-code-scheduler',
  claudeCodePackageSpec: '@anthropic-ai/claude-code',
  nodeCapacity: 1,
  rootVolumeGb: 30,
} as const;

/**
 * Secret config keys. Pulumi.yaml documents them in a comment only: a key declared in its `config:` schema without a
 * default is required, and these are optional.
 */
export const SECRET_CONFIG_KEYS = ['apiToken'] as const;

// SQS queue names allow 80 characters; `<prefix>-node-<nodeId>` must leave room for a node id (an EC2 instance id
// is 19 characters), so the prefix is kept short and to the characters SQS, SNS, S3 and IAM all accept.
const PREFIX_PATTERN = /^[a-z][a-z0-9-]{0,29}$/;
// Written into a systemd EnvironmentFile: keep it to characters that need no quoting there.
const API_TOKEN_PATTERN = /^[A-Za-z0-9._~+/=-]{16,512}$/;
// Lands in a shell command and a systemd unit; an npm spec never needs quotes, spaces or `$`.
const PACKAGE_SPEC_PATTERN = /^[A-Za-z0-9@/._:+#~=<>^-]+$/;

/** Reads and validates the stack configuration (throws {@link StackConfigError} with the key at fault). */
export function loadStackConfig(config: pulumi.Config = new pulumi.Config()): StackConfig {
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const value = config.getNumber(key) ?? fallback;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new StackConfigError(`${key} must be an integer from ${min} to ${max}, got ${value}`);
    }
    return value;
  };
  const bool = (key: string, fallback: boolean): boolean => config.getBoolean(key) ?? fallback;
  const str = (key: string, fallback: string): string => config.get(key) ?? fallback;
  const optional = (key: string): string | undefined => {
    const value = config.get(key)?.trim();
    return value ? value : undefined;
  };
  const list = (key: string): string[] => {
    const value = config.getObject<unknown>(key) ?? [];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      throw new StackConfigError(`${key} must be a list of strings`);
    }
    return value;
  };

  const prefix = str('prefix', CONFIG_DEFAULTS.prefix);
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new StackConfigError(
      `prefix must be 1-30 characters of lowercase letters, digits and '-', starting with a letter, got '${prefix}'`,
    );
  }

  const allowedCidrs = list('allowedCidrs');
  for (const cidr of allowedCidrs) {
    if (!isCidr(cidr)) throw new StackConfigError(`allowedCidrs: '${cidr}' is not a CIDR block`);
  }

  const nodeSecretArns = list('nodeSecretArns');
  for (const arn of nodeSecretArns) {
    if (!/^arn:aws[a-z-]*:(ssm|secretsmanager):/.test(arn) || arn.includes('*:') || arn === '*') {
      throw new StackConfigError(`nodeSecretArns: '${arn}' is not an SSM parameter or Secrets Manager ARN`);
    }
  }

  const packageSpec = str('packageSpec', CONFIG_DEFAULTS.packageSpec);
  const claudeCodePackageSpec = str('claudeCodePackageSpec', CONFIG_DEFAULTS.claudeCodePackageSpec);
  for (const [key, spec] of [
    ['packageSpec', packageSpec],
    ['claudeCodePackageSpec', claudeCodePackageSpec],
  ] as const) {
    if (!PACKAGE_SPEC_PATTERN.test(spec)) throw new StackConfigError(`${key}: '${spec}' is not an npm package spec`);
  }

  // Read synchronously (the stack must know whether a token exists to decide what to create) and wrapped as a
  // secret at once; the value never reaches a log or an error message.
  const rawToken = config.get('apiToken');
  if (rawToken && !API_TOKEN_PATTERN.test(rawToken)) {
    throw new StackConfigError('apiToken must be 16-512 characters of A-Z a-z 0-9 . _ ~ + / = -');
  }
  const apiToken = rawToken ? pulumi.secret(rawToken) : undefined;

  const compute: ComputeConfig = {
    enabled: bool('computeEnabled', CONFIG_DEFAULTS.computeEnabled),
    nodeCount: int('nodeCount', CONFIG_DEFAULTS.nodeCount, 0, 50),
    daemonInstanceType: str('daemonInstanceType', CONFIG_DEFAULTS.daemonInstanceType),
    nodeInstanceType: str('nodeInstanceType', CONFIG_DEFAULTS.nodeInstanceType),
    amiId: optional('amiId'),
    vpcId: optional('vpcId'),
    subnetId: optional('subnetId'),
    associatePublicIp: bool('associatePublicIp', CONFIG_DEFAULTS.associatePublicIp),
    keyName: optional('keyName'),
    ssmAccess: bool('ssmAccess', CONFIG_DEFAULTS.ssmAccess),
    allowedCidrs,
    apiPort: int('apiPort', CONFIG_DEFAULTS.apiPort, 1, 65535),
    apiToken,
    packageSpec,
    claudeCodePackageSpec,
    nodeCapacity: int('nodeCapacity', CONFIG_DEFAULTS.nodeCapacity, 1, 64),
    rootVolumeGb: int('rootVolumeGb', CONFIG_DEFAULTS.rootVolumeGb, 8, 16384),
  };
  // The daemon refuses a non-loopback bind without a token; fail at preview instead of on the instance.
  if (compute.enabled && compute.allowedCidrs.length > 0 && !compute.apiToken) {
    throw new StackConfigError(
      'allowedCidrs opens the daemon API: set a token with `pulumi config set --secret apiToken …`',
    );
  }

  return {
    prefix,
    // SQS caps the visibility timeout at 12 hours.
    visibilityTimeoutSeconds: int('visibilityTimeoutSeconds', CONFIG_DEFAULTS.visibilityTimeoutSeconds, 30, 43200),
    serverVisibilityTimeoutSeconds: int(
      'serverVisibilityTimeoutSeconds',
      CONFIG_DEFAULTS.serverVisibilityTimeoutSeconds,
      5,
      43200,
    ),
    maxReceiveCount: int('maxReceiveCount', CONFIG_DEFAULTS.maxReceiveCount, 1, 1000),
    messageRetentionSeconds: int('messageRetentionSeconds', CONFIG_DEFAULTS.messageRetentionSeconds, 60, 1209600),
    snsKmsKeyId: str('snsKmsKeyId', CONFIG_DEFAULTS.snsKmsKeyId),
    logRetentionDays: int('logRetentionDays', CONFIG_DEFAULTS.logRetentionDays, 1, 36500),
    logVersioning: bool('logVersioning', CONFIG_DEFAULTS.logVersioning),
    logBucketForceDestroy: bool('logBucketForceDestroy', CONFIG_DEFAULTS.logBucketForceDestroy),
    nodeSecretArns,
    compute,
  };
}

/** `a.b.c.d/n` (n ≤ 32) or an IPv6 address with `/n` (n ≤ 128). */
function isCidr(value: string): boolean {
  const [address, bits, ...rest] = value.split('/');
  if (rest.length > 0 || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const length = Number(bits);
  if (isIPv4(address)) return length <= 32;
  return isIPv6(address) && length <= 128;
}
