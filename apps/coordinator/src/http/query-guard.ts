import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { apiErrorBody } from './api-error';

/**
 * Refuses a query parameter given more than once (`?job_id=a&job_id=b`): Fastify hands it over as an array, and
 * handlers written for one string would misuse it (a 500 until this guard, found by the fuzz drill in
 * test/drills). No endpoint takes repeated parameters, so the answer is 400 VALIDATION_FAILED naming them.
 */
export function registerSingleValueQuery(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const query = request.query;
    const repeated =
      query && typeof query === 'object'
        ? Object.keys(query).filter((k) => Array.isArray((query as Record<string, unknown>)[k]))
        : [];
    if (repeated.length === 0) return done();
    void reply.code(400).send(
      apiErrorBody(
        'VALIDATION_FAILED',
        `Query parameter${repeated.length > 1 ? 's' : ''} ${repeated.join(', ')} given more than once: pass each once`,
        repeated.map((field) => ({ field, message: 'given more than once' })),
      ),
    );
  });
}
