import { pipeline, Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contentDisposition } from '../http/content-disposition.js';
import { requireActor } from '../http/context.js';
import { localisedSchema, problemResponses, uuidParam } from '../http/common.schemas.js';
import { AppError } from '../shared/errors.js';
import { readFilePart } from '../http/multipart.js';
import type { Services } from '../services.js';
import { publicBillSchema } from '../payments/bills.schemas.js';
import { REGISTRY_COLUMNS, registryJsonSchema, registryRecordSchema, registryStatusSchema } from './registry.schema.js';
import type { RegistryFilters, RegistryFormat } from './permits.service.js';

const noop = () => {};

const bearer = [{ bearer: [] }];
/** The largest PDF the public check accepts; an issued permit is far smaller. */
export const MAX_CHECKED_PDF_BYTES = 10 * 1024 * 1024;

const signatureSchema = z.object({ alg: z.literal('Ed25519'), keyId: z.string(), signature: z.string().describe('base64url') });
const signedSchema = z
  .object({
    document: z
      .string()
      .describe('The exact signed text (canonical JSON); check `signature` over its UTF-8 bytes with the key from /.well-known/izol-signing-keys.json'),
    signature: signatureSchema,
  })
  .meta({ id: 'SignedDocument' });

const signedStatementSchema = z
  .object({
    document: z
      .string()
      .describe(
        'The exact signed status statement (canonical JSON: type izol.status/1, office, permit, status, reason, replacedBy, at, auditEventId, keyId); check `signature` over its UTF-8 bytes',
      ),
    signature: signatureSchema,
  })
  .meta({ id: 'SignedStatusStatement' });

const revocationListSchema = z
  .object({
    type: z.literal('izol.revocations/1'),
    office: z.string(),
    issuedAt: z.string(),
    nextUpdate: z.string().describe('issuedAt + 24 h at the latest; fetch again then, or sooner'),
    keyId: z.string(),
    hash: z.literal('sha256'),
    entries: z
      .array(
        z.object({
          h: z.string().describe('Lowercase hex SHA-256 of the UTF-8 of "<office code>:<permit number>"'),
          at: z.string().describe('When the permit stopped being valid'),
          s: z.enum(['revoked', 'superseded']),
        }),
      )
      .describe('Sorted by h'),
    signature: z.string().describe('base64url Ed25519 over the canonical JSON of this object without "signature"'),
  })
  .meta({ id: 'RevocationList' });

const publicPermitSchema = z
  .object({
    office: z.object({ code: z.string(), name: z.string() }),
    number: z.string(),
    verificationCode: z.string(),
    applicationNumber: z.string(),
    permitType: z.object({ code: z.string(), title: localisedSchema }),
    holder: z.object({ name: z.string() }),
    businessName: z.string().nullable(),
    subject: z.array(z.object({ field: z.string(), label: localisedSchema, value: localisedSchema })),
    conditions: z.array(localisedSchema),
    validFrom: z.string(),
    validUntil: z.string().nullable(),
    issuedAt: z.string(),
    signer: z.object({ name: z.string(), position: z.string() }),
    supersedes: z.object({ number: z.string() }).nullable(),
    status: registryStatusSchema,
    revokedAt: z.string().nullable(),
    revocationReason: z.string().nullable(),
    supersededBy: z.object({ number: z.string(), verificationCode: z.string() }).nullable(),
  })
  .meta({ id: 'PublicPermit' });

const receiptDocumentSchema = z
  .object({
    receiptKind: z.enum(['filing', 'payment']),
    office: z.object({ code: z.string(), name: z.string() }),
    verificationCode: z.string(),
    applicationNumber: z.string(),
    permitType: z.object({ code: z.string(), name: localisedSchema }),
    applicantName: z.string(),
    at: z.string(),
    payment: z.object({ amount: z.number(), reference: z.string() }).nullable(),
  })
  .meta({ id: 'Receipt' });

const verificationSchema = z
  .object({
    status: z.enum(['valid', 'expired', 'revoked', 'superseded', 'not_found', 'not_authentic', 'open', 'paid', 'voided']),
    kind: z.enum(['permit', 'receipt', 'bill']).nullable(),
    permit: publicPermitSchema.optional(),
    receipt: receiptDocumentSchema.optional(),
    bill: publicBillSchema.optional().describe('A bill (SKRD): status open, expired, paid or voided'),
    signed: signedSchema.optional(),
    problem: z
      .literal('status')
      .optional()
      .describe('not_authentic because the stored status and the signed status statements disagree (the record was changed)'),
    statements: z
      .array(signedStatementSchema)
      .optional()
      .describe("A permit's signed status statements (a revocation, correction or renewal); none while it is valid"),
  })
  .meta({ id: 'Verification', description: 'Never contains a NIK, phone number or email address' });

