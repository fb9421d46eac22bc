'use client';
import { useEffect, useRef, useState } from 'react';
import { api } from '@/lib/api';
import { useDashboard } from '@/lib/dashboard-store';
import type { EnvVar, EnvVarSource, Profile } from '@/lib/types';
import { sameName } from '@/lib/bulk';
import { Dialog, ErrorBanner, Field, cx, useAction, useConfirm } from './ui';

export const SOURCES: { value: EnvVarSource; label: string; valueLabel: string | null; placeholder: string }[] = [
  { value: 'static', label: 'Static value', valueLabel: 'Value (secret)', placeholder: 'sk-…' },
  { value: 'env', label: 'Environment variable', valueLabel: 'Variable name', placeholder: 'ANTHROPIC_API_KEY' },
  { value: 'keychain', label: 'macOS Keychain', valueLabel: 'service/account', placeholder: 'anthropic/api-key' },
  {
    value: 'aws_sm',
    label: 'AWS Secrets Manager',
    valueLabel: 'Secret id (or ARN)',
    placeholder: 'prod/anthropic-key',
  },
  { value: 'aws_ssm', label: 'AWS SSM Parameter', valueLabel: 'Parameter name', placeholder: '/claude/api-key' },
  {
    value: 'command',
    label: 'Shell command',
    valueLabel: 'Command (run without a shell)',
    placeholder: 'pass show anthropic',
  },
  { value: 'unset', label: 'Unset (remove from the environment)', valueLabel: null, placeholder: '' },
];

interface VarRow extends EnvVar {
  /** The value as the server sent it (masked for static values): unchanged rows send it back as is. */
  original?: string;
}

function cfg(v: VarRow, key: string): string {
  const x = v.config?.[key];
  return typeof x === 'string' || typeof x === 'number' ? String(x) : '';
}

