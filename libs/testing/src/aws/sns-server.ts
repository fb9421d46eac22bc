import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GetQueueUrlCommand, MessageAttributeValue, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { LoopbackServer } from './loopback-server';
import {
  FilterPolicy,
  SnsMessageAttribute,
  matchesAttributes,
  matchesBody,
  parseFilterPolicy,
} from './sns-filter-policy';
import { TEST_AWS_ACCOUNT_ID, TEST_AWS_REGION } from './sqs-server';

/**
 * A small SNS server for tests: the AWS query protocol (form-encoded POST, XML answers, errors in the
 * `ErrorResponse` shape), topics, SQS subscriptions (endpoint = queue ARN, mapped to the SQS server's queue URL),
 * raw or JSON-envelope delivery, filter policies on message attributes or body, Publish and PublishBatch.
 *
 * Publish delivers to every matching queue BEFORE it answers, so a test that published can receive at once.
 * When a delivery fails because SQS is unreachable, Publish still succeeds (SNS accepted the message) and the
 * delivery is retried in the background until it succeeds or the server stops — as SNS retries SQS endpoints.
 */
export interface SnsTestServer {
  readonly endpoint: string;
  readonly port: number;
  /** Deliveries waiting for SQS to come back. */
  pendingDeliveries(): number;
  /** Every Publish/PublishBatch entry accepted so far (for assertions). */
  readonly published: { topicArn: string; message: string; attributes: Record<string, SnsMessageAttribute> }[];
  stop(): Promise<void>;
}

export interface SnsTestServerOptions {
  /** The SQS server that subscriptions deliver to. */
  sqsEndpoint: string;
  port?: number;
  region?: string;
  accountId?: string;
  /** Pause between background retries of a failed delivery (default 250 ms). */
  redeliveryIntervalMs?: number;
}

interface Topic {
  arn: string;
  name: string;
  attributes: Record<string, string>;
}

interface Subscription {
  arn: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  queueUrl: string;
  attributes: Record<string, string>;
  filter: FilterPolicy | null;
}

interface Delivery {
  queueUrl: string;
  body: string;
  attributes: Record<string, MessageAttributeValue> | undefined;
}

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
/** Subscriptions per ListSubscriptions(ByTopic) page, as in SNS. */
const SUBSCRIPTIONS_PAGE = 100;
const SUBSCRIPTION_ATTRIBUTES = new Set([
  'RawMessageDelivery',
  'FilterPolicy',
  'FilterPolicyScope',
  'RedrivePolicy',
  'DeliveryPolicy',
  'SubscriptionRoleArn',
]);

class SnsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

const invalid = (message: string) => new SnsError('InvalidParameter', message);

export async function startSnsServer(options: SnsTestServerOptions): Promise<SnsTestServer> {
  const emulator = new SnsEmulator(options);
  const http = new LoopbackServer((req, res) => void emulator.handle(req, res));
  const port = await http.listen(options.port ?? 0);
  return {
    endpoint: http.endpoint,
    port,
    pendingDeliveries: () => emulator.backlog.length,
    published: emulator.published,
    stop: async () => {
      emulator.close();
      await http.close();
    },
  };
}

