import { Command, Option } from 'nest-commander';
import { NotBuiltError } from '../cli.errors';
import { CcsCommand } from './ccs-command.base';

/**
 * Modes that exist in the command tree (so help and completion show the product's shape) but are not built yet.
 * They fail with exit 1 and say where the work is tracked; none of them pretends to start anything.
 * The options are the ones the finished modes will take; they are parsed and ignored until then.
 */
abstract class NotBuiltMode extends CcsCommand {
  protected abstract readonly mode: string;
  protected abstract readonly issue: number;

  run(): Promise<void> {
    return Promise.reject(new NotBuiltError(`${this.mode} mode is not built yet (tracked in issue #${this.issue})`));
  }
}

@Command({
  name: 'daemon',
  description: 'cluster coordinator: scheduling, dispatch over SNS/SQS, API and dashboard [not built yet]',
})
export class DaemonCommand extends NotBuiltMode {
  protected readonly mode = 'daemon';
  protected readonly issue = 6;

  @Option({ flags: '--host <host>', description: 'bind address (default: 127.0.0.1)' })
  parseHost(value: string): string {
    return value;
  }

  @Option({ flags: '--port <port>', description: 'API and dashboard port (default: 8787)' })
  parsePort(value: string): string {
    return value;
  }
}

@Command({
  name: 'node',
  description: 'cluster worker: runs Claude for the coordinator, ships logs to S3 [not built yet]',
})
export class NodeCommand extends NotBuiltMode {
  protected readonly mode = 'node';
  protected readonly issue = 6;

  @Option({ flags: '--node-id <id>', description: 'stable id of this node (default: generated)' })
  parseNodeId(value: string): string {
    return value;
  }

  @Option({ flags: '--capacity <runs>', description: 'runs executed at the same time (default: 1)' })
  parseCapacity(value: string): string {
    return value;
  }
}
