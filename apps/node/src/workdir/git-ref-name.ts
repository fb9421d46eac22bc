/**
 * Why `name` is not acceptable as a git branch name, or null when it is. Follows `git check-ref-format --branch`
 * (checked against git itself in the tests), and is stricter in one place: the branch `@` (git's shorthand for
 * HEAD) is rejected too. A name that passes is also safe as an argv element: it cannot start with `-`, contains
 * no whitespace or control characters, and no `..`.
 */
export function branchNameProblem(name: string): string | null {
  if (name.length === 0) return 'is empty';
  if (name.startsWith('-')) return 'starts with "-"';
  if (name === '@' || name === 'HEAD') return `"${name}" is reserved`;
  if (name.includes('..')) return 'contains ".."';
  if (name.includes('@{')) return 'contains "@{"';
  for (const ch of name) {
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return 'contains a control character';
    if (ch === ' ') return 'contains whitespace';
    if ('~^:?*[\\'.includes(ch)) return `contains "${ch}"`;
  }
  if (name.startsWith('/') || name.endsWith('/')) return 'starts or ends with "/"';
  if (name.includes('//')) return 'contains "//"';
  if (name.endsWith('.')) return 'ends with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return 'has a path component starting with "."';
    if (part.endsWith('.lock')) return 'has a path component ending with ".lock"';
  }
  return null;
}

/** Why `name` is not acceptable as a worktree name (a branch name that is also one directory under trees/). */
export function worktreeNameProblem(name: string): string | null {
  const problem = branchNameProblem(name);
  if (problem) return problem;
  if (name.includes('/')) return 'contains "/" (it names one directory under trees/)';
  return null;
}
