import { Controller, Get, Inject, Param, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { API_OPTIONS } from './tokens';
import type { ApiServerOptions } from './api-server';

/** Panels of the dashboard, as the original's UI inspection endpoints named them. */
export const UI_PANELS = ['jobs', 'task_list', 'task_editor', 'runs', 'logs', 'window', 'all'] as const;

/**
 * UI inspection (`/api/ui…`). Until the web dashboard is built (issue #7) these say so with a 503 and what is
 * missing, instead of pretending.
 */
@ApiTags('ui')
@Controller('api/ui')
export class UiController {
  constructor(@Inject(API_OPTIONS) private readonly options: ApiServerOptions) {}

  @Get()
  describe() {
    return {
      dashboard: this.options.dashboard ? 'served at /' : 'not built: the web dashboard arrives with issue #7',
      layout: { panes: ['jobs', 'tasks', 'task_editor', ['runs', 'logs']], log_tabs: ['live', 'output', 'raw', 'errors'] },
      panels: UI_PANELS,
    };
  }

  @Get('analysis')
  analysis() {
    return this.unavailable();
  }

  @Get('screenshot/:panel')
  screenshot(@Param('panel') panel: string) {
    void panel;
    return this.unavailable();
  }

  private unavailable(): never {
    throw new ServiceUnavailableException(
      'Screenshots need the web dashboard (issue #7) and a Chromium: install it with `apt-get install chromium` (Debian) and build the dashboard with `make web`.',
    );
  }
}
