import * as http from 'node:http';
import * as path from 'node:path';
import fc from 'fast-check';
import { GuiProcess, makeTempDir, removeTempDir } from '@ccs/testing';
import { TERMINAL, api, fakeClaudeGuiEnv, rawRequest, startDrillGui, until } from './drill-support';

/**
 * Fault drill: a property-based fuzzer driven by the server's own OpenAPI document. It sends 2,000 requests to
 * every documented endpoint, each malformed on purpose — invalid JSON, wrong types, out-of-range and huge numbers,
 * unknown or missing fields, bad enum values and patterns, over-long strings, prototype-poisoning keys, deep nesting,
 * wrong content types, ids that do not exist (unicode, traversal, broken percent-encoding), bad query values.
 * Every answer must be a 4xx in the API's error shape (GETs: anything but a 5xx), no connection may drop, the server
 * must stay healthy, and no malformed request may change anything (GET /api/state before = after).
 */

interface Schema {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  nullable?: boolean;
  items?: Schema;
  allOf?: Schema[];
  $ref?: string;
}

interface OpenApiDoc {
  paths: Record<
    string,
    Record<
      string,
      { parameters?: { name: string; in: string }[]; requestBody?: { content: Record<string, { schema: Schema }> } }
    >
  >;
  components: { schemas: Record<string, Schema> };
}

interface Operation {
  method: string;
  path: string;
  pathParam: string | null;
  query: string[];
  body: Schema | null;
}

interface FuzzRequest {
  op: Operation;
  url: string;
  headers: Record<string, string>;
  body?: string;
  what: string;
}

/** Endpoints the fuzzer leaves alone: the SSE stream never ends, the UI analysis launches Chromium. */
const SKIPPED = new Set(['GET /api/events', 'GET /api/ui/analysis']);
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function resolveSchema(doc: OpenApiDoc, s: Schema): Schema {
  if (s.$ref) return resolveSchema(doc, doc.components.schemas[s.$ref.split('/').pop()!]);
  if (s.allOf?.length === 1) return resolveSchema(doc, s.allOf[0]);
  return s;
}

/** The fields of a body schema, nested objects flattened one level (`schedule.interval_value`). */
function fieldsOf(doc: OpenApiDoc, schema: Schema): { path: string[]; schema: Schema }[] {
  const out: { path: string[]; schema: Schema }[] = [];
  for (const [name, raw] of Object.entries(schema.properties ?? {})) {
    const s = resolveSchema(doc, raw);
    if (s.properties)
      for (const [sub, subRaw] of Object.entries(s.properties))
        out.push({ path: [name, sub], schema: resolveSchema(doc, subRaw) });
    else out.push({ path: [name], schema: s });
  }
  return out;
}

/** A minimal valid body for each request schema (the fuzzer then breaks exactly one thing in it). */
function baseBody(op: Operation): Record<string, unknown> {
  const required = op.body?.required ?? [];
  if (required.includes('version')) return { version: '1.0', job: { name: 'fuzz' }, tasks: [] };
  if (required.includes('task_order')) return { task_order: [] };
  const base: Record<string, unknown> = {};
  if (required.includes('name')) base['name'] = 'fuzz';
  if (required.includes('prompt')) base['prompt'] = 'fuzz';
  return base;
}

function setPath(obj: Record<string, unknown>, p: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj);
  if (p.length === 1) copy[p[0]] = value;
  else copy[p[0]] = { ...(copy[p[0]] ?? {}), [p[1]]: value };
  return copy;
}

/** A value of the wrong JSON type for the schema (never null: nullable fields accept it). */
function wrongType(s: Schema): fc.Arbitrary<unknown> {
  const obj = fc.constant({ fuzz: 1 });
  const arr = fc.constant([1, 'two']);
  if (s.enum) return fc.oneof(fc.integer(), fc.boolean(), obj, arr);
  switch (s.type) {
    case 'string':
      return fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), obj, arr);
    case 'integer':
      return fc.oneof(
        fc.string({ minLength: 1, maxLength: 5 }).map((x) => `${x}7`),
        fc.constant(1.5),
        fc.constant(-0.25),
        fc.boolean(),
        obj,
        arr,
      );
    case 'number':
      return fc.oneof(fc.constant('12'), fc.constant('NaN'), fc.boolean(), obj, arr);
    case 'boolean':
      return fc.oneof(fc.constantFrom('true', 'false', 'yes', ''), fc.constantFrom(0, 1), obj, arr);
    case 'array':
      return fc.oneof(fc.constantFrom('a,b', ''), fc.integer(), obj, fc.boolean());
    default:
      return fc.oneof(fc.constantFrom('x', ''), fc.integer(), arr, fc.boolean());
  }
}

