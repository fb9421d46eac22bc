/**
 * Lets a plain `node` child process run this repo's TypeScript (used by the crash-safety and lock tests, which need
 * real separate processes): `node --require libs/storage/test-support/register.js child.ts`.
 * Compiles .ts with @swc/core (same options as jest) and maps the `@ccs/*` path aliases to libs/<name>/src.
 */
'use strict';
const Module = require('node:module');
const path = require('node:path');
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

const repoRoot = path.resolve(__dirname, '../../..');
const ALIAS_RE = /^@ccs\/(core|storage|transport|shared|testing)$/;

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolve(request, parent, ...rest) {
  const m = ALIAS_RE.exec(request);
  if (m) request = path.join(repoRoot, 'libs', m[1], 'src', 'index.ts');
  else if (
    request.startsWith('.') &&
    request.endsWith('.js') &&
    parent &&
    parent.filename &&
    parent.filename.endsWith('.ts')
  ) {
    const ts = path.resolve(path.dirname(parent.filename), request.slice(0, -3) + '.ts');
    if (fs.existsSync(ts)) request = ts;
  }
  return originalResolve.call(this, request, parent, ...rest);
};

require.extensions['.ts'] = function compile(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
