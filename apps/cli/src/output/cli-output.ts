import { Injectable } from '@nestjs/common';

/**
 * Where command results go: stdout, and nothing else. Logs and errors go to stderr (see @ccs/shared's logger),
 * so `claude-code-scheduler debug runs --json | jq` always gets clean data.
 */
@Injectable()
export class CliOutput {
  write(text: string): void {
    process.stdout.write(text);
  }

  /** Writes text and makes sure it ends with exactly one newline. */
  line(text = ''): void {
    this.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  lines(lines: readonly string[]): void {
    if (lines.length) this.write(`${lines.join('\n')}\n`);
  }

  json(value: unknown): void {
    this.write(`${JSON.stringify(value, null, 2)}\n`);
  }
}