const RAW_HUGE = '"__FUZZ_RAW_HUGE__"';
const RAW_NEG_HUGE = '"__FUZZ_RAW_NEG_HUGE__"';

/** A number outside the schema's bounds (or a literal that overflows to ±Infinity). */
function outOfRange(s: Schema): fc.Arbitrary<unknown> | null {
  const options: fc.Arbitrary<unknown>[] = [];
  if (s.maximum !== undefined)
    options.push(fc.constantFrom(s.maximum + 1, s.maximum * 10 + 1, 1e308, Number.MAX_SAFE_INTEGER * 8, RAW_HUGE));
  if (s.minimum !== undefined)
    options.push(fc.constantFrom(s.exclusiveMinimum ? s.minimum : s.minimum - 1, -1e308, RAW_NEG_HUGE));
  return options.length ? fc.oneof(...options) : null;
}

function badString(s: Schema): fc.Arbitrary<unknown> | null {
  const options: fc.Arbitrary<unknown>[] = [];
  if (s.enum) options.push(fc.string({ unit: 'grapheme', maxLength: 12 }).filter((x) => !s.enum!.includes(x)));
  if (s.maxLength !== undefined && s.maxLength <= 100_000)
    options.push(fc.constantFrom('x', 'é').map((c) => c.repeat(s.maxLength! + 1)));
  if ((s.minLength ?? 0) >= 1) options.push(fc.constant(''));
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    options.push(
      fc.constantFrom('zz top', '../../etc', '😀😀', ' ', 'x'.repeat(300), 'a\nb').filter((x) => !re.test(x)),
    );
  }
  return options.length ? fc.oneof(...options) : null;
}

function encodeBody(value: unknown): string {
  return JSON.stringify(value).replaceAll(RAW_HUGE, '1e999').replaceAll(RAW_NEG_HUGE, '-1e999');
}

/** A body that breaks the operation's schema in exactly one way, plus what was broken. */
function malformedBody(
  doc: OpenApiDoc,
  op: Operation,
): fc.Arbitrary<{ body: string; contentType: string; what: string }> {
  const schema = op.body!;
  const base = baseBody(op);
  const json = (value: unknown, what: string) => ({ body: encodeBody(value), contentType: 'application/json', what });
  const fields = fieldsOf(doc, schema);
  const kinds: fc.Arbitrary<{ body: string; contentType: string; what: string }>[] = [
    fc
      .oneof(
        fc.constantFrom(
          '{',
          '{"name": ',
          '{"a":1,}',
          "{'name':'x'}",
          'NaN',
          '[1,2',
          '{"name":"x"}}',
          '\u0000',
          '',
          'nul',
          '{"a":tru}',
        ),
        fc.string({ unit: 'binary', maxLength: 30 }).filter((x) => {
          try {
            JSON.parse(x);
            return false;
          } catch {
            return true;
          }
        }),
      )
      .map((body) => ({ body, contentType: 'application/json', what: `invalid JSON ${JSON.stringify(body)}` })),
    // PUT …/task-order also takes the bare list as its body, so an empty array is a valid request there.
    fc
      .constantFrom<unknown>(
        ...(schema.required?.includes('task_order') ? [[1, 2]] : [[]]),
        [base],
        'text',
        42,
        null,
        true,
      )
      .map((v) => json(v, `non-object body ${JSON.stringify(v)}`)),
    fc
      .tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }), fc.jsonValue({ maxDepth: 2 }))
      .filter(([k]) => !(k in (schema.properties ?? {})) && k !== '__proto__')
      .map(([k, v]) => json({ ...base, [k]: v }, `unknown field ${JSON.stringify(k)}`)),
    fc.constant({
      body: `{"__proto__":{"polluted":true},${encodeBody(base).slice(1)}`.replace(',}', '}'),
      contentType: 'application/json',
      what: '__proto__ key',
    }),
    fc.constant({
      body: `{"constructor":{"prototype":{"polluted":true}}}`,
      contentType: 'application/json',
      what: 'constructor.prototype key',
    }),
    fc.integer({ min: 500, max: 5000 }).map((depth) => ({
      body: encodeBody({ ...base, fuzz_nested: '__DEEP__' }).replace(
        '"__DEEP__"',
        `${'['.repeat(depth)}${']'.repeat(depth)}`,
      ),
      contentType: 'application/json',
      what: `nesting depth ${depth}`,
    })),
    fc
      .constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
      )
      .map((ct) => ({
        body: ct.startsWith('application/x-www') ? 'name=x&prompt=y' : encodeBody({ ...base }),
        contentType: ct,
        what: `content-type ${ct}`,
      })),
  ];
  for (const req of schema.required ?? []) {
    const rest = { ...base };
    delete rest[req];
    kinds.push(fc.constant(json(rest, `missing required ${req}`)));
  }
  const fieldArb = fc.constantFrom(...fields).chain((f) => {
    const options = [
      wrongType(f.schema).map((v) =>
        json(setPath(base, f.path, v), `wrong type for ${f.path.join('.')}: ${JSON.stringify(v)}`),
      ),
    ];
    const range = f.schema.type === 'integer' || f.schema.type === 'number' ? outOfRange(f.schema) : null;
    if (range)
      options.push(range.map((v) => json(setPath(base, f.path, v), `out of range ${f.path.join('.')}: ${String(v)}`)));
    const str = f.schema.type === 'string' ? badString(f.schema) : null;
    if (str)
      options.push(
        str.map((v) =>
          json(setPath(base, f.path, v), `bad string ${f.path.join('.')}: ${JSON.stringify(v).slice(0, 40)}`),
        ),
      );
    return fc.oneof(...options);
  });
  if (fields.length > 0) kinds.push(fieldArb, fieldArb); // field-level breakage twice as often
  return fc.oneof(...kinds);
}

