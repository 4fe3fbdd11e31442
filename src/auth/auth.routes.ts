import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bearerToken, requireActor } from '../http/context.js';
import { problemResponses } from '../http/common.schemas.js';
import type { Services } from '../services.js';
import { MAX_PASSWORD_LENGTH } from './passwords.js';

const userSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    nikMasked: z.string().nullable().describe('Only the region and the last two digits'),
    identityKind: z.enum(['nik', 'kitas']).describe("What the account registered with: a NIK, or a foreign resident's KITAS/KITAP and passport"),
    passportMasked: z.string().nullable().describe('Foreign residents: only the last three characters of the passport number'),
    stayPermitMasked: z.string().nullable().describe('Foreign residents: only the last three characters of the KITAS/KITAP number'),
    nationality: z.string().nullable(),
    office: z.object({ code: z.string(), name: z.string() }),
  })
  .meta({ id: 'User' });

/** A foreign resident (identityKind 'kitas') sends no NIK: the body reads as if it were empty, and the service asks for the passport instead. */
const registrationBody = z.preprocess(
  (v) => (v !== null && typeof v === 'object' && (v as Record<string, unknown>).identityKind === 'kitas' && !('nik' in v) ? { ...v, nik: '' } : v),
  z.strictObject({
    name: z.string().trim().min(1).max(120),
    identityKind: z
      .enum(['nik', 'kitas'])
      .optional()
      .describe(
        "'nik' (default): a KTP holder, who sends the NIK; 'kitas': a foreign resident with a KITAS or KITAP, who sends passportNumber, stayPermitNumber and nationality instead",
      ),
    nik: z.string().max(20).describe("The 16-digit NIK; its first six digits must be a real region code (Kemendagri). Not needed when identityKind is 'kitas'"),
    passportNumber: z.string().max(30).optional().describe("identityKind 'kitas': the passport number"),
    stayPermitNumber: z.string().max(40).optional().describe("identityKind 'kitas': the KITAS or KITAP number"),
    nationality: z.string().max(60).optional().describe("identityKind 'kitas': the nationality, in words"),
    email: z.string().max(254).optional(),
    phone: z.string().max(20).optional(),
    password: z.string().max(MAX_PASSWORD_LENGTH),
    consent: z.boolean().describe('Agreement to the personal-data notice (UU PDP 27/2022)'),
    language: z
      .enum(['id', 'en'])
      .optional()
      .describe("The language of the account's messages (codes, status, receipts) until the person chooses one; default 'id'"),
  }),
);

export function authRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const strictLimit = { rateLimit: { max: 10, timeWindow: '1 minute' } };

  r.post('/api/v1/auth/register', {
    config: strictLimit,
    schema: {
      operationId: 'registerApplicant',
      tags: ['Accounts'],
      summary: 'Create a citizen or business account',
      body: registrationBody,
      response: { 201: z.object({ userId: z.string() }), ...problemResponses },
    },
    handler: async (request, reply) => {
      const result = await services.auth.registerApplicant({ tenantId: request.tenant.id, ...request.body });
      return reply.code(201).send(result);
    },
  });

  r.post('/api/v1/auth/login', {
    config: strictLimit,
    schema: {
      operationId: 'login',
      tags: ['Accounts'],
      summary: 'Sign in with email or WhatsApp number and password (staff also send the authenticator code); returns a bearer token',
      body: z.strictObject({
        login: z.string().min(1).max(254),
        password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
        otp: z
          .string()
          .regex(/^\d{6}$/, 'six digits')
          .optional()
          .describe('Staff accounts: the current code from the authenticator app'),
      }),
      response: { 200: z.object({ token: z.string(), tokenType: z.literal('Bearer'), expiresAt: z.string() }), ...problemResponses },
    },
    handler: async (request) => {
      const { token, expiresAt } = await services.auth.login({
        tenantId: request.tenant.id,
        login: request.body.login,
        password: request.body.password,
        otp: request.body.otp,
        clientIp: request.ip,
        kind: 'bearer',
        previousToken: bearerToken(request),
      });
      return { token, tokenType: 'Bearer' as const, expiresAt };
    },
  });

  r.post('/api/v1/auth/logout', {
    schema: {
      operationId: 'logout',
      tags: ['Accounts'],
      summary: 'Sign out: ends every session of this account',
      security: [{ bearer: [] }],
      response: { 204: z.null(), ...problemResponses },
    },
    handler: async (request, reply) => {
      await services.auth.logout(requireActor(request));
      return reply.code(204).send(null);
    },
  });

  r.get('/api/v1/me', {
    schema: {
      operationId: 'getCurrentUser',
      tags: ['Accounts'],
      summary: 'The signed-in account',
      security: [{ bearer: [] }],
      response: { 200: userSchema, ...problemResponses },
    },
    handler: async (request) => {
      const me = await services.auth.getProfile(requireActor(request));
      return {
        id: me.id,
        name: me.name,
        role: me.role,
        email: me.email,
        phone: me.phone,
        nikMasked: me.nikMasked,
        identityKind: me.identityKind,
        passportMasked: me.passportMasked,
        stayPermitMasked: me.stayPermitMasked,
        nationality: me.nationality,
        office: { code: request.tenant.code, name: request.tenant.name },
      };
    },
  });
}
