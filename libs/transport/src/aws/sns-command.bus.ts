import type { SNSClient } from '@aws-sdk/client-sns';
import type { CommandEnvelope } from '../messages';
import type { CommandBus } from '../ports';
import type { RetryOptions } from './aws-retry';
import { commandForWire } from './message-attributes';
import { publishEnvelope } from './sns-publisher';

export interface SnsCommandBusConfig {
  /** ARN of the command topic (node-queue takes ExecuteRun from it, control queues StopRun for their node). */
  commandTopicArn: string;
  /** Retries of transient failures (default: 4 attempts, 200 ms doubling backoff). */
  retry?: RetryOptions;
}

/**
 * Coordinator → nodes over SNS. ExecuteRun leaves with its profiles' static values withheld (secrets never travel
 * in messages). Throws TransportUnavailableError when SNS stays unreachable through the retries, TransportError
 * for a final failure; the run then stays undispatched and the caller tries again.
 */
export class SnsCommandBus implements CommandBus {
  constructor(
    private readonly sns: SNSClient,
    private readonly config: SnsCommandBusConfig,
  ) {}

  send(command: CommandEnvelope): Promise<void> {
    return publishEnvelope(this.sns, this.config.commandTopicArn, commandForWire(command), this.config.retry);
  }
}
