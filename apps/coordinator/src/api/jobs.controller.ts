import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Coordinator } from '../coordinator';
import { queryFlag } from './query';
import { COORDINATOR } from './tokens';

@ApiTags('jobs')
@Controller('api/jobs')
export class JobsController {
  constructor(@Inject(COORDINATOR) private readonly c: Coordinator) {}

  @Get()
  list() {
    const jobs = this.c.jobs.list();
    return { jobs, count: jobs.length };
  }

  @Post()
  async create(@Body() body: unknown) {
    return { job: await this.c.jobs.create(body) };
  }

  /** Declared before `:id` routes so "import" is never taken for an id. */
  @Post('import')
  async import(@Body() body: unknown, @Query('force') force?: string, @Query('new_ids') newIds?: string) {
    return this.c.jobs.import(body, { force: queryFlag(force, 'force'), newIds: queryFlag(newIds, 'new_ids') });
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return { job: this.c.jobs.get(id) };
  }

  @Put(':id')
  async update(@Param('id') id: string, @Body() body: unknown) {
    return { job: await this.c.jobs.update(id, body) };
  }

  @Delete(':id')
  async delete(@Param('id') id: string) {
    const r = await this.c.jobs.delete(id);
    return { deleted: r.job.id, tasks_deleted: r.tasks_deleted, runs_deleted: r.runs_deleted, worktree_kept: r.worktree_kept };
  }

  @Get(':id/tasks')
  tasks(@Param('id') id: string) {
    const tasks = this.c.jobs.tasksOf(id);
    return { tasks, count: tasks.length };
  }

  @Get(':id/task-order')
  taskOrder(@Param('id') id: string) {
    return { task_order: this.c.jobs.taskOrder(id) };
  }

  @Put(':id/task-order')
  async setTaskOrder(@Param('id') id: string, @Body() body: unknown) {
    const job = await this.c.jobs.setTaskOrder(id, body);
    return { task_order: job.task_order, job };
  }

  @Post(':id/run')
  @HttpCode(202)
  async run(@Param('id') id: string) {
    const { job, run } = await this.c.jobs.run(id);
    return { job, run_id: run.id, run };
  }

  @Post(':id/stop')
  async stop(@Param('id') id: string) {
    return { job: await this.c.jobs.stop(id) };
  }

  @Get(':id/export')
  export(@Param('id') id: string) {
    return this.c.jobs.export(id);
  }
}