/** Profiles: named sets of environment variables, each from a source (static, env, keychain, AWS, command, unset). */
export function ProfilesDialog({ profileId, onClose }: { profileId?: string | null; onClose: () => void }) {
  const { state, refreshProfiles } = useDashboard();
  const [selected, setSelected] = useState<string | null>(profileId ?? state.profiles[0]?.id ?? 'new');
  const profile = selected && selected !== 'new' ? (state.profiles.find((p) => p.id === selected) ?? null) : null;
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [vars, setVars] = useState<VarRow[]>([]);
  const [shown, setShown] = useState<Record<number, boolean>>({});
  const save = useAction();
  const remove = useAction();
  const confirm = useConfirm();

  useEffect(() => {
    setName(profile?.name ?? '');
    setDescription(profile?.description ?? '');
    setVars((profile?.env_vars ?? []).map((v) => ({ ...v, original: v.value })));
    setShown({});
    save.clear();
    // Reset the form only when another profile is chosen (or its stored version changes).
  }, [profile?.id, profile?.updated_at]);

  // A new profile or a new variable: focus moves to the field to fill in first.
  const form = useRef<HTMLFormElement>(null);
  const focusNext = useRef<string | null>(null);
  useEffect(() => {
    if (!focusNext.current) return;
    form.current?.querySelector<HTMLElement>(focusNext.current)?.focus();
    focusNext.current = null;
  });

  const setVar = (i: number, p: Partial<VarRow>): void => setVars(vars.map((v, j) => (j === i ? { ...v, ...p } : v)));
  const setCfg = (i: number, key: string, value: unknown): void => {
    const config = { ...(vars[i]?.config ?? {}) };
    if (value === '' || value === null || value === false) delete config[key];
    else config[key] = value;
    setVar(i, { config: Object.keys(config).length ? config : null });
  };

  const body = {
    name,
    description,
    // A stored row goes back with its id (its masked value then keeps the secret); a new row ('' id) gets one.
    env_vars: vars.map(({ original: _o, id, ...v }) => ({
      ...(id ? { id } : {}),
      ...v,
      value: v.source === 'unset' ? '' : v.value,
    })),
  };
  const f = save.liveFields(body);

  const submit = async (): Promise<void> => {
    await save.run(
      profile ? 'save the profile' : 'create the profile',
      async () => {
        if (profile) await api.put(`/api/profiles/${profile.id}`, body);
        else {
          const { profile: created } = await api.post<{ profile: Profile }>('/api/profiles', body);
          await refreshProfiles();
          setSelected(created.id);
        }
      },
      body,
    );
  };

  const del = async (): Promise<void> => {
    if (!profile) return;
    const users =
      state.tasks.filter((t) => t.profile === profile.id).length +
      state.jobs.filter((j) => j.profile === profile.id).length;
    const ok = await confirm({
      title: 'Delete profile',
      danger: true,
      confirmLabel: 'Delete profile',
      message: (
        <p>
          Delete the profile <strong>{profile.name}</strong>?
          {users > 0 && ` ${users} task(s)/job(s) use it; they will run without a profile.`}
        </p>
      ),
    });
    if (!ok) return;
    await remove.run('delete the profile', async () => {
      await api.del(`/api/profiles/${profile.id}${users > 0 ? '?force=true' : ''}`);
      setSelected(state.profiles.find((p) => p.id !== profile.id)?.id ?? 'new');
    });
  };

  return (
    <Dialog title="Profiles" onClose={onClose} wide>
      <div className="profiles">
        <nav className="profile-list" aria-label="Profiles">
          <ul className="list">
            {state.profiles.map((p) => (
              <li key={p.id} className={cx('list-item', selected === p.id && 'selected')}>
                <button
                  type="button"
                  className="item-select"
                  aria-current={selected === p.id ? 'true' : undefined}
                  onClick={() => setSelected(p.id)}
                >
                  <span className="item-main">
                    <span className="item-title">{p.name}</span>
                    <span className="item-sub">{p.env_vars.length} variable(s)</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              focusNext.current = '[data-profile-name]';
              setSelected('new');
            }}
          >
            + Add profile
          </button>
        </nav>
        <form
          ref={form}
          noValidate
          className="form profile-form"
          aria-label="Profile"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <ErrorBanner error={save.error ?? remove.error} />
          <Field
            label="Profile name"
            error={f['name']}
            warning={
              sameName(name, state.profiles, profile?.id ?? null)
                ? `Another profile is already called “${name.trim()}”.`
                : null
            }
          >
            {(p) => (
              <input
                {...p}
                data-profile-name
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder="Work account"
              />
            )}
          </Field>
          <Field label="Description" error={f['description']}>
            {(p) => <input {...p} value={description} onChange={(e) => setDescription(e.target.value)} />}
          </Field>
          <h3 className="section-title">Environment variables</h3>
          {vars.length === 0 && <p className="muted small">No variables yet.</p>}
          <ul className="env-vars" aria-label="Environment variables">
            {vars.map((v, i) => {
              const src = SOURCES.find((s) => s.value === v.source) ?? SOURCES[0];
              const isStatic = v.source === 'static';
              const masked = isStatic && v.original !== undefined && v.value === v.original;
              return (
                <li key={i} className="env-var">
                  <div className="env-row">
                    <Field label="Name" error={f[`env_vars.${i}.name`]}>
                      {(p) => (
                        <input
                          {...p}
                          className="mono"
                          aria-label={`Variable ${i + 1} name`}
                          value={v.name}
                          placeholder="ANTHROPIC_API_KEY"
                          onChange={(e) => setVar(i, { name: e.target.value })}
                        />
                      )}
                    </Field>
                    <Field label="Source" error={f[`env_vars.${i}.source`]}>
                      {(p) => (
                        <select
                          {...p}
                          aria-label={`Variable ${i + 1} source`}
                          value={v.source}
                          onChange={(e) => setVar(i, { source: e.target.value as EnvVarSource, config: null })}
                        >
                          {SOURCES.map((s) => (
                            <option key={s.value} value={s.value}>
                              {s.label}
                            </option>
                          ))}
                        </select>
                      )}
                    </Field>
                    {src.valueLabel && (
                      <Field
                        label={src.valueLabel}
                        error={f[`env_vars.${i}.value`]}
                        hint={masked ? 'Stored secret, shown masked. Type to replace it.' : undefined}
                      >
                        {(p) => (
                          <span className="with-button">
                            <input
                              {...p}
                              className="mono"
                              aria-label={`Variable ${i + 1} value`}
                              // A secret the user types is hidden; the server's masked text is not a secret.
                              type={isStatic && !masked && !shown[i] ? 'password' : 'text'}
                              autoComplete="off"
                              value={v.value}
                              placeholder={src.placeholder}
                              onChange={(e) => setVar(i, { value: e.target.value })}
                            />
                            {isStatic && !masked && (
                              <button
                                type="button"
                                className="btn btn-small"
                                aria-label={shown[i] ? `Hide variable ${i + 1} value` : `Show variable ${i + 1} value`}
                                onClick={() => setShown({ ...shown, [i]: !shown[i] })}
                              >
                                {shown[i] ? 'Hide' : 'Show'}
                              </button>
                            )}
                          </span>
                        )}
                      </Field>
                    )}
                    <button
                      type="button"
                      className="icon-btn danger env-remove"
                      aria-label={`Remove variable ${v.name || i + 1}`}
                      onClick={() => setVars(vars.filter((_, j) => j !== i))}
                    >
                      ×
                    </button>
                  </div>
                  {(v.source === 'aws_sm' || v.source === 'aws_ssm') && (
                    <div className="env-config grid-3">
                      <Field label="AWS region" error={f[`env_vars.${i}.config`]}>
                        {(p) => (
                          <input
                            {...p}
                            value={cfg(v, 'region')}
                            placeholder="eu-west-1"
                            onChange={(e) => setCfg(i, 'region', e.target.value)}
                          />
                        )}
                      </Field>
                      <Field label="AWS profile">
                        {(p) => (
                          <input
                            {...p}
                            value={cfg(v, 'profile')}
                            placeholder="default"
                            onChange={(e) => setCfg(i, 'profile', e.target.value)}
                          />
                        )}
                      </Field>
                      {v.source === 'aws_ssm' && (
                        <label className="check">
                          <input
                            type="checkbox"
                            checked={v.config?.['decrypt'] !== false}
                            onChange={(e) => setCfg(i, 'decrypt', e.target.checked ? null : false)}
                          />
                          Decrypt SecureString
                        </label>
                      )}
                    </div>
                  )}
                  {v.source === 'command' && (
                    <div className="env-config grid-3">
                      <Field label="Timeout (s)">
                        {(p) => (
                          <input
                            {...p}
                            type="number"
                            min={1}
                            value={cfg(v, 'timeout_seconds')}
                            onChange={(e) =>
                              setCfg(i, 'timeout_seconds', e.target.value ? Number(e.target.value) : null)
                            }
                          />
                        )}
                      </Field>
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              focusNext.current = `[aria-label="Variable ${vars.length + 1} name"]`;
              setVars([...vars, { id: '', name: '', source: 'static', value: '', config: null }]);
            }}
          >
            + Add variable
          </button>
          <div className="form-actions">
            {profile && (
              <button type="button" className="btn btn-danger" onClick={() => void del()}>
                Delete profile
              </button>
            )}
            <span className="spacer" />
            <button type="submit" className="btn btn-primary" disabled={save.busy}>
              {profile ? 'Save profile' : 'Create profile'}
            </button>
          </div>
        </form>
      </div>
    </Dialog>
  );
}
