import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CommandRunner } from '../process/command-runner.port';
import { ExecFileCommandRunner } from '../process/exec-file.command-runner';
import { GitTestRepo } from './__fixtures__/git-test-repo';
import { FALLBACK_GIT_IDENTITY, GitDeps, WorktreeError, commitOnSuccess, ensureWorktree } from './git-worktree';

const commands = new ExecFileCommandRunner();

describe('ensureWorktree (real git)', () => {
  let t: GitTestRepo;
  let deps: GitDeps;
  beforeEach(() => {
    t = new GitTestRepo();
    deps = { commands, env: t.env };
  });
  afterEach(() => t.cleanup());

  it('creates <repo>/trees/<name> on a new branch from HEAD and keeps trees/ out of the main checkout', async () => {
    const head = t.git(['rev-parse', 'HEAD']);
    const r = await ensureWorktree(t.repo, 'job-1234abcd', null, deps);
    expect(r).toEqual({
      path: path.join(t.repo, 'trees', 'job-1234abcd'),
      created: true,
      branch: 'job-1234abcd',
      branchCreated: true,
    });
    expect(t.git(['rev-parse', '--abbrev-ref', 'HEAD'], r.path)).toBe('job-1234abcd');
    expect(t.git(['rev-parse', 'HEAD'], r.path)).toBe(head);
    expect(fs.readFileSync(path.join(t.repo, '.git', 'info', 'exclude'), 'utf8')).toContain('\n/trees/\n');
    expect(t.git(['status', '--porcelain'])).toBe('');
    expect(fs.existsSync(path.join(t.repo, '.gitignore'))).toBe(false); // no tracked file edited
  });

  it('reuses an existing worktree without calling git worktree add again', async () => {
    const first = await ensureWorktree(t.repo, 'wt', null, deps);
    t.write('in-worktree.txt', 'work in progress\n', first.path);
    const again = await ensureWorktree(t.repo, 'wt', null, deps);
    expect(again).toEqual({ ...first, created: false, branchCreated: false });
    expect(fs.readFileSync(path.join(again.path, 'in-worktree.txt'), 'utf8')).toBe('work in progress\n');
    const exclude = fs.readFileSync(path.join(t.repo, '.git', 'info', 'exclude'), 'utf8');
    expect(exclude.split('\n').filter((l) => l === '/trees/')).toHaveLength(1);
  });

  it('adds the worktree on an existing branch named like the worktree', async () => {
    t.git(['checkout', '-q', '-b', 'feat']);
    t.write('feat.txt', 'feature\n');
    const featHead = t.commit('feature work');
    t.git(['checkout', '-q', 'main']);
    const r = await ensureWorktree(t.repo, 'feat', 'main', deps);
    expect(r.created).toBe(true);
    expect(r.branchCreated).toBe(false);
    expect(t.git(['rev-parse', 'HEAD'], r.path)).toBe(featHead);
  });

  it('branches a new worktree from the given base branch', async () => {
    t.git(['checkout', '-q', '-b', 'develop']);
    t.write('dev.txt', 'dev\n');
    const devHead = t.commit('develop work');
    t.git(['checkout', '-q', 'main']);
    const r = await ensureWorktree(t.repo, 'from-dev', 'develop', deps);
    expect(r.branchCreated).toBe(true);
    expect(t.git(['rev-parse', 'HEAD'], r.path)).toBe(devHead);
    expect(t.git(['rev-parse', 'from-dev'])).toBe(devHead);
  });

  it('fails clearly for a missing base branch, a non-repository, and a plain directory in the way', async () => {
    await expect(ensureWorktree(t.repo, 'x', 'nope', deps)).rejects.toThrow(
      `base branch "nope" does not exist in "${t.repo}"`,
    );
    const plain = path.join(t.root, 'plain');
    fs.mkdirSync(plain);
    await expect(ensureWorktree(plain, 'x', null, deps)).rejects.toThrow(`"${plain}" is not a git repository: `);
    fs.mkdirSync(path.join(t.repo, 'trees', 'squatter'), { recursive: true });
    await expect(ensureWorktree(t.repo, 'squatter', null, deps)).rejects.toThrow(/exists but is not a git worktree/);
  });

  it('rejects invalid names and branches before running git', async () => {
    const calls: string[][] = [];
    const spy: CommandRunner = {
      run: (_file, args) => {
        calls.push([...args]);
        return Promise.reject(new Error('git must not run'));
      },
    };
    for (const name of ['../evil', '-rf', 'a b', 'x/y', 'a\nb', '', 'a..b', 'HEAD']) {
      await expect(ensureWorktree(t.repo, name, null, { commands: spy })).rejects.toBeInstanceOf(WorktreeError);
    }
    for (const branch of ['--orphan', 'a b', 'x..y', 'a~1']) {
      await expect(ensureWorktree(t.repo, 'ok', branch, { commands: spy })).rejects.toThrow(/invalid worktree branch/);
    }
    expect(calls).toEqual([]);
  });
});

