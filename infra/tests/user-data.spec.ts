import { API_TOKEN_ENV, type DaemonUserData, type NodeUserData, renderUserData, UserDataError } from '../src/user-data';

const daemon: DaemonUserData = {
  role: 'daemon',
  region: 'eu-central-1',
  packageSpec: 'claude-code-scheduler@0.1.0',
  logBucket: 'ccs-logs-0123abcd',
  commandTopicArn: 'arn:aws:sns:eu-central-1:123456789012:ccs-commands',
  serverQueueUrl: 'https://sqs.eu-central-1.amazonaws.com/123456789012/ccs-server',
  nodeQueueUrl: 'https://sqs.eu-central-1.amazonaws.com/123456789012/ccs-nodes',
  host: '127.0.0.1',
  port: 8787,
};

const node: NodeUserData = {
  role: 'node',
  region: 'eu-central-1',
  packageSpec: 'claude-code-scheduler@0.1.0',
  claudeCodePackageSpec: '@anthropic-ai/claude-code',
  logBucket: 'ccs-logs-0123abcd',
  commandQueueUrl: 'https://sqs.eu-central-1.amazonaws.com/123456789012/ccs-nodes',
  commandTopicArn: 'arn:aws:sns:eu-central-1:123456789012:ccs-commands',
  controlBusArn: 'arn:aws:sns:eu-central-1:123456789012:ccs-control-bus',
  capacity: 2,
};

/** The body of the heredoc that writes `path`. */
function fileWritten(script: string, path: string): string {
  const start = script.indexOf(`cat > ${path} <<'CCS_EOF'\n`);
  if (start < 0) throw new Error(`${path} is not written`);
  const body = script.slice(script.indexOf('\n', start) + 1);
  return body.slice(0, body.indexOf('\nCCS_EOF\n'));
}

/** `Key=value` lines of a systemd unit section. */
function directives(unit: string, key: string): string[] {
  return unit
    .split('\n')
    .filter((line) => line.startsWith(`${key}=`))
    .map((line) => line.slice(key.length + 1));
}

