import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A throwaway git repository for tests, with git isolated from the machine's config (no user identity unless a
 * test sets one), so the identity fallback is exercised for real.
 */
export class GitTestRepo {
  readonly root: string;
  readonly repo: string;
  readonly env: Record<string, string>;

  constructor() {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'ccs-git-'));
    this.repo = path.join(this.root, 'repo');
    const home = path.join(this.root, 'home');
    fs.mkdirSync(home);
    fs.mkdirSync(this.repo);
    this.env = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: home,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'),
    };
    this.git(['init', '-q', '-b', 'main']);
    this.write('README.md', 'hello\n');
    this.commit('init');
  }

  git(args: string[], cwd = this.repo): string {
    return execFileSync('git', args, { cwd, env: this.env, encoding: 'utf8' }).trim();
  }

  /** Commits everything with a throwaway identity given on the command line (nothing is configured). */
  commit(message: string, cwd = this.repo): string {
    this.git(['add', '-A'], cwd);
    this.git(['-c', 'user.name=Setup', '-c', 'user.email=setup@example.com', 'commit', '-q', '-m', message], cwd);
    return this.git(['rev-parse', 'HEAD'], cwd);
  }

  write(rel: string, content: string, base = this.repo): void {
    fs.mkdirSync(path.dirname(path.join(base, rel)), { recursive: true });
    fs.writeFileSync(path.join(base, rel), content);
  }

  cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
