// ESLint flat config for the whole monorepo (`make lint`, and the security-only pass of `make security`).
//
// TypeScript files get typescript-eslint's type-aware rules: the type checker finds the nearest tsconfig.json of
// each file (projectService), so apps/, libs/, test/ and bench/ use the root tsconfig.json, and web/ and infra/
// use their own once they have one.
//
// `CCS_LINT_SCOPE=security eslint .` keeps only the `security/*` rules (and skips type information, which those
// rules do not use); `make security` runs that so it does not repeat the whole lint.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import security from 'eslint-plugin-security';
import tseslint from 'typescript-eslint';

const LIBS = ['core', 'storage', 'transport', 'shared', 'testing'];

/** Imports that reach into another package's internals instead of its public `index.ts`. */
const deepImportPatterns = [
  {
    // `@ccs/core/src/model/job`, `@ccs/storage/anything`: only the bare `@ccs/<lib>` is public.
    regex: '^@ccs/[^/]+/.+',
    message: 'Import a lib only through its public entry (`@ccs/<lib>`); export what you need from its index.ts.',
  },
  {
    // `../../libs/core/src/ids`, `../../core/src/ids` (from inside another lib).
    regex: `^(\\.{1,2}/)+(libs/)?(${LIBS.join('|')})/src(/|$)`,
    message: 'Do not import another lib by relative path; use its alias (`@ccs/<lib>`).',
  },
];

/** The `no-restricted-imports` options for files in `lib` (or outside any lib when `lib` is undefined). */
function restrictedImports(lib, extraPatterns = []) {
  const patterns = [...deepImportPatterns, ...extraPatterns];
  if (lib) {
    // A lib importing its own alias goes through its index.ts and creates an import cycle.
    patterns.push({
      regex: `^@ccs/${lib}$`,
      message: `Inside libs/${lib} import the module by relative path, not through the lib's own alias.`,
    });
  }
  return ['error', { patterns }];
}

// libs/core is the pure domain: no I/O library may enter it (node:crypto for randomUUID is fine).
const coreIoPatterns = [
  {
    regex:
      '^(node:)?(fs|fs/promises|child_process|net|http|https|http2|dgram|dns|tls|cluster|worker_threads|readline)$',
    message: 'libs/core does no I/O; put it behind a port in libs/storage or libs/transport, or in an app.',
  },
  {
    regex: '^(@aws-sdk/.*|chokidar|write-file-atomic|sqs-consumer|@nestjs/platform-fastify|fastify)$',
    message: 'libs/core does no I/O; put it behind a port in libs/storage or libs/transport, or in an app.',
  },
];

// Plain CommonJS / ESM JavaScript that runs on Node (config files, the bin shim).
const nodeGlobals = {
  require: 'readonly',
  module: 'writable',
  exports: 'writable',
  __dirname: 'readonly',
  __filename: 'readonly',
  process: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  setInterval: 'readonly',
  clearInterval: 'readonly',
  setImmediate: 'readonly',
};

const config = defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    '**/coverage/',
    'web/.next/',
    'web/out/',
    'web/next-env.d.ts',
    'infra/bin/',
    'bench/results/',
    'artifacts/',
    // Plain-JS test fixtures (a fake `claude` executable and friends) imitate foreign programs on purpose.
    'libs/testing/fake-claude/',
    '**/__fixtures__/',
    '**/test-fixtures/',
    'test/fixtures/',
  ]),

  {
    name: 'ccs/linter-options',
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  js.configs.recommended,

  {
    name: 'ccs/javascript',
    // bin/claude-code-scheduler is the CommonJS shim behind the installed command (no file extension).
    files: ['**/*.{js,cjs,mjs}', 'bin/claude-code-scheduler'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    name: 'ccs/commonjs',
    files: ['**/*.{js,cjs}', 'bin/claude-code-scheduler'],
    languageOptions: { sourceType: 'commonjs' },
  },

  {
    name: 'ccs/typescript',
    files: ['**/*.{ts,tsx,mts,cts}'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // The promise rules are the reason for type-aware linting: an unawaited promise in a worker loses errors
      // and a promise passed where a callback is expected is never awaited. Both are in the recommended set;
      // they are restated here so nobody turns them off by accident.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A new enum member or message type must be handled everywhere it is switched on.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-restricted-imports': restrictedImports(undefined),
    },
  },

  // One block per lib, so each lib also may not import itself through its alias.
  ...LIBS.map((lib) => ({
    name: `ccs/libs/${lib}`,
    files: [`libs/${lib}/**/*.{ts,tsx,mts,cts}`],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrictedImports(lib, lib === 'core' ? coreIoPatterns : []),
    },
  })),

  {
    // Configuration comes from one validated config object; only config modules read the environment.
    name: 'ccs/process-env',
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['**/*config*.ts', '**/*.spec.ts', '**/*.e2e-spec.ts', 'libs/testing/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read the environment only in a config module (file name contains "config") and inject the value.',
        },
      ],
    },
  },

  {
    // In tests, `expect(mock.method).toHaveBeenCalled()` passes a method unbound on purpose; jest never calls it.
    // Tests read JSON bodies of our own API and assert on them field by field: typing every response would
    // duplicate the API's types in each test without catching anything the assertions do not already catch.
    name: 'ccs/tests',
    files: [
      '**/*.spec.ts',
      '**/*.e2e-spec.ts',
      'libs/testing/**/*.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
      'scripts/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },

  {
    name: 'ccs/security',
    ...security.configs.recommended,
    rules: {
      // Every security finding fails the build; a false positive gets a disable comment that says why.
      ...Object.fromEntries(Object.keys(security.configs.recommended.rules).map((rule) => [rule, 'error'])),
      // Flags every `obj[key]` with a computed key, i.e. every typed Record lookup and array index in the
      // codebase. Prototype pollution is handled where it can happen: input is validated into DTOs/domain types
      // before it is used as a key.
      'security/detect-object-injection': 'off',
      // Flags every fs call whose path is not a string literal. This product's job is file I/O under a
      // configured data directory and user-chosen working directories, so every call would be flagged;
      // path handling is reviewed and tested in the storage adapters instead.
      'security/detect-non-literal-fs-filename': 'off',
    },
  },
  {
    // Tests build expectations such as `new RegExp(escape(tempDir))` from values they chose themselves; there is
    // no untrusted input to cause a ReDoS, and test code is not shipped. detect-unsafe-regex stays on: a
    // catastrophic literal would still hang the test run.
    name: 'ccs/security-tests',
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'libs/testing/**/*.ts', 'test/**/*.ts', '**/test/**/*.ts'],
    rules: {
      'security/detect-non-literal-regexp': 'off',
    },
  },
);

/** The same config with only the `security/*` rules left on, and without type information (they do not use it). */
function securityOnly(blocks) {
  return blocks.map((block) => {
    const copy = { ...block };
    if (block.rules) {
      copy.rules = Object.fromEntries(Object.entries(block.rules).filter(([rule]) => rule.startsWith('security/')));
    }
    if (block.languageOptions?.parserOptions?.projectService) {
      copy.languageOptions = {
        ...block.languageOptions,
        parserOptions: { ...block.languageOptions.parserOptions, projectService: false },
      };
    }
    if (block.linterOptions) {
      // Disable comments for the other rules would look unused when only security rules run.
      copy.linterOptions = { ...block.linterOptions, reportUnusedDisableDirectives: 'off' };
    }
    return copy;
  });
}

export default process.env.CCS_LINT_SCOPE === 'security' ? securityOnly(config) : config;