describe('commitOnSuccess (real git)', () => {
  let t: GitTestRepo;
  let deps: GitDeps;
  beforeEach(() => {
    t = new GitTestRepo();
    deps = { commands, env: t.env };
  });
  afterEach(() => t.cleanup());

  it('commits all changes as "task: <name>" with the fallback identity when none is configured', async () => {
    t.write('new.txt', 'created by claude\n');
    t.write('README.md', 'changed\n');
    const before = t.git(['rev-parse', 'HEAD']);
    const r = await commitOnSuccess(t.repo, 'Nightly refactor', deps);
    expect(r.status).toBe('committed');
    expect(r.warning).toBeNull();
    expect(r.commit).toBe(t.git(['rev-parse', 'HEAD']));
    expect(r.commit).not.toBe(before);
    expect(r.note).toBe(`commit_on_success: committed ${r.commit?.slice(0, 12)} "task: Nightly refactor"`);
    expect(t.git(['log', '-1', '--format=%an <%ae>|%cn|%s'])).toBe(
      `${FALLBACK_GIT_IDENTITY.name} <${FALLBACK_GIT_IDENTITY.email}>|${FALLBACK_GIT_IDENTITY.name}|task: Nightly refactor`,
    );
    expect(t.git(['status', '--porcelain'])).toBe('');
    expect(fs.readFileSync(path.join(t.repo, '.git', 'config'), 'utf8')).not.toContain('[user]'); // config untouched
  });

  it('uses the configured identity when there is one', async () => {
    t.git(['config', 'user.name', 'Real Person']);
    t.git(['config', 'user.email', 'real@example.com']);
    t.write('x.txt', 'x\n');
    const r = await commitOnSuccess(t.repo, 'T', deps);
    expect(r.status).toBe('committed');
    expect(t.git(['log', '-1', '--format=%an <%ae>'])).toBe('Real Person <real@example.com>');
  });

  it('skips a clean tree', async () => {
    const before = t.git(['rev-parse', 'HEAD']);
    const r = await commitOnSuccess(t.repo, 'T', deps);
    expect(r).toEqual({
      status: 'clean',
      commit: null,
      warning: null,
      note: 'commit_on_success: working tree clean, nothing to commit',
    });
    expect(t.git(['rev-parse', 'HEAD'])).toBe(before);
  });

  it('commits inside a worktree onto its branch', async () => {
    const wt = await ensureWorktree(t.repo, 'wt', null, deps);
    t.write('wt.txt', 'in worktree\n', wt.path);
    const r = await commitOnSuccess(wt.path, 'Worktree task', deps);
    expect(r.status).toBe('committed');
    expect(t.git(['log', '-1', '--format=%s', 'wt'])).toBe('task: Worktree task');
    expect(t.git(['log', '-1', '--format=%s', 'main'])).toBe('init');
  });

  it('never throws: not a repository, a failing hook, or no git at all become warnings', async () => {
    const plain = path.join(t.root, 'plain');
    fs.mkdirSync(plain);
    const notRepo = await commitOnSuccess(plain, 'T', deps);
    expect(notRepo.status).toBe('not_a_repo');
    expect(notRepo.warning).toBe(`"${plain}" is not a git work tree; nothing committed`);

    const hook = path.join(t.repo, '.git', 'hooks', 'pre-commit');
    fs.writeFileSync(hook, '#!/bin/sh\necho "lint failed: 3 problems" >&2\nexit 1\n', { mode: 0o755 });
    t.write('y.txt', 'y\n');
    const hooked = await commitOnSuccess(t.repo, 'T', deps);
    expect(hooked.status).toBe('failed');
    expect(hooked.warning).toMatch(/^git commit failed \(exit 1\): .*lint failed: 3 problems/);
    expect(hooked.note).toBe(`commit_on_success: ${hooked.warning}`);

    const noGit = await commitOnSuccess(t.repo, 'T', { ...deps, git: 'no-such-git-binary' });
    expect(noGit.status).toBe('failed');
    expect(noGit.warning).toContain('cannot run "no-such-git-binary"');
  });
});
