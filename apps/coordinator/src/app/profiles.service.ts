import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  CreateProfileDto,
  Profile,
  UpdateProfileDto,
  maskProfile,
  mergeProfileUpdate,
  profileFromCreateDto,
} from '@ccs/core';
import type { CoordinatorContext } from './context';
import { validated } from './validate';

/**
 * Profile use cases. Static values are secrets: responses mask them unless the caller asks for unmasked values
 * AND settings allow it (`unmask_env_vars`). Variables carry stable ids: an update that sends a variable back with
 * its id and its masked value keeps the stored secret (also when it was renamed), and a masked value that matches
 * no stored secret is refused, so editing a profile never replaces a secret with its mask.
 */
export class ProfilesService {
  constructor(private readonly ctx: CoordinatorContext) {}

  private present(p: Profile, unmask: boolean): Profile {
    return unmask && this.ctx.store.settings.get().unmask_env_vars ? p : maskProfile(p);
  }

  list(unmask = false): Profile[] {
    return this.ctx.store.profiles.list().map((p) => this.present(p, unmask));
  }

  get(id: string, unmask = false): Profile {
    return this.present(this.ctx.store.profiles.resolve(id), unmask);
  }

  async create(body: unknown): Promise<Profile> {
    const dto = validated(CreateProfileDto, body);
    const profile = profileFromCreateDto(dto, randomUUID(), this.ctx.clock.now().toISOString());
    await this.save(profile);
    return maskProfile(profile);
  }

  async update(id: string, body: unknown): Promise<Profile> {
    const current = this.ctx.store.profiles.resolve(id);
    const dto = validated(UpdateProfileDto, body);
    const profile = mergeProfileUpdate(current, dto, this.ctx.clock.now().toISOString());
    await this.save(profile);
    return maskProfile(profile);
  }

  /** Refuses while tasks or jobs use the profile, unless `force` (which clears those references). */
  async delete(id: string, force = false): Promise<{ profile: Profile; references_cleared: number }> {
    const { store, hub, clock } = this.ctx;
    const profile = store.profiles.resolve(id);
    const tasks = store.tasks.list().filter((t) => t.profile === profile.id);
    const jobs = store.jobs.list().filter((j) => j.profile === profile.id);
    if ((tasks.length || jobs.length) && !force) {
      throw new ConflictError(
        `profile "${profile.name}" is used by ${tasks.length} task(s) and ${jobs.length} job(s)`,
        {
          task_ids: tasks.map((t) => t.id),
          job_ids: jobs.map((j) => j.id),
          hint: 'change those tasks/jobs first, or delete with force=true to clear the references',
        },
      );
    }
    const now = clock.now().toISOString();
    await store.tasks.putMany(tasks.map((t) => ({ ...t, profile: null, updated_at: now })));
    await store.jobs.putMany(jobs.map((j) => ({ ...j, profile: null, updated_at: now })));
    await store.profiles.delete(profile.id);
    hub.publish('profile.changed', { id: profile.id, deleted: true });
    return { profile: maskProfile(profile), references_cleared: tasks.length + jobs.length };
  }

  private async save(p: Profile): Promise<void> {
    await this.ctx.store.profiles.put(p);
    this.ctx.hub.publish('profile.changed', maskProfile(p));
  }
}