class SnsEmulator {
  readonly topics = new Map<string, Topic>();
  readonly subscriptions = new Map<string, Subscription>();
  readonly published: SnsTestServer['published'] = [];
  readonly backlog: Delivery[] = [];
  private readonly sqs: SQSClient;
  private readonly region: string;
  private readonly account: string;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: SnsTestServerOptions) {
    this.region = options.region ?? TEST_AWS_REGION;
    this.account = options.accountId ?? TEST_AWS_ACCOUNT_ID;
    this.sqs = new SQSClient({
      region: this.region,
      endpoint: options.sqsEndpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      // This emulator retries failed deliveries itself.
      maxAttempts: 1,
    });
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.sqs.destroy();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      if (req.method !== 'POST') throw new SnsError('InvalidAction', 'Only POST is supported');
      const params = new URLSearchParams(await readBody(req));
      const action = params.get('Action') ?? '';
      const result = await this.dispatch(action, params);
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        `<${action}Response xmlns="${XMLNS}">${result === null ? '' : `<${action}Result>${result}</${action}Result>`}` +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
      );
    } catch (err) {
      const e = err instanceof SnsError ? err : new SnsError('InternalError', String(err), 500, 'Receiver');
      res.writeHead(e.status, { 'content-type': 'text/xml' });
      res.end(
        `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${e.type}</Type><Code>${e.code}</Code>` +
          `<Message>${xml(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
    }
  }

  private async dispatch(action: string, p: URLSearchParams): Promise<string | null> {
    switch (action) {
      case 'CreateTopic':
        return this.createTopic(p);
      case 'ListTopics':
        return `<Topics>${[...this.topics.values()].map((t) => `<member><TopicArn>${xml(t.arn)}</TopicArn></member>`).join('')}</Topics>`;
      case 'GetTopicAttributes':
        return this.getTopicAttributes(p);
      case 'SetTopicAttributes':
        this.topic(p).attributes[required(p, 'AttributeName')] = p.get('AttributeValue') ?? '';
        return null;
      case 'DeleteTopic':
        this.deleteTopic(p);
        return null;
      case 'Subscribe':
        return this.subscribe(p);
      case 'SetSubscriptionAttributes':
        this.setSubscriptionAttribute(
          this.subscription(p),
          required(p, 'AttributeName'),
          p.get('AttributeValue') ?? '',
        );
        return null;
      case 'GetSubscriptionAttributes':
        return this.getSubscriptionAttributes(p);
      case 'Unsubscribe':
        this.subscriptions.delete(required(p, 'SubscriptionArn'));
        return null;
      case 'ListSubscriptions':
        return this.listSubscriptions([...this.subscriptions.values()], p);
      case 'ListSubscriptionsByTopic': {
        const topic = this.topic(p);
        return this.listSubscriptions(
          [...this.subscriptions.values()].filter((s) => s.topicArn === topic.arn),
          p,
        );
      }
      case 'Publish':
        return this.publish(p);
      case 'PublishBatch':
        return this.publishBatch(p);
      default:
        throw new SnsError('InvalidAction', `The action ${action} is not valid for this endpoint.`);
    }
  }

  private createTopic(p: URLSearchParams): string {
    const name = required(p, 'Name');
    if (!/^[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(name)) throw invalid('Invalid parameter: Topic Name');
    const arn = `arn:aws:sns:${this.region}:${this.account}:${name}`;
    if (!this.topics.has(arn)) this.topics.set(arn, { arn, name, attributes: entries(p, 'Attributes') });
    return `<TopicArn>${xml(arn)}</TopicArn>`;
  }

  private getTopicAttributes(p: URLSearchParams): string {
    const t = this.topic(p);
    const subs = [...this.subscriptions.values()].filter((s) => s.topicArn === t.arn).length;
    const attrs: Record<string, string> = {
      ...t.attributes,
      TopicArn: t.arn,
      Owner: this.account,
      DisplayName: t.attributes['DisplayName'] ?? '',
      SubscriptionsConfirmed: String(subs),
      SubscriptionsPending: '0',
      SubscriptionsDeleted: '0',
    };
    return attributeMap(attrs);
  }

  private deleteTopic(p: URLSearchParams): void {
    const arn = required(p, 'TopicArn');
    this.topics.delete(arn);
    for (const [subArn, s] of this.subscriptions) if (s.topicArn === arn) this.subscriptions.delete(subArn);
  }

  private async subscribe(p: URLSearchParams): Promise<string> {
    const topic = this.topic(p);
    const protocol = required(p, 'Protocol');
    if (protocol !== 'sqs')
      throw invalid(`Invalid parameter: this test server supports protocol sqs only, not ${protocol}`);
    const endpoint = required(p, 'Endpoint');
    const m = /^arn:aws:sqs:[^:]*:[^:]*:([A-Za-z0-9_-]{1,80}(\.fifo)?)$/.exec(endpoint);
    if (!m) throw invalid('Invalid parameter: SQS endpoint ARN');
    const attributes = entries(p, 'Attributes');
    const existing = [...this.subscriptions.values()].find((s) => s.topicArn === topic.arn && s.endpoint === endpoint);
    if (existing) {
      const same = Object.entries(attributes).every(([k, v]) => existing.attributes[k] === v);
      if (!same)
        throw invalid('Invalid parameter: Attributes Reason: Subscription already exists with different attributes');
      return `<SubscriptionArn>${xml(existing.arn)}</SubscriptionArn>`;
    }
    let queueUrl: string;
    try {
      queueUrl = (await this.sqs.send(new GetQueueUrlCommand({ QueueName: m[1] }))).QueueUrl!;
    } catch (err) {
      throw invalid(`Invalid parameter: Endpoint: queue ${m[1]} not found (${(err as Error).name})`);
    }
    const sub: Subscription = {
      arn: `${topic.arn}:${randomUUID()}`,
      topicArn: topic.arn,
      protocol,
      endpoint,
      queueUrl,
      attributes: {},
      filter: null,
    };
    for (const [k, v] of Object.entries(attributes)) this.setSubscriptionAttribute(sub, k, v);
    this.subscriptions.set(sub.arn, sub);
    return `<SubscriptionArn>${xml(sub.arn)}</SubscriptionArn>`;
  }

  private setSubscriptionAttribute(sub: Subscription, name: string, value: string): void {
    if (!SUBSCRIPTION_ATTRIBUTES.has(name)) throw invalid(`Invalid parameter: AttributeName ${name}`);
    if (name === 'FilterPolicy') {
      if (value === '') {
        sub.filter = null;
      } else {
        try {
          sub.filter = parseFilterPolicy(value);
        } catch (err) {
          throw invalid((err as Error).message);
        }
      }
    }
    if (name === 'FilterPolicyScope' && value !== 'MessageAttributes' && value !== 'MessageBody') {
      throw invalid('Invalid parameter: FilterPolicyScope');
    }
    if (name === 'RawMessageDelivery' && value !== 'true' && value !== 'false') {
      throw invalid('Invalid parameter: RawMessageDelivery must be true or false');
    }
    sub.attributes[name] = value;
  }

  private getSubscriptionAttributes(p: URLSearchParams): string {
    const s = this.subscription(p);
    return attributeMap({
      ...s.attributes,
      SubscriptionArn: s.arn,
      TopicArn: s.topicArn,
      Protocol: s.protocol,
      Endpoint: s.endpoint,
      Owner: this.account,
      PendingConfirmation: 'false',
      ConfirmationWasAuthenticated: 'true',
      RawMessageDelivery: s.attributes['RawMessageDelivery'] ?? 'false',
    });
  }

  /** One page of at most 100, as SNS answers; `NextToken` is the index of the next page's first entry. */
  private listSubscriptions(all: Subscription[], p: URLSearchParams): string {
    const token = p.get('NextToken');
    const start = token === null ? 0 : Number(token);
    if (!Number.isInteger(start) || start < 0 || start > all.length) throw invalid('Invalid parameter: NextToken');
    const subs = all.slice(start, start + SUBSCRIPTIONS_PAGE);
    const next = start + SUBSCRIPTIONS_PAGE < all.length ? `<NextToken>${start + SUBSCRIPTIONS_PAGE}</NextToken>` : '';
    return `${next}<Subscriptions>${subs
      .map(
        (s) =>
          `<member><TopicArn>${xml(s.topicArn)}</TopicArn><Protocol>${s.protocol}</Protocol>` +
          `<SubscriptionArn>${xml(s.arn)}</SubscriptionArn><Owner>${this.account}</Owner>` +
          `<Endpoint>${xml(s.endpoint)}</Endpoint></member>`,
      )
      .join('')}</Subscriptions>`;
  }

  private async publish(p: URLSearchParams): Promise<string> {
    const arn = p.get('TopicArn') ?? p.get('TargetArn') ?? '';
    const topic = this.topics.get(arn);
    if (!topic) throw new SnsError('NotFound', 'Topic does not exist', 404);
    const message = p.get('Message') ?? '';
    if (message === '') throw invalid('Invalid parameter: Empty message');
    const attributes = messageAttributes(p, 'MessageAttributes');
    const id = await this.fanOut(topic, message, attributes, p.get('Subject'));
    return `<MessageId>${id}</MessageId>`;
  }

  private async publishBatch(p: URLSearchParams): Promise<string> {
    const topic = this.topics.get(required(p, 'TopicArn'));
    if (!topic) throw new SnsError('NotFound', 'Topic does not exist', 404);
    const prefix = 'PublishBatchRequestEntries.member';
    const members: number[] = [];
    for (let i = 1; p.has(`${prefix}.${i}.Id`); i++) members.push(i);
    if (members.length === 0)
      throw new SnsError('EmptyBatchRequest', 'The batch request does not contain any entries.');
    if (members.length > 10)
      throw new SnsError('TooManyEntriesInBatchRequest', 'The batch request contains more entries than permissible.');
    const ids = members.map((i) => p.get(`${prefix}.${i}.Id`)!);
    if (new Set(ids).size !== ids.length)
      throw new SnsError('BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.');
    let ok = '';
    let failed = '';
    for (const i of members) {
      const id = p.get(`${prefix}.${i}.Id`)!;
      const message = p.get(`${prefix}.${i}.Message`) ?? '';
      if (message === '') {
        failed += `<member><Id>${xml(id)}</Id><Code>InvalidParameter</Code><Message>Empty message</Message><SenderFault>true</SenderFault></member>`;
        continue;
      }
      const attributes = messageAttributes(p, `${prefix}.${i}.MessageAttributes`);
      const messageId = await this.fanOut(topic, message, attributes, p.get(`${prefix}.${i}.Subject`));
      ok += `<member><Id>${xml(id)}</Id><MessageId>${messageId}</MessageId></member>`;
    }
    return `<Successful>${ok}</Successful><Failed>${failed}</Failed>`;
  }

  private async fanOut(
    topic: Topic,
    message: string,
    attributes: Record<string, SnsMessageAttribute>,
    subject: string | null,
  ): Promise<string> {
    const messageId = randomUUID();
    this.published.push({ topicArn: topic.arn, message, attributes });
    for (const sub of this.subscriptions.values()) {
      if (sub.topicArn !== topic.arn || !this.passes(sub, message, attributes)) continue;
      const raw = sub.attributes['RawMessageDelivery'] === 'true';
      const delivery: Delivery = raw
        ? { queueUrl: sub.queueUrl, body: message, attributes: sqsAttributes(attributes) }
        : {
            queueUrl: sub.queueUrl,
            body: this.envelope(topic, sub, messageId, message, attributes, subject),
            attributes: undefined,
          };
      if (!(await this.deliver(delivery))) this.backlog.push(delivery);
    }
    if (this.backlog.length > 0) this.scheduleRetry();
    return messageId;
  }

  private passes(sub: Subscription, message: string, attributes: Record<string, SnsMessageAttribute>): boolean {
    if (!sub.filter) return true;
    return sub.attributes['FilterPolicyScope'] === 'MessageBody'
      ? matchesBody(sub.filter, message)
      : matchesAttributes(sub.filter, attributes);
  }

  private envelope(
    topic: Topic,
    sub: Subscription,
    messageId: string,
    message: string,
    attributes: Record<string, SnsMessageAttribute>,
    subject: string | null,
  ): string {
    const base = this.options.sqsEndpoint.replace(/\/$/, '');
    return JSON.stringify({
      Type: 'Notification',
      MessageId: messageId,
      TopicArn: topic.arn,
      ...(subject ? { Subject: subject } : {}),
      Message: message,
      Timestamp: new Date().toISOString(),
      SignatureVersion: '1',
      Signature: 'TEST',
      SigningCertURL: `${base}/SimpleNotificationService-test.pem`,
      UnsubscribeURL: `${base}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(sub.arn)}`,
      ...(Object.keys(attributes).length > 0
        ? {
            MessageAttributes: Object.fromEntries(
              Object.entries(attributes).map(([k, v]) => [
                k,
                { Type: v.DataType, Value: v.StringValue ?? v.BinaryValue },
              ]),
            ),
          }
        : {}),
    });
  }

  /** True when delivered or dropped for good (queue gone); false when SQS could not be reached. */
  private async deliver(d: Delivery): Promise<boolean> {
    try {
      await this.sqs.send(
        new SendMessageCommand({ QueueUrl: d.queueUrl, MessageBody: d.body, MessageAttributes: d.attributes }),
      );
      return true;
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // An answer from SQS that is not a server error (e.g. the queue was deleted) is final: SNS drops it.
      return status !== undefined && status < 500;
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.retryBacklog();
    }, this.options.redeliveryIntervalMs ?? 250);
    this.retryTimer.unref();
  }

  private async retryBacklog(): Promise<void> {
    const pending = this.backlog.splice(0);
    for (const d of pending) if (this.closed || !(await this.deliver(d))) this.backlog.push(d);
    if (this.backlog.length > 0) this.scheduleRetry();
  }

  private topic(p: URLSearchParams): Topic {
    const t = this.topics.get(required(p, 'TopicArn'));
    if (!t) throw new SnsError('NotFound', 'Topic does not exist', 404);
    return t;
  }

  private subscription(p: URLSearchParams): Subscription {
    const s = this.subscriptions.get(required(p, 'SubscriptionArn'));
    if (!s) throw new SnsError('NotFound', 'Subscription does not exist', 404);
    return s;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function required(p: URLSearchParams, name: string): string {
  const v = p.get(name);
  if (v === null || v === '') throw invalid(`Invalid parameter: ${name} is required`);
  return v;
}

/** `<prefix>.entry.N.key/value` maps (topic and subscription attributes). */
function entries(p: URLSearchParams, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; p.has(`${prefix}.entry.${i}.key`); i++) {
    out[p.get(`${prefix}.entry.${i}.key`)!] = p.get(`${prefix}.entry.${i}.value`) ?? '';
  }
  return out;
}

function messageAttributes(p: URLSearchParams, prefix: string): Record<string, SnsMessageAttribute> {
  const out: Record<string, SnsMessageAttribute> = {};
  for (let i = 1; p.has(`${prefix}.entry.${i}.Name`); i++) {
    const name = p.get(`${prefix}.entry.${i}.Name`)!;
    const dataType = p.get(`${prefix}.entry.${i}.Value.DataType`);
    if (!dataType)
      throw invalid(`Invalid parameter: The message attribute '${name}' must contain a non-empty attribute type.`);
    const stringValue = p.get(`${prefix}.entry.${i}.Value.StringValue`) ?? undefined;
    const binaryValue = p.get(`${prefix}.entry.${i}.Value.BinaryValue`) ?? undefined;
    if (stringValue === undefined && binaryValue === undefined) {
      throw invalid(
        `Invalid parameter: The message attribute '${name}' must contain a non-empty message attribute value.`,
      );
    }
    out[name] = { DataType: dataType, StringValue: stringValue, BinaryValue: binaryValue };
  }
  if (Object.keys(out).length > 10) throw invalid('Invalid parameter: Number of message attributes exceeds 10');
  return out;
}

function sqsAttributes(attrs: Record<string, SnsMessageAttribute>): Record<string, MessageAttributeValue> | undefined {
  const names = Object.keys(attrs);
  if (names.length === 0) return undefined;
  const out: Record<string, MessageAttributeValue> = {};
  for (const name of names) {
    const a = attrs[name];
    out[name] = a.DataType.startsWith('Binary')
      ? { DataType: a.DataType, BinaryValue: Buffer.from(a.BinaryValue ?? '', 'base64') }
      : // SQS has no String.Array type; SNS hands it over as a String.
        { DataType: a.DataType === 'String.Array' ? 'String' : a.DataType, StringValue: a.StringValue };
  }
  return out;
}

function attributeMap(attrs: Record<string, string>): string {
  return `<Attributes>${Object.entries(attrs)
    .map(([k, v]) => `<entry><key>${xml(k)}</key><value>${xml(v)}</value></entry>`)
    .join('')}</Attributes>`;
}

function xml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
