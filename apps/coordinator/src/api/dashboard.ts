import * as fs from 'node:fs';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

/**
 * The web dashboard (web/, a Next.js static export) served on the API's origin, so the browser talks to the API
 * and the SSE stream without CORS and with the same security hooks.
 */

/** A directory counts as a dashboard build when it holds the exported `index.html`. */
export function isDashboardDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'index.html'));
}

/**
 * Where the built dashboard is when none is configured: `<repo>/web/out`, found by walking up from this file.
 * Walking up (instead of a fixed `../../..`) works both from the sources (jest, ts-node) and from the compiled
 * `dist/apps/coordinator/src/api/` of an installed package.
 */
export function defaultDashboardDir(from: string = __dirname): string | null {
  let dir = from;
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'web', 'out');
    if (isDashboardDir(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/**
 * The directory to serve: `configured` when given (null = explicitly no dashboard; a directory without an
 * index.html is treated as "not built"), else the default location.
 */
export function resolveDashboardDir(configured: string | null | undefined): string | null {
  if (configured === null) return null;
  if (configured !== undefined) return isDashboardDir(configured) ? path.resolve(configured) : null;
  return defaultDashboardDir();
}

/**
 * Why there is no dashboard, in words a user can act on: told at start-up (a warning), in `GET /`'s JSON index and
 * in the 503 answers of `/api/ui`. An installed package carries `web/out`; a clone builds it with `make build`.
 */
export function dashboardMissing(configured?: string | null): string {
  if (configured === null) return 'The web dashboard is switched off for this server.';
  if (configured !== undefined) {
    return `The web dashboard directory ${configured} has no index.html: build the dashboard (\`make web\`) or point to its \`web/out\` directory.`;
  }
  return 'The web dashboard is not built (no web/out/index.html next to this installation), so / answers a JSON index: in a clone run `make build` (or `make web`) and restart; a package made with `npm pack` ships it.';
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // The dashboard changes data; it must not be framed by another site (clickjacking).
  'content-security-policy': "frame-ancestors 'none'",
  'x-frame-options': 'DENY',
};

/**
 * The routes that serve the dashboard's files (the static plugin's wildcard and `GET /`, which answers
 * index.html): the only ones that need no API token and may be loaded from other sites — the files hold no data,
 * and the browser must be able to load the page that then asks for the token.
 */
export const DASHBOARD_ROUTES: readonly string[] = ['/', '/*'];

/**
 * Serves the files of the export. `/` itself is answered by RootController (which falls back to the JSON index
 * when there is no build), so the static plugin serves no index; unknown paths fall through to the API's 404.
 */
export async function registerDashboard(app: INestApplication, dir: string): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance() as import('fastify').FastifyInstance;
  await fastify.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    index: false,
    wildcard: true,
    // Next puts content hashes in the names under _next/static, so those never change.
    setHeaders: (res, file) => {
      void res.headers(SECURITY_HEADERS);
      void res.header(
        'cache-control',
        file.includes(`${path.sep}_next${path.sep}static${path.sep}`)
          ? 'public, max-age=31536000, immutable'
          : 'no-cache',
      );
    },
  });
}

/** Answers `GET /` with the dashboard's index.html (read per request, so a rebuild shows without a restart). */
export async function sendDashboardIndex(reply: FastifyReply, dir: string): Promise<void> {
  const html = await fs.promises.readFile(path.join(dir, 'index.html'));
  await reply
    .headers({ ...SECURITY_HEADERS, 'cache-control': 'no-cache' })
    .type('text/html; charset=utf-8')
    .send(html);
}
