import { Injectable } from '@nestjs/common';
import type { Command } from 'commander';
import { Run } from '@ccs/core';
import { CliOutput } from '../../output/cli-output';
import { ApiClient } from '../../client/api-client';
import { ApiClientFactory } from '../../client/api-client.factory';
import { ApiRequestError, RunFailedError } from '../../client/api-client.errors';
import { ConfirmPrompt } from '../../client/confirm.prompt';
import { followRunLog } from '../../client/run-log.follower';
import { CcsCommand } from '../ccs-command.base';
import { formatDuration, shortId } from '../../output/text-format';
import { formatCost } from './api-tables';
import { OptionSpec, addOptions, givenOptions } from './option-spec';

/** What every `cli` command needs: the API client, stdout, and the delete confirmation. */
@Injectable()
export class ApiCommandDeps {
  constructor(
    readonly clients: ApiClientFactory,
    readonly out: CliOutput,
    readonly prompt: ConfirmPrompt,
  ) {}
}

export type OutputFormat = 'json' | 'table';

export const OUTPUT_OPTION: OptionSpec = {
  flags: '--output <format>',
  description: "json (default: the API's answer, pretty-printed) or table",
  choices: ['json', 'table'],
};

export const FORCE_OPTION: OptionSpec = { flags: '-f, --force', description: 'do not ask for confirmation' };

/** A value that can only be an id or an id prefix (UUID characters); anything else is looked up as a name. */
const ID_LIKE = /^[0-9a-fA-F-]{1,36}$/;
const FULL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Resource = 'tasks' | 'jobs' | 'profiles';

/**
 * Base of the `cli` leaf commands: thin wrappers that parse options, call the REST API and print the answer.
 * Options are declared as data (`options`) and read back as given on the command line only, so an update sends
 * exactly the fields the user named.
 */
@Injectable()
export abstract class ApiCommand extends CcsCommand {
  /** The command's own options, besides the group's `--api-url`/`--api-token` and the global `-v`. */
  protected readonly optionSpecs: readonly OptionSpec[] = [];
  private client: ApiClient | undefined;

  constructor(protected readonly deps: ApiCommandDeps) {
    super();
  }

  protected override configureCommand(command: Command): void {
    addOptions(command, this.optionSpecs);
  }

  /** nest-commander's own option map only knows decorated options; ours are read from commander directly. */
  run(args: string[]): Promise<void> {
    return this.execute(args);
  }

  protected abstract execute(args: string[]): Promise<void>;

  protected get out(): CliOutput {
    return this.deps.out;
  }

  protected api(): ApiClient {
    if (!this.client) {
      const o = this.command.optsWithGlobals<{ apiUrl?: string; apiToken?: string }>();
      this.client = this.deps.clients.create({ apiUrl: o.apiUrl, apiToken: o.apiToken });
    }
    return this.client;
  }

  protected given<T extends object>(): Partial<T> {
    return givenOptions<T>(this.command);
  }

  protected format(): OutputFormat {
    return this.command.opts<{ output?: OutputFormat }>().output ?? 'json';
  }

  /** The API's answer as pretty JSON (the default), or the table rendering with `--output table`. */
  protected print(answer: unknown, table: () => string): void {
    if (this.format() === 'table') this.out.line(table());
    else this.out.json(answer);
  }

