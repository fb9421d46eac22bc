import { makeTempDir, removeTempDir } from '../temp-dir';
import { LoopbackServer } from './loopback-server';

// s3rver ships no type declarations; this is the part of its (Koa) API used here.
interface S3rverApp {
  callback(): (req: unknown, res: unknown) => void;
}

/** An S3-protocol server (s3rver) on 127.0.0.1 storing objects in a temp directory. */
export interface S3TestServer {
  /** `http://127.0.0.1:<port>`. Clients need `forcePathStyle: true` (an IP endpoint implies it) and
   * `requestChecksumCalculation/responseChecksumValidation: 'WHEN_REQUIRED'`. */
  readonly endpoint: string;
  readonly port: number;
  /** The directory holding the buckets. */
  readonly directory: string;
  /** Stops listening; objects are kept for `restart()`. */
  pause(): Promise<void>;
  /** Listens again on the same port (after `pause()`). */
  restart(): Promise<void>;
  /** Stops listening and removes the temp directory. */
  stop(): Promise<void>;
}

export async function startS3Server(options: { port?: number } = {}): Promise<S3TestServer> {
  // Loaded on first use: s3rver (Koa and friends) takes ~0.2 s to load, and most importers of @ccs/testing need none.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver') as new (options: Record<string, unknown>) => S3rverApp;
  const directory = makeTempDir('ccs-s3rver-');
  const app = new S3rver({
    directory,
    silent: true,
    // Path-style only: a bucket name in the Host header would need DNS for *.127.0.0.1.
    vhostBuckets: false,
    resetOnClose: false,
  });
  const handler = app.callback();
  const http = new LoopbackServer((req, res) => handler(req, res));
  const port = await http.listen(options.port ?? 0);
  return {
    endpoint: http.endpoint,
    port,
    directory,
    pause: () => http.close(),
    restart: async () => {
      await http.close();
      await http.listen(port);
    },
    stop: async () => {
      await http.close();
      removeTempDir(directory);
    },
  };
}
