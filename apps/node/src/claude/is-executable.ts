import * as fs from 'node:fs';

/**
 * The real `isExecutable` for findClaudeCli: a regular file (symlinks followed) that this process may execute.
 * Never throws.
 */
export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
