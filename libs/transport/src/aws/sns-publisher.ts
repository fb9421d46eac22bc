import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Envelope } from '../messages';
import { RetryOptions, withAwsRetry } from './aws-retry';
import { envelopeAttributes } from './message-attributes';

/** Publishes one envelope (JSON body + routing attributes) to a topic, retrying transient failures. */
export async function publishEnvelope(
  sns: SNSClient,
  topicArn: string,
  envelope: Envelope,
  retry: RetryOptions | undefined,
): Promise<void> {
  const body = JSON.stringify(envelope);
  await withAwsRetry(
    `SNS publish ${envelope.type} to ${topicArn}`,
    () =>
      sns.send(
        new PublishCommand({ TopicArn: topicArn, Message: body, MessageAttributes: envelopeAttributes(envelope) }),
      ),
    retry,
  );
}
