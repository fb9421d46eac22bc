'use client';
import { useState } from 'react';
import { api } from '@/lib/api';
import { useDashboard } from '@/lib/dashboard-store';
import type { JobView } from '@/lib/types';
import { sameName } from '@/lib/bulk';
import { Dialog, ErrorBanner, Field, useAction } from './ui';

/** New job / edit job: name, description, profile, working directory, git worktree. */
export function JobDialog({ jobId, onClose }: { jobId: string | null; onClose: () => void }) {
  const { state, selectJob } = useDashboard();
  const job = jobId ? (state.jobs.find((j) => j.id === jobId) ?? null) : null;
  const [name, setName] = useState(job?.name ?? '');
  const [description, setDescription] = useState(job?.description ?? '');
  const [profile, setProfile] = useState<string | null>(job?.profile ?? null);
  const [path, setPath] = useState(
    job?.working_directory.path ?? state.settings?.default_working_directory ?? '~/projects',
  );
  const [worktree, setWorktree] = useState(job?.working_directory.use_git_worktree ?? false);
  const [worktreeName, setWorktreeName] = useState(job?.working_directory.worktree_name ?? '');
  const [branch, setBranch] = useState(job?.working_directory.worktree_branch ?? '');
  const save = useAction();
  const body = {
    name,
    description,
    profile,
    working_directory: {
      path,
      use_git_worktree: worktree,
      worktree_name: worktreeName.trim() || null,
      worktree_branch: branch.trim() || null,
    },
  };
  const f = save.liveFields(body);

  const submit = async (): Promise<void> => {
    const ok = await save.run(
      job ? 'save the job' : 'create the job',
      async () => {
        if (job) await api.put(`/api/jobs/${job.id}`, body);
        else {
          const { job: created } = await api.post<{ job: JobView }>('/api/jobs', body);
          selectJob(created.id);
        }
        return true;
      },
      body,
    );
    if (ok) onClose();
  };

  return (
    <Dialog
      title={job ? `Edit job: ${job.name}` : 'New job'}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="job-form" className="btn btn-primary" disabled={save.busy}>
            {job ? 'Save' : 'Create job'}
          </button>
        </>
      }
    >
      <form
        noValidate
        id="job-form"
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <ErrorBanner error={save.error} />
        <Field
          label="Name"
          error={f['name']}
          warning={
            sameName(name, state.jobs, job?.id ?? null) ? `Another job is already called “${name.trim()}”.` : null
          }
        >
          {(p) => (
            <input
              {...p}
              autoFocus
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="Nightly maintenance"
            />
          )}
        </Field>
        <Field label="Description" error={f['description']}>
          {(p) => <textarea {...p} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <Field
          label="Profile"
          error={f['profile']}
          hint="Applies to every task of the job and wins over their own profiles."
        >
          {(p) => (
            <select {...p} value={profile ?? ''} onChange={(e) => setProfile(e.target.value || null)}>
              <option value="">(None — use the tasks’ profiles)</option>
              {state.profiles.map((pr) => (
                <option key={pr.id} value={pr.id}>
                  {pr.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="Working directory"
          error={f['working_directory.path']}
          hint="~ and $VARS are expanded where the task runs."
        >
          {(p) => <input {...p} className="mono" value={path} onChange={(e) => setPath(e.target.value)} />}
        </Field>
        <label className="check">
          <input type="checkbox" checked={worktree} onChange={(e) => setWorktree(e.target.checked)} />
          Use a git worktree for isolation
        </label>
        {worktree && (
          <div className="grid-2">
            <Field
              label="Worktree name"
              error={f['working_directory.worktree_name']}
              hint={`Runs in ${path.replace(/\/+$/, '')}/trees/<name>`}
            >
              {(p) => (
                <input
                  {...p}
                  className="mono"
                  value={worktreeName}
                  placeholder={job ? `job-${job.id.slice(0, 8)}` : 'job-<id>'}
                  onChange={(e) => setWorktreeName(e.target.value)}
                />
              )}
            </Field>
            <Field label="Branch" error={f['working_directory.worktree_branch']} hint="Empty = detached at HEAD">
              {(p) => (
                <input
                  {...p}
                  className="mono"
                  value={branch}
                  placeholder="feature/nightly"
                  onChange={(e) => setBranch(e.target.value)}
                />
              )}
            </Field>
          </div>
        )}
      </form>
    </Dialog>
  );
}
