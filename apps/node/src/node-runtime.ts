import type { Clock } from '@ccs/shared';
import type { EventBus, LogStore } from '@ccs/transport';
import { findClaudeCli } from './claude/claude-cli-discovery';
import { isExecutableFile } from './claude/is-executable';
import { buildRunEnv } from './env/env-resolver';
import { SdkAwsSecretReader } from './env/sdk-aws-secret.reader';
import { MockProcessRunner } from './execution/mock-process.runner';
import { RunExecutor } from './execution/run-executor';
import { ChildProcessRunner } from './process/child-process.runner';
import { ExecFileCommandRunner } from './process/exec-file.command-runner';
import { commitOnSuccess } from './workdir/git-worktree';
import { prepareWorkDir } from './workdir/work-dir';

export interface NodeRuntimeOptions {
  nodeId: string;
  clock: Clock;
  events: EventBus;
  logs: LogStore;
  /** The node's own environment: the base of every run's environment, PATH for finding `claude`. */
  baseEnv: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  platform: NodeJS.Platform;
  /** How long a mock run takes (ms); read at each run so settings changes apply. */
  /** `node --mock-mode`: every run on this node is a mock run, whatever the coordinator's settings say. */
  forceMockMode?: boolean;
}

/**
 * Builds the node's RunExecutor over the real adapters: child processes in their own group, env resolution with
 * every source (keychain tools, AWS SDK, commands without a shell), working directories and git worktrees, and
 * the Claude CLI discovery. `gui` and `node` modes both call this.
 */
export function createRunExecutor(o: NodeRuntimeOptions): RunExecutor {
  const commands = new ExecFileCommandRunner();
  const aws = new SdkAwsSecretReader();
  const baseEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.baseEnv)) if (v !== undefined) baseEnv[k] = v;
  const git = { commands, env: baseEnv };
  return new RunExecutor({
    nodeId: o.nodeId,
    clock: o.clock,
    events: o.events,
    logs: o.logs,
    runner: new ChildProcessRunner(),
    mockRunner: (durationMs) => new MockProcessRunner(() => durationMs),
    resolveEnv: async (taskProfile, jobProfile, unmask) => {
      const r = await buildRunEnv(baseEnv, taskProfile, jobProfile, { commands, aws, platform: o.platform, unmask });
      return { env: r.env, logLines: r.logLines };
    },
    prepareWorkDir: (job, defaultDir) =>
      prepareWorkDir(job, { homeDir: o.homeDir, env: baseEnv, defaultWorkingDirectory: defaultDir, git }),
    findClaude: (configured) =>
      findClaudeCli({
        configuredPath: configured,
        pathEnv: baseEnv['PATH'] ?? '',
        homeDir: o.homeDir,
        isExecutable: isExecutableFile,
      }).path,
    commitOnSuccess: async (dir, task) => (await commitOnSuccess(dir, task.name, git)).note,
    forceMockMode: o.forceMockMode ?? false,
  });
}
