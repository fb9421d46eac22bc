import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The real Claude Code CLI from the `@anthropic-ai/claude-code` devDependency, checked to run here. */
export interface RealClaudeBinary {
  /** The executable. */
  path: string;
  /** Its directory, to put on a PATH so that `claude` discovery finds it. */
  dir: string;
  /** `claude --version`, e.g. `2.1.197 (Claude Code)`. */
  version: string;
}

/**
 * Finds the real `claude` and proves it starts, or throws an error that says what is wrong and how to fix it —
 * never returns something that would make the e2e tests skip or pass vacuously.
 *
 * How the package lays out its binary (2.1.x): `@anthropic-ai/claude-code` declares `bin: bin/claude.exe`, which
 * ships as a 500-byte shell stub; the native ~240 MB executable comes in a per-platform optional dependency
 * (`@anthropic-ai/claude-code-linux-x64`, …) and the wrapper's postinstall (`install.cjs`) hard-links it over the
 * stub. So after `npm ci` with install scripts enabled (the root package.json approves this one in
 * `allowScripts`) `node_modules/.bin/claude` is the native binary. When install scripts were skipped
 * (`--ignore-scripts`), the stub is still there; we then use the platform package's executable directly — the
 * same fallback the package's own `cli-wrapper.cjs` takes.
 */
export function locateRealClaude(): RealClaudeBinary {
  let wrapperDir: string;
  try {
    wrapperDir = path.dirname(require.resolve('@anthropic-ai/claude-code/package.json'));
  } catch {
    throw new Error(
      'The real Claude Code CLI is not installed: @anthropic-ai/claude-code is a devDependency — run `npm ci` ' +
        '(without --omit=dev) before the e2e tests.',
    );
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(wrapperDir, 'package.json'), 'utf8')) as {
    version: string;
    bin?: string | Record<string, string>;
  };
  const binRel = typeof manifest.bin === 'string' ? manifest.bin : (manifest.bin?.['claude'] ?? 'bin/claude.exe');
  const linked = path.join(wrapperDir, binRel);
  const exe = isNativeBinary(linked) ? linked : platformBinary(manifest.version);

  let version: string;
  try {
    version = execFileSync(exe, ['--version'], {
      encoding: 'utf8',
      timeout: 30_000,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp' },
    }).trim();
  } catch (err) {
    const e = err as { message?: string; stderr?: string };
    throw new Error(
      `The real Claude Code CLI (${exe}, @anthropic-ai/claude-code ${manifest.version}) does not run on this ` +
        `machine (${process.platform}-${process.arch}): ${(e.stderr || e.message || String(err)).trim().slice(0, 1000)}`,
      { cause: err },
    );
  }
  if (!/\(Claude Code\)/.test(version)) {
    throw new Error(
      `The real Claude Code CLI (${exe}) does not work on this machine: \`--version\` printed ` +
        `"${version.slice(0, 200)}" instead of a Claude Code version`,
    );
  }
  // `claude` discovery looks for an executable named exactly `claude` on PATH: npm's .bin link is one, and so is
  // the platform package's file.
  const named = path.basename(exe) === 'claude' ? exe : path.resolve(wrapperDir, '..', '..', '.bin', 'claude');
  if (!fs.existsSync(named)) {
    throw new Error(`No executable named "claude" next to ${exe} (expected ${named}): reinstall with \`npm ci\``);
  }
  return { path: named, dir: path.dirname(named), version };
}

/** The postinstall replaces the stub with the native executable; the stub is a tiny shell script. */
function isNativeBinary(file: string): boolean {
  try {
    return fs.statSync(file).size > 1024 * 1024;
  } catch {
    return false;
  }
}

function platformBinary(version: string): string {
  const musl = process.platform === 'linux' && !glibcRuntime();
  const key = `${process.platform}-${process.arch}${musl ? '-musl' : ''}`;
  const pkg = `@anthropic-ai/claude-code-${key}`;
  let dir: string;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(
      `The real Claude Code CLI is only a stub here: the postinstall of @anthropic-ai/claude-code ${version} did not ` +
        `run and the native package ${pkg} is missing (optional dependencies omitted, or no build for ${key}). ` +
        'Run `npm ci` with optional dependencies and install scripts enabled.',
    );
  }
  const exe = path.join(dir, process.platform === 'win32' ? 'claude.exe' : 'claude');
  if (!isNativeBinary(exe)) throw new Error(`${exe} is missing or not the native Claude Code executable`);
  return exe;
}

function glibcRuntime(): string | undefined {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime;
}