describe('renderUserData', () => {
  it('installs Node 20, git and the package, then enables the daemon service', () => {
    const script = renderUserData(daemon);
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(script).toContain('set -euo pipefail');
    expect(script).toContain('dnf install -y nodejs20 nodejs20-npm git');
    expect(script).toContain(
      "npm install --global --prefix /opt/ccs --no-audit --no-fund 'claude-code-scheduler@0.1.0'",
    );
    expect(script).toContain('systemctl enable --now ccs-daemon.service');
  });

  it('runs the daemon as an unprivileged user with the stack ARNs/URLs on its command line', () => {
    const unit = fileWritten(renderUserData(daemon), '/etc/systemd/system/ccs-daemon.service');
    expect(directives(unit, 'User')).toEqual(['ccs']);
    expect(directives(unit, 'Group')).toEqual(['ccs']);
    expect(directives(unit, 'ExecStart')).toEqual([
      '/opt/ccs/bin/claude-code-scheduler daemon --host 127.0.0.1 --api-port 8787' +
        ' --command-topic arn:aws:sns:eu-central-1:123456789012:ccs-commands' +
        ' --server-queue https://sqs.eu-central-1.amazonaws.com/123456789012/ccs-server' +
        ' --node-queue https://sqs.eu-central-1.amazonaws.com/123456789012/ccs-nodes' +
        ' --s3-bucket ccs-logs-0123abcd',
    ]);
    expect(directives(unit, 'Environment')).toEqual(
      expect.arrayContaining([
        'HOME=/var/lib/ccs',
        'AWS_REGION=eu-central-1',
        'PATH=/opt/ccs/bin:/usr/local/bin:/usr/bin',
      ]),
    );
    expect(directives(unit, 'NoNewPrivileges')).toEqual(['true']);
  });

  it('creates the service user as a system account without a login shell', () => {
    const script = renderUserData(node);
    expect(script).toContain(
      'id -u ccs >/dev/null 2>&1 || useradd --system --create-home --home-dir /var/lib/ccs --shell /sbin/nologin ccs',
    );
  });

  it('runs the node as an unprivileged user with its queue, control bus, bucket, node id and capacity', () => {
    const script = renderUserData(node);
    const unit = fileWritten(script, '/etc/systemd/system/ccs-node.service');
    expect(directives(unit, 'User')).toEqual(['ccs']);
    expect(directives(unit, 'ExecStart')).toEqual([
      '/opt/ccs/bin/claude-code-scheduler node' +
        ' --command-queue https://sqs.eu-central-1.amazonaws.com/123456789012/ccs-nodes' +
        ' --command-topic arn:aws:sns:eu-central-1:123456789012:ccs-commands' +
        ' --control-bus arn:aws:sns:eu-central-1:123456789012:ccs-control-bus' +
        ' --s3-bucket ccs-logs-0123abcd --node-id ${CCS_NODE_ID} --capacity 2',
    ]);
    expect(directives(unit, 'EnvironmentFile')).toEqual(['/etc/ccs/node.env']);
    expect(script).toContain('/var/lib/cloud/data/instance-id');
    expect(script).toContain("'@anthropic-ai/claude-code'");
    expect(script).toContain('systemctl enable --now ccs-node.service');
  });

  it("passes the queues' dead-letter queues when given", () => {
    const daemonUnit = fileWritten(
      renderUserData({ ...daemon, serverDlqUrl: 'https://sqs.eu-central-1.amazonaws.com/123456789012/ccs-server-dlq' }),
      '/etc/systemd/system/ccs-daemon.service',
    );
    expect(directives(daemonUnit, 'ExecStart')[0]).toMatch(
      / --s3-bucket ccs-logs-0123abcd --server-dlq https:\/\/sqs\.eu-central-1\.amazonaws\.com\/123456789012\/ccs-server-dlq$/,
    );
    const nodeUnit = fileWritten(
      renderUserData({ ...node, nodeDlqUrl: 'https://sqs.eu-central-1.amazonaws.com/123456789012/ccs-nodes-dlq' }),
      '/etc/systemd/system/ccs-node.service',
    );
    expect(directives(nodeUnit, 'ExecStart')[0]).toContain(
      ' --s3-bucket ccs-logs-0123abcd --node-dlq https://sqs.eu-central-1.amazonaws.com/123456789012/ccs-nodes-dlq ',
    );
    expect(() => renderUserData({ ...node, nodeDlqUrl: 'https://x/$(id)' })).toThrow(UserDataError);
  });

  it('passes a non-default control-queue prefix to the node', () => {
    const unit = fileWritten(
      renderUserData({ ...node, queuePrefix: 'ccs-prod' }),
      '/etc/systemd/system/ccs-node.service',
    );
    expect(directives(unit, 'ExecStart')[0]).toMatch(/ --queue-prefix ccs-prod$/);
    const defaultUnit = fileWritten(
      renderUserData({ ...node, queuePrefix: 'ccs' }),
      '/etc/systemd/system/ccs-node.service',
    );
    expect(defaultUnit).not.toContain('--queue-prefix');
  });

  it('never runs a service as root', () => {
    for (const options of [daemon, node, { ...daemon, apiTokenParameterName: '/ccs/daemon/api-token' }]) {
      const script = renderUserData(options);
      for (const unitPath of ['/etc/systemd/system/ccs-daemon.service', '/etc/systemd/system/ccs-node.service']) {
        if (!script.includes(unitPath)) continue;
        const users = directives(fileWritten(script, unitPath), 'User');
        expect(users).toHaveLength(1);
        expect(users[0]).not.toBe('root');
      }
    }
    expect(() => renderUserData({ ...daemon, serviceUser: 'root' })).toThrow(UserDataError);
    expect(() => renderUserData({ ...node, serviceUser: 'Root User' })).toThrow(UserDataError);
  });

  it('reads the API token from SSM into a root-only environment file the daemon unit loads', () => {
    const script = renderUserData({ ...daemon, host: '0.0.0.0', apiTokenParameterName: '/ccs/daemon/api-token' });
    const unit = fileWritten(script, '/etc/systemd/system/ccs-daemon.service');
    expect(directives(unit, 'EnvironmentFile')).toEqual(['/etc/ccs/daemon.env']);
    expect(directives(unit, 'Requires')).toEqual(['ccs-api-token.service']);
    expect(directives(unit, 'ExecStart')[0]).toContain('--host 0.0.0.0');
    // The token never appears on a command line (visible in ps) nor in the unit.
    expect(unit).not.toContain('--api-token');

    const fetcher = fileWritten(script, '/usr/local/libexec/ccs-fetch-api-token');
    expect(fetcher).toContain(
      "aws ssm get-parameter --region 'eu-central-1' --name '/ccs/daemon/api-token' --with-decryption",
    );
    expect(fetcher).toContain('umask 077');
    expect(fetcher).toContain(`${API_TOKEN_ENV}=%s`);
    expect(script).toContain('install -d -m 0700 -o root -g root /etc/ccs');
    const tokenUnit = fileWritten(script, '/etc/systemd/system/ccs-api-token.service');
    expect(directives(tokenUnit, 'Type')).toEqual(['oneshot']);
  });

  it('without a token parameter, neither fetches a token nor loads an environment file', () => {
    const script = renderUserData(daemon);
    expect(script).not.toContain('ccs-api-token');
    expect(directives(fileWritten(script, '/etc/systemd/system/ccs-daemon.service'), 'EnvironmentFile')).toEqual([]);
  });

  it('refuses values that could break out of the script or the unit files', () => {
    for (const evil of ["x'; rm -rf / #", 'a b', 'line\nExecStartPre=/bin/sh', '$(id)', '`id`', '100%', 'a"b']) {
      expect(() => renderUserData({ ...daemon, commandTopicArn: evil })).toThrow(UserDataError);
      expect(() => renderUserData({ ...node, packageSpec: evil })).toThrow(UserDataError);
    }
    expect(() => renderUserData({ ...daemon, port: 0 })).toThrow(UserDataError);
    expect(() => renderUserData({ ...node, capacity: 0 })).toThrow(UserDataError);
  });

  it('is deterministic (a re-render does not replace the instances)', () => {
    expect(renderUserData(node)).toBe(renderUserData({ ...node }));
  });
});
