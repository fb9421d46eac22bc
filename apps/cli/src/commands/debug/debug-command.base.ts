import { Injectable } from '@nestjs/common';
import { InvalidArgumentError } from 'commander';
import { CliOutput } from '../../output/cli-output';
import { DataDirectoryService } from '../../debug/data-directory.service';
import { DebugInspector } from '../../debug/debug-inspector.service';
import { CcsCommand } from '../ccs-command.base';

/** Parses `-n N`: a positive whole number, else a usage error. */
export function parseLimit(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a whole number of at least 1');
  }
  return n;
}

/** Shared wiring of the `debug` subcommands: where the data is, how to read it, where to print. */
@Injectable() // emits the constructor metadata Nest needs to build the subclasses
export abstract class DebugSubcommand extends CcsCommand {
  constructor(
    protected readonly dataDirs: DataDirectoryService,
    protected readonly inspector: DebugInspector,
    protected readonly out: CliOutput,
  ) {
    super();
  }

  protected dataDir(): string {
    return this.dataDirs.resolve(this.globals().dataDir);
  }

  /** Prints `value` as JSON with `--json`, else the text lines. */
  protected print(value: unknown, text: () => string[]): void {
    if (this.globals().json) this.out.json(value);
    else this.out.lines(text());
  }
}
