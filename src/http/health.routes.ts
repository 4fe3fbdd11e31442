import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../services.js';

export function healthRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Plain routes (http/context.ts), never compressed: a probe must stay cheap.
  const plain = { config: { plain: true }, compress: false, decompress: false } as const;
  r.get('/health', {
    ...plain,
    schema: { operationId: 'getHealth', tags: ['Operations'], summary: 'The process is alive', response: { 200: z.object({ status: z.literal('ok') }) } },
    handler: () => ({ status: 'ok' as const }),
  });
  r.get('/ready', {
    ...plain,
    schema: {
      operationId: 'getReadiness',
      tags: ['Operations'],
      summary: 'The database answers, and the object storage and clamd when configured: ready for traffic',
      response: {
        200: z.object({ status: z.literal('ready') }),
        503: z.object({
          status: z.literal('unavailable'),
          down: z.array(z.enum(['database', 'storage', 'virusScanner'])).describe('What did not answer in time'),
        }),
      },
    },
    handler: async (_request, reply) => {
      const { ready, down } = await services.health.ready();
      if (ready) return { status: 'ready' as const };
      return reply.code(503).send({ status: 'unavailable' as const, down });
    },
  });
}
