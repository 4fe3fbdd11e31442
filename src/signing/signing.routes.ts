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
    pdfSigning: z
      .object({
        rootCertificatePem: z.string().describe("The deployment's root CA: trust it to see the office's PDF signatures as trusted"),
        certificates: z.array(
          z.object({
            id: z.string().describe('sha256 of the certificate DER, 32 hex'),
            subject: z.string(),
            serial: z.string(),
            certificatePem: z.string(),
            createdAt: z.string(),
            notAfter: z.string(),
            retiredAt: z.string().nullable().describe('Retired certificates sign nothing new; PDFs signed before embed theirs and stay valid'),
          }),
        ),
      })
      .describe('The X.509 certificates of the PAdES signatures on certificate PDFs (docs/signing.md)'),
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
      const pdfSigning = {
        rootCertificatePem: await services.signer.pdf.rootCertificatePem(),
        certificates: await services.signer.pdf.certificates(request.tenant.id),
      };
      void reply.header('cache-control', 'public, max-age=300');
      return { office: request.tenant.code, keys, pdfSigning };
    },
  });
  r.get('/.well-known/izol-certificates.pem', {
    schema: {
      operationId: 'getSigningCertificates',
      tags: ['Trust'],
      summary: "Public: the deployment's root CA and the office's PDF-signing certificates (current and retired) as PEM, for a reader's trust store",
      produces: ['application/x-pem-file'],
      response: { 200: z.string().describe('PEM certificates, the root first') },
    },
    handler: async (request, reply) => {
      const certificates = await services.signer.pdf.certificates(request.tenant.id);
      void reply.header('content-type', 'application/x-pem-file; charset=utf-8').header('cache-control', 'public, max-age=300');
      return [await services.signer.pdf.rootCertificatePem(), ...certificates.map((c) => c.certificatePem)].map((pem) => pem.trim()).join('\n') + '\n';
    },
  });
}