/** Ids that match nothing: random UUIDs, unicode, traversal, broken percent-encoding, very long. */
const badId: fc.Arbitrary<string> = fc.oneof(
  fc.uuid().map((u) => u),
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 24 })
    .filter((s) => /[^0-9a-fA-F-]/.test(s))
    .map((s) => encodeURIComponent(s)),
  fc.constantFrom(
    '..',
    '%2e%2e',
    '..%2F..%2Fetc%2Fpasswd',
    '%00',
    '%',
    '%zz',
    '%E0%A4%A',
    '%20',
    'null',
    'undefined',
    '-1',
    'x'.repeat(5000),
    '%F0%9F%98%80',
    '%E2%80%AE',
    'zzzzzzzz',
  ),
);

const badQueryValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    '-1',
    '0',
    '1e999',
    'NaN',
    'abc',
    '[]',
    '{}',
    'true=false',
    '%',
    '%zz',
    '99999999999999999999',
    '1.5',
    'x'.repeat(3000),
    '%F0%9F%98%80',
  ),
  fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => encodeURIComponent(s)),
);

function queryFor(op: Operation): fc.Arbitrary<string> {
  const names = op.query.length ? op.query : ['fuzz', 'limit'];
  return fc
    .array(fc.tuple(fc.constantFrom(...names), badQueryValue), { minLength: 1, maxLength: 3 })
    .map((pairs) => '?' + pairs.map(([k, v]) => `${k}=${v}`).join('&'));
}

