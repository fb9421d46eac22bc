import * as readline from 'node:readline';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { ValidationError } from '@ccs/core';

/** Where a confirmation is asked: the terminal (stdin) and stderr, so stdout stays clean for data. */
export interface PromptStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
}

/**
 * Asks "…? [y/N]" before a destructive command. Without a terminal on stdin nobody can answer, so the command is
 * refused as a usage error that names `-f`, instead of reading an answer from a pipe or assuming yes.
 */
export const PROMPT_STREAMS = Symbol('PROMPT_STREAMS');

@Injectable()
export class ConfirmPrompt {
  private readonly streams: PromptStreams;

  constructor(@Optional() @Inject(PROMPT_STREAMS) streams?: PromptStreams) {
    this.streams = streams ?? { input: process.stdin, output: process.stderr };
  }

  async confirm(question: string, opts: { force: boolean; forceFlag?: string }): Promise<boolean> {
    if (opts.force) return true;
    if (!this.streams.input.isTTY) {
      throw new ValidationError(
        `${question}: stdin is not a terminal, so nobody can confirm; pass ${opts.forceFlag ?? '-f'} to go ahead without asking`,
      );
    }
    const rl = readline.createInterface({ input: this.streams.input, output: this.streams.output });
    try {
      const answer = await new Promise<string>((resolve) => {
        rl.once('close', () => resolve(''));
        rl.question(`${question} [y/N] `, resolve);
      });
      return /^\s*y(es)?\s*$/i.test(answer);
    } finally {
      rl.close();
    }
  }
}
