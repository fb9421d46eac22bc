export * from './git-ref-name';
export * from './git-worktree';
export * from './path-expansion';
export * from './work-dir';
