import { LogBucket } from '../src/log-bucket.component';
import { jsonInput, named, ofType, type RecordedResource, settle, useMocks } from './pulumi-mocks';

interface LifecycleRule {
  id: string;
  status: string;
  filter: { prefix: string };
  expiration?: { days: number };
  noncurrentVersionExpiration?: { noncurrentDays: number };
  abortIncompleteMultipartUpload?: { daysAfterInitiation: number };
}

const bucketOf = (name: string): RecordedResource => named(`${name}-bucket`);
const rulesOf = (name: string): LifecycleRule[] => named(`${name}-lifecycle`).inputs.rules as LifecycleRule[];

describe('LogBucket', () => {
  beforeAll(async () => {
    useMocks();
    new LogBucket('logs', { prefix: 'ccs', logRetentionDays: 30, versioning: false, forceDestroy: false });
    new LogBucket('versioned', { prefix: 'ccs', logRetentionDays: 7, versioning: true, forceDestroy: true });
    await settle();
  });

  it('creates a bucket named after the prefix, kept on destroy unless configured otherwise', () => {
    expect(bucketOf('logs').inputs).toMatchObject({ bucketPrefix: 'ccs-logs-', forceDestroy: false });
    expect(bucketOf('versioned').inputs.forceDestroy).toBe(true);
  });

  it('is private: every public access block on, ACLs disabled', () => {
    expect(named('logs-public-access-block').inputs).toMatchObject({
      bucket: 'ccs-logs-0123abcd',
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(named('logs-ownership').inputs.rule).toEqual({ objectOwnership: 'BucketOwnerEnforced' });
  });

  it('is encrypted at rest', () => {
    expect(named('logs-encryption').inputs).toMatchObject({
      bucket: 'ccs-logs-0123abcd',
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
  });

  it('denies every request without TLS', () => {
    const policy = named('logs-policy');
    expect(policy.inputs.bucket).toBe('ccs-logs-0123abcd');
    expect(jsonInput(policy, 'policy')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: ['arn:aws:s3:::ccs-logs-0123abcd', 'arn:aws:s3:::ccs-logs-0123abcd/*'],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });
  });

  it('expires logs/ after logRetentionDays and aborts stale multipart uploads', () => {
    const [expire, abort] = rulesOf('logs');
    expect(expire).toMatchObject({ status: 'Enabled', filter: { prefix: 'logs/' }, expiration: { days: 30 } });
    expect(expire.noncurrentVersionExpiration).toBeUndefined();
    expect(abort).toMatchObject({ status: 'Enabled', abortIncompleteMultipartUpload: { daysAfterInitiation: 2 } });
    expect(rulesOf('versioned')[0].expiration).toEqual({ days: 7 });
  });

  it('enables versioning only when configured, and then also expires noncurrent versions', () => {
    const versionings = ofType('aws:s3/bucketVersioning:BucketVersioning');
    expect(versionings.map((v) => v.name)).toEqual(['versioned-versioning']);
    expect(versionings[0].inputs.versioningConfiguration).toEqual({ status: 'Enabled' });
    expect(rulesOf('versioned')[0].noncurrentVersionExpiration).toEqual({ noncurrentDays: 7 });
  });
});
