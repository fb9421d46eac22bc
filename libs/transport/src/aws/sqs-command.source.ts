import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  Message,
  SQSClient,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { getLogger } from '@ccs/shared';
import { COMMAND_TYPES, CommandEnvelope, CommandType, MAX_SNS_MESSAGE_BYTES, parseEnvelope } from '../messages';
import type { CommandSource, MessageHandler } from '../ports';
import { RetryOptions, withAwsRetry } from './aws-retry';
import { SqsDeadLetterer } from './sqs-dead-letter';
import { SqsQueuePoller } from './sqs-queue.poller';
import { TransportError, describeError } from './transport.errors';

const log = getLogger('transport.sqs.commands');

const CONTROL_TYPES: readonly CommandType[] = ['StopRun'];

export interface SqsCommandSourceConfig {
  /** The shared work queue (ExecuteRun), subscribed to the command topic. */
  nodeQueueUrl: string;
  /** The command topic; each node subscribes its own control queue to it (StopRun for that node). */
  commandTopicArn: string;
  /**
   * DLQ for invalid messages (node-queue's DLQ), from the work queue and the control queue alike. Without it,
   * invalid messages are deleted after a log line.
   */
  deadLetterQueueUrl?: string;
  /** Control queues are named `<prefix>-node-<nodeId>` (default prefix `ccs`). */
  controlQueuePrefix?: string;
  /** Long-poll wait (default 20 s; tests use 1 s). */
  waitTimeSeconds?: number;
  /** Lease on a received ExecuteRun, renewed by the heartbeat while its handler runs (default 60 s). */
  visibilityTimeoutSeconds?: number;
  /** Heartbeat period; must be well below the lease (default: a third of it). */
  heartbeatIntervalSeconds?: number;
  /**
   * Visibility given to an ExecuteRun whose handler threw, i.e. how soon it is redelivered (default: unchanged, so
   * the lease runs out first).
   */
  retryDelaySeconds?: number;
  /** Visibility timeout of the control queue (default 30 s): how soon a StopRun whose handler threw comes back. */
  controlVisibilityTimeoutSeconds?: number;
  /** Retention of the control queue (default 1 h: an older StopRun is moot). */
  controlRetentionSeconds?: number;
  retry?: RetryOptions;
}

/** The SQS name of a node's control queue: `<prefix>-node-<nodeId>`, made valid (≤ 80 of `[A-Za-z0-9_-]`). */
export function controlQueueName(prefix: string, nodeId: string): string {
  const name = `${prefix}-node-${nodeId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  if (name.length <= 80) return name;
  const hash = createHash('sha256').update(nodeId).digest('hex').slice(0, 12);
  return `${name.slice(0, 67)}-${hash}`;
}

/**
 * The filter of a node's control-queue subscription: StopRun targeted at this node, or StopRun without a nodeId —
 * the coordinator sends those for a run no node has claimed yet, and (as in the in-memory transport) every node
 * gets them; the one holding the run acts, the others ignore it.
 */
export function controlFilterPolicy(nodeId: string): Record<string, unknown> {
  return { type: ['StopRun'], $or: [{ nodeId: [nodeId] }, { nodeId: [{ exists: false }] }] };
}

/** The queue name at the end of a queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`). */
export function queueNameOf(queueUrl: string): string {
  return queueUrl.replace(/\/+$/, '').split('/').pop() ?? '';
}

interface ControlQueue {
  url: string;
  arn: string;
  subscriptionArn: string | null;
}

/**
 * A node's command consumption over SQS.
 *
 * ExecuteRun comes from the shared node-queue: batch receives of at most the free slots, so no more than
 * `concurrency` handlers are ever in flight. A handler holds its message until the run ends — the message stays
 * invisible to other nodes because a heartbeat extends its visibility (ChangeMessageVisibility every
 * `heartbeatIntervalSeconds`) — and it is deleted when the handler resolves. A handler that throws leaves it for
 * redelivery. sqs-consumer drives the receive loop; it would wait for a whole batch before polling again, so the
 * batch handler hands messages to background handlers and acknowledges them itself.
 *
 * StopRun comes from the node's own control queue, created at start (queue policy: only the command topic may
 * send; SNS subscription with raw delivery and `controlFilterPolicy`: StopRun for this node, or with no nodeId), and is
 * handled regardless of the concurrency limit. stop(): stops taking ExecuteRun, waits for the in-flight handlers
 * (StopRun still arrives meanwhile, so a draining node can be told to stop a run), then stops the control queue,
 * unsubscribes and deletes it. Memoized: calling it twice returns the same promise.
 */
