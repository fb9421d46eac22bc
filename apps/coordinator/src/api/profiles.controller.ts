import { Body, Controller, Delete, Get, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CreateProfileDto, UpdateProfileDto } from '@ccs/core';
import type { Coordinator } from '../coordinator';
import { queryFlag } from './query';
import { COORDINATOR } from './tokens';

@ApiTags('profiles')
@Controller('api/profiles')
export class ProfilesController {
  constructor(@Inject(COORDINATOR) private readonly c: Coordinator) {}

  /** `?unmask=true` shows secret values only when settings.unmask_env_vars is on. */
  @Get()
  @ApiQuery({ name: 'unmask', required: false, type: Boolean })
  list(@Query('unmask') unmask?: string) {
    const profiles = this.c.profiles.list(queryFlag(unmask, 'unmask'));
    return { profiles, count: profiles.length };
  }

  @Post()
  @ApiBody({ type: CreateProfileDto })
  async create(@Body() body: unknown) {
    return { profile: await this.c.profiles.create(body) };
  }

  @Get(':id')
  @ApiQuery({ name: 'unmask', required: false, type: Boolean })
  get(@Param('id') id: string, @Query('unmask') unmask?: string) {
    return { profile: this.c.profiles.get(id, queryFlag(unmask, 'unmask')) };
  }

  @Put(':id')
  @ApiBody({ type: UpdateProfileDto })
  async update(@Param('id') id: string, @Body() body: unknown) {
    return { profile: await this.c.profiles.update(id, body) };
  }

  @Delete(':id')
  @ApiQuery({ name: 'force', required: false, type: Boolean, description: 'clear references from tasks and jobs' })
  async delete(@Param('id') id: string, @Query('force') force?: string) {
    const r = await this.c.profiles.delete(id, queryFlag(force, 'force'));
    return { deleted: r.profile.id, references_cleared: r.references_cleared };
  }
}
