import { gunzipSync } from 'node:zlib';
import Fastify, { FastifyInstance } from 'fastify';
import { EventHub } from '../events/event-hub';
import { ResponseCache, acceptsGzip } from './response-cache';

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8', true],
    ['*', true],
    ['GZIP', true],
    ['gzip;q=0', false],
    ['gzip;q=0.0, identity', false],
    ['gzip;q=0, *', false],
    ['*;q=0', false],
    ['identity', false],
    ['deflate, br', false],
    ['', false],
  ])('%j → %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });

  it('is false without the header', () => {
    expect(acceptsGzip(undefined)).toBe(false);
  });
});

describe('ResponseCache', () => {
  let app: FastifyInstance;
  let hub: EventHub;
  let cache: ResponseCache;
  let produced = 0;
  let items: { id: number; name: string }[];

  beforeEach(async () => {
    hub = new EventHub();
    cache = new ResponseCache(hub);
    produced = 0;
    items = Array.from({ length: 200 }, (_, i) => ({ id: i, name: `task number ${i}` }));
    app = Fastify();
    app.get('/big', (req, reply) =>
      cache.send(req, reply, () => {
        produced++;
        return { items };
      }),
    );
    app.get('/small', (req, reply) => cache.send(req, reply, () => ({ ok: true })));
    await app.ready();
  });

  afterEach(() => app.close());

  it('sends a gzip copy of a large body to clients that accept it, the same JSON otherwise', async () => {
    const plain = await app.inject({ method: 'GET', url: '/big' });
    const zipped = await app.inject({ method: 'GET', url: '/big', headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['vary']).toBe('accept-encoding');
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 4);
    expect(JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8'))).toEqual(JSON.parse(plain.body));
    expect(zipped.headers['etag']).not.toBe(plain.headers['etag']);
    expect(produced).toBe(1);
  });

  it('answers 304 to a revalidation with the ETag of either encoding', async () => {
    const plain = await app.inject({ method: 'GET', url: '/big' });
    const zipped = await app.inject({ method: 'GET', url: '/big', headers: { 'accept-encoding': 'gzip' } });
    for (const etag of [plain.headers['etag'], zipped.headers['etag']] as string[]) {
      for (const enc of ['gzip', 'identity']) {
        const r = await app.inject({
          method: 'GET',
          url: '/big',
          headers: { 'if-none-match': etag, 'accept-encoding': enc },
        });
        expect(r.statusCode).toBe(304);
        expect(r.rawPayload.length).toBe(0);
      }
    }
  });

  it('leaves small bodies uncompressed', async () => {
    const r = await app.inject({ method: 'GET', url: '/small', headers: { 'accept-encoding': 'gzip' } });
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.json()).toEqual({ ok: true });
  });

  it('drops both encodings when a change is announced', async () => {
    const before = await app.inject({ method: 'GET', url: '/big', headers: { 'accept-encoding': 'gzip' } });
    items.push({ id: 999, name: 'new task' });
    hub.publish('task.changed', { id: 999 });
    const after = await app.inject({
      method: 'GET',
      url: '/big',
      headers: { 'accept-encoding': 'gzip', 'if-none-match': before.headers['etag'] as string },
    });
    expect(after.statusCode).toBe(200);
    expect(JSON.parse(gunzipSync(after.rawPayload).toString('utf8')).items).toHaveLength(201);
    const plain = await app.inject({ method: 'GET', url: '/big' });
    expect(plain.json().items).toHaveLength(201);
    expect(produced).toBe(2);
  });

  it('keeps the cache through live output events', async () => {
    await app.inject({ method: 'GET', url: '/big' });
    hub.publish('run.output', { run_id: 'r', seq: 1 });
    await app.inject({ method: 'GET', url: '/big' });
    expect(produced).toBe(1);
  });
});
