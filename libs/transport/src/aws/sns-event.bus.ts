import type { SNSClient } from '@aws-sdk/client-sns';
import type { EventEnvelope } from '../messages';
import type { EventBus } from '../ports';
import type { RetryOptions } from './aws-retry';
import { publishEnvelope } from './sns-publisher';

export interface SnsEventBusConfig {
  /** ARN of the control bus; server-queue is subscribed to it. */
  controlBusArn: string;
  retry?: RetryOptions;
}

/** Nodes → coordinator over SNS (attribute `type` on every event). Errors as in SnsCommandBus. */
export class SnsEventBus implements EventBus {
  constructor(
    private readonly sns: SNSClient,
    private readonly config: SnsEventBusConfig,
  ) {}

  publish(event: EventEnvelope): Promise<void> {
    return publishEnvelope(this.sns, this.config.controlBusArn, event, this.config.retry);
  }
}
