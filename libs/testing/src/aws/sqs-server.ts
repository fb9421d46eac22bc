import { createRequestHandler } from 'local-aws-sqs';
import { LoopbackServer } from './loopback-server';

export const TEST_AWS_REGION = 'us-east-1';
export const TEST_AWS_ACCOUNT_ID = '123456789012';

/**
 * An SQS-protocol server (local-aws-sqs) on 127.0.0.1.
 *
 * Where it differs from SQS (verified here): a ReceiveMessage call always lasts its full WaitTimeSeconds unless it
 * has collected MaxNumberOfMessages, and a message whose visibility timeout runs out during that wait can come back
 * twice in the same response; ApproximateNumberOfMessages counts in-flight messages too. So tests keep wait times short (1 s) and visibility timeouts at least as long, and
 * consumers tolerate duplicates (which SQS allows anyway: delivery is at-least-once).
 */
export interface SqsTestServer {
  /** `http://127.0.0.1:<port>`; queue URLs are `<endpoint>/<account>/<name>`. */
  readonly endpoint: string;
  readonly port: number;
  /** Stops listening (clients get connection refused). Queues and messages are kept for `restart()`. */
  stop(): Promise<void>;
  /**
   * Listens again on the same port. The emulator's state survived the stop: unlike a process restart, nothing is
   * lost, which is also what a real SQS outage looks like to a client (the service was unreachable, the queue was
   * not emptied). Messages whose visibility timeout ran out meanwhile are visible again.
   */
  restart(): Promise<void>;
}

export interface SqsTestServerOptions {
  /** Fixed port (default: a free one). */
  port?: number;
}

export async function startSqsServer(options: SqsTestServerOptions = {}): Promise<SqsTestServer> {
  const { service, requestHandler } = createRequestHandler({
    port: options.port ?? 0,
    hostname: '127.0.0.1',
    region: TEST_AWS_REGION,
    accountId: TEST_AWS_ACCOUNT_ID,
    // AWS makes a deleted queue's name unusable for 60 s; tests create and delete per-node queues quickly.
    emulateQueueCreationLifecycle: false,
    validateDlqDestination: true,
  });
  const http = new LoopbackServer((req, res) => void requestHandler(req, res));
  const port = await http.listen(options.port ?? 0);
  // Queue URLs embed the port, which is known only now.
  service.PORT = port;
  return {
    endpoint: http.endpoint,
    port,
    stop: () => http.close(),
    restart: async () => {
      await http.close();
      await http.listen(port);
    },
  };
}
