import * as path from 'node:path';
import type { NextConfig } from 'next';

/**
 * Static export (`web/out`) served by the coordinator on the API's origin, so no server-side Next features
 * (route handlers, image optimisation, rewrites) are used. The dashboard imports the pure schedule math and the
 * stream-json formatter of libs/core (aliases in tsconfig.json), so Turbopack's root is the repository.
 */
const config: NextConfig = {
  output: 'export',
  images: { unoptimized: true },
  trailingSlash: false,
  reactStrictMode: true,
  poweredByHeader: false,
  turbopack: { root: path.resolve(__dirname, '..') },
  typescript: { tsconfigPath: 'tsconfig.json' },
};

export default config;
