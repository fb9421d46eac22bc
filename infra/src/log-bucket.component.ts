import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface LogBucketArgs {
  prefix: string;
  /** Days after which `logs/` objects (run logs) expire. */
  logRetentionDays: number;
  /** Keep noncurrent versions of log objects (for the same number of days). */
  versioning: boolean;
  /** Let `pulumi destroy` empty and delete the bucket. */
  forceDestroy: boolean;
  tags?: Record<string, string>;
}

/** Where run logs live: `logs/<run-id>.log` (human log) and `logs/<run-id>.jsonl` (raw stream-json). */
export const LOG_KEY_PREFIX = 'logs/';

// Multipart uploads of a node that died mid-run would otherwise be billed forever.
const ABORT_INCOMPLETE_UPLOADS_DAYS = 2;

/**
 * The S3 bucket of run logs: private (every public access block on, bucket-owner-enforced ownership), encrypted at
 * rest (SSE-S3), TLS-only (a bucket policy denies any request without aws:SecureTransport), `logs/` expiring after
 * `logRetentionDays`, versioning optional.
 */
export class LogBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;
  readonly ownershipControls: aws.s3.BucketOwnershipControls;
  readonly encryption: aws.s3.BucketServerSideEncryptionConfiguration;
  readonly versioning: aws.s3.BucketVersioning | undefined;
  readonly lifecycle: aws.s3.BucketLifecycleConfiguration;
  readonly policy: aws.s3.BucketPolicy;

  constructor(name: string, args: LogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super('ccs:infra:LogBucket', name, {}, opts);
    const parent = { parent: this };

    // Bucket names are global: let Pulumi add a random suffix to `<prefix>-logs-`.
    this.bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { bucketPrefix: `${args.prefix}-logs-`, forceDestroy: args.forceDestroy, tags: args.tags ?? {} },
      parent,
    );
    const bucket = this.bucket.id;

    this.publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access-block`,
      { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      parent,
    );
    this.ownershipControls = new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } },
      parent,
    );
    this.encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      { bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] },
      parent,
    );
    this.versioning = args.versioning
      ? new aws.s3.BucketVersioning(
          `${name}-versioning`,
          { bucket, versioningConfiguration: { status: 'Enabled' } },
          parent,
        )
      : undefined;

    this.lifecycle = new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket,
        rules: [
          {
            id: 'expire-run-logs',
            status: 'Enabled',
            filter: { prefix: LOG_KEY_PREFIX },
            expiration: { days: args.logRetentionDays },
            ...(args.versioning ? { noncurrentVersionExpiration: { noncurrentDays: args.logRetentionDays } } : {}),
          },
          {
            id: 'abort-incomplete-uploads',
            status: 'Enabled',
            filter: { prefix: '' },
            abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_UPLOADS_DAYS },
          },
        ],
      },
      // Lifecycle rules on a versioned bucket must follow the versioning configuration.
      { parent: this, dependsOn: this.versioning ? [this.versioning] : [] },
    );

    this.policy = new aws.s3.BucketPolicy(
      `${name}-policy`,
      { bucket, policy: this.bucket.arn.apply(tlsOnlyPolicy) },
      // S3 answers concurrent configuration changes of one bucket with OperationAborted: order them.
      { parent: this, dependsOn: [this.publicAccessBlock] },
    );

    this.registerOutputs({ bucketName: this.bucket.bucket, bucketArn: this.bucket.arn });
  }
}

/** Denies every request that does not use TLS, for objects and the bucket itself. */
export function tlsOnlyPolicy(bucketArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });
}