describe('drill: OpenAPI-driven fuzzer', () => {
  let dir: string;
  let gui: GuiProcess;

  beforeAll(async () => {
    dir = makeTempDir('ccs-drill-fuzz-');
    gui = await startDrillGui(path.join(dir, 'data'), fakeClaudeGuiEnv(dir));
  });
  afterAll(async () => {
    await gui?.stop();
    removeTempDir(dir);
  });

  it('answers 2,000 malformed requests with 4xx, drops no connection, stays healthy and unchanged', async () => {
    const port = gui.port;
    // Something of everything, so that requests with existing ids reach real records.
    const job = (await api(port, 'POST', '/api/jobs', { name: 'fuzz job' })).json().job.id as string;
    const task = (await api(port, 'POST', '/api/tasks', { name: 'fuzz task', prompt: 'p', job_id: job })).json().task
      .id as string;
    await api(port, 'POST', '/api/tasks', {
      name: 'scheduled',
      prompt: 'p',
      schedule: { schedule_type: 'interval', interval_type: 'cron', interval_cron: '0 3 * * *' },
    });
    const profile = (
      await api(port, 'POST', '/api/profiles', { name: 'fuzz profile', env_vars: [{ name: 'A', value: 'secret' }] })
    ).json().profile.id as string;
    const run = (await api(port, 'POST', `/api/tasks/${task}/run`)).json().run_id as string;
    await until(
      async () => TERMINAL.has((await api(port, 'GET', `/api/runs/${run}`)).json().run.status),
      'the seeded run to finish',
    );
    const existing: Record<string, string> = { tasks: task, jobs: job, profiles: profile, runs: run };

    const doc = (await api(port, 'GET', '/api/openapi.json')).json() as OpenApiDoc;
    const ops: Operation[] = [];
    for (const [p, methods] of Object.entries(doc.paths)) {
      for (const [m, spec] of Object.entries(methods)) {
        const method = m.toUpperCase();
        if (SKIPPED.has(`${method} ${p}`)) continue;
        const params = spec.parameters ?? [];
        const schema = spec.requestBody?.content['application/json']?.schema;
        ops.push({
          method,
          path: p,
          pathParam: params.find((x) => x.in === 'path')?.name ?? null,
          query: params.filter((x) => x.in === 'query').map((x) => x.name),
          body: schema ? resolveSchema(doc, schema) : null,
        });
      }
    }
    expect(ops.length).toBeGreaterThan(35);

    const requestArb: fc.Arbitrary<FuzzRequest> = fc.constantFrom(...ops).chain((op) => {
      const resource = op.path.split('/')[2];
      const mutating = op.method !== 'GET';
      // An existing id only where something else is surely broken (a body) or nothing can change (GET).
      const idArb = !op.pathParam
        ? fc.constant('')
        : existing[resource] && (op.body || !mutating)
          ? fc.oneof(badId, fc.constant(existing[resource]))
          : badId;
      const bodyArb = op.body
        ? malformedBody(doc, op).map((b) => b as { body?: string; contentType?: string; what: string })
        : BODY_METHODS.has(op.method)
          ? fc.constantFrom<{ body?: string; contentType?: string; what: string }>(
              { what: 'no body' },
              { body: '{', contentType: 'application/json', what: 'invalid JSON to a body-less endpoint' },
            )
          : fc.constant<{ body?: string; contentType?: string; what: string }>({ what: 'no body' });
      // GETs and body-less calls with an existing id always carry a bad query; otherwise sometimes.
      const queryArb =
        !op.body && (op.method === 'GET' || !op.pathParam) ? queryFor(op) : fc.option(queryFor(op), { nil: '' });
      return fc.tuple(idArb, bodyArb, queryArb).map(([id, b, q]) => {
        const url = (op.pathParam ? op.path.replace(`{${op.pathParam}}`, id) : op.path) + q;
        const headers: Record<string, string> = {};
        if (b.contentType) headers['content-type'] = b.contentType;
        return {
          op,
          url,
          headers,
          body: b.body,
          what: `${op.method} ${url.slice(0, 120)} — ${b.what}${id === existing[resource] ? ' (existing id)' : ''}`,
        };
      });
    });

    const volatile = (state: Record<string, unknown>): Record<string, unknown> => {
      const nodes = (state['nodes'] as Record<string, unknown>[]).map((n) => ({
        ...n,
        last_heartbeat: null,
        running_run_ids: null,
      }));
      return { ...state, nodes };
    };
    const before = volatile((await api(port, 'GET', '/api/state')).json());
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const statuses: Record<string, number> = {};
    try {
      await fc.assert(
        fc.asyncProperty(requestArb, async (req) => {
          let res;
          try {
            res = await rawRequest(port, req.op.method, req.url, {
              headers: req.headers,
              body: req.body,
              agent,
              timeoutMs: 15_000,
            });
          } catch (err) {
            throw new Error(`connection dropped: ${req.what}: ${(err as Error).message}`, { cause: err });
          }
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          const detail = `${req.what} → ${res.status} ${res.body.slice(0, 200)}`;
          if (res.status >= 500) throw new Error(`server error: ${detail}`);
          if (req.op.method !== 'GET' && (res.status < 400 || res.status >= 500))
            throw new Error(`a malformed ${req.op.method} was not refused: ${detail}`);
          if (res.status >= 400 && String(res.headers['content-type']).includes('json')) {
            const error = (res.json() as { error?: Record<string, unknown> }).error;
            if (
              !error ||
              typeof error['code'] !== 'string' ||
              typeof error['message'] !== 'string' ||
              !('details' in error)
            ) {
              throw new Error(`not the API error shape: ${detail}`);
            }
          }
        }),
        { numRuns: 2000, seed: Number(process.env['FUZZ_SEED'] ?? 20269), endOnFailure: true },
      );
    } finally {
      agent.destroy();
    }
    const total = Object.values(statuses).reduce((a, b) => a + b, 0);
    expect(total).toBe(2000);
    expect(Object.keys(statuses).every((s) => Number(s) < 500)).toBe(true);
    expect((await api(port, 'GET', '/api/health')).json().status).toBe('ok');
    expect(volatile((await api(port, 'GET', '/api/state')).json())).toEqual(before);
  }, 120_000);
});
