import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandFactory } from 'nest-commander';
import { PRODUCT_NAME, VERSION } from '@ccs/core';
import { getLogger } from '@ccs/shared';
import { CliModule } from './cli.module';
import { reportError } from './cli-error.reporter';
import { EXIT_OK } from './cli.errors';
import { configureCommandTree } from './command-tree';
import { CcsRootCommand } from './commands/root.command';
import { NestLoggerBridge } from './nest-logger.bridge';

/** Builds the command tree, runs the command named on the command line, and returns the exit code. */
export async function main(): Promise<number> {
  let app: INestApplicationContext | undefined;
  try {
    app = await CommandFactory.createWithoutRunning(CliModule, {
      logger: new NestLoggerBridge(),
      // Errors (ours and commander's) travel up to here instead of ending the process where they happen.
      serviceErrorHandler: (err) => {
        throw err;
      },
    });
    configureCommandTree(app.get(CcsRootCommand).commandTree, { version: `${PRODUCT_NAME} ${VERSION}` });
    await CommandFactory.runApplication(app);
    return EXIT_OK;
  } catch (err) {
    return reportError(err);
  } finally {
    await app?.close().catch((err: unknown) => getLogger('cli').debug('Closing the application failed:', err));
  }
}

void main().then((code) => {
  // exitCode, not exit(): stdout is flushed before the process ends, even when piped.
  process.exitCode = code;
});
