import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ResponseCache } from './response-cache';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CreateJobDto, ImportJobDto, TaskOrderDto, UpdateJobDto } from '@ccs/core';
import type { Coordinator } from '../coordinator';
import { queryFlag } from './query';
import { COORDINATOR } from './tokens';

@ApiTags('jobs')
@Controller('api/jobs')
export class JobsController {
  constructor(
    @Inject(COORDINATOR) private readonly c: Coordinator,
    private readonly cache: ResponseCache,
  ) {}

  @Get()
  list(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.cache.send(req, reply, () => {
      const jobs = this.c.jobs.list();
      return { jobs, count: jobs.length };
    });
  }

  @Post()
  @ApiBody({ type: CreateJobDto })
  async create(@Body() body: unknown) {
    return { job: await this.c.jobs.create(body) };
  }

  /** Declared before `:id` routes so "import" is never taken for an id. */
  @Post('import')
  @ApiOperation({ summary: 'Import a job export document (version 1.0); 409 on id conflicts unless force or new_ids' })
  @ApiBody({ type: ImportJobDto })
  @ApiQuery({ name: 'force', required: false, type: Boolean })
  @ApiQuery({ name: 'new_ids', required: false, type: Boolean })
  async import(@Body() body: unknown, @Query('force') force?: string, @Query('new_ids') newIds?: string) {
    return this.c.jobs.import(body, { force: queryFlag(force, 'force'), newIds: queryFlag(newIds, 'new_ids') });
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return { job: this.c.jobs.get(id) };
  }

  @Put(':id')
  @ApiBody({ type: UpdateJobDto })
  async update(@Param('id') id: string, @Body() body: unknown) {
    return { job: await this.c.jobs.update(id, body) };
  }

  @Delete(':id')
  async delete(@Param('id') id: string) {
    const r = await this.c.jobs.delete(id);
    return {
      deleted: r.job.id,
      tasks_deleted: r.tasks_deleted,
      runs_deleted: r.runs_deleted,
      worktree_kept: r.worktree_kept,
    };
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
  @ApiOperation({ summary: 'Set the order (ids must be tasks of this job); a bare array is accepted too' })
  @ApiBody({ type: TaskOrderDto })
  async setTaskOrder(@Param('id') id: string, @Body() body: unknown) {
    const job = await this.c.jobs.setTaskOrder(id, body);
    return { task_order: job.task_order, job };
  }

  @Post(':id/run')
  @ApiOperation({ summary: 'Run the job: its enabled tasks in task order, one at a time; 202' })
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
  @ApiOperation({ summary: 'The job and its tasks in the original export format (version 1.0)' })
  export(@Param('id') id: string) {
    return this.c.jobs.export(id);
  }
}
