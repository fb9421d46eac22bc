import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AwsLookupOptions, AwsSecretReader, EnvMap } from './aws-secret-reader.port';

export interface SdkAwsSecretReaderOptions {
  /** Per-request timeout, ms. Default 30000 (the original's CLI timeout). */
  requestTimeoutMs?: number;
  /** TCP connect timeout, ms. Default 5000. */
  connectionTimeoutMs?: number;
}

interface ClientConfig {
  region: string;
  profile?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  requestHandler: { requestTimeout: number; connectionTimeout: number };
}

/**
 * The real AwsSecretReader on AWS SDK v3. Clients are cached per (region, profile, endpoint, credentials) and
 * closed by `destroy()`. A named profile is passed as the client's `profile` option (SDK v3 resolves it from
 * ~/.aws/config and ~/.aws/credentials itself, no extra credential-provider package needed).
 */
export class SdkAwsSecretReader implements AwsSecretReader {
  private readonly secretsClients = new Map<string, SecretsManagerClient>();
  private readonly ssmClients = new Map<string, SSMClient>();

  constructor(private readonly options: SdkAwsSecretReaderOptions = {}) {}

  async getSecretString(secretId: string, options: AwsLookupOptions): Promise<string> {
    const config = this.config(options, ['AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ENDPOINT_URL']);
    const client = cached(this.secretsClients, config, () => new SecretsManagerClient(config));
    const out = await translate(() => client.send(new GetSecretValueCommand({ SecretId: secretId })));
    if (typeof out.SecretString !== 'string') {
      throw new Error('the secret has no SecretString (binary secrets are not supported)');
    }
    return out.SecretString;
  }

  async getParameter(name: string, options: AwsLookupOptions & { decrypt: boolean }): Promise<string> {
    const config = this.config(options, ['AWS_ENDPOINT_URL_SSM', 'AWS_ENDPOINT_URL']);
    const client = cached(this.ssmClients, config, () => new SSMClient(config));
    const out = await translate(() =>
      client.send(new GetParameterCommand({ Name: name, WithDecryption: options.decrypt })),
    );
    const value = out.Parameter?.Value;
    if (typeof value !== 'string') throw new Error('the parameter has no value');
    return value;
  }

  /** Closes every cached client. Idempotent. */
  destroy(): void {
    for (const c of this.secretsClients.values()) c.destroy();
    for (const c of this.ssmClients.values()) c.destroy();
    this.secretsClients.clear();
    this.ssmClients.clear();
  }

  private config(options: AwsLookupOptions, endpointVars: string[]): ClientConfig {
    const config: ClientConfig = {
      region: options.region,
      requestHandler: {
        requestTimeout: this.options.requestTimeoutMs ?? 30_000,
        connectionTimeout: this.options.connectionTimeoutMs ?? 5_000,
      },
    };
    if (options.profile) config.profile = options.profile;
    const endpoint = firstSet(options.env, endpointVars);
    if (endpoint) config.endpoint = endpoint;
    // Static keys in the node's env are used unless a named profile was asked for (then the profile decides).
    const keyId = options.env['AWS_ACCESS_KEY_ID'];
    const secret = options.env['AWS_SECRET_ACCESS_KEY'];
    if (!options.profile && keyId && secret) {
      const token = options.env['AWS_SESSION_TOKEN'];
      config.credentials = { accessKeyId: keyId, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) };
    }
    return config;
  }
}

function firstSet(env: EnvMap, names: string[]): string | undefined {
  for (const n of names) {
    const v = env[n];
    if (v) return v;
  }
  return undefined;
}

function cached<T>(cache: Map<string, T>, config: ClientConfig, make: () => T): T {
  const key = JSON.stringify([config.region, config.profile, config.endpoint, config.credentials]);
  let client = cache.get(key);
  if (!client) {
    client = make();
    cache.set(key, client);
  }
  return client;
}

/** SDK errors become `Name: message` so the env error says e.g. `AccessDeniedException: …`. */
async function translate<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof Error) {
      const name = err.name && err.name !== 'Error' ? `${err.name}: ` : '';
      throw new Error(`${name}${err.message}`, { cause: err });
    }
    throw new Error(String(err), { cause: err });
  }
}
