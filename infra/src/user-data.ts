/**
 * EC2 user data for the daemon and node instances, built by a pure function so it can be tested without AWS.
 *
 * The script installs Node 20 (Amazon Linux 2023 `nodejs20`), git and claude-code-scheduler, creates a system user
 * and runs the process as a systemd service under that user: the Claude CLI refuses `bypassPermissions` as root, and
 * a run should not own the machine anyway. Values are validated (no newlines, no quotes) because they end up in a
 * shell script and in systemd unit files.
 */

interface CommonUserData {
  /** AWS region of the stack (AWS_REGION of the service). */
  region: string;
  /** npm spec of claude-code-scheduler. */
  packageSpec: string;
  /** The unprivileged user the service runs as (default `ccs`); never root. */
  serviceUser?: string;
  logBucket: string;
}

export interface DaemonUserData extends CommonUserData {
  role: 'daemon';
  commandTopicArn: string;
  serverQueueUrl: string;
  /** The nodes' work queue: the daemon reports its depth in `cli stats`. */
  nodeQueueUrl: string;
  /** The server queue's DLQ, where the daemon moves an invalid event at once (`--server-dlq`). */
  serverDlqUrl?: string;
  /** Bind address: 127.0.0.1 unless the API is opened to `allowedCidrs`. */
  host: string;
  port: number;
  /** SSM SecureString parameter with the API token; omitted: the daemon runs without a token (loopback only). */
  apiTokenParameterName?: string;
}

export interface NodeUserData extends CommonUserData {
  role: 'node';
  commandQueueUrl: string;
  /** The command topic: each node subscribes its own control queue to it (StopRun for that node). */
  commandTopicArn: string;
  controlBusArn: string;
  /** The work queue's DLQ, where the node moves an invalid command at once (`--node-dlq`). */
  nodeDlqUrl?: string;
  capacity: number;
  /** npm spec of the Claude Code CLI. */
  claudeCodePackageSpec: string;
  /** Control-queue name prefix; passed as `--queue-prefix` only when it differs from the node's default `ccs`. */
  queuePrefix?: string;
}

export type UserDataOptions = DaemonUserData | NodeUserData;

export const DEFAULT_SERVICE_USER = 'ccs';
/** Environment variable the daemon reads its API token from (apps/coordinator http-security). */
export const API_TOKEN_ENV = 'CLAUDE_SCHEDULER_API_TOKEN';
export const INSTALL_PREFIX = '/opt/ccs';
export const SERVICE_HOME = '/var/lib/ccs';
const DEFAULT_QUEUE_PREFIX = 'ccs';

export class UserDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserDataError';
  }
}

