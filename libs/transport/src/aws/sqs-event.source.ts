import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { getLogger } from '@ccs/shared';
import { EVENT_TYPES, EventEnvelope, MAX_SNS_MESSAGE_BYTES, parseEnvelope } from '../messages';
import type { EventSource, MessageHandler } from '../ports';
import { SqsDeadLetterer } from './sqs-dead-letter';
import { SqsQueuePoller } from './sqs-queue.poller';
import { TransportError, describeError } from './transport.errors';

const log = getLogger('transport.sqs.events');

export interface SqsEventSourceConfig {
  /** server-queue, subscribed (raw delivery) to the control bus. */
  serverQueueUrl: string;
  /** server-queue's DLQ, for invalid events (without it they are deleted after a log line). */
  deadLetterQueueUrl?: string;
  /** Long-poll wait (default 20 s; tests use 1 s). */
  waitTimeSeconds?: number;
  /** Messages per receive (default 10). */
  batchSize?: number;
}

/**
 * The coordinator's event consumption from server-queue. A batch is handled one event at a time in receive order
 * (handlers still tolerate reordering: SQS standard queues do not keep order); the events whose handler resolved
 * are deleted, a handler that throws leaves its event for redelivery after the queue's visibility timeout.
 * stop() aborts the long poll and waits for the batch being handled; it is memoized.
 */
export class SqsEventSource implements EventSource {
  private readonly deadLetters: SqsDeadLetterer;
  private poller: SqsQueuePoller | null = null;
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly sqs: SQSClient,
    private readonly config: SqsEventSourceConfig,
  ) {
    this.deadLetters = new SqsDeadLetterer(sqs, config.deadLetterQueueUrl);
  }

  start(handler: MessageHandler<EventEnvelope>): Promise<void> {
    if (this.poller) return Promise.reject(new TransportError('SqsEventSource already started'));
    this.poller = new SqsQueuePoller({
      sqs: this.sqs,
      queueUrl: this.config.serverQueueUrl,
      label: 'server-queue',
      batchSize: this.config.batchSize ?? 10,
      waitTimeSeconds: this.config.waitTimeSeconds ?? 20,
      handleBatch: (messages) => this.onBatch(handler, messages),
    });
    this.poller.start();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.stopping ??= this.poller ? this.poller.stop() : Promise.resolve();
    return this.stopping;
  }

  private async onBatch(handler: MessageHandler<EventEnvelope>, messages: Message[]): Promise<Message[]> {
    const acked: Message[] = [];
    for (const message of messages) {
      let event: EventEnvelope;
      try {
        event = parseEnvelope(message.Body ?? '', EVENT_TYPES, { maxBytes: MAX_SNS_MESSAGE_BYTES }) as EventEnvelope;
      } catch (err) {
        await this.deadLetters.deadLetter(this.config.serverQueueUrl, message, describeError(err));
        continue;
      }
      try {
        await handler(event);
        acked.push(message);
      } catch (err) {
        log.warn(`${event.type} ${event.id} failed, left for redelivery:`, describeError(err));
      }
    }
    return acked;
  }
}
