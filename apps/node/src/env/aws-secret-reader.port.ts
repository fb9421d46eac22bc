/** Environment as a plain map; `undefined` entries count as unset. */
export type EnvMap = Readonly<Record<string, string | undefined>>;

/** Where and as whom to look a value up. */
export interface AwsLookupOptions {
  region: string;
  /** Named profile from the shared AWS config/credentials files; null = the default credential chain. */
  profile: string | null;
  /**
   * The node's environment. The adapter takes endpoint overrides (`AWS_ENDPOINT_URL_SECRETS_MANAGER`,
   * `AWS_ENDPOINT_URL_SSM`, `AWS_ENDPOINT_URL`) and static credentials (`AWS_ACCESS_KEY_ID`, …) from it, so the
   * environment the run is built from is also the one its secrets are fetched with.
   */
  env: EnvMap;
}

/**
 * Port for reading secrets from AWS: Secrets Manager (GetSecretValue → SecretString) and SSM Parameter Store
 * (GetParameter). Rejects with an Error whose message names the AWS error (e.g. `AccessDeniedException: …`).
 */
export interface AwsSecretReader {
  getSecretString(secretId: string, options: AwsLookupOptions): Promise<string>;
  getParameter(name: string, options: AwsLookupOptions & { decrypt: boolean }): Promise<string>;
}

/** Nest injection token for the AwsSecretReader port. */
export const AWS_SECRET_READER = Symbol('AWS_SECRET_READER');
