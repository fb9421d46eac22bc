import { Inject, Injectable } from '@nestjs/common';
import { ValidationError } from '@ccs/core';
import { API_URL_ENV, CLI_CONFIG, CliConfig } from '../cli.config';
import { ApiClient, DEFAULT_API_URL } from './api-client';

/** Checks an API base URL: absolute http(s), no query or fragment. Returns the reason it is wrong, or null. */
export function apiUrlProblem(value: string): string | null {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return 'expected an absolute URL such as http://127.0.0.1:5679';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return `expected an http:// or https:// URL, got ${u.protocol}`;
  if (u.search || u.hash) return 'the API URL takes no query string or fragment';
  return null;
}

/**
 * Builds the client for one command from the `cli` group's flags and the environment: `--api-url` beats
 * CLAUDE_SCHEDULER_API_URL beats http://127.0.0.1:5679; `--api-token` beats CLAUDE_SCHEDULER_API_TOKEN.
 */
@Injectable()
export class ApiClientFactory {
  constructor(@Inject(CLI_CONFIG) private readonly config: CliConfig) {}

  create(flags: { apiUrl?: string; apiToken?: string }): ApiClient {
    const baseUrl = flags.apiUrl ?? this.config.apiUrlEnv ?? DEFAULT_API_URL;
    if (flags.apiUrl === undefined && this.config.apiUrlEnv !== undefined) {
      const problem = apiUrlProblem(this.config.apiUrlEnv);
      if (problem) throw new ValidationError(`${API_URL_ENV}="${this.config.apiUrlEnv}" is not usable: ${problem}`);
    }
    return new ApiClient({ baseUrl, token: flags.apiToken ?? this.config.apiTokenEnv ?? null });
  }
}
