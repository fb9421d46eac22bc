import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsCommand,
  SNSClient,
  Subscription,
} from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, QueueAttributeName, SQSClient } from '@aws-sdk/client-sqs';
import { getLogger } from '@ccs/shared';
import { RetryOptions, withAwsRetry } from './aws-retry';
import { queueNameOf } from './sqs-command.source';
import { TransportError, describeError } from './transport.errors';

const log = getLogger('transport.discovery');

/**
 * What `daemon` and `node` work out from the stack itself when a flag is not given, so that the original edition's
 * command lines (`daemon --command-topic --server-queue --s3-bucket`, `node --command-queue --control-bus
 * --s3-bucket`) bring up a complete cluster:
 * - the command topic of a node: the SNS topic whose subscription delivers to its work queue;
 * - the dead-letter queue of any queue: the target of its redrive policy;
 * - the work queue next to the daemon's server queue, by the stack's naming conventions;
 * - the control-queue prefix of a node, from its work queue's name.
 */

async function queueAttributes(
  sqs: SQSClient,
  queueUrl: string,
  names: QueueAttributeName[],
  retry?: RetryOptions,
): Promise<Record<string, string>> {
  const r = await withAwsRetry(
    `SQS get attributes of ${queueNameOf(queueUrl)}`,
    () => sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: names })),
    retry,
  );
  return r.Attributes ?? {};
}

/** `https://…/<account>/<name>` with the last segment replaced: a queue of the same account and region. */
export function siblingQueueUrl(queueUrl: string, name: string): string {
  return `${queueUrl.replace(/\/+$/, '').replace(/[^/]*$/, '')}${name}`;
}

/** True when a subscription's filter policy lets only ExecuteRun through (what the work queue should get). */
export function filtersExecuteRunOnly(filterPolicy: string | undefined): boolean {
  if (!filterPolicy) return false;
  try {
    const policy = JSON.parse(filterPolicy) as { type?: unknown };
    return Array.isArray(policy.type) && policy.type.length === 1 && policy.type[0] === 'ExecuteRun';
  } catch {
    return false;
  }
}

/**
 * The SNS topic that delivers to `workQueueUrl`: the command topic a node subscribes its control queue to. Lists
 * the account's subscriptions (`sns:ListSubscriptions`, every page) and keeps the confirmed SQS subscriptions whose
 * endpoint is the queue's ARN. Throws TransportError naming what it found when that is not exactly one topic. Warns
 * when the subscription does not filter on `type=ExecuteRun` (StopRun for every node would then land on the shared
 * work queue too: handled, but delivered to whichever node polls, not only the one holding the run).
 */
export async function discoverCommandTopic(
  sqs: SQSClient,
  sns: SNSClient,
  workQueueUrl: string,
  retry?: RetryOptions,
): Promise<string> {
  const queueArn = (await queueAttributes(sqs, workQueueUrl, ['QueueArn'], retry))['QueueArn'];
  if (!queueArn) throw new TransportError(`SQS did not return the ARN of ${workQueueUrl}`);
  const subscriptions: Subscription[] = [];
  let token: string | undefined;
  do {
    const page = await withAwsRetry(
      'SNS list subscriptions',
      () => sns.send(new ListSubscriptionsCommand(token ? { NextToken: token } : {})),
      retry,
    );
    for (const s of page.Subscriptions ?? []) {
      // Unconfirmed (cross-account) or deleted subscriptions deliver nothing.
      if (s.Protocol === 'sqs' && s.Endpoint === queueArn && s.SubscriptionArn?.startsWith('arn:'))
        subscriptions.push(s);
    }
    token = page.NextToken;
  } while (token);
  const topics = [...new Set(subscriptions.map((s) => s.TopicArn).filter((t): t is string => Boolean(t)))];
  if (topics.length !== 1) {
    throw new TransportError(
      topics.length === 0
        ? `no SNS topic delivers to ${workQueueUrl}: subscribe the work queue to the command topic, or pass --command-topic`
        : `several SNS topics deliver to ${workQueueUrl} (${topics.join(', ')}): pass --command-topic`,
    );
  }
  for (const s of subscriptions) {
    try {
      const attributes = await withAwsRetry(
        'SNS get subscription attributes',
        () => sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: s.SubscriptionArn })),
        retry,
      );
      if (!filtersExecuteRunOnly(attributes.Attributes?.['FilterPolicy'])) {
        log.warn(
          `the subscription ${s.SubscriptionArn} of the work queue has no filter policy {"type":["ExecuteRun"]}: ` +
            'StopRun messages reach the shared work queue too; set that filter policy on it',
        );
      }
    } catch (err) {
      log.debug(`could not read the filter policy of ${s.SubscriptionArn}:`, describeError(err));
    }
  }
  return topics[0];
}

/**
 * The URL of the dead-letter queue in `queueUrl`'s redrive policy, or null when it has none or SQS cannot be asked
 * (logged: invalid messages are then deleted after a log line instead of being moved). SQS requires a DLQ in the same
 * account and region as its source queue, so the URL is the source's with the DLQ's name.
 */
export async function deadLetterQueueOf(
  sqs: SQSClient,
  queueUrl: string,
  retry?: RetryOptions,
): Promise<string | null> {
  let policy: string | undefined;
  try {
    policy = (await queueAttributes(sqs, queueUrl, ['RedrivePolicy'], retry))['RedrivePolicy'];
  } catch (err) {
    log.warn(`could not read the redrive policy of ${queueUrl}:`, describeError(err));
    return null;
  }
  if (!policy) return null;
  try {
    const arn = (JSON.parse(policy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    const name = typeof arn === 'string' ? arn.split(':').pop() : undefined;
    return name && /^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(name) ? siblingQueueUrl(queueUrl, name) : null;
  } catch {
    return null;
  }
}

/**
 * The nodes' work queue next to the daemon's server queue, by the stack's naming: `<prefix>-server` →
 * `<prefix>-nodes` (infra/), `<name>-server-queue` → `<name>-node-queue` (the original edition's stack). Null when the
 * name follows neither or the queue does not answer (the daemon's stats then leave it out).
 */
export async function findWorkQueue(
  sqs: SQSClient,
  serverQueueUrl: string,
  retry?: RetryOptions,
): Promise<string | null> {
  const name = queueNameOf(serverQueueUrl);
  const sibling = name.endsWith('-server-queue')
    ? `${name.slice(0, -'-server-queue'.length)}-node-queue`
    : name.endsWith('-server')
      ? `${name.slice(0, -'-server'.length)}-nodes`
      : null;
  if (!sibling) return null;
  const url = siblingQueueUrl(serverQueueUrl, sibling);
  try {
    await queueAttributes(sqs, url, ['QueueArn'], retry);
    return url;
  } catch (err) {
    log.info(`no work queue ${sibling} next to ${name} (${describeError(err)}); pass --node-queue for its depth`);
    return null;
  }
}

/**
 * The control-queue prefix for a node of the stack whose work queue this is: infra names it `<prefix>-nodes` and lets
 * nodes manage only `<prefix>-node-*` queues. Null for other names (the node then uses `ccs`).
 */
export function queuePrefixOf(workQueueUrl: string): string | null {
  const name = queueNameOf(workQueueUrl);
  return name.endsWith('-nodes') && name.length > '-nodes'.length ? name.slice(0, -'-nodes'.length) : null;
}
