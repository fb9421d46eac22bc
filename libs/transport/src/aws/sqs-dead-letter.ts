import {
  DeleteMessageCommand,
  Message,
  MessageAttributeValue,
  SQSClient,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { getLogger } from '@ccs/shared';
import { withAwsRetry } from './aws-retry';
import { describeError } from './transport.errors';

const log = getLogger('transport.sqs');

/**
 * Where invalid messages go. Chosen design: an invalid message is re-sent to the dead-letter queue at once
 * (with a `deadLetterReason` attribute) and deleted from its queue, instead of being left to the redrive
 * policy: validation never succeeds on a later attempt, so five receives would only delay and repeat the log
 * line. When no DLQ URL is configured the message is left alone for the queue's redrive policy, or — for
 * queues without one, such as a node's control queue — deleted after it was logged.
 */
export class SqsDeadLetterer {
  constructor(
    private readonly sqs: SQSClient,
    private readonly dlqUrl: string | undefined,
  ) {}

  /** True when the message left its queue (moved or dropped); false when it stays for redelivery/redrive. */
  async deadLetter(
    queueUrl: string,
    message: Message,
    reason: string,
    whenNoDlq: 'leave' | 'delete',
  ): Promise<boolean> {
    const body = message.Body ?? '';
    log.warn(`invalid message ${message.MessageId ?? '?'} on ${queueUrl}: ${reason}; body: ${body.slice(0, 500)}`);
    try {
      if (this.dlqUrl) {
        const attributes: Record<string, MessageAttributeValue> = { ...(message.MessageAttributes ?? {}) };
        // SQS allows 10 attributes per message; the reason is worth more than an eleventh original one.
        if (Object.keys(attributes).length >= 10) delete attributes[Object.keys(attributes)[9]];
        attributes['deadLetterReason'] = { DataType: 'String', StringValue: reason.slice(0, 1000) || 'invalid' };
        await withAwsRetry('SQS send to dead-letter queue', () =>
          this.sqs.send(
            new SendMessageCommand({
              QueueUrl: this.dlqUrl,
              MessageBody: body || '(empty)',
              MessageAttributes: attributes,
            }),
          ),
        );
      } else if (whenNoDlq === 'leave') {
        return false;
      }
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
}
