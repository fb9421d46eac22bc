import { execFileSync } from 'node:child_process';
import { branchNameProblem, worktreeNameProblem } from './git-ref-name';

const NAMES = [
  'main',
  'feature/x',
  'job-1a2b3c4d',
  'é',
  'a@b',
  '@a',
  'a.b',
  'a/-b',
  '{x}',
  'ok-name_1',
  'HEAD',
  '-x',
  '-',
  'a b',
  'a\tb',
  'a\nb',
  'a..b',
  '../evil',
  'a.lock',
  'a/b.lock',
  'x.lock/y',
  '.a',
  'a/.b',
  'a@{b',
  'a\\b',
  'a/',
  '/a',
  'a//b',
  'a.',
  'a~1',
  'a^',
  'a:b',
  'a?',
  'a*',
  'a[b',
  'a\x7fb',
];

function gitAccepts(name: string): boolean {
  try {
    execFileSync('git', ['check-ref-format', '--branch', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('branchNameProblem', () => {
  it.each(NAMES)('agrees with `git check-ref-format --branch` on %j', (name) => {
    expect(branchNameProblem(name) === null).toBe(gitAccepts(name));
  });

  it('is stricter than git only for "@" (shorthand for HEAD) and the empty name', () => {
    expect(gitAccepts('@')).toBe(true);
    expect(branchNameProblem('@')).toBe('"@" is reserved');
    expect(branchNameProblem('')).toBe('is empty');
  });

  it('explains what is wrong', () => {
    expect(branchNameProblem('../x')).toBe('contains ".."');
    expect(branchNameProblem('-rf')).toBe('starts with "-"');
    expect(branchNameProblem('a b')).toBe('contains whitespace');
    expect(branchNameProblem('a\u0001')).toBe('contains a control character');
  });
});

describe('worktreeNameProblem', () => {
  it('also rejects "/" because the name is one directory under trees/', () => {
    expect(worktreeNameProblem('feature/x')).toMatch(/contains "\/"/);
    expect(worktreeNameProblem('job-1234abcd')).toBeNull();
    expect(worktreeNameProblem('..')).toBe('contains ".."');
  });
});
