/**
 * Environment variables of the cloud modes. Every `daemon`/`node` flag can also come from the environment
 * (flags win), so the same binaries run from systemd units, containers and tests. Only this file maps names.
 */
export const DAEMON_ENV = {
  commandTopic: 'CLAUDE_DAEMON_COMMAND_TOPIC',
  serverQueue: 'CLAUDE_DAEMON_SERVER_QUEUE',
  nodeQueue: 'CLAUDE_DAEMON_NODE_QUEUE',
  serverDlq: 'CLAUDE_DAEMON_SERVER_DLQ',
  s3Bucket: 'CLAUDE_DAEMON_S3_BUCKET',
  apiPort: 'CLAUDE_DAEMON_API_PORT',
  host: 'CLAUDE_DAEMON_HOST',
  apiToken: 'CLAUDE_SCHEDULER_API_TOKEN',
  region: 'CLAUDE_DAEMON_REGION',
  profile: 'CLAUDE_DAEMON_PROFILE',
  nodeTimeout: 'CLAUDE_DAEMON_NODE_TIMEOUT',
  pollSeconds: 'CLAUDE_DAEMON_POLL_SECONDS',
} as const;

export const NODE_ENV = {
  commandQueue: 'CLAUDE_NODE_QUEUE_URL',
  commandTopic: 'CLAUDE_NODE_COMMAND_TOPIC',
  controlBus: 'CLAUDE_NODE_TOPIC_ARN',
  s3Bucket: 'CLAUDE_NODE_LOG_BUCKET',
  nodeId: 'CLAUDE_NODE_ID',
  nodeName: 'CLAUDE_NODE_NAME',
  heartbeatInterval: 'CLAUDE_NODE_HEARTBEAT_INTERVAL',
  maxConcurrent: 'CLAUDE_NODE_MAX_CONCURRENT',
  mockMode: 'CLAUDE_NODE_MOCK_MODE',
  workDir: 'CLAUDE_NODE_WORK_DIR',
  region: 'CLAUDE_NODE_REGION',
  profile: 'CLAUDE_NODE_PROFILE',
  tags: 'CLAUDE_NODE_TAGS',
  queuePrefix: 'CLAUDE_NODE_QUEUE_PREFIX',
  nodeDlq: 'CLAUDE_NODE_DLQ',
  pollSeconds: 'CLAUDE_NODE_POLL_SECONDS',
  visibilityTimeout: 'CLAUDE_NODE_VISIBILITY_TIMEOUT',
} as const;

/** Path-style S3 addressing is needed by S3-compatible servers (s3rver, MinIO, LocalStack) behind a custom endpoint. */
export function s3ForcePathStyle(env: Readonly<Record<string, string | undefined>>): boolean {
  const explicit = env['CLAUDE_SCHEDULER_S3_FORCE_PATH_STYLE'];
  if (explicit !== undefined) return explicit === 'true' || explicit === '1';
  return Boolean(env['AWS_ENDPOINT_URL_S3'] ?? env['AWS_ENDPOINT_URL']);
}
