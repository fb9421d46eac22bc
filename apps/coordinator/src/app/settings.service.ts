import { Settings, UpdateSettingsDto, definedFields } from '@ccs/core';
import type { CoordinatorContext } from './context';
import { validated } from './validate';

export class SettingsService {
  private readonly listeners = new Set<(s: Settings) => void>();

  constructor(private readonly ctx: CoordinatorContext) {}

  get(): Settings {
    return this.ctx.store.settings.get();
  }

  /** Called after every change (e.g. the worker resizes its concurrency limit). */
  onChange(listener: (s: Settings) => void): void {
    this.listeners.add(listener);
  }

  async update(body: unknown): Promise<Settings> {
    const dto = validated(UpdateSettingsDto, body);
    const settings = await this.ctx.store.settings.update(definedFields(dto));
    this.ctx.hub.publish('settings.changed', settings);
    for (const l of this.listeners) l(settings);
    return settings;
  }
}
