import type { DataStore } from '@ccs/storage';
import type { Clock } from '@ccs/shared';
import type { LogStore } from '@ccs/transport';
import type { EventHub } from '../events/event-hub';
import type { JobRunner } from '../jobs/job-runner.service';
import type { RunService } from '../runs/run.service';
import type { SchedulerService } from '../scheduler/scheduler.service';

/** The coordinator's collaborators, shared by the use-case services behind the REST API. */
export interface CoordinatorContext {
  store: DataStore;
  hub: EventHub;
  clock: Clock;
  runs: RunService;
  jobs: JobRunner;
  scheduler: SchedulerService;
  logs: LogStore;
}
