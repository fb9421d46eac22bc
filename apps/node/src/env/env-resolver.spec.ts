import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EnvVar, Profile, normalizeProfile } from '@ccs/core';
import { ExecFileCommandRunner } from '../process/exec-file.command-runner';
import { AwsSecretReader } from './aws-secret-reader.port';
import { EnvResolutionError, EnvSourceDeps, buildRunEnv, keychainCommand, resolveProfileEnv } from './env-resolver';
import { FakeAwsJsonServer, signedRegion } from './__fixtures__/fake-aws-json.server';
import { SdkAwsSecretReader } from './sdk-aws-secret.reader';

const PATH = process.env['PATH'] ?? '/usr/bin:/bin';
const KEYCHAIN_BIN = path.join(__dirname, '__fixtures__', 'keychain-bin');

let counter = 0;
function profile(name: string, vars: Array<Partial<EnvVar> & Pick<EnvVar, 'name'>>): Profile {
  counter += 1;
  return normalizeProfile({ id: `p-${counter}`, name, env_vars: vars });
}

/** An AWS reader that must not be called. */
const noAws: AwsSecretReader = {
  getSecretString: () => Promise.reject(new Error('unexpected aws_sm call')),
  getParameter: () => Promise.reject(new Error('unexpected aws_ssm call')),
};

