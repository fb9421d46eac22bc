import { GetQueueAttributesCommand, QueueAttributeName, SQSClient } from '@aws-sdk/client-sqs';
import { withAwsRetry } from './aws-retry';

/** Approximate counts of a queue, as SQS reports them (eventually consistent, ~1 min lag on AWS). */
export interface QueueDepth {
  /** Waiting to be received: runs no node has taken yet. */
  visible: number;
  /** Received and not yet deleted: runs held by nodes. */
  inFlight: number;
  /** Sent with a delay that has not passed yet. */
  delayed: number;
}

/** The depth of a queue (GetQueueAttributes). Throws TransportUnavailableError / TransportError on failure. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<QueueDepth> {
  const r = await withAwsRetry(`SQS queue depth of ${queueUrl}`, () =>
    sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    ),
  );
  const n = (name: QueueAttributeName) => Number(r.Attributes?.[name] ?? 0) || 0;
  return {
    visible: n('ApproximateNumberOfMessages'),
    inFlight: n('ApproximateNumberOfMessagesNotVisible'),
    delayed: n('ApproximateNumberOfMessagesDelayed'),
  };
}
