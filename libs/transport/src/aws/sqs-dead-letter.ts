import {
  DeleteMessageCommand,
  Message,
  MessageAttributeValue,
  SQSClient,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { getLogger } from '@ccs/shared';
import { withAwsRetry } from './aws-retry';
import { TransportUnavailableError, describeError } from './transport.errors';

const log = getLogger('transport.sqs');

/**
 * A dead letter keeps at most this many characters of the body (≤ 192 KiB of UTF-8, inside every SQS queue's size
 * limit with the attributes): a poison message may be bigger than its DLQ accepts, and its start is what tells
 * where it came from.
 */
const MAX_DLQ_BODY_CHARS = 64 * 1024;

/**
 * Where invalid messages go. Chosen design: an invalid message is re-sent to the dead-letter queue at once
 * (with a `deadLetterReason` attribute) and deleted from its queue, instead of being left to the redrive
 * policy: validation never succeeds on a later attempt, so five receives would only delay and repeat the log
 * line — and a queue without a redrive policy would cycle it forever. Without a DLQ the message is deleted after
 * the log line (which carries the reason and the start of the body). Either way it leaves its queue on the first
 * receive; only when SQS itself fails does it stay, for the next receive (and the redrive count) to settle.
 */
export class SqsDeadLetterer {
  constructor(
    private readonly sqs: SQSClient,
    private readonly dlqUrl: string | undefined,
  ) {}

  /** True when the message left its queue (moved or dropped); false when SQS failed and it stays for redelivery. */
  async deadLetter(queueUrl: string, message: Message, reason: string): Promise<boolean> {
    const body = message.Body ?? '';
    const where = this.dlqUrl ? `moving it to ${this.dlqUrl}` : 'deleting it (no dead-letter queue configured)';
    log.warn(
      `invalid message ${message.MessageId ?? '?'} on ${queueUrl}: ${reason}; ${where}; body: ${body.slice(0, 500)}`,
    );
    try {
      if (this.dlqUrl) await this.copyToDlq(this.dlqUrl, message, body, reason);
      await withAwsRetry('SQS delete dead-lettered message', () =>
        this.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle })),
      );
      return true;
    } catch (err) {
      log.warn(
        `could not dead-letter message ${message.MessageId ?? '?'}: ${describeError(err)}; it will be redelivered`,
      );
      return false;
    }
  }

  /**
   * Sends the copy. A DLQ that refuses it for good (e.g. an oversized body it cannot take, no permission) must not
   * keep the message cycling: the copy is given up, the warning above already holds the reason and the body's start.
   * SQS being unreachable is thrown, so the message stays for a later receive.
   */
  private async copyToDlq(dlqUrl: string, message: Message, body: string, reason: string): Promise<void> {
    const attributes: Record<string, MessageAttributeValue> = { ...(message.MessageAttributes ?? {}) };
    // SQS allows 10 attributes per message; the reason (and a truncation note) are worth more than original ones.
    const ours = body.length > MAX_DLQ_BODY_CHARS ? 2 : 1;
    for (const name of Object.keys(attributes).slice(10 - ours)) delete attributes[name];
    attributes['deadLetterReason'] = { DataType: 'String', StringValue: reason.slice(0, 1000) || 'invalid' };
    if (ours === 2) {
      attributes['deadLetterTruncatedFromBytes'] = {
        DataType: 'Number',
        StringValue: String(Buffer.byteLength(body, 'utf8')),
      };
    }
    try {
      await withAwsRetry('SQS send to dead-letter queue', () =>
        this.sqs.send(
          new SendMessageCommand({
            QueueUrl: dlqUrl,
            MessageBody: body.slice(0, MAX_DLQ_BODY_CHARS) || '(empty)',
            MessageAttributes: attributes,
          }),
        ),
      );
    } catch (err) {
      if (err instanceof TransportUnavailableError) throw err;
      log.warn(
        `the dead-letter queue refused message ${message.MessageId ?? '?'} (${describeError(err)}); dropping it`,
      );
    }
  }
}