describe('env resolution', () => {
  const commands = new ExecFileCommandRunner();
  let registered: string[];
  let deps: EnvSourceDeps;

  beforeEach(() => {
    registered = [];
    deps = { commands, aws: noAws, platform: 'linux', registerSecret: (v) => registered.push(v) };
  });

  describe('static values withheld from nodes (cloud mode)', () => {
    it('fail the run with a message naming the variable and what to use instead', async () => {
      const p = profile('cloud', [
        { name: 'ANTHROPIC_API_KEY', source: 'static', value: '', value_withheld: true } as never,
      ]);
      const err: unknown = await resolveProfileEnv(p, { ...deps, baseEnv: {} }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EnvResolutionError);
      expect((err as Error).message).toMatch(
        /ANTHROPIC_API_KEY .*static values are not sent to nodes; on nodes use an aws_sm/,
      );
    });
  });

  describe('static, env, unset and empty values', () => {
    it('applies them in order on top of the base env and reports each outcome', async () => {
      const base = { PATH, HOME: '/home/u', SOURCE_TOKEN: 'tok-from-base-env-123', REMOVE_ME: 'x', EMPTY_SRC: '' };
      const p = profile('Main', [
        { name: 'ANTHROPIC_API_KEY', source: 'static', value: 'sk-ant-static-value-42' },
        { name: 'COPIED', source: 'env', value: 'SOURCE_TOKEN' },
        { name: 'REMOVE_ME', source: 'unset' },
        { name: 'BLANK', source: 'static', value: '' },
        { name: 'BLANK_FROM_ENV', source: 'env', value: 'EMPTY_SRC' },
        { name: 'SHORT', source: 'static', value: 'abc' },
      ]);
      const r = await resolveProfileEnv(p, { ...deps, baseEnv: base });
      expect(r.env).toEqual({
        PATH,
        HOME: '/home/u',
        SOURCE_TOKEN: 'tok-from-base-env-123',
        EMPTY_SRC: '',
        ANTHROPIC_API_KEY: 'sk-ant-static-value-42',
        COPIED: 'tok-from-base-env-123',
        SHORT: 'abc',
      });
      expect(r.set).toEqual(['ANTHROPIC_API_KEY', 'COPIED', 'SHORT']);
      expect(r.unset).toEqual(['REMOVE_ME']);
      expect(r.skipped).toEqual(['BLANK', 'BLANK_FROM_ENV']);
      expect(r.logLines).toEqual([
        `ENV PROFILE (profile): Main [${p.id}]`,
        'ENV SET ANTHROPIC_API_KEY=sk-a**** (static)',
        'ENV SET COPIED=tok-**** (env)',
        'ENV UNSET REMOVE_ME',
        'ENV SKIP: BLANK (empty value)',
        'ENV SKIP: BLANK_FROM_ENV (empty value)',
        'ENV SET SHORT=**** (static)',
        'ENV: 3 set, 1 unset, 2 skipped',
      ]);
    });

    it('fails, naming the variable and source, when an env source refers to an unset variable', async () => {
      const p = profile('P', [{ name: 'API_KEY', source: 'env', value: 'NOT_THERE' }]);
      const err = await resolveProfileEnv(p, { ...deps, baseEnv: { PATH } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EnvResolutionError);
      expect((err as EnvResolutionError).message).toBe(
        `ENV ERROR: API_KEY (env var "NOT_THERE"): "NOT_THERE" is not set in the node's environment`,
      );
      expect((err as EnvResolutionError).varName).toBe('API_KEY');
      expect((err as EnvResolutionError).source).toBe('env');
    });
  });

  describe('masking', () => {
    const secret = 'sk-ant-api03-very-secret-value';
    const p = (): Profile =>
      profile('Secrets', [
        { name: 'ANTHROPIC_API_KEY', source: 'static', value: secret },
        { name: 'FROM_CMD', source: 'command', value: `printf '%s' s3cr3t-from-cmd` },
        { name: 'REGION', source: 'static', value: 'us-east-1' },
      ]);

    it('never shows a value in log lines and registers resolved secrets with the logger', async () => {
      const r = await resolveProfileEnv(p(), { ...deps, baseEnv: { PATH } });
      const all = r.logLines.join('\n');
      expect(all).not.toContain(secret);
      expect(all).not.toContain('s3cr3t-from-cmd');
      expect(all).not.toContain('us-east-1');
      expect(all).toContain('ANTHROPIC_API_KEY=sk-a****');
      // 15 characters: below the 16 from which a mask shows the first 4 (libs/core maskSecret)
      expect(all).toContain('FROM_CMD=****');
      expect(registered).toEqual([secret, 's3cr3t-from-cmd', 'us-east-1']);
    });

    it('does not register short plain settings globally (they would blank common words in every log line)', async () => {
      const r = await resolveProfileEnv(profile('Plain', [{ name: 'FLAG', source: 'static', value: 'true' }]), {
        ...deps,
        baseEnv: {},
      });
      expect(r.env['FLAG']).toBe('true');
      expect(registered).toEqual([]);
    });

    it('shows values when unmask is on', async () => {
      const r = await resolveProfileEnv(p(), { ...deps, unmask: true, baseEnv: { PATH } });
      expect(r.logLines).toContain(`ENV SET ANTHROPIC_API_KEY=${secret} (static)`);
      expect(r.logLines).toContain('ENV SET FROM_CMD=s3cr3t-from-cmd (command)');
    });
  });

  describe('command source', () => {
    it('parses quotes and runs without a shell: $(id) stays literal, output is trimmed', async () => {
      const p = profile('Cmd', [
        { name: 'A', source: 'command', value: `printf '%s|%s\\n' "two words" '$(id)'` },
        {
          name: 'B',
          source: 'command',
          value: `${process.execPath} -e "console.log('  ' + process.argv[1] + '  ')" '$HOME'`,
        },
      ]);
      const r = await resolveProfileEnv(p, { ...deps, baseEnv: { PATH, HOME: '/root' } });
      expect(r.env['A']).toBe('two words|$(id)');
      expect(r.env['B']).toBe('$HOME');
    });

    it('runs with the base env (PATH lookup, variables visible to the program)', async () => {
      const p = profile('Cmd', [{ name: 'A', source: 'command', value: `${process.execPath} -p process.env.FOR_CMD` }]);
      const r = await resolveProfileEnv(p, { ...deps, baseEnv: { PATH, FOR_CMD: 'visible' } });
      expect(r.env['A']).toBe('visible');
    });

    it('fails with the stderr of a non-zero exit', async () => {
      const p = profile('Cmd', [
        {
          name: 'TOKEN',
          source: 'command',
          value: `${process.execPath} -e "console.error('vault: permission denied'); process.exit(3)"`,
        },
      ]);
      await expect(resolveProfileEnv(p, { ...deps, baseEnv: { PATH } })).rejects.toThrow(
        `ENV ERROR: TOKEN (command "${process.execPath} -e "console.error('vault: permission denied'); process.exit(3)""): exited with code 3: vault: permission denied`,
      );
    });

    it('fails on a missing program, on shell operators, and on timeout', async () => {
      const missing = profile('Cmd', [{ name: 'X', source: 'command', value: 'no-such-helper-ccs --get' }]);
      await expect(resolveProfileEnv(missing, { ...deps, baseEnv: { PATH } })).rejects.toThrow(
        'ENV ERROR: X (command "no-such-helper-ccs --get"): cannot run "no-such-helper-ccs": not found (ENOENT)',
      );
      const piped = profile('Cmd', [{ name: 'X', source: 'command', value: 'cat /etc/hostname | tr a b' }]);
      await expect(resolveProfileEnv(piped, { ...deps, baseEnv: { PATH } })).rejects.toThrow(
        /^ENV ERROR: X \(command .*runs without a shell/,
      );
      const slow = profile('Cmd', [
        {
          name: 'X',
          source: 'command',
          value: `${process.execPath} -e "setTimeout(() => {}, 10000)"`,
          config: { timeout_seconds: 0.3 },
        },
      ]);
      await expect(resolveProfileEnv(slow, { ...deps, baseEnv: { PATH } })).rejects.toThrow(/: timed out after 0.3 s$/);
    });
  });

  describe('keychain source (fake security / secret-tool first on PATH)', () => {
    let tmp: string;
    let logFile: string;
    let base: Record<string, string>;
    beforeEach(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ccs-kc-'));
      logFile = path.join(tmp, 'calls.log');
      base = { PATH: `${KEYCHAIN_BIN}:${PATH}`, FAKE_KEYCHAIN_LOG: logFile };
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it('macOS: security find-generic-password -s S -a A -w (account defaults to the service)', async () => {
      const p = profile('KC', [
        { name: 'A', source: 'keychain', value: 'claude/me@example.com' },
        { name: 'B', source: 'keychain', value: 'anthropic' },
      ]);
      const r = await resolveProfileEnv(p, { ...deps, platform: 'darwin', baseEnv: base });
      expect(r.env['A']).toBe('mac-secret-claude-me@example.com');
      expect(r.env['B']).toBe('mac-secret-anthropic-anthropic');
      expect(fs.readFileSync(logFile, 'utf8').trim().split('\n')).toEqual([
        'security find-generic-password -s claude -a me@example.com -w',
        'security find-generic-password -s anthropic -a anthropic -w',
      ]);
      expect(registered).toContain('mac-secret-anthropic-anthropic');
    });

    it('Linux: secret-tool lookup service S account A', async () => {
      const p = profile('KC', [{ name: 'A', source: 'keychain', value: 'svc/acct' }]);
      const r = await resolveProfileEnv(p, { ...deps, platform: 'linux', baseEnv: base });
      expect(r.env['A']).toBe('linux-secret-svc-acct');
      expect(fs.readFileSync(logFile, 'utf8').trim()).toBe('secret-tool lookup service svc account acct');
    });

    it('fails clearly when the item is missing, and on unsupported platforms', async () => {
      const p = profile('KC', [{ name: 'KEY', source: 'keychain', value: 'missing/me' }]);
      await expect(resolveProfileEnv(p, { ...deps, platform: 'darwin', baseEnv: base })).rejects.toThrow(
        'ENV ERROR: KEY (keychain "missing/me"): security exited with code 44: security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.',
      );
      await expect(resolveProfileEnv(p, { ...deps, platform: 'linux', baseEnv: base })).rejects.toThrow(
        'ENV ERROR: KEY (keychain "missing/me"): secret-tool exited with code 1: no output',
      );
      await expect(resolveProfileEnv(p, { ...deps, platform: 'win32', baseEnv: base })).rejects.toThrow(
        'ENV ERROR: KEY (keychain "missing/me"): the keychain source is not supported on win32',
      );
      expect(() => keychainCommand('freebsd', 's', 'a')).toThrow(/not supported on freebsd/);
    });
  });

  describe('aws_sm and aws_ssm sources (local JSON-protocol fake)', () => {
    let server: FakeAwsJsonServer;
    let endpoint: string;
    let reader: SdkAwsSecretReader;
    const creds = { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'dummy-secret-key' };

    beforeAll(async () => {
      server = new FakeAwsJsonServer((req) => {
        if (req.target === 'secretsmanager.GetSecretValue') {
          if (req.body['SecretId'] === 'denied') {
            return {
              status: 400,
              body: { __type: 'AccessDeniedException', message: 'User is not authorized to read denied' },
            };
          }
          if (req.body['SecretId'] === 'binary') return { status: 200, body: { Name: 'binary', SecretBinary: 'AAEC' } };
          return {
            status: 200,
            body: { Name: req.body['SecretId'], SecretString: `sm-value-of-${String(req.body['SecretId'])}` },
          };
        }
        if (req.target === 'AmazonSSM.GetParameter') {
          if (req.body['Name'] === '/missing') {
            return { status: 400, body: { __type: 'ParameterNotFound', message: 'Parameter /missing not found.' } };
          }
          const value = `ssm-${String(req.body['Name'])}-decrypt=${String(req.body['WithDecryption'])}`;
          return { status: 200, body: { Parameter: { Name: req.body['Name'], Type: 'SecureString', Value: value } } };
        }
        return { status: 400, body: { __type: 'UnknownOperationException', message: req.target } };
      });
      endpoint = await server.start();
    });
    afterAll(async () => {
      await server.stop();
    });
    beforeEach(() => {
      reader = new SdkAwsSecretReader();
      server.requests.length = 0;
    });
    afterEach(() => reader.destroy());

    const baseEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
      PATH,
      ...creds,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
      AWS_ENDPOINT_URL_SSM: endpoint,
      ...extra,
    });

    it('reads SecretString and parameters, with decryption on by default and off on request', async () => {
      const p = profile('AWS', [
        { name: 'ANTHROPIC_API_KEY', source: 'aws_sm', value: 'prod/anthropic' },
        { name: 'P1', source: 'aws_ssm', value: '/app/key' },
        { name: 'P2', source: 'aws_ssm', value: '/app/plain', config: { decrypt: false } },
      ]);
      const r = await resolveProfileEnv(p, { ...deps, aws: reader, baseEnv: baseEnv() });
      expect(r.env['ANTHROPIC_API_KEY']).toBe('sm-value-of-prod/anthropic');
      expect(r.env['P1']).toBe('ssm-/app/key-decrypt=true');
      expect(r.env['P2']).toBe('ssm-/app/plain-decrypt=false');
      expect(server.requests.map((q) => q.target)).toEqual([
        'secretsmanager.GetSecretValue',
        'AmazonSSM.GetParameter',
        'AmazonSSM.GetParameter',
      ]);
      expect(server.requests[0]?.body).toEqual({ SecretId: 'prod/anthropic' });
      expect(r.logLines.join('\n')).not.toContain('sm-value-of-prod/anthropic');
      expect(registered).toContain('sm-value-of-prod/anthropic');
    });

    it('takes the region from config, else AWS_REGION / AWS_DEFAULT_REGION of the base env, else us-east-1', async () => {
      const vars = (config: Record<string, unknown> | null): Profile =>
        profile('AWS', [{ name: 'S', source: 'aws_sm', value: 'x', config }]);
      await resolveProfileEnv(vars({ region: 'eu-central-1' }), {
        ...deps,
        aws: reader,
        baseEnv: baseEnv({ AWS_REGION: 'ap-south-1' }),
      });
      await resolveProfileEnv(vars(null), { ...deps, aws: reader, baseEnv: baseEnv({ AWS_REGION: 'ap-south-1' }) });
      await resolveProfileEnv(vars(null), {
        ...deps,
        aws: reader,
        baseEnv: baseEnv({ AWS_DEFAULT_REGION: 'eu-west-3' }),
      });
      await resolveProfileEnv(vars(null), { ...deps, aws: reader, baseEnv: baseEnv() });
      expect(server.requests.map((q) => signedRegion(q.authorization))).toEqual([
        'eu-central-1',
        'ap-south-1',
        'eu-west-3',
        'us-east-1',
      ]);
    });

    it('fails naming the variable, the source and the AWS error', async () => {
      const sm = profile('AWS', [{ name: 'ANTHROPIC_API_KEY', source: 'aws_sm', value: 'denied' }]);
      await expect(resolveProfileEnv(sm, { ...deps, aws: reader, baseEnv: baseEnv() })).rejects.toThrow(
        'ENV ERROR: ANTHROPIC_API_KEY (aws_sm secret "denied"): AccessDeniedException: User is not authorized to read denied',
      );
      const ssm = profile('AWS', [{ name: 'P', source: 'aws_ssm', value: '/missing' }]);
      await expect(resolveProfileEnv(ssm, { ...deps, aws: reader, baseEnv: baseEnv() })).rejects.toThrow(
        'ENV ERROR: P (aws_ssm parameter "/missing"): ParameterNotFound: Parameter /missing not found.',
      );
      const bin = profile('AWS', [{ name: 'B', source: 'aws_sm', value: 'binary' }]);
      await expect(resolveProfileEnv(bin, { ...deps, aws: reader, baseEnv: baseEnv() })).rejects.toThrow(
        'ENV ERROR: B (aws_sm secret "binary"): the secret has no SecretString (binary secrets are not supported)',
      );
    });

    it('passes a named profile to the reader', async () => {
      const calls: Array<{ region: string; profile: string | null }> = [];
      const spy: AwsSecretReader = {
        getSecretString: (_id, o) => (
          calls.push({ region: o.region, profile: o.profile }),
          Promise.resolve('v-long-enough')
        ),
        getParameter: () => Promise.reject(new Error('no')),
      };
      await resolveProfileEnv(
        profile('AWS', [{ name: 'S', source: 'aws_sm', value: 'x', config: { profile: 'prod-admin' } }]),
        {
          ...deps,
          aws: spy,
          baseEnv: {},
        },
      );
      expect(calls).toEqual([{ region: 'us-east-1', profile: 'prod-admin' }]);
    });
  });

  describe('buildRunEnv: task profile first, then the job profile on top', () => {
    it('lets the job profile win, keeps task-only vars, and reads env sources from the base env', async () => {
      const task = profile('Task', [
        { name: 'ANTHROPIC_MODEL', source: 'static', value: 'task-model-name' },
        { name: 'TASK_ONLY', source: 'static', value: 'task-only-value' },
        { name: 'DROPPED_BY_JOB', source: 'static', value: 'will-be-unset' },
        { name: 'KEEP_ON_EMPTY', source: 'static', value: 'task-keeps-this' },
        { name: 'FROM_BASE', source: 'static', value: 'task-overrides-base' },
      ]);
      const job = profile('Job', [
        { name: 'ANTHROPIC_MODEL', source: 'static', value: 'job-model-name' },
        { name: 'DROPPED_BY_JOB', source: 'unset' },
        { name: 'KEEP_ON_EMPTY', source: 'static', value: '' },
        { name: 'COPY', source: 'env', value: 'FROM_BASE' },
      ]);
      const r = await buildRunEnv({ FROM_BASE: 'original-base-value', OTHER: '1' }, task, job, deps);
      expect(r.env).toEqual({
        OTHER: '1',
        FROM_BASE: 'task-overrides-base',
        ANTHROPIC_MODEL: 'job-model-name',
        TASK_ONLY: 'task-only-value',
        KEEP_ON_EMPTY: 'task-keeps-this',
        COPY: 'original-base-value',
      });
      expect(r.set).toEqual(['ANTHROPIC_MODEL', 'TASK_ONLY', 'KEEP_ON_EMPTY', 'FROM_BASE', 'COPY']);
      expect(r.unset).toEqual(['DROPPED_BY_JOB']);
      expect(r.skipped).toEqual([]);
      expect(r.logLines[0]).toBe(`ENV PROFILE (task): Task [${task.id}]`);
      expect(r.logLines).toContain(`ENV PROFILE (job): Job [${job.id}]`);
      expect(r.logLines).toContain('ENV SKIP: KEEP_ON_EMPTY (empty value)');
    });

    it('works with either profile missing and applies a profile used by both only once', async () => {
      const one = profile('One', [{ name: 'X', source: 'command', value: `${process.execPath} -p Date.now()` }]);
      const r = await buildRunEnv({ PATH }, one, one, deps);
      expect(r.logLines.filter((l) => l.startsWith('ENV PROFILE'))).toEqual([`ENV PROFILE (task): One [${one.id}]`]);
      expect((await buildRunEnv({ A: 'b' }, null, null, deps)).env).toEqual({ A: 'b' });
      expect((await buildRunEnv({}, null, one, { ...deps })).logLines[0]).toBe(`ENV PROFILE (job): One [${one.id}]`);
    });

    it('fails as a whole when any variable of either profile fails', async () => {
      const task = profile('Task', [{ name: 'OK', source: 'static', value: 'fine' }]);
      const job = profile('Job', [{ name: 'BAD', source: 'env', value: 'ABSENT' }]);
      await expect(buildRunEnv({}, task, job, deps)).rejects.toBeInstanceOf(EnvResolutionError);
    });
  });
});
