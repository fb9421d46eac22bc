import { Body, Controller, Delete, Get, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Coordinator } from '../coordinator';
import { queryFlag } from './query';
import { COORDINATOR } from './tokens';

@ApiTags('profiles')
@Controller('api/profiles')
export class ProfilesController {
  constructor(@Inject(COORDINATOR) private readonly c: Coordinator) {}

  /** `?unmask=true` shows secret values only when settings.unmask_env_vars is on. */
  @Get()
  list(@Query('unmask') unmask?: string) {
    const profiles = this.c.profiles.list(queryFlag(unmask, 'unmask'));
    return { profiles, count: profiles.length };
  }

  @Post()
  async create(@Body() body: unknown) {
    return { profile: await this.c.profiles.create(body) };
  }

  @Get(':id')
  get(@Param('id') id: string, @Query('unmask') unmask?: string) {
    return { profile: this.c.profiles.get(id, queryFlag(unmask, 'unmask')) };
  }

  @Put(':id')
  async update(@Param('id') id: string, @Body() body: unknown) {
    return { profile: await this.c.profiles.update(id, body) };
  }

  @Delete(':id')
  async delete(@Param('id') id: string, @Query('force') force?: string) {
    const r = await this.c.profiles.delete(id, queryFlag(force, 'force'));
    return { deleted: r.profile.id, references_cleared: r.references_cleared };
  }
}