  /** A human note that is not data (what was done, warnings): stderr, so stdout stays parseable. */
  protected note(text: string): void {
    process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  protected async confirm(question: string): Promise<boolean> {
    const force = this.command.opts<{ force?: boolean }>().force === true;
    const ok = await this.deps.prompt.confirm(question, { force });
    if (!ok) this.note('Cancelled; nothing was changed.');
    return ok;
  }

  /**
   * The id to put in a URL for a task, job or profile the user named: an id or id prefix goes to the API as is (it
   * resolves prefixes in paths and answers 404/400 itself); anything else is looked up by name.
   */
  protected async resolveRef(resource: Resource, ref: string): Promise<string> {
    return ID_LIKE.test(ref) ? ref : this.resolveFullId(resource, ref);
  }

  /**
   * The full id for a reference inside a request body (`profile`, `job_id`), where the API expects the stored id:
   * the exact id, else the exact name, else a unique id prefix, else a case-insensitive name.
   */
  protected async resolveFullId(resource: Resource, ref: string): Promise<string> {
    if (FULL_UUID.test(ref)) return ref;
    const singular = resource.slice(0, -1);
    const answer = await this.api().get<Record<string, { id: string; name: string }[]>>(`/api/${resource}`);
    const all = answer[resource] ?? [];
    const lower = ref.toLowerCase();
    const tries: ((x: { id: string; name: string }) => boolean)[] = [
      (x) => x.id === ref,
      (x) => x.name === ref,
      (x) => ID_LIKE.test(ref) && x.id.toLowerCase().startsWith(lower),
      (x) => x.name.toLowerCase() === lower,
    ];
    for (const matches of tries) {
      const hits = all.filter(matches);
      if (hits.length === 1) return hits[0].id;
      if (hits.length > 1) {
        throw new ApiRequestError(
          `"${ref}" matches ${hits.length} ${resource}: ${hits.map((h) => `${h.id} (${h.name})`).join(', ')}; give the full id`,
          400,
          'AMBIGUOUS_ID',
        );
      }
    }
    throw new ApiRequestError(
      `No ${singular} matches "${ref}" (give its name, id or a unique id prefix)`,
      404,
      'NOT_FOUND',
    );
  }

  /** Like resolveFullId, for an option that may also clear the reference (null). */
  protected async resolveOptionalRef(resource: Resource, ref: unknown): Promise<string | null | undefined> {
    if (typeof ref !== 'string') return ref === null ? null : undefined;
    return this.resolveFullId(resource, ref);
  }

  /**
   * Runs `call`; when the API refuses with `status`, its hint (which speaks HTTP, e.g. "pass ?force=true") is
   * replaced by the command-line spelling of the same advice.
   */
  protected async withCliHint<T>(status: number, hint: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof ApiRequestError) || err.status !== status) throw err;
      const message = err.message.replace(/\n\s*hint:[\s\S]*$/, '');
      throw new ApiRequestError(`${message}\n  hint: ${hint}`, err.status, err.apiCode, err.details);
    }
  }

  /** Streams a run's log (the text log, or the raw stream-json) to stdout until it ends; returns the final run. */
  protected followRun(runId: string, kind: 'log' | 'jsonl' = 'log'): Promise<Run> {
    const decoder = new TextDecoder();
    return followRunLog(
      this.api(),
      runId,
      (chunk) => {
        const text = decoder.decode(chunk, { stream: true });
        if (text) this.out.write(text);
      },
      { kind },
    );
  }
}

/** One line about how a run ended: status, time, cost and tokens, and why when it did not succeed. */
export function runSummary(run: Run): string {
  const parts = [`Run ${shortId(run.id)} of "${run.task_name}": ${run.status}`];
  if (run.duration !== null) parts.push(`in ${formatDuration(run.duration)}`);
  if (run.cost_usd !== null) parts.push(`cost ${formatCost(run.cost_usd)}`);
  if (run.input_tokens !== null || run.output_tokens !== null) {
    parts.push(`tokens ${run.input_tokens ?? 0} in / ${run.output_tokens ?? 0} out`);
  }
  const why =
    run.status === 'success' ? null : (run.status_reason ?? run.errors?.split('\n').find((l) => l.trim()) ?? null);
  const exit = run.exit_code !== null && run.status !== 'success' ? ` (exit code ${run.exit_code})` : '';
  return `${parts.join(', ')}${why ? ` — ${why}` : ''}${exit}`;
}

/** Ends a `--wait`: a summary on stderr; a failed or cancelled run makes the command fail (exit 1). */
export function finishWaitedRun(run: Run, note: (text: string) => void): void {
  if (run.status === 'success') {
    note(runSummary(run));
    return;
  }
  throw new RunFailedError(runSummary(run));
}

/** Adds `--output json|table` to commands that print records. */
export function withOutput(specs: readonly OptionSpec[] = []): OptionSpec[] {
  return [...specs, OUTPUT_OPTION];
}

export function path(resource: string, id: string, ...rest: string[]): string {
  return [`/api/${resource}`, encodeURIComponent(id), ...rest].join('/');
}