export const permitSchema = z
  .object({
    id: z.string(),
    applicationId: z.string(),
    number: z.string(),
    verificationCode: z.string(),
    verificationUrl: z.string(),
    status: registryStatusSchema,
    title: localisedSchema,
    holderName: z.string(),
    validFrom: z.string(),
    validUntil: z.string().nullable(),
    issuedAt: z.string(),
    revokedAt: z.string().nullable(),
    revocationReason: z.string().nullable(),
    supersedesId: z.string().nullable(),
    supersededById: z.string().nullable(),
    pdfSha256: z.string(),
    sealedText: z
      .string()
      .nullable()
      .describe('What the QR code carries: "IZ1:" + base45 of a COSE_Sign1 signed by the office (docs/verification.md); null for permits issued before seals'),
  })
  .meta({ id: 'Permit' });

const registryQuerySchema = z.strictObject({
  q: z.string().trim().max(100).optional().describe('Part of a permit number, holder name or business name'),
  type: z
    .string()
    .trim()
    .regex(/^[A-Za-z][A-Za-z0-9]{1,11}$/)
    .transform((s) => s.toUpperCase())
    .optional()
    .describe('Permit type code'),
  status: registryStatusSchema.optional(),
  from: z.iso.date().optional().describe('Issued on or after (YYYY-MM-DD)'),
  to: z.iso.date().optional().describe('Issued on or before (YYYY-MM-DD)'),
});

const permitParams = z.strictObject({ id: uuidParam });
const reasonBody = z.strictObject({ reason: z.string().trim().min(5).max(1000) });

/** Sends a permit's PDF as a download named after its number; never cached by shared caches. */
export function sendPermitPdf(reply: FastifyReply, permit: { number: string }, stream: Readable): FastifyReply {
  return reply
    .header('content-type', 'application/pdf')
    .header('content-disposition', contentDisposition('attachment', `izin-${permit.number.replace(/[^A-Za-z0-9-]/g, '-')}.pdf`))
    .header('cache-control', 'private, no-store')
    .send(stream);
}

/** Reads the one file of a multipart upload into memory (PDF checks are small and synchronous). */
export async function readUploadedFile(request: FastifyRequest, maxBytes: number): Promise<Buffer> {
  const missing = () => new AppError('invalid_input', 'no file', { fields: [{ field: 'file', code: 'required', message: 'choose the PDF file to check' }] });
  let part;
  try {
    part = await readFilePart(request, { maxBytes, what: 'the PDF', fields: 2 });
  } catch (err) {
    if (err instanceof AppError) throw missing();
    throw err;
  }
  let bytes: Buffer;
  try {
    bytes = await part.toBuffer();
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError('file_too_large', 'pdf too large', { params: { maxMb: Math.round(maxBytes / 1048576) } });
    }
    throw missing();
  }
  if (bytes.length === 0) throw missing();
  return bytes;
}