export class SqsCommandSource implements CommandSource {
  private readonly deadLetters: SqsDeadLetterer;
  private work: SqsQueuePoller | null = null;
  private control: SqsQueuePoller | null = null;
  private controlQueue: ControlQueue | null = null;
  private handler: MessageHandler<CommandEnvelope> | null = null;
  private concurrency = 1;
  private inFlight = 0;
  private readonly running = new Set<Promise<void>>();
  private slotWaiters: (() => void)[] = [];
  private starting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly sqs: SQSClient,
    private readonly sns: SNSClient,
    private readonly config: SqsCommandSourceConfig,
  ) {
    const v = config.visibilityTimeoutSeconds ?? 60;
    const hb = config.heartbeatIntervalSeconds ?? v / 3;
    if (!(hb > 0 && hb < v))
      throw new TransportError('heartbeatIntervalSeconds must be > 0 and below visibilityTimeoutSeconds');
    this.deadLetters = new SqsDeadLetterer(sqs, config.deadLetterQueueUrl);
  }

  /** The node's control queue once started (for diagnostics and tests). */
  get controlQueueUrl(): string | null {
    return this.controlQueue?.url ?? null;
  }

  /** ExecuteRun handlers running now. */
  get inFlightCount(): number {
    return this.inFlight;
  }

  start(nodeId: string, handler: MessageHandler<CommandEnvelope>, options: { concurrency: number }): Promise<void> {
    if (this.starting) return Promise.reject(new TransportError('SqsCommandSource already started'));
    this.starting = this.doStart(nodeId, handler, options);
    return this.starting;
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStart(
    nodeId: string,
    handler: MessageHandler<CommandEnvelope>,
    options: { concurrency: number },
  ): Promise<void> {
    this.handler = handler;
    this.concurrency = Math.max(1, Math.floor(options.concurrency));
    const wait = this.config.waitTimeSeconds ?? 20;
    // The control queue first: by the time this node takes a run, a StopRun for it can reach it.
    this.controlQueue = await this.createControlQueue(nodeId);
    if (this.stopping) return;
    this.control = new SqsQueuePoller({
      sqs: this.sqs,
      queueUrl: this.controlQueue.url,
      label: `control queue of node ${nodeId}`,
      batchSize: 10,
      waitTimeSeconds: wait,
      handleBatch: (messages) => this.onControlBatch(this.controlQueue!.url, messages),
    });
    this.work = new SqsQueuePoller({
      sqs: this.sqs,
      queueUrl: this.config.nodeQueueUrl,
      label: 'node-queue',
      batchSize: this.freeSlots(),
      waitTimeSeconds: wait,
      visibilityTimeoutSeconds: this.lease(),
      handleBatch: (messages) => this.onWorkBatch(messages),
      beforeReceive: () => this.waitForSlot(),
    });
    this.control.start();
    this.work.start();
    log.info(`node ${nodeId}: consuming node-queue (concurrency ${this.concurrency}) and ${this.controlQueue.url}`);
  }

  private async doStop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    this.wakeSlotWaiters();
    await this.work?.stop();
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    await this.control?.stop();
    if (this.controlQueue) await this.deleteControlQueue(this.controlQueue);
  }

  /** A new limit applies to the next receives; raising it wakes a waiting poller at once. */
  setConcurrency(concurrency: number): void {
    this.concurrency = Math.max(1, Math.floor(concurrency));
    if (this.freeSlots() > 0) this.wakeSlotWaiters();
  }

  private lease(): number {
    return this.config.visibilityTimeoutSeconds ?? 60;
  }

  private freeSlots(): number {
    return this.concurrency - this.inFlight;
  }

  private waitForSlot(): Promise<void> {
    if (this.stopping || this.freeSlots() > 0) return Promise.resolve();
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  private wakeSlotWaiters(): void {
    const waiters = this.slotWaiters;
    this.slotWaiters = [];
    for (const w of waiters) w();
  }

  private async onWorkBatch(messages: Message[]): Promise<Message[]> {
    for (const message of messages) {
      if (this.stopping) {
        // Received while stopping: hand it back at once rather than after the lease.
        await this.changeVisibility(message, 0);
        continue;
      }
      const parsed = this.parse(message, COMMAND_TYPES);
      if ('error' in parsed) {
        await this.deadLetters.deadLetter(this.config.nodeQueueUrl, message, parsed.error);
        continue;
      }
      this.inFlight++;
      const p = this.runHeld(message, parsed.envelope).finally(() => {
        this.inFlight--;
        this.running.delete(p);
        this.work?.setBatchSize(this.freeSlots());
        this.wakeSlotWaiters();
      });
      this.running.add(p);
    }
    // The next receive asks for no more than the slots left (it waits for one when none is).
    this.work?.setBatchSize(this.freeSlots());
    // Acknowledged by runHeld when each run ends, not by sqs-consumer now.
    return [];
  }

  private async runHeld(message: Message, envelope: CommandEnvelope): Promise<void> {
    const heartbeatMs = (this.config.heartbeatIntervalSeconds ?? this.lease() / 3) * 1000;
    let failedBeats = 0;
    const heartbeat = setInterval(() => {
      void this.changeVisibility(message, this.lease(), failedBeats === 0).then((ok) => {
        failedBeats = ok ? 0 : failedBeats + 1;
      });
    }, heartbeatMs);
    try {
      await this.handler!(envelope);
    } catch (err) {
      clearInterval(heartbeat);
      log.warn(
        `${envelope.type} ${envelope.id} (run ${envelope.runId ?? '-'}) failed, left for redelivery:`,
        describeError(err),
      );
      if (this.config.retryDelaySeconds !== undefined)
        await this.changeVisibility(message, this.config.retryDelaySeconds);
      return;
    } finally {
      clearInterval(heartbeat);
    }
    await this.deleteMessage(this.config.nodeQueueUrl, message);
  }

  private async onControlBatch(queueUrl: string, messages: Message[]): Promise<Message[]> {
    const acked: Message[] = [];
    for (const message of messages) {
      const parsed = this.parse(message, CONTROL_TYPES);
      if ('error' in parsed) {
        await this.deadLetters.deadLetter(queueUrl, message, parsed.error);
        continue;
      }
      try {
        await this.handler!(parsed.envelope);
        acked.push(message);
      } catch (err) {
        log.warn(`${parsed.envelope.type} ${parsed.envelope.id} failed, left for redelivery:`, describeError(err));
      }
    }
    return acked;
  }

  /**
   * The work queue takes every command type (StopRun reaches it when its subscription lacks the `type=ExecuteRun`
   * filter; the holder still acts on it). The control queue takes StopRun only: an ExecuteRun there would bypass
   * the concurrency limit.
   */
  private parse(message: Message, allowed: readonly CommandType[]): { envelope: CommandEnvelope } | { error: string } {
    try {
      return {
        envelope: parseEnvelope(message.Body ?? '', allowed, { maxBytes: MAX_SNS_MESSAGE_BYTES }) as CommandEnvelope,
      };
    } catch (err) {
      return { error: describeError(err) };
    }
  }

  /** True when SQS took the change. `loud`: a failure is a warning (else debug, for repeated heartbeats). */
  private async changeVisibility(message: Message, seconds: number, loud = true): Promise<boolean> {
    try {
      await this.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.config.nodeQueueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
      return true;
    } catch (err) {
      // The lease then runs out and another node may get the run; the coordinator settles duplicates.
      const text = `could not set visibility of message ${message.MessageId ?? '?'} to ${seconds} s: ${describeError(err)}`;
      if (loud) log.warn(text);
      else log.debug(text);
      return false;
    }
  }

  private async deleteMessage(queueUrl: string, message: Message): Promise<void> {
    try {
      await withAwsRetry(
        'SQS delete message',
        () => this.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle })),
        this.config.retry,
      );
    } catch (err) {
      // Redelivered later; nodes and the coordinator ignore an ExecuteRun for a run that already ended.
      log.warn(`could not delete message ${message.MessageId ?? '?'}:`, describeError(err));
    }
  }

  private async createControlQueue(nodeId: string): Promise<ControlQueue> {
    const name = controlQueueName(this.config.controlQueuePrefix ?? 'ccs', nodeId);
    // The control queue is deleted at shutdown: it must never be the shared work queue under another name (a prefix
    // `X` with node id `queue` next to a work queue called `X-node-queue`).
    if (name === queueNameOf(this.config.nodeQueueUrl)) {
      throw new TransportError(
        `the control queue of node ${nodeId} would be ${name}, which is the work queue itself: choose another --queue-prefix or --node-id`,
      );
    }
    const retry = this.config.retry;
    const create = (): Promise<string> =>
      this.retryWhileRecentlyDeleted(name, () =>
        withAwsRetry(
          `SQS create queue ${name}`,
          () =>
            this.sqs.send(
              new CreateQueueCommand({
                QueueName: name,
                Attributes: {
                  VisibilityTimeout: String(this.config.controlVisibilityTimeoutSeconds ?? 30),
                  MessageRetentionPeriod: String(Math.max(60, this.config.controlRetentionSeconds ?? 3600)),
                },
              }),
            ),
          retry,
        ),
      ).then((r) => r.QueueUrl!);
    let url: string;
    try {
      url = await create();
    } catch (err) {
      // A node that crashed left its queue behind with other attributes (its policy): reuse it under the same
      // name — the policy and subscription are set again below.
      const cause = (err as { cause?: { name?: string } }).cause;
      if (!/QueueNameExists|QueueAlreadyExists/.test(`${cause?.name ?? ''} ${(err as Error).name}`)) throw err;
      log.info(`control queue ${name} exists (left by an earlier run of this node); reusing it`);
      url = (
        await withAwsRetry(
          `SQS get url of ${name}`,
          () => this.sqs.send(new GetQueueUrlCommand({ QueueName: name })),
          retry,
        )
      ).QueueUrl!;
    }
    const arn = (
      await withAwsRetry(
        `SQS get attributes of ${name}`,
        () => this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })),
        retry,
      )
    ).Attributes!['QueueArn']!;
    // Set separately from CreateQueue so that a queue left behind by a crashed run of this node is fixed too.
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowCommandTopic',
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: arn,
          Condition: { ArnEquals: { 'aws:SourceArn': this.config.commandTopicArn } },
        },
      ],
    };
    await withAwsRetry(
      `SQS set policy of ${name}`,
      () =>
        this.sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: JSON.stringify(policy) } })),
      retry,
    );
    const subscriptionArn =
      (
        await withAwsRetry(
          `SNS subscribe ${name}`,
          () =>
            this.sns.send(
              new SubscribeCommand({
                TopicArn: this.config.commandTopicArn,
                Protocol: 'sqs',
                Endpoint: arn,
                Attributes: {
                  RawMessageDelivery: 'true',
                  FilterPolicyScope: 'MessageAttributes',
                  FilterPolicy: JSON.stringify(controlFilterPolicy(nodeId)),
                },
                ReturnSubscriptionArn: true,
              }),
            ),
          retry,
        )
      ).SubscriptionArn ?? null;
    return { url, arn, subscriptionArn };
  }

  /**
   * SQS refuses a queue name for 60 s after that queue was deleted, which is exactly what a quick restart of a
   * node that shut down cleanly meets. Waiting it out beats failing the start.
   */
  private async retryWhileRecentlyDeleted<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + 70_000;
    for (;;) {
      try {
        return await fn();
      } catch (err) {
        const cause = (err as { cause?: { name?: string } }).cause;
        if (!/QueueDeletedRecently/.test(cause?.name ?? '') || Date.now() > deadline || this.stopping) throw err;
        log.info(`control queue ${name} was deleted less than 60 s ago; waiting to create it again`);
        await new Promise((r) => setTimeout(r, 5000));
      }
    }
  }

  private async deleteControlQueue(q: ControlQueue): Promise<void> {
    try {
      if (q.subscriptionArn) {
        await withAwsRetry(
          'SNS unsubscribe control queue',
          () => this.sns.send(new UnsubscribeCommand({ SubscriptionArn: q.subscriptionArn! })),
          this.config.retry,
        );
      }
      await withAwsRetry(
        'SQS delete control queue',
        () => this.sqs.send(new DeleteQueueCommand({ QueueUrl: q.url })),
        this.config.retry,
      );
    } catch (err) {
      // Left behind: harmless (the next start of this node reuses it); infra may sweep `<prefix>-node-*` queues.
      log.warn(`could not remove control queue ${q.url}:`, describeError(err));
    }
  }
}
