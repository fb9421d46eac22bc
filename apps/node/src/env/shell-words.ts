import { ValidationError } from '@ccs/core';

/** Characters that would mean something to a shell but are not supported here (no shell runs the command). */
const OPERATORS = new Set(['|', '&', ';', '<', '>']);

/**
 * Splits a command line into argv the way a POSIX shell splits words, WITHOUT any of a shell's other powers:
 * - whitespace separates words; `'…'` is literal; `"…"` is literal except `\"`, `\\`, `\$`, `` \` `` and
 *   backslash-newline; outside quotes a backslash makes the next character literal;
 * - nothing is expanded: `$HOME`, `$(id)`, `` `id` ``, `~`, `*` stay exactly as written;
 * - unquoted `|`, `&`, `;`, `<`, `>` are rejected (pipes, lists, redirections, background jobs need a shell; write
 *   `sh -c '…'` explicitly if you really want one). Quote them to pass them as plain characters.
 * Throws ValidationError on an unterminated quote or a trailing backslash.
 */
export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i += 1;
      continue;
    }
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new ValidationError(`unterminated single quote in command: ${line}`);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i += 1;
      let closed = false;
      while (i < n) {
        const d = line[i];
        if (d === '"') {
          closed = true;
          i += 1;
          break;
        }
        if (d === '\\' && i + 1 < n) {
          const e = line[i + 1];
          if (e === '\n') {
            i += 2;
            continue;
          }
          if (e === '"' || e === '\\' || e === '$' || e === '`') {
            word += e;
            i += 2;
            continue;
          }
        }
        word += d;
        i += 1;
      }
      if (!closed) throw new ValidationError(`unterminated double quote in command: ${line}`);
      inWord = true;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= n) throw new ValidationError(`trailing backslash in command: ${line}`);
      const e = line[i + 1];
      if (e !== '\n') {
        word += e;
        inWord = true;
      }
      i += 2;
      continue;
    }
    if (OPERATORS.has(c)) {
      throw new ValidationError(
        `"${c}" is not supported in a command source: it runs without a shell (no pipes, redirections or lists); ` +
          `quote the character to pass it literally, or run sh -c '…' explicitly`,
      );
    }
    word += c;
    inWord = true;
    i += 1;
  }
  if (inWord) words.push(word);
  return words;
}
