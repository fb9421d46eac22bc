import Fastify, { FastifyInstance } from 'fastify';
import { createFastifyAdapterOptions } from './fastify-options';
import { registerSingleValueQuery } from './query-guard';

describe('registerSingleValueQuery', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = Fastify();
    registerSingleValueQuery(app);
    app.get('/items', (req) => ({ query: req.query }));
    await app.ready();
  });
  afterAll(() => app.close());

  it('refuses a parameter given twice with 400 VALIDATION_FAILED naming it', async () => {
    const r = await app.inject({ method: 'GET', url: '/items?job_id=a&job_id=b&limit=1' });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: 'Query parameter job_id given more than once: pass each once',
        details: [{ field: 'job_id', message: 'given more than once' }],
      },
    });
  });

  it('names every repeated parameter', async () => {
    const r = await app.inject({ method: 'GET', url: '/items?a=1&a=2&b=x&b=y' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toBe('Query parameters a, b given more than once: pass each once');
  });

  it('lets single values and no query through', async () => {
    expect((await app.inject({ method: 'GET', url: '/items?job_id=a&limit=1' })).json()).toEqual({
      query: { job_id: 'a', limit: '1' },
    });
    expect((await app.inject({ method: 'GET', url: '/items' })).statusCode).toBe(200);
  });
});

describe('createFastifyAdapterOptions: errors before routing', () => {
  it('answers a broken percent-encoding in the path with 400 in the API error shape', async () => {
    const app = Fastify(createFastifyAdapterOptions());
    app.get('/api/runs/:id', () => ({ ok: true }));
    await app.ready();
    try {
      const r = await app.inject({ method: 'GET', url: '/api/runs/%E0%A4%A' });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toEqual({
        error: {
          code: 'BAD_REQUEST',
          message: 'The URL is not valid: it has a broken percent-encoding (%XX)',
          details: null,
        },
      });
    } finally {
      await app.close();
    }
  });
});
