import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeTempDir } from '@ccs/testing';
import { ClaudeCliNotFoundError, findClaudeCli } from './claude-cli-discovery';
import { isExecutableFile } from './is-executable';

/** An isExecutable over a fixed set of paths that records what was asked. */
function fakeFs(executables: string[]) {
  const asked: string[] = [];
  return { asked, isExecutable: (p: string) => (asked.push(p), executables.includes(p)) };
}

describe('findClaudeCli', () => {
  const home = '/home/dev';
  const pathEnv = '/usr/local/bin:/usr/bin';

  it('uses settings.claude_cli_path first, even when claude is on PATH', () => {
    const f = fakeFs(['/opt/claude/bin/claude', '/usr/bin/claude']);
    expect(findClaudeCli({ configuredPath: '/opt/claude/bin/claude', pathEnv, homeDir: home, ...f })).toEqual({
      path: '/opt/claude/bin/claude',
      source: 'configured',
    });
    expect(f.asked).toEqual(['/opt/claude/bin/claude']);
  });

  it('expands ~ in the configured path', () => {
    const f = fakeFs(['/home/dev/bin/claude']);
    expect(findClaudeCli({ configuredPath: '~/bin/claude', pathEnv, homeDir: home, ...f }).path).toBe(
      '/home/dev/bin/claude',
    );
  });

  it('fails clearly when the configured path is not executable instead of silently using another claude', () => {
    const f = fakeFs(['/usr/bin/claude']);
    let err: unknown;
    try {
      findClaudeCli({ configuredPath: '/nope/claude', pathEnv, homeDir: home, ...f });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ClaudeCliNotFoundError);
    const e = err as ClaudeCliNotFoundError;
    expect(e.code).toBe('CLAUDE_CLI_NOT_FOUND');
    expect(e.message).toContain('/nope/claude');
    expect(e.message).toContain('claude_cli_path');
    expect(e.searched).toEqual(['/nope/claude']);
  });

  it('treats a blank configured path as unset', () => {
    const f = fakeFs(['/usr/bin/claude']);
    expect(findClaudeCli({ configuredPath: '  ', pathEnv, homeDir: home, ...f })).toEqual({
      path: '/usr/bin/claude',
      source: 'path',
    });
  });

  it('searches PATH in order and takes the first executable claude', () => {
    const f = fakeFs(['/usr/bin/claude', '/home/dev/.claude/local/claude']);
    expect(findClaudeCli({ pathEnv: '/usr/local/bin:/usr/bin:/bin', homeDir: home, ...f })).toEqual({
      path: '/usr/bin/claude',
      source: 'path',
    });
    expect(f.asked).toEqual(['/usr/local/bin/claude', '/usr/bin/claude']);
  });

  it('skips empty and relative PATH entries (they mean the current directory)', () => {
    const f = fakeFs(['claude', 'bin/claude', '/usr/bin/claude']);
    expect(findClaudeCli({ pathEnv: ':bin::/usr/bin', homeDir: home, ...f }).path).toBe('/usr/bin/claude');
    expect(f.asked).toEqual(['/usr/bin/claude']);
  });

  it('falls back to ~/.claude/local/claude', () => {
    const f = fakeFs(['/home/dev/.claude/local/claude']);
    expect(findClaudeCli({ pathEnv, homeDir: home, ...f })).toEqual({
      path: '/home/dev/.claude/local/claude',
      source: 'local-install',
    });
    expect(f.asked).toEqual(['/usr/local/bin/claude', '/usr/bin/claude', '/home/dev/.claude/local/claude']);
  });

  it('says how to install the CLI or use mock mode when nothing is found', () => {
    const f = fakeFs([]);
    let err: unknown;
    try {
      findClaudeCli({ pathEnv, homeDir: home, ...f });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ClaudeCliNotFoundError);
    const e = err as ClaudeCliNotFoundError;
    expect(e.message).toContain('npm i -g @anthropic-ai/claude-code');
    expect(e.message).toContain('--mock-mode');
    expect(e.message).toContain('mock_mode');
    expect(e.searched).toEqual(['/usr/local/bin/claude', '/usr/bin/claude', '/home/dev/.claude/local/claude']);
  });

  it('copes with no PATH and no home', () => {
    expect(() => findClaudeCli({ pathEnv: null, homeDir: null, isExecutable: () => true })).toThrow(
      ClaudeCliNotFoundError,
    );
  });
});

describe('isExecutableFile', () => {
  let dir: string;
  beforeEach(() => (dir = makeTempDir('ccs-isexec-')));
  afterEach(() => removeTempDir(dir));

  it('accepts an executable file and a symlink to one', () => {
    const file = path.join(dir, 'claude');
    fs.writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
    fs.symlinkSync(file, path.join(dir, 'link'));
    expect(isExecutableFile(file)).toBe(true);
    expect(isExecutableFile(path.join(dir, 'link'))).toBe(true);
  });

  it('rejects a directory and a missing file', () => {
    expect(isExecutableFile(dir)).toBe(false);
    expect(isExecutableFile(path.join(dir, 'missing'))).toBe(false);
  });

  it('rejects a file without any execute bit', () => {
    const file = path.join(dir, 'plain');
    fs.writeFileSync(file, 'x', { mode: 0o644 });
    // Root may execute a file when *any* execute bit is set, so with none set this holds for root too.
    expect(isExecutableFile(file)).toBe(false);
  });

  it('finds an executable claude on a real PATH directory with the real check', () => {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'claude'), '#!/bin/sh\n', { mode: 0o755 });
    expect(findClaudeCli({ pathEnv: `/nonexistent:${bin}`, homeDir: dir, isExecutable: isExecutableFile })).toEqual({
      path: path.join(bin, 'claude'),
      source: 'path',
    });
  });
});
