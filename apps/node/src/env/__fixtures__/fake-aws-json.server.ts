import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake saw it. */
export interface FakeAwsRequest {
  target: string;
  body: Record<string, unknown>;
  authorization: string;
}

export type FakeAwsHandler = (req: FakeAwsRequest) => { status: number; body: unknown };

/**
 * A tiny server for the AWS JSON 1.1 protocol (Secrets Manager, SSM): POST / with `X-Amz-Target:
 * <service>.<Operation>` and a JSON body; answers JSON. Errors use the protocol's `__type` + `message` shape.
 */
export class FakeAwsJsonServer {
  readonly requests: FakeAwsRequest[] = [];
  private server: http.Server | null = null;

  constructor(private readonly handler: FakeAwsHandler) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const request: FakeAwsRequest = {
          target: String(req.headers['x-amz-target'] ?? ''),
          body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          authorization: String(req.headers['authorization'] ?? ''),
        };
        this.requests.push(request);
        const { status, body } = this.handler(request);
        const payload = JSON.stringify(body);
        const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1' };
        const type = (body as { __type?: string } | null)?.__type;
        if (status >= 400 && type) headers['x-amzn-errortype'] = type;
        res.writeHead(status, headers);
        res.end(payload);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = null;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** The region in a SigV4 Authorization header (`Credential=AKID/date/REGION/service/aws4_request`). */
export function signedRegion(authorization: string): string | null {
  return /Credential=[^/]+\/\d+\/([^/]+)\//.exec(authorization)?.[1] ?? null;
}
