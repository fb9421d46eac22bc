import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { IamActions, ProcessName } from './iam-actions';
import { buildProcessPolicy, grantableActions, type StackArns, UnmappedActionError } from './process-policy';

/** The stack's ARNs as Pulumi inputs; resolved before the policies are built. */
export type StackArnInputs = { [K in keyof StackArns]: pulumi.Input<StackArns[K]> };

export interface IamArgs {
  prefix: string;
  /** The actions each process calls (iam-actions.json). */
  actions: IamActions;
  arns: StackArnInputs;
  tags?: Record<string, string>;
}

/** The trust policy of both roles: EC2 instances (through their instance profile) assume them. */
export const EC2_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Ec2MayAssume', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});

/** One process's role, its least-privilege policy and the instance profile that hands it to an EC2 instance. */
export interface ProcessIdentity {
  role: aws.iam.Role;
  policy: aws.iam.RolePolicy;
  instanceProfile: aws.iam.InstanceProfile;
}

/**
 * The daemon role and the node role. Each has one inline policy that grants exactly the actions iam-actions.json
 * lists for that process, on this stack's own ARNs (see process-policy.ts). Roles and instance profiles exist even
 * without the Compute component, so the processes can run on instances managed elsewhere.
 */
export class Iam extends pulumi.ComponentResource {
  readonly daemon: ProcessIdentity;
  readonly node: ProcessIdentity;

  constructor(name: string, args: IamArgs, opts?: pulumi.ComponentResourceOptions) {
    super('ccs:infra:Iam', name, {}, opts);
    // Fail while the program runs, not later inside an apply: an unscoped action is a mistake in iam-actions.json.
    for (const process of ['daemon', 'node'] as const) {
      const known = new Set(grantableActions(process));
      const unmapped = args.actions[process].filter((action) => !known.has(action));
      if (unmapped.length > 0) throw new UnmappedActionError(process, unmapped);
    }
    const arns = pulumi.output(args.arns) as pulumi.Output<StackArns>;
    this.daemon = this.identity(name, 'daemon', args, arns);
    this.node = this.identity(name, 'node', args, arns);
    this.registerOutputs({ daemonRoleArn: this.daemon.role.arn, nodeRoleArn: this.node.role.arn });
  }

  private identity(name: string, process: ProcessName, args: IamArgs, arns: pulumi.Output<StackArns>): ProcessIdentity {
    const role = new aws.iam.Role(
      `${name}-${process}-role`,
      {
        name: `${args.prefix}-${process}`,
        description: `claude-code-scheduler ${process}: exactly the AWS actions in infra/iam-actions.json`,
        assumeRolePolicy: EC2_TRUST_POLICY,
        tags: args.tags ?? {},
      },
      { parent: this },
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-${process}-policy`,
      {
        name: `${args.prefix}-${process}-process`,
        role: role.id,
        policy: arns.apply((resolved) => JSON.stringify(buildProcessPolicy(process, args.actions[process], resolved))),
      },
      { parent: this },
    );
    const instanceProfile = new aws.iam.InstanceProfile(
      `${name}-${process}-instance-profile`,
      { name: `${args.prefix}-${process}`, role: role.name, tags: args.tags ?? {} },
      { parent: this },
    );
    return { role, policy, instanceProfile };
  }
}
