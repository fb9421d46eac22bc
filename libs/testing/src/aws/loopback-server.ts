import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP server on 127.0.0.1 that can stop listening and listen again on the same port while the request
 * handler (and so the emulated service's state) lives on. That is how tests simulate "the service is down for
 * 10 s, then back": clients see connection refused, then the same endpoint answers again.
 */
export class LoopbackServer {
  private server: http.Server | null = null;
  private port = 0;

  constructor(private readonly handler: http.RequestListener) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get listening(): boolean {
    return this.server !== null;
  }

  /** Listens on `port` (0 = a free port chosen by the OS, then kept for later restarts). */
  async listen(port = this.port): Promise<number> {
    if (this.server) return this.port;
    const server = http.createServer(this.handler);
    // Long polls are held open by the emulators; nothing here must keep the test process alive.
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this.port;
  }

  /** Stops listening and drops every open connection (held long polls included). */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
