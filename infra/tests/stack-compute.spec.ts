import { calls, jsonInput, named, ofType, type RecordedResource, settle, useMocks, valueOf } from './pulumi-mocks';

type Stack = typeof import('../index');

/** The whole program with compute on (two nodes), everything else default. */
describe('the stack with computeEnabled', () => {
  let stack: Stack;
  const userData = (instance: RecordedResource): string => String(instance.inputs.userData);

  beforeAll(async () => {
    useMocks({ computeEnabled: 'true', nodeCount: '2' });
    stack = await import('../index.js');
    await settle();
  });

  it('creates one daemon and nodeCount node instances and exports their ids and IPs', async () => {
    expect(
      ofType('aws:ec2/instance:Instance')
        .map((i) => i.name)
        .sort(),
    ).toEqual(['compute-daemon', 'compute-node-0', 'compute-node-1']);
    expect(await valueOf(stack.daemon_instance_id)).toMatch(/^i-/);
    expect(await valueOf(stack.daemon_private_ip)).toBe('10.0.0.10');
    expect(await valueOf(stack.daemon_public_ip)).toBe('203.0.113.10');
    const nodeIds = await valueOf(stack.node_instance_ids);
    expect(nodeIds).toHaveLength(2);
    expect(new Set(nodeIds).size).toBe(2);
  });

  it('uses the latest Amazon Linux 2023 AMI and a default subnet of the default VPC', () => {
    const amiCall = calls.find((call) => call.token === 'aws:ec2/getAmi:getAmi');
    expect(amiCall?.inputs).toMatchObject({ owners: ['amazon'], mostRecent: true });
    expect(JSON.stringify(amiCall?.inputs.filters)).toContain('al2023-ami-2023.*-x86_64');
    for (const instance of ofType('aws:ec2/instance:Instance')) {
      expect(instance.inputs.ami).toBe('ami-0al2023latest');
      expect(instance.inputs.subnetId).toBe('subnet-aaaa');
    }
    expect(named('compute-daemon-sg').inputs.vpcId).toBe('vpc-default');
  });

  it('hardens the instances: IMDSv2 only, encrypted root volume, its own instance profile', () => {
    for (const instance of ofType('aws:ec2/instance:Instance')) {
      expect(instance.inputs.metadataOptions).toMatchObject({ httpTokens: 'required', httpPutResponseHopLimit: 1 });
      expect(instance.inputs.rootBlockDevice).toMatchObject({ encrypted: true, volumeType: 'gp3', volumeSize: 30 });
      expect(instance.inputs.keyName).toBeUndefined();
    }
    expect(named('compute-daemon').inputs.iamInstanceProfile).toBe('ccs-daemon');
    expect(named('compute-node-0').inputs.iamInstanceProfile).toBe('ccs-node');
    expect(named('compute-daemon').inputs.instanceType).toBe('t3.small');
    expect(named('compute-node-1').inputs.instanceType).toBe('t3.medium');
  });

  it('opens no inbound port by default and allows all egress', () => {
    const groups = ofType('aws:ec2/securityGroup:SecurityGroup');
    expect(groups.map((g) => g.name).sort()).toEqual(['compute-daemon-sg', 'compute-node-sg']);
    for (const group of groups) {
      expect(group.inputs.ingress).toEqual([]);
      expect(group.inputs.egress).toEqual([
        expect.objectContaining({ protocol: '-1', cidrBlocks: ['0.0.0.0/0'], ipv6CidrBlocks: ['::/0'] }),
      ]);
    }
    expect(ofType('aws:ec2/securityGroupRule:SecurityGroupRule')).toEqual([]);
    expect(ofType('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule')).toEqual([]);
    expect(named('compute-daemon').inputs.vpcSecurityGroupIds).toEqual(['compute-daemon-sg-id']);
    expect(named('compute-node-0').inputs.vpcSecurityGroupIds).toEqual(['compute-node-sg-id']);
  });

  it('starts the daemon on loopback with the stack ARNs/URLs, as a non-root user', async () => {
    const script = userData(named('compute-daemon'));
    expect(script).toContain('User=ccs');
    expect(script).not.toMatch(/^User=root$/m);
    const execStart = script
      .split('\n')
      .find((line) => line.startsWith('ExecStart=/opt/ccs/bin/claude-code-scheduler'));
    expect(execStart).toBe(
      'ExecStart=/opt/ccs/bin/claude-code-scheduler daemon --host 127.0.0.1 --api-port 8787' +
        ` --command-topic ${await valueOf(stack.command_topic_arn)}` +
        ` --server-queue ${await valueOf(stack.server_queue_url)}` +
        ` --node-queue ${await valueOf(stack.node_queue_url)}` +
        ` --s3-bucket ${await valueOf(stack.log_bucket_name)}` +
        ` --server-dlq ${await valueOf(stack.server_dlq_url)}`,
    );
    // No token configured: nothing to fetch, no parameter.
    expect(script).not.toContain('ccs-api-token');
    expect(ofType('aws:ssm/parameter:Parameter')).toEqual([]);
  });

  it('starts every node with the node queue, control bus and bucket, as a non-root user', async () => {
    for (const name of ['compute-node-0', 'compute-node-1']) {
      const script = userData(named(name));
      expect(script).toContain('User=ccs');
      expect(script).not.toMatch(/^User=root$/m);
      expect(script).toContain(
        `claude-code-scheduler node --command-queue ${await valueOf(stack.node_queue_url)}` +
          ` --command-topic ${await valueOf(stack.command_topic_arn)}` +
          ` --control-bus ${await valueOf(stack.control_bus_arn)} --s3-bucket ${await valueOf(stack.log_bucket_name)}` +
          ` --node-dlq ${await valueOf(stack.node_dlq_url)}`,
      );
    }
  });

  it('gives both roles the minimum Session Manager permissions (on by default)', () => {
    for (const process of ['daemon', 'node']) {
      const policy = named(`compute-${process}-session-manager-policy`);
      expect(policy.inputs.role).toBe(`ccs-${process}`);
      const document = jsonInput<{ Statement: { Action: string[]; Resource: string[] }[] }>(policy, 'policy');
      expect(document.Statement).toEqual([
        expect.objectContaining({
          Action: ['ssm:UpdateInstanceInformation'],
          Resource: ['arn:aws:ec2:eu-central-1:123456789012:instance/*'],
        }),
        expect.objectContaining({
          Action: [
            'ssmmessages:CreateControlChannel',
            'ssmmessages:CreateDataChannel',
            'ssmmessages:OpenControlChannel',
            'ssmmessages:OpenDataChannel',
          ],
          Resource: ['*'],
        }),
      ]);
    }
  });
});
