import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Coordinator } from '../coordinator';
import { queryInt } from './query';
import { COORDINATOR } from './tokens';

@ApiTags('tasks')
@Controller('api/tasks')
export class TasksController {
  constructor(@Inject(COORDINATOR) private readonly c: Coordinator) {}

  @Get()
  list(@Query('job_id') jobId?: string) {
    const job = jobId ? this.c.context.store.jobs.resolve(jobId) : null;
    const tasks = this.c.tasks.list(job ? { job_id: job.id } : {});
    return { tasks, count: tasks.length };
  }

  @Post()
  async create(@Body() body: unknown) {
    return { task: await this.c.tasks.create(body) };
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return { task: this.c.tasks.get(id) };
  }

  @Put(':id')
  async update(@Param('id') id: string, @Body() body: unknown) {
    return { task: await this.c.tasks.update(id, body) };
  }

  @Delete(':id')
  async delete(@Param('id') id: string) {
    const { task, runs_deleted } = await this.c.tasks.delete(id);
    return { deleted: task.id, runs_deleted };
  }

  @Post(':id/run')
  @HttpCode(202)
  async run(@Param('id') id: string) {
    const run = await this.c.tasks.runNow(id);
    return { run_id: run.id, run };
  }

  @Post(':id/enable')
  async enable(@Param('id') id: string) {
    return { task: await this.c.tasks.setEnabled(id, true) };
  }

  @Post(':id/disable')
  async disable(@Param('id') id: string) {
    return { task: await this.c.tasks.setEnabled(id, false) };
  }

  @Get(':id/occurrences')
  occurrences(@Param('id') id: string, @Query('limit') limit?: string) {
    const occurrences = this.c.tasks.occurrences(id, queryInt(limit, 'limit', 100, 1, 10_000));
    return { occurrences, count: occurrences.length };
  }

  @Get(':id/schedule/preview')
  preview(@Param('id') id: string, @Query('count') count?: string) {
    const task = this.c.context.store.tasks.resolve(id);
    return { task_id: task.id, fire_times: this.c.tasks.preview(id, queryInt(count, 'count', 5, 1, 100)) };
  }
}
