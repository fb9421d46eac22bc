import * as path from 'node:path';
import { ValidationError } from '@ccs/core';

export interface ExpansionContext {
  homeDir: string;
  /** Variables for `$VAR` / `${VAR}`: the node's environment. */
  env: Readonly<Record<string, string | undefined>>;
}

const VAR = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Expands a leading `~` (alone or followed by `/`) to `homeDir` and `$VAR` / `${VAR}` anywhere to values from
 * `env`, then makes the path absolute (relative paths are taken from `homeDir`, never from the process's cwd,
 * which differs between a daemon and a terminal). A variable that is not set is an error, not an empty string:
 * `$PROJECTS/app` silently becoming `/app` would run Claude in the wrong place. `~user` is not supported.
 */
export function expandPath(input: string, ctx: ExpansionContext): string {
  let p = input.trim();
  if (p === '~' || p.startsWith('~/')) p = ctx.homeDir + p.slice(1);
  p = p.replace(VAR, (_m, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare) as string;
    const value = ctx.env[name];
    if (value === undefined) throw new ValidationError(`path "${input}" uses $${name}, which is not set`);
    return value;
  });
  return path.resolve(ctx.homeDir, p);
}