// ARNs, URLs, bucket names, npm specs and regions never need any of: whitespace, quotes, `\`, `$`, backtick, `%`
// (a systemd specifier), `;`, `&`, `|`, `*`. Refusing them keeps both the shell script and the unit files injection-free.
const SAFE_VALUE = /^[A-Za-z0-9@/._:+#~=<>^-]+$/;

function safe(name: string, value: string): string {
  if (!SAFE_VALUE.test(value)) {
    throw new UserDataError(`${name} contains characters that are not allowed in user data: ${JSON.stringify(value)}`);
  }
  return value;
}

/** Renders the `#!/bin/bash` user data of a daemon or node instance. */
export function renderUserData(options: UserDataOptions): string {
  const user = safe('serviceUser', options.serviceUser ?? DEFAULT_SERVICE_USER);
  if (user === 'root' || !/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) {
    throw new UserDataError(`serviceUser must be an unprivileged user name, got '${user}'`);
  }
  const region = safe('region', options.region);
  const packages = [safe('packageSpec', options.packageSpec)];
  if (options.role === 'node') packages.push(safe('claudeCodePackageSpec', options.claudeCodePackageSpec));

  const files: string[] = [];
  let units: string[];
  if (options.role === 'daemon') {
    const unit = daemonUnit(options, user, region);
    files.push(writeFile('/etc/systemd/system/ccs-daemon.service', '0644', unit));
    units = ['ccs-daemon.service'];
    if (options.apiTokenParameterName !== undefined) {
      files.push(
        writeFile(
          '/usr/local/libexec/ccs-fetch-api-token',
          '0700',
          fetchTokenScript(safe('apiTokenParameterName', options.apiTokenParameterName), region),
        ),
        writeFile('/etc/systemd/system/ccs-api-token.service', '0644', tokenUnit()),
      );
    }
  } else {
    files.push(writeFile('/etc/systemd/system/ccs-node.service', '0644', nodeUnit(options, user, region)));
    units = ['ccs-node.service'];
  }

  return [
    '#!/bin/bash',
    `# claude-code-scheduler ${options.role} bootstrap (rendered by infra/src/user-data.ts)`,
    'set -euo pipefail',
    '',
    '# Node 20 and git from the Amazon Linux 2023 repositories. nodejs20 installs node-20/npm-20; link them into our',
    '# own prefix so `node` means Node 20 for the service without touching the system default.',
    'dnf install -y nodejs20 nodejs20-npm git',
    `install -d -m 0755 ${INSTALL_PREFIX}/bin`,
    `ln -sf /usr/bin/node-20 ${INSTALL_PREFIX}/bin/node`,
    `ln -sf /usr/bin/npm-20 ${INSTALL_PREFIX}/bin/npm`,
    `export PATH=${INSTALL_PREFIX}/bin:$PATH`,
    `npm install --global --prefix ${INSTALL_PREFIX} --no-audit --no-fund ${packages.map((p) => `'${p}'`).join(' ')}`,
    '',
    `# The service user: the Claude CLI refuses bypassPermissions as root.`,
    `id -u ${user} >/dev/null 2>&1 || useradd --system --create-home --home-dir ${SERVICE_HOME} --shell /sbin/nologin ${user}`,
    `install -d -m 0700 -o ${user} -g ${user} ${SERVICE_HOME}`,
    'install -d -m 0700 -o root -g root /etc/ccs',
    'install -d -m 0755 /usr/local/libexec',
    ...(options.role === 'node'
      ? [
          '',
          '# A stable node id (the instance id) keeps the control queue `<prefix>-node-<id>` across restarts.',
          `printf 'CCS_NODE_ID=%s\\n' "$(cat /var/lib/cloud/data/instance-id)" > /etc/ccs/node.env`,
          'chmod 0600 /etc/ccs/node.env',
        ]
      : []),
    '',
    ...files,
    '',
    'systemctl daemon-reload',
    `systemctl enable --now ${units.join(' ')}`,
    '',
  ].join('\n');
}

function writeFile(path: string, mode: string, content: string): string {
  // A quoted heredoc delimiter: nothing inside is expanded by the shell that runs the user data.
  return [`cat > ${path} <<'CCS_EOF'`, content.trimEnd(), 'CCS_EOF', `chmod ${mode} ${path}`].join('\n');
}

function serviceSection(user: string, region: string): string[] {
  return [
    '[Service]',
    'Type=simple',
    `User=${user}`,
    `Group=${user}`,
    `WorkingDirectory=${SERVICE_HOME}`,
    `Environment=HOME=${SERVICE_HOME}`,
    `Environment=PATH=${INSTALL_PREFIX}/bin:/usr/local/bin:/usr/bin`,
    `Environment=AWS_REGION=${region}`,
    'Environment=AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true',
    'Restart=on-failure',
    'RestartSec=5',
    'NoNewPrivileges=true',
    'PrivateTmp=true',
    'ProtectSystem=full',
  ];
}

function daemonUnit(options: DaemonUserData, user: string, region: string): string {
  const port = options.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UserDataError(`port must be 1-65535, got ${port}`);
  const withToken = options.apiTokenParameterName !== undefined;
  const argv = [
    `${INSTALL_PREFIX}/bin/claude-code-scheduler`,
    'daemon',
    '--host',
    safe('host', options.host),
    '--api-port',
    String(port),
    '--command-topic',
    safe('commandTopicArn', options.commandTopicArn),
    '--server-queue',
    safe('serverQueueUrl', options.serverQueueUrl),
    '--node-queue',
    safe('nodeQueueUrl', options.nodeQueueUrl),
    '--s3-bucket',
    safe('logBucket', options.logBucket),
    ...(options.serverDlqUrl ? ['--server-dlq', safe('serverDlqUrl', options.serverDlqUrl)] : []),
  ];
  return [
    '[Unit]',
    'Description=claude-code-scheduler daemon (cluster coordinator)',
    'Wants=network-online.target',
    'After=network-online.target',
    ...(withToken ? ['Requires=ccs-api-token.service', 'After=ccs-api-token.service'] : []),
    '',
    ...serviceSection(user, region),
    // Read by systemd (as root) before it drops to the service user; the file itself stays root-only.
    ...(withToken ? ['EnvironmentFile=/etc/ccs/daemon.env'] : []),
    `ExecStart=${argv.join(' ')}`,
    'TimeoutStopSec=60',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ].join('\n');
}

function nodeUnit(options: NodeUserData, user: string, region: string): string {
  const capacity = options.capacity;
  if (!Number.isInteger(capacity) || capacity < 1) throw new UserDataError(`capacity must be >= 1, got ${capacity}`);
  const argv = [
    `${INSTALL_PREFIX}/bin/claude-code-scheduler`,
    'node',
    '--command-queue',
    safe('commandQueueUrl', options.commandQueueUrl),
    '--command-topic',
    safe('commandTopicArn', options.commandTopicArn),
    '--control-bus',
    safe('controlBusArn', options.controlBusArn),
    '--s3-bucket',
    safe('logBucket', options.logBucket),
    ...(options.nodeDlqUrl ? ['--node-dlq', safe('nodeDlqUrl', options.nodeDlqUrl)] : []),
    // Expanded by systemd from /etc/ccs/node.env.
    '--node-id',
    '${CCS_NODE_ID}',
    '--capacity',
    String(capacity),
  ];
  const queuePrefix = options.queuePrefix;
  if (queuePrefix !== undefined && queuePrefix !== DEFAULT_QUEUE_PREFIX) {
    argv.push('--queue-prefix', safe('queuePrefix', queuePrefix));
  }
  return [
    '[Unit]',
    'Description=claude-code-scheduler node (cluster worker)',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    ...serviceSection(user, region),
    'EnvironmentFile=/etc/ccs/node.env',
    `ExecStart=${argv.join(' ')}`,
    // SIGTERM starts the graceful shutdown: stop polling, release runs, unsubscribe and delete the control queue.
    'KillSignal=SIGTERM',
    'TimeoutStopSec=120',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ].join('\n');
}

function tokenUnit(): string {
  return [
    '[Unit]',
    'Description=Fetch the claude-code-scheduler API token from SSM Parameter Store',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    'ExecStart=/usr/local/libexec/ccs-fetch-api-token',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ].join('\n');
}

/** Runs as root (a oneshot unit): reads the SecureString into a root-only EnvironmentFile. Retries while the
 * instance profile's credentials propagate. `systemctl restart ccs-api-token ccs-daemon` picks up a new token. */
function fetchTokenScript(parameterName: string, region: string): string {
  return [
    '#!/bin/bash',
    'set -euo pipefail',
    'umask 077',
    'for attempt in 1 2 3 4 5 6 7 8 9 10; do',
    `  if token=$(aws ssm get-parameter --region '${region}' --name '${parameterName}' --with-decryption --query Parameter.Value --output text); then`,
    `    printf '${API_TOKEN_ENV}=%s\\n' "$token" > /etc/ccs/daemon.env.tmp`,
    '    mv /etc/ccs/daemon.env.tmp /etc/ccs/daemon.env',
    '    exit 0',
    '  fi',
    '  sleep $((attempt * 3))',
    'done',
    `echo "could not read the API token from SSM parameter ${parameterName}" >&2`,
    'exit 1',
  ].join('\n');
}
