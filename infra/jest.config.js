/**
 * Offline unit tests of the Pulumi program: `pulumi.runtime.setMocks` replaces the engine and the AWS provider,
 * so no pulumi CLI, credentials or network are needed. @swc/jest only strips types (fast); `tsc --noEmit -p infra`
 * is the type check.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/tests', '<rootDir>/src'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  // Dynamic imports name the compiled file (`../index.js`, as Node's ESM-style resolution requires); run the .ts.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
};
