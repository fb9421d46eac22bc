import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ResponseCache } from './response-cache';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CreateTaskDto, UpdateTaskDto } from '@ccs/core';
import type { Coordinator } from '../coordinator';
import { queryInt } from './query';
import { COORDINATOR } from './tokens';

@ApiTags('tasks')
@Controller('api/tasks')
export class TasksController {
  constructor(
    @Inject(COORDINATOR) private readonly c: Coordinator,
    private readonly cache: ResponseCache,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List tasks (optionally of one job), with run totals and next fire time' })
  @ApiQuery({ name: 'job_id', required: false, description: 'Only tasks of this job (id or unique prefix)' })
  list(@Query('job_id') jobId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.cache.send(req, reply, () => {
      const job = jobId ? this.c.context.store.jobs.resolve(jobId) : null;
      const tasks = this.c.tasks.list(job ? { job_id: job.id } : {});
      return { tasks, count: tasks.length };
    });
  }

  @Post()
  @ApiOperation({ summary: 'Create a task (tasks may exist without a job)' })
  @ApiBody({ type: CreateTaskDto })
  async create(@Body() body: unknown) {
    return { task: await this.c.tasks.create(body) };
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return { task: this.c.tasks.get(id) };
  }

  @Put(':id')
  @ApiOperation({ summary: 'Update a task; nested schedule/retry/notifications merge field by field' })
  @ApiBody({ type: UpdateTaskDto })
  async update(@Param('id') id: string, @Body() body: unknown) {
    return { task: await this.c.tasks.update(id, body) };
  }

  @Delete(':id')
  async delete(@Param('id') id: string) {
    const { task, runs_deleted } = await this.c.tasks.delete(id);
    return { deleted: task.id, runs_deleted };
  }

  @Post(':id/run')
  @ApiOperation({ summary: 'Run the task now; 202 with the new run id' })
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
  @ApiOperation({ summary: 'What became of each due schedule slot: a run, or why not (newest first)' })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  occurrences(@Param('id') id: string, @Query('limit') limit?: string) {
    const occurrences = this.c.tasks.occurrences(id, queryInt(limit, 'limit', 100, 1, 10_000));
    return { occurrences, count: occurrences.length };
  }

  @Get(':id/schedule/preview')
  @ApiOperation({ summary: 'The next N fire times in the task zone and UTC' })
  @ApiQuery({ name: 'count', required: false, type: Number, description: '1–100, default 5' })
  preview(@Param('id') id: string, @Query('count') count?: string) {
    const task = this.c.context.store.tasks.resolve(id);
    return { task_id: task.id, fire_times: this.c.tasks.preview(id, queryInt(count, 'count', 5, 1, 100)) };
  }
}
