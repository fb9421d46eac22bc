import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Job, normalizeJob } from '@ccs/core';
import { ExecFileCommandRunner } from '../process/exec-file.command-runner';
import { GitTestRepo } from './__fixtures__/git-test-repo';
import { WorkDirError, prepareWorkDir, resolveWorkDir } from './work-dir';

function job(wd: Record<string, unknown>, id = '1234abcd-0000-4000-8000-000000000000'): Job {
  return normalizeJob({ id, name: 'Nightly', working_directory: wd });
}

describe('resolveWorkDir', () => {
  let home: string;
  let opts: { homeDir: string; env: Record<string, string>; defaultWorkingDirectory: string };
  beforeEach(() => {
    home = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ccs-wd-')));
    fs.mkdirSync(path.join(home, 'projects', 'app'), { recursive: true });
    opts = { homeDir: home, env: { BASE: path.join(home, 'projects') }, defaultWorkingDirectory: '~' };
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('expands ~ and $VARS / ${VARS} in the job directory', () => {
    expect(resolveWorkDir(job({ path: '~/projects/app' }), opts)).toEqual({
      dir: path.join(home, 'projects', 'app'),
      worktree: null,
    });
    expect(resolveWorkDir(job({ path: '$BASE/app' }), opts).dir).toBe(path.join(home, 'projects', 'app'));
    expect(resolveWorkDir(job({ path: '${BASE}/app/' }), opts).dir).toBe(path.join(home, 'projects', 'app'));
  });

  it('uses settings.default_working_directory without a job', () => {
    expect(resolveWorkDir(null, opts).dir).toBe(home);
    expect(resolveWorkDir(null, { ...opts, defaultWorkingDirectory: '$BASE' }).dir).toBe(path.join(home, 'projects'));
  });

  it('fails with a clear error for a missing directory, never falling back to $HOME', () => {
    const missing = path.join(home, 'projects', 'gone');
    expect(() => resolveWorkDir(job({ path: '~/projects/gone' }), opts)).toThrow(WorkDirError);
    expect(() => resolveWorkDir(job({ path: '~/projects/gone' }), opts)).toThrow(
      `working directory of job "Nightly" "${missing}" does not exist; create it or change the setting (no fallback to $HOME)`,
    );
    expect(() => resolveWorkDir(null, { ...opts, defaultWorkingDirectory: '~/nowhere' })).toThrow(
      /^default working directory ".*nowhere" does not exist/,
    );
    fs.writeFileSync(path.join(home, 'file'), '');
    expect(() => resolveWorkDir(job({ path: '~/file' }), opts)).toThrow(/is not a directory/);
    expect(() => resolveWorkDir(job({ path: '$UNSET_VAR/x' }), opts)).toThrow(
      'working directory of job "Nightly": path "$UNSET_VAR/x" uses $UNSET_VAR, which is not set',
    );
  });

  it('in worktree mode returns <repo>/trees/<name> (default job-<id8>) and the worktree to prepare', () => {
    const r = resolveWorkDir(job({ path: '~/projects/app', use_git_worktree: true }), opts);
    expect(r).toEqual({
      dir: path.join(home, 'projects', 'app', 'trees', 'job-1234abcd'),
      worktree: { repoPath: path.join(home, 'projects', 'app'), name: 'job-1234abcd', baseBranch: null },
    });
    const named = resolveWorkDir(
      job({ path: '~/projects/app', use_git_worktree: true, worktree_name: 'wt', worktree_branch: 'develop' }),
      opts,
    );
    expect(named.worktree).toEqual({ repoPath: path.join(home, 'projects', 'app'), name: 'wt', baseBranch: 'develop' });
  });

  it('rejects invalid worktree names and branches', () => {
    expect(() =>
      resolveWorkDir(job({ path: '~/projects/app', use_git_worktree: true, worktree_name: '../../etc' }), opts),
    ).toThrow('invalid worktree name "../../etc" for job "Nightly": contains ".."');
    expect(() =>
      resolveWorkDir(
        job({ path: '~/projects/app', use_git_worktree: true, worktree_name: 'ok', worktree_branch: '-x' }),
        opts,
      ),
    ).toThrow(/invalid worktree branch "-x"/);
  });
});

describe('prepareWorkDir', () => {
  let t: GitTestRepo;
  beforeEach(() => (t = new GitTestRepo()));
  afterEach(() => t.cleanup());

  it('creates the worktree once, then reuses it', async () => {
    const j = job({ path: t.repo, use_git_worktree: true, worktree_name: 'nightly' });
    const opts = {
      homeDir: t.root,
      env: t.env,
      defaultWorkingDirectory: '~',
      git: { commands: new ExecFileCommandRunner(), env: t.env },
    };
    const first = await prepareWorkDir(j, opts);
    expect(first).toEqual({
      dir: path.join(t.repo, 'trees', 'nightly'),
      notes: [`created worktree with new branch "nightly" from HEAD: ${path.join(t.repo, 'trees', 'nightly')}`],
    });
    const second = await prepareWorkDir(j, opts);
    expect(second.notes).toEqual([`reused existing worktree: ${path.join(t.repo, 'trees', 'nightly')}`]);
    expect(await prepareWorkDir(job({ path: t.repo }), opts)).toEqual({ dir: t.repo, notes: [] });
  });
});
