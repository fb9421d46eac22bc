/**
 * Jest runs TypeScript through @swc/jest (decorators + metadata, CommonJS output). Nest 12 and a few of its
 * dependencies ship ESM only, and jest on Node < 24.9 cannot require() ESM, so those node_modules are
 * transformed too. Type-checking is `make typecheck` (tsc), not jest.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const esmPackages = [
  '@nestjs',
  '@seriousme',
  'content-disposition',
  'cookie',
  'file-type',
  'chokidar',
  'readdirp',
  'secretlint',
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': swc,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper: {
    '^@ccs/(core|storage|transport|shared|testing)$': '<rootDir>/libs/$1/src/index.ts',
    '^@ccs/(coordinator|node)$': '<rootDir>/apps/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testTimeout: 30000,
};
