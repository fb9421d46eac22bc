import type { Message, QueueAttributeName, SQSClient } from '@aws-sdk/client-sqs';
import { getLogger } from '@ccs/shared';
import { Consumer } from 'sqs-consumer';
import { describeError } from './transport.errors';

const log = getLogger('transport.sqs');

export interface QueuePollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** Names the queue in log lines (`node-queue`, `control queue`, `server-queue`). */
  label: string;
  batchSize: number;
  waitTimeSeconds: number;
  /** Visibility timeout asked for on receive (default: the queue's own). */
  visibilityTimeoutSeconds?: number;
  /**
   * Handles one received batch and returns the messages to delete. May return before the work is done (the
   * command source keeps ExecuteRun messages in flight and deletes them itself when the run ends).
   */
  handleBatch(messages: Message[]): Promise<Message[]>;
  /** Awaited before each receive: the command source waits here for a free slot. */
  beforeReceive?(): Promise<void>;
  /** Longest pause between receives after consecutive failures (default 20 s). */
  maxErrorBackoffMs?: number;
}

/**
 * One sqs-consumer Consumer with what every queue of ours needs around it: long polling, all message attributes,
 * the receive count (asked for with both the old `AttributeNames` and the new `MessageSystemAttributeNames`
 * parameter: some SQS emulators honour only the old one), duplicates within one response dropped, a growing
 * pause while SQS is unreachable (sqs-consumer itself would poll again at once and flood the log), and a stop
 * that aborts the pending long poll and waits for the batch being handled.
 */
export class SqsQueuePoller {
  private readonly consumer: Consumer;
  private readonly batches = new Set<Promise<unknown>>();
  private failures = 0;
  private stopped = false;
  private wake: (() => void) | null = null;

  constructor(private readonly options: QueuePollerOptions) {
    this.consumer = Consumer.create({
      queueUrl: options.queueUrl,
      sqs: options.sqs,
      batchSize: clampBatch(options.batchSize),
      waitTimeSeconds: options.waitTimeSeconds,
      visibilityTimeout: options.visibilityTimeoutSeconds,
      messageAttributeNames: ['All'],
      attributeNames: ['ApproximateReceiveCount' as QueueAttributeName],
      messageSystemAttributeNames: ['ApproximateReceiveCount'],
      handleMessageBatch: (messages) => this.onBatch(messages),
      preReceiveMessageCallback: () => this.beforeReceive(),
      postReceiveMessageCallback: () => {
        if (this.failures > 0) log.info(`${options.label}: receiving again after ${this.failures} failed polls`);
        this.failures = 0;
        return Promise.resolve();
      },
      // Only our own acknowledgements delete; an empty array means "none".
      alwaysAcknowledge: false,
      strictReturn: true,
    });
    // An EventEmitter without an 'error' listener throws; these are logged, never fatal.
    this.consumer.on('error', (err) => this.onError(err));
    this.consumer.on('processing_error', (err) =>
      log.warn(`${options.label}: batch handling failed:`, describeError(err)),
    );
  }

  start(): void {
    this.consumer.start();
  }

  /** Applies from the next receive on (1–10). */
  setBatchSize(n: number): void {
    if (!this.stopped) this.consumer.updateOption('batchSize', clampBatch(n));
  }

  /** Aborts the long poll in progress and waits until the batch being handled (if any) has been handed over. */
  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.consumer.stop({ abort: true });
      this.wake?.();
    }
    while (this.batches.size > 0) await Promise.allSettled([...this.batches]);
  }

  private onBatch(messages: Message[]): Promise<Message[]> {
    // SQS may hand the same message twice in one response (emulators do when its visibility ran out during the
    // long poll); the latest copy carries the receipt handle that counts.
    const byId = new Map<string, Message>();
    for (const m of messages) byId.set(m.MessageId ?? m.ReceiptHandle ?? '', m);
    const p = this.options.handleBatch([...byId.values()]);
    this.batches.add(p);
    void p.finally(() => this.batches.delete(p)).catch(() => undefined);
    return p;
  }

  private async beforeReceive(): Promise<void> {
    if (this.failures > 0) {
      const cap = this.options.maxErrorBackoffMs ?? 20_000;
      const delay = Math.min(cap, 250 * 2 ** Math.min(this.failures - 1, 10));
      await this.sleep(delay);
    }
    if (this.options.beforeReceive) await this.options.beforeReceive();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      // A stop during the pause must not wait for it.
      this.wake = done;
    });
  }

  private onError(err: Error): void {
    if (this.stopped) {
      log.debug(`${this.options.label}: ${describeError(err)} (stopping)`);
      return;
    }
    // Receive failures come without a message; delete/visibility failures name theirs and are not poll failures.
    const isReceive = /receive message failed/i.test(err.message);
    if (isReceive) {
      this.failures++;
      if (this.failures === 1) log.warn(`${this.options.label}: ${describeError(err)}; retrying with backoff`);
      else log.debug(`${this.options.label}: poll failed again (${this.failures}):`, describeError(err));
    } else {
      log.warn(`${this.options.label}:`, describeError(err));
    }
  }
}

function clampBatch(n: number): number {
  return Math.max(1, Math.min(10, Math.floor(n)));
}
