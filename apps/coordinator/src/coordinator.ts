import type { DataStore } from '@ccs/storage';
import { Clock, getLogger } from '@ccs/shared';
import type { CommandBus, EventSource, ExecutionSettings, LogStore } from '@ccs/transport';
import type { CoordinatorContext } from './app/context';
import { JobsService } from './app/jobs.service';
import { ProfilesService } from './app/profiles.service';
import { RunsApiService } from './app/runs-api.service';
import { SettingsService } from './app/settings.service';
import { CoordinatorInfo, StateService } from './app/state.service';
import { TasksService } from './app/tasks.service';
import { EventHub } from './events/event-hub';
import { JobRunner } from './jobs/job-runner.service';
import { NodeRegistry } from './nodes/node-registry.service';
import { RetentionService } from './retention/retention.service';
import { RunService } from './runs/run.service';
import type { FileWatcher } from './scheduler/file-watcher.port';
import { SchedulerService } from './scheduler/scheduler.service';

const log = getLogger('coordinator');

export interface CoordinatorDeps {
  store: DataStore;
  commands: CommandBus;
  events: EventSource;
  logs: LogStore;
  clock: Clock;
  watcher: FileWatcher;
  info: CoordinatorInfo;
  defaultTimezone: string;
  expandPath: (p: string) => string;
  /** Process-level overrides of stored settings for dispatched runs (e.g. `--mock-mode`). */
  executionOverrides?: Partial<ExecutionSettings>;
  /** A node silent for this long is lost and its runs fail with `node_lost` (retried per task policy). */
  nodeTimeoutMs: number;
  /** Age-based log pruning where logs are local files (gui); cloud logs expire by the bucket's lifecycle rule. */
  pruneLogsByAge?: (days: number, now: Date) => Promise<number>;
  /**
   * Cloud mode (daemon): after a restart, runs are reconciled with the nodes instead of failed — unsent runs are
   * re-dispatched and running ones stay running while their node keeps sending heartbeats (NodeRegistry).
   */
  cloud?: boolean;
}

/**
 * The coordinator, composed from its services over the given adapters. `gui` and `daemon` build the same object;
 * only the transport adapters in `deps` differ.
 */
export class Coordinator {
  readonly hub = new EventHub();
  readonly context: CoordinatorContext;
  readonly runs: RunService;
  readonly jobRunner: JobRunner;
  readonly scheduler: SchedulerService;
  readonly tasks: TasksService;
  readonly jobs: JobsService;
  readonly runsApi: RunsApiService;
  readonly profiles: ProfilesService;
  readonly settings: SettingsService;
  readonly state: StateService;
  readonly nodes: NodeRegistry;
  readonly retention: RetentionService;
  private stopping: Promise<void> | null = null;

  constructor(private readonly deps: CoordinatorDeps) {
    const { store, clock } = deps;
    this.runs = new RunService(store, deps.commands, this.hub, clock, deps.executionOverrides);
    this.jobRunner = new JobRunner(store, this.runs, this.hub, clock);
    this.scheduler = new SchedulerService(store, this.runs, this.hub, clock, deps.watcher, {
      defaultTimezone: deps.defaultTimezone,
      expandPath: deps.expandPath,
    });
    this.context = {
      store,
      hub: this.hub,
      clock,
      runs: this.runs,
      jobs: this.jobRunner,
      scheduler: this.scheduler,
      logs: deps.logs,
    };
    this.tasks = new TasksService(this.context);
    this.jobs = new JobsService(this.context, this.tasks);
    this.runsApi = new RunsApiService(this.context);
    this.profiles = new ProfilesService(this.context);
    this.settings = new SettingsService(this.context);
    this.state = new StateService(this.context, deps.info);
    this.nodes = new NodeRegistry(store, this.runs, this.hub, clock, { nodeTimeoutMs: deps.nodeTimeoutMs });
    this.retention = new RetentionService(store, deps.logs, this.hub, clock, { pruneLogsByAge: deps.pruneLogsByAge });
  }

  /**
   * Start-up: reconcile what a crashed predecessor left unfinished (local mode: no node can still hold those runs),
   * start consuming node events, then start the scheduler (catch-up, startup tasks, timers, watches).
   */
  async start(): Promise<void> {
    const failedRuns = this.deps.cloud ? 0 : await this.runs.reconcileAfterRestart();
    const failedJobs = await this.jobRunner.reconcileAfterRestart();
    if (failedRuns || failedJobs)
      log.warn(`reconciled after restart: ${failedRuns} run(s), ${failedJobs} job(s) marked failed`);
    await this.deps.events.start((e) => this.runs.handleEvent(e));
    if (this.deps.cloud) {
      const sent = await this.runs.redispatchPending();
      if (sent) log.info(`re-dispatched ${sent} run(s) a previous coordinator had not sent`);
    }
    this.nodes.start();
    this.retention.start();
    await this.scheduler.start();
  }

  /** Stops scheduling and event intake and flushes the store. Idempotent. Runs are the worker's to stop. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.scheduler.stop();
      this.nodes.stop();
      this.retention.stop();
      this.runs.close();
      this.jobRunner.close();
      await this.deps.events.stop();
      await this.deps.store.flush();
    })();
    return this.stopping;
  }
}
