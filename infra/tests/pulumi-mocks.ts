import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';

/**
 * Offline Pulumi engine for the tests: every resource registration and provider call is answered here and
 * recorded, so a test can look at exactly what the program asked AWS to create, with which inputs.
 */
export const ACCOUNT_ID = '123456789012';
export const REGION = 'eu-central-1';
export const PROJECT = 'claude-code-scheduler';
export const STACK = 'test';

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export const recorded: RecordedResource[] = [];
export const calls: { token: string; inputs: Record<string, unknown> }[] = [];

function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const physical = typeof inputs.name === 'string' ? inputs.name : name;
  switch (type) {
    case 'aws:sns/topic:Topic':
      return { arn: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:${physical}` };
    case 'aws:sqs/queue:Queue':
      return {
        arn: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${physical}`,
        url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/${physical}`,
      };
    case 'aws:s3/bucket:Bucket': {
      const bucket = `${typeof inputs.bucketPrefix === 'string' ? inputs.bucketPrefix : 'bucket-'}0123abcd`;
      return { bucket, arn: `arn:aws:s3:::${bucket}` };
    }
    case 'aws:iam/role:Role':
      return { arn: `arn:aws:iam::${ACCOUNT_ID}:role/${physical}` };
    case 'aws:iam/instanceProfile:InstanceProfile':
      return { arn: `arn:aws:iam::${ACCOUNT_ID}:instance-profile/${physical}` };
    case 'aws:ssm/parameter:Parameter':
      return { arn: `arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter${physical}` };
    case 'aws:ec2/instance:Instance':
      return { privateIp: '10.0.0.10', publicIp: '203.0.113.10' };
    default:
      return {};
  }
}

function physicalId(type: string, name: string, state: Record<string, unknown>): string {
  if (type === 'aws:s3/bucket:Bucket') return String(state.bucket);
  if (type === 'aws:sqs/queue:Queue') return String(state.url);
  if (type === 'aws:iam/role:Role' && typeof state.name === 'string') return state.name;
  if (type === 'aws:ec2/instance:Instance') {
    return `i-${createHash('sha256').update(name).digest('hex').slice(0, 17)}`;
  }
  return `${name}-id`;
}

export const mocks: pulumi.runtime.Mocks = {
  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const inputs = args.inputs as Record<string, unknown>;
    recorded.push({ type: args.type, name: args.name, inputs });
    const state = { ...inputs, ...computedState(args.type, args.name, inputs) };
    return { id: physicalId(args.type, args.name, state), state };
  },
  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const inputs = args.inputs as Record<string, unknown>;
    calls.push({ token: args.token, inputs });
    switch (args.token) {
      case 'aws:index/getCallerIdentity:getCallerIdentity':
        return {
          accountId: ACCOUNT_ID,
          arn: `arn:aws:iam::${ACCOUNT_ID}:user/test`,
          userId: 'AIDTEST',
          id: ACCOUNT_ID,
        };
      case 'aws:index/getRegion:getRegion':
        return { name: REGION, region: REGION, id: REGION, description: 'Europe (Frankfurt)', endpoint: '' };
      case 'aws:index/getPartition:getPartition':
        return { partition: 'aws', dnsSuffix: 'amazonaws.com', id: 'aws', reverseDnsPrefix: 'com.amazonaws' };
      case 'aws:ec2/getAmi:getAmi':
        return { id: 'ami-0al2023latest', name: 'al2023-ami-2023.6.20250101.0-kernel-6.1-x86_64' };
      case 'aws:ec2/getVpc:getVpc':
        return { id: 'vpc-default', default: true };
      case 'aws:ec2/getSubnets:getSubnets':
        return { id: REGION, ids: ['subnet-bbbb', 'subnet-aaaa'] };
      case 'aws:ec2/getSubnet:getSubnet':
        return { id: inputs.id, vpcId: 'vpc-of-subnet' };
      default:
        throw new Error(`unexpected provider call ${args.token}`);
    }
  },
};

/**
 * Installs the mocks and the given stack config (keys without the project namespace; `secrets` are set as
 * `pulumi config set --secret` would) and forgets what earlier tests recorded.
 */
export function useMocks(config: Record<string, string> = {}, secrets: Record<string, string> = {}): void {
  recorded.length = 0;
  calls.length = 0;
  const all = { ...config, ...secrets };
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(all).map(([key, value]) => [`${PROJECT}:${key}`, value])),
    Object.keys(secrets).map((key) => `${PROJECT}:${key}`),
  );
  void pulumi.runtime.setMocks(mocks, PROJECT, STACK, false);
}

/** The resolved value of an output. */
export function valueOf<T>(output: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
  return new Promise<T>((resolve) => {
    pulumi.output(output).apply((value) => {
      resolve(value as T);
      return value;
    });
  });
}

type SettleRuntime = { waitForRPCs?: () => Promise<void> };

/**
 * Waits until every registration the program started has reached the mocks. Uses the SDK's own RPC queue (the
 * same wait `pulumi` does before it exits), so "no resource of type X" assertions cannot pass by being early.
 */
export async function settle(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require('@pulumi/pulumi/runtime/settings') as SettleRuntime;
  if (typeof settings.waitForRPCs !== 'function') {
    throw new Error('@pulumi/pulumi no longer exports runtime/settings.waitForRPCs: update tests/pulumi-mocks.ts');
  }
  await settings.waitForRPCs();
}

/** The recorded resources of a type token such as `aws:sqs/queue:Queue`. */
export function ofType(type: string): RecordedResource[] {
  return recorded.filter((resource) => resource.type === type);
}

/** The one recorded resource with this logical name. */
export function named(name: string): RecordedResource {
  const found = recorded.filter((resource) => resource.name === name);
  if (found.length !== 1) {
    throw new Error(
      `expected one resource named ${name}, found ${found.length}: ${recorded.map((r) => r.name).join(', ')}`,
    );
  }
  return found[0];
}

/** Parses a JSON policy input (string) of a recorded resource. */
export function jsonInput<T = unknown>(resource: RecordedResource, key: string): T {
  const value = resource.inputs[key];
  if (typeof value !== 'string') throw new Error(`${resource.name}.${key} is not a JSON string: ${String(value)}`);
  return JSON.parse(value) as T;
}
