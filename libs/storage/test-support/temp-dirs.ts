import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Temp directories for one test file; `cleanup()` in afterEach/afterAll removes them all. */
export function tempDirs(prefix = 'ccs-storage-'): { make(): string; cleanup(): void } {
  const made: string[] = [];
  return {
    make() {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      made.push(d);
      return d;
    },
    cleanup() {
      for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}

/** Content hash, mode and mtime of every file under `dir` (relative paths), to prove a tree was not touched. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = fs.statSync(p);
        const hash = createHash('sha256').update(fs.readFileSync(p)).digest('hex');
        out[path.relative(dir, p)] = `${hash} mode=${(st.mode & 0o777).toString(8)} mtime=${st.mtimeMs}`;
      }
    }
  };
  walk(dir);
  return out;
}

/** Copies a directory tree (fixtures into a temp dir, so tests never write into the repo). */
export function copyTree(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true, preserveTimestamps: true });
}

export const REGISTER = path.join(__dirname, 'register.js');
export const STORE_CHILD = path.join(__dirname, 'store-child.ts');
export const LEGACY_FIXTURES = path.join(__dirname, '..', 'test-fixtures', 'legacy');
