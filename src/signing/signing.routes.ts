import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../services.js';

const signingKeysSchema = z
  .object({
    office: z.string().describe('The office code'),
    keys: z.array(
      z.object({
        keyId: z.string(),
        alg: z.literal('Ed25519'),
        publicKeyPem: z.string(),
        createdAt: z.string(),
        retiredAt: z.string().nullable().describe('Retired keys sign nothing new; their old signatures stay valid'),
      }),
    ),
  })
  .meta({ id: 'SigningKeys' });

export function signingRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/.well-known/izol-signing-keys.json', {
    schema: {
      operationId: 'getSigningKeys',
      tags: ['Trust'],
      summary: "Public: the office's signing keys (current and retired), to check signed checkpoints and documents",
      response: { 200: signingKeysSchema },
    },
    handler: async (request, reply) => {
      const keys = await services.signer.publicKeys(request.tenant.id);
      void reply.header('cache-control', 'public, max-age=300');
      return { office: request.tenant.code, keys };
    },
  });
}