export function permitRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { permits, audit } = services;

  r.get('/api/v1/verify/:code', {
    config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
    schema: {
      operationId: 'verifyPermit',
      tags: ['Trust'],
      summary:
        'Public: check a permit, receipt or bill by the code under its QR code (valid, expired, revoked, superseded, not found; a bill: open, expired, paid, voided)',
      params: z.strictObject({ code: z.string().min(1).max(40) }),
      response: { 200: verificationSchema, ...problemResponses },
    },
    handler: async (request) => permits.verify({ tenantId: request.tenant.id, code: request.params.code }),
  });

  r.post('/api/v1/verify/pdf', {
    config: { multipartUpload: true, rateLimit: { max: 20, timeWindow: '1 minute' } },
    schema: {
      operationId: 'verifyPermitPdf',
      tags: ['Trust'],
      summary:
        'Public: upload a permit PDF (multipart/form-data, field "file") to check it is exactly the one the office issued; any change makes it not authentic',
      consumes: ['multipart/form-data'],
      response: { 200: verificationSchema, ...problemResponses },
    },
    handler: async (request) => permits.verifyPdf({ tenantId: request.tenant.id, bytes: await readUploadedFile(request, MAX_CHECKED_PDF_BYTES) }),
  });

  r.get('/api/v1/applications/:id/permits', {
    schema: {
      operationId: 'listPermits',
      tags: ['Permits'],
      summary: 'The permits issued on a file, newest first (a correction or renewal adds one)',
      security: bearer,
      params: permitParams,
      response: { 200: z.array(permitSchema), ...problemResponses },
    },
    handler: async (request) => permits.permitsForApplication({ actor: requireActor(request), applicationId: request.params.id }),
  });

  r.get('/api/v1/applications/:id/receipts', {
    schema: {
      operationId: 'listReceipts',
      tags: ['Permits'],
      summary: 'Signed receipts of a file: proof of filing and, for paid permits, proof of payment',
      security: bearer,
      params: permitParams,
      response: {
        200: z.array(
          z.object({
            kind: z.enum(['filing', 'payment']),
            verificationCode: z.string(),
            createdAt: z.string(),
            document: receiptDocumentSchema.extend({ v: z.literal(1), kind: z.literal('receipt') }),
          }),
        ),
        ...problemResponses,
      },
    },
    handler: async (request) => permits.receiptsForApplication({ actor: requireActor(request), applicationId: request.params.id }),
  });

  r.get('/api/v1/permits/:id', {
    schema: {
      operationId: 'getPermit',
      tags: ['Permits'],
      summary: 'One permit (its holder, or an officer of the office)',
      security: bearer,
      params: permitParams,
      response: { 200: permitSchema, ...problemResponses },
    },
    handler: async (request) => permits.getPermit({ actor: requireActor(request), permitId: request.params.id }),
  });

  r.get('/api/v1/permits/:id/pdf', {
    schema: {
      operationId: 'downloadPermitPdf',
      tags: ['Permits'],
      summary: 'The signed permit PDF (application/pdf)',
      security: bearer,
      params: permitParams,
      produces: ['application/pdf'],
      response: { 200: z.any().describe('The PDF'), ...problemResponses },
    },
    handler: async (request, reply) => {
      const { permit, stream } = await permits.openPdf({ actor: requireActor(request), permitId: request.params.id });
      return sendPermitPdf(reply, permit, stream);
    },
  });

  r.post('/api/v1/permits/:id/revoke', {
    schema: {
      operationId: 'revokePermit',
      tags: ['Permits'],
      summary: 'Head of office: revoke a permit, with a reason the public verification shows',
      security: bearer,
      params: permitParams,
      body: reasonBody,
      response: { 200: permitSchema, ...problemResponses },
    },
    handler: async (request) => permits.revoke({ actor: requireActor(request, 'permit.revoke'), permitId: request.params.id, reason: request.body.reason }),
  });

  r.post('/api/v1/permits/:id/reissue', {
    schema: {
      operationId: 'reissuePermit',
      tags: ['Permits'],
      summary: 'Head of office: correct a permit by re-issuing it (new number and code); the old one becomes superseded',
      security: bearer,
      params: permitParams,
      body: reasonBody.extend({
        holderName: z.string().trim().min(1).max(200).optional(),
        answers: z
          .record(z.string().max(40), z.union([z.string().max(5000), z.number(), z.boolean()]))
          .optional()
          .describe('Corrected answers (only those that change)'),
      }),
      response: { 201: permitSchema, ...problemResponses },
    },
    handler: async (request, reply) => {
      const next = await permits.reissue({ actor: requireActor(request, 'permit.reissue'), permitId: request.params.id, ...request.body });
      return reply.code(201).send(next);
    },
  });

  r.post('/api/v1/permits/:id/renew', {
    schema: {
      operationId: 'renewPermit',
      tags: ['Permits'],
      summary: "Holder: start a renewal, a new application pre-filled from the permit's file (the same draft if one is open)",
      security: bearer,
      params: permitParams,
      body: z.strictObject({}).nullish().describe('No input: send no body, or {}'),
      response: { 200: z.object({ applicationId: z.string() }), 201: z.object({ applicationId: z.string() }), ...problemResponses },
    },
    handler: async (request, reply) => {
      const { applicationId, created } = await permits.renew({ actor: requireActor(request, 'permit.renew'), permitId: request.params.id });
      return reply.code(created ? 201 : 200).send({ applicationId });
    },
  });

  r.get('/api/v1/registry', {
    config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
    schema: {
      operationId: 'searchRegistry',
      tags: ['Registry'],
      summary: 'Public: the registry of issued permits (no NIK, phone or email), newest first',
      querystring: registryQuerySchema.extend({
        page: z.coerce.number().int().min(1).max(10_000).default(1),
        pageSize: z.coerce.number().int().min(1).max(100).default(20),
      }),
      response: { 200: z.object({ total: z.number(), page: z.number(), pageSize: z.number(), records: z.array(registryRecordSchema) }), ...problemResponses },
    },
    handler: async (request) => {
      const { page, pageSize, ...filters } = request.query;
      return permits.searchRegistry({ tenantId: request.tenant.id, filters, page, pageSize });
    },
  });

  // Exports read the whole registry: a few a minute per address is plenty for open-data users. The
  // export is written row by row from the database, or from a kept gzip copy (permits.registryExport);
  // gzip to a client that takes it, plain otherwise. An If-None-Match with the current ETag is a 304,
  // before anything is read.
  const sendExport = async (request: FastifyRequest, reply: FastifyReply, filters: RegistryFilters, format: RegistryFormat) => {
    const file = await permits.registryExport({ tenantId: request.tenant.id, filters, format });
    void reply
      .type(format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8')
      .header('content-disposition', contentDisposition('attachment', `registri-izin.${format}`))
      .header('etag', file.etag)
      .header('cache-control', 'no-cache')
      .header('vary', 'accept-encoding');
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
    const gzipped = /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
    if (gzipped) void reply.header('content-encoding', 'gzip');
    if (file.kept) return reply.send(gzipped ? file.kept : pipeline(Readable.from([file.kept]), createGunzip(), noop));
    return reply.send(gzipped ? pipeline(file.open(), createGzip(), noop) : file.open());
  };

  r.get('/api/v1/registry/export.json', {
    config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    compress: false,
    schema: {
      operationId: 'exportRegistryJson',
      tags: ['Registry'],
      summary: 'Public open data: the registry as a JSON array of RegistryRecord (schema at /api/v1/registry/schema.json)',
      querystring: registryQuerySchema,
      response: { 200: z.array(registryRecordSchema), 304: z.null().describe('Not modified: the ETag sent in If-None-Match is current'), ...problemResponses },
    },
    handler: async (request, reply) => sendExport(request, reply, request.query, 'json'),
  });

  r.get('/api/v1/registry/export.csv', {
    config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    compress: false,
    schema: {
      operationId: 'exportRegistryCsv',
      tags: ['Registry'],
      summary: `Public open data: the registry as CSV (RFC 4180, UTF-8), columns ${REGISTRY_COLUMNS.join(', ')}`,
      querystring: registryQuerySchema,
      produces: ['text/csv'],
      response: { 200: z.string(), 304: z.null().describe('Not modified: the ETag sent in If-None-Match is current'), ...problemResponses },
    },
    handler: async (request, reply) => sendExport(request, reply, request.query, 'csv'),
  });

  r.get('/api/v1/registry/schema.json', {
    schema: {
      operationId: 'getRegistrySchema',
      tags: ['Registry'],
      summary: 'Public: the JSON Schema of one registry record (docs/registry.md explains the fields)',
      response: { 200: z.record(z.string(), z.unknown()), ...problemResponses },
    },
    handler: async (_request, reply) => {
      void reply.header('content-type', 'application/schema+json');
      return registryJsonSchema();
    },
  });

  r.get('/.well-known/izol-revocations.json', {
    config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
    schema: {
      operationId: 'getRevocationList',
      tags: ['Trust'],
      summary:
        "Public: the office's signed revocation list (hashed numbers of every permit a signed statement revoked or superseded), for verifiers that work offline (docs/verification.md)",
      response: { 200: revocationListSchema, 304: z.null().describe('Not modified (If-None-Match)'), ...problemResponses },
    },
    handler: async (request, reply) => {
      const { list, etag } = await permits.revocationList({ tenantId: request.tenant.id });
      void reply.header('etag', etag).header('cache-control', 'public, max-age=300');
      const seen = request.headers['if-none-match'];
      if (typeof seen === 'string' && seen.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return reply.code(304).send(null);
      return list;
    },
  });

  r.get('/.well-known/izol-audit-checkpoints.json', {
    schema: {
      operationId: 'getAuditCheckpoints',
      tags: ['Trust'],
      summary: "Public: the office's signed audit checkpoints (chain position and head hash), so others can keep copies and spot a rewritten or truncated log",
      response: {
        200: z.object({
          office: z.string(),
          checkpoints: z.array(
            z.object({ tenantId: z.string(), seq: z.number(), headHash: z.string(), createdAt: z.string(), keyId: z.string(), signature: z.string() }),
          ),
        }),
        ...problemResponses,
      },
    },
    handler: async (request, reply) => {
      void reply.header('cache-control', 'public, max-age=300');
      return { office: request.tenant.code, checkpoints: await audit.publishedCheckpoints({ tenantId: request.tenant.id }) };
    },
  });
}
