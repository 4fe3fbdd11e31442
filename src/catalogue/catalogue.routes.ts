import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { localisedSchema, problemResponses } from '../http/common.schemas.js';
import type { Services } from '../services.js';
import { CACHE_SCOPES } from '../cache/cache-generations.js';
import { anonymous } from '../web/page-cache.js';

const PUBLIC_CATALOGUE = [CACHE_SCOPES.catalogue] as const;
import { FEE_RULE_KINDS } from '../fees/fee-rule.schema.js';
import { permitTypeSchema } from './catalogue.schema.js';
import type { PermitTypeVersion } from './catalogue.service.js';

const summarySchema = z
  .object({
    code: z.string(),
    version: z.number().int(),
    category: z.string(),
    name: localisedSchema,
    description: localisedSchema,
    slaWorkingDays: z.number().int(),
    fee: z.enum(FEE_RULE_KINDS).describe('The fee rule’s kind'),
    requirementCount: z.number().int(),
  })
  .meta({ id: 'PermitTypeSummary' });

const detailSchema = z.object({ code: z.string(), version: z.number().int(), enabled: z.boolean(), definition: permitTypeSchema }).meta({ id: 'PermitType' });

const toSummary = (t: PermitTypeVersion): z.infer<typeof summarySchema> => ({
  code: t.definition.code,
  version: t.version,
  category: t.definition.category,
  name: t.definition.name,
  description: t.definition.description,
  slaWorkingDays: t.definition.slaWorkingDays,
  fee: t.definition.feeRule.kind,
  requirementCount: t.definition.requirements.length,
});

export function catalogueRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/v1/permit-types', {
    schema: {
      operationId: 'listPermitTypes',
      tags: ['Catalogue'],
      summary: 'The permit types this office accepts applications for',
      querystring: z.strictObject({ q: z.string().max(100).optional().describe('Words to search for, in any order: matched with synonyms, best match first') }),
      response: {
        200: z.object({ items: z.array(summarySchema) }),
        304: z.null().describe('Not modified: the ETag sent in If-None-Match is current'),
        ...problemResponses,
      },
    },
    handler: async (request, reply) => {
      const q = request.query.q?.trim() ?? '';
      if (q) {
        const { results } = await services.catalogue.browsePermitTypes({ tenantId: request.tenant.id, q });
        return { items: (results ?? []).map(toSummary) };
      }
      // The whole list is the same for every anonymous caller: kept with the public pages (web/page-cache.ts)
      // under the catalogue's generation, compressed once, with an ETag (a 304 for a client that has it).
      if (anonymous(request)) {
        const kept = app.pageCache.lookup(request, PUBLIC_CATALOGUE);
        if ('hit' in kept) return app.pageCache.send(request, reply, kept.hit);
        const all = await services.catalogue.listPermitTypes({ tenantId: request.tenant.id });
        const entry = app.pageCache.store(kept.slot, JSON.stringify({ items: all.map(toSummary) }), 'application/json; charset=utf-8');
        return app.pageCache.send(request, reply, entry);
      }
      return { items: (await services.catalogue.listPermitTypes({ tenantId: request.tenant.id })).map(toSummary) };
    },
  });
  r.get('/api/v1/permit-types/:code', {
    schema: {
      operationId: 'getPermitType',
      tags: ['Catalogue'],
      summary: 'One permit type: requirements, form fields, SLA, fee rule, legal basis',
      params: z.strictObject({ code: z.string().regex(/^[A-Za-z0-9]{2,12}$/, 'a permit type code such as PBG') }),
      response: { 200: detailSchema, ...problemResponses },
    },
    handler: async (request) => {
      const t = await services.catalogue.getPermitType({ tenantId: request.tenant.id, code: request.params.code.toUpperCase() });
      // The office's own notes on uncertain figures (dataNote) are for its admins, never for the public.
      const { dataNote: _officeNote, ...definition } = t.definition;
      return { code: t.definition.code, version: t.version, enabled: t.enabled, definition };
    },
  });
}
