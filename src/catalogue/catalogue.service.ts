import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { appendAudit } from '../audit/audit.repository.js';
import { bumpGeneration, CACHE_SCOPES, type CacheGenerations } from '../cache/cache-generations.js';
import { AppError } from '../shared/errors.js';
import { canonicalJson } from '../shared/json.js';
import { type Clock, isoNow } from '../shared/time.js';
import { type WorkflowDefinition, workflowDefinitionSchema } from '../workflow/workflow.schema.js';
import { claimCatalogueRelease } from '../tenants/tenants.repository.js';
import type { Catalogue, CatalogueRelease } from './catalogue.loader.js';
import { createSearch, groupByTopic, loadSearchData, type TopicGroup } from './catalogue-search.js';
import {
  countPermitTypes,
  countSubmittedApplicationsByCode,
  findPermitTypeHead,
  findPermitTypeRow,
  findVersionById,
  insertPermitType,
  insertPermitTypeVersion,
  listPermitTypeHeads,
  listPermitTypeRows,
  type PermitTypeHead,
  type PermitTypeRow,
  setCurrentVersion,
  setPermitTypeEnabled,
} from './catalogue.repository.js';
import { type PermitTypeDefinition, permitTypeSchema } from './catalogue.schema.js';

/** A permit type as one version froze it: the definition and its workflow. */
export type PermitTypeVersion = {
  permitTypeId: string;
  versionId: string;
  version: number;
  enabled: boolean;
  definition: PermitTypeDefinition;
  workflow: WorkflowDefinition;
};

/** How long an office's "most used first" counts are kept (catalogue order, videotron playlist). */
export const USAGE_TTL_MS = 5 * 60 * 1000;

export function createCatalogueService(deps: { db: Db; clock: Clock; generations?: Pick<CacheGenerations, 'changedHere'> }) {
  const { db } = deps;
  /**
   * A change to what the public catalogue pages show: the 'catalogue' generation moves in the change's
   * own transaction (other instances drop their kept pages at their next poll), and this instance's
   * once it commits (web/page-cache.ts).
   */
  const markChanged = (trx: Kysely<Database>, now: string) => bumpGeneration(trx, CACHE_SCOPES.catalogue, now);
  const changedHere = () => deps.generations?.changedHere(CACHE_SCOPES.catalogue);
  // Versions never change once published, so parsed versions are cached for the life of the process.
  const versionCache = new Map<string, { version: number; definition: PermitTypeDefinition; workflow: WorkflowDefinition }>();

  function parseVersion(id: string, version: number, definition: string, workflow: string) {
    let parsed = versionCache.get(id);
    if (!parsed) {
      parsed = { version, definition: permitTypeSchema.parse(JSON.parse(definition)), workflow: workflowDefinitionSchema.parse(JSON.parse(workflow)) };
      versionCache.set(id, parsed);
    }
    return parsed;
  }

  const toVersion = (r: PermitTypeRow): PermitTypeVersion => ({
    permitTypeId: r.permitTypeId,
    versionId: r.versionId,
    enabled: r.enabled === 1,
    ...parseVersion(r.versionId, r.version, r.definition, r.workflow),
  });

  /**
   * A head (which version is current) with its parsed version. Only the heads are read on every call:
   * the definitions and workflows (the big JSON texts) are read once per version, as they never change,
   * so a new version published by any instance is seen on the next call.
   */
  async function withVersion(h: PermitTypeHead): Promise<PermitTypeVersion> {
    return { permitTypeId: h.permitTypeId, versionId: h.versionId, enabled: h.enabled === 1, ...(await getVersion(h.versionId)) };
  }

  async function listPermitTypes(input: { tenantId: string; includeDisabled?: boolean }): Promise<PermitTypeVersion[]> {
    const heads = await listPermitTypeHeads(db, input.tenantId, { includeDisabled: input.includeDisabled ?? false });
    if (heads.some((h) => !versionCache.has(h.versionId))) {
      // First sight of some version (a start, a publication): one query for all of them.
      return (await listPermitTypeRows(db, input.tenantId, { includeDisabled: input.includeDisabled ?? false })).map(toVersion);
    }
    return Promise.all(heads.map(withVersion));
  }

  async function getPermitType(input: { tenantId: string; code: string }): Promise<PermitTypeVersion> {
    const head = await findPermitTypeHead(db, input.tenantId, input.code);
    if (!head) throw new AppError('not_found', `no permit type ${input.code}`);
    return withVersion(head);
  }

  /**
   * The exact version an application was filed under. Inside a transaction pass it as `executor`:
   * SQLite has one connection, and a query on the root handle would wait for the transaction forever.
   */
  async function getVersion(
    versionId: string,
    executor: Kysely<Database> = db,
  ): Promise<{ version: number; definition: PermitTypeDefinition; workflow: WorkflowDefinition }> {
    const cached = versionCache.get(versionId);
    if (cached) return cached;
    const row = await findVersionById(executor, versionId);
    if (!row) throw new Error(`permit type version ${versionId} is missing`);
    return parseVersion(row.id, row.version, row.definition, row.workflow);
  }

  /**
   * Publishes each permit type of a catalogue inside `trx`: a type that is new gets version 1; a type
   * whose definition or workflow changed gets a new version; unchanged types are left alone. `keep`
   * may hold a changed type back (it is reported in `kept`). Applications keep the version they were
   * filed under.
   */
  async function publishTypes(
    trx: Kysely<Database>,
    input: { tenantId: string; catalogue: Catalogue; actorId: string | null; now: string; keep?: (existing: PermitTypeRow) => boolean },
  ): Promise<{ created: number; versioned: number; kept: { code: string; version: number }[] }> {
    let created = 0;
    let versioned = 0;
    const kept: { code: string; version: number }[] = [];
    for (const definition of input.catalogue.permitTypes) {
      const workflow = input.catalogue.workflows.find((w) => w.code === definition.workflow);
      if (!workflow) throw new Error(`workflow ${definition.workflow} missing`);
      const existing = await findPermitTypeRow(trx, input.tenantId, definition.code);
      const defJson = canonicalJson(definition);
      const wfJson = canonicalJson(workflow);
      if (existing && canonicalJson(JSON.parse(existing.definition)) === defJson && canonicalJson(JSON.parse(existing.workflow)) === wfJson) continue;
      if (existing && input.keep?.(existing)) {
        kept.push({ code: definition.code, version: existing.version });
        continue;
      }
      const permitTypeId = existing?.permitTypeId ?? randomUUID();
      const version = (existing?.version ?? 0) + 1;
      if (existing) {
        await setCurrentVersion(trx, permitTypeId, version);
        versioned++;
      } else {
        await insertPermitType(trx, {
          id: permitTypeId,
          tenant_id: input.tenantId,
          code: definition.code,
          enabled: 1,
          current_version: version,
          created_at: input.now,
        });
        created++;
      }
      const versionId = randomUUID();
      await insertPermitTypeVersion(trx, {
        id: versionId,
        tenant_id: input.tenantId,
        permit_type_id: permitTypeId,
        version,
        definition: defJson,
        workflow: wfJson,
        published_at: input.now,
        published_by: input.actorId,
      });
      await appendAudit(trx, {
        tenantId: input.tenantId,
        actorId: input.actorId,
        action: 'catalogue.published',
        subjectType: 'permit_type',
        subjectId: permitTypeId,
        data: { code: definition.code, version },
        occurredAt: input.now,
      });
    }
    return { created, versioned, kept };
  }

  /**
   * Installs a validated catalogue for a tenant (an admin's publication, or a test's catalogue): every
   * changed type gets a new version, whoever published the current one.
   */
  async function installCatalogue(input: { tenantId: string; catalogue: Catalogue; actorId: string | null }): Promise<{ created: number; versioned: number }> {
    const now = isoNow(deps.clock);
    const { created, versioned } = await db.transaction().execute(async (trx) => {
      const out = await publishTypes(trx, { ...input, now });
      await markChanged(trx, now);
      return out;
    });
    changedHere();
    return { created, versioned };
  }

  /**
   * Adopts a release of the seed catalogue for an office, at start or when the office is created:
   * only when the office has no catalogue, or the release is newer than the one it adopted; otherwise
   * nothing happens (`adopted: false`), even if the files changed. A newer release never overwrites
   * what an admin published: a type whose current version an admin published keeps it, and the
   * release's version of it is left out and recorded in the audit trail (`catalogue.release_kept`), so
   * the admin can compare and carry the change over by hand. Types new in the release are added;
   * types the release no longer lists stay as they are.
   */
  async function adoptRelease(input: {
    tenantId: string;
    release: CatalogueRelease;
  }): Promise<{ adopted: boolean; created: number; versioned: number; kept: { code: string; version: number }[] }> {
    const now = isoNow(deps.clock);
    const { release, catalogue } = input.release;
    const outcome = await db.transaction().execute(async (trx) => {
      const none = (await countPermitTypes(trx, input.tenantId)) === 0;
      // First statement of the transaction: the row lock makes a second instance starting now wait, then find the release adopted.
      if (!(await claimCatalogueRelease(trx, { tenantId: input.tenantId, release, force: none }))) {
        return { adopted: false, created: 0, versioned: 0, kept: [] };
      }
      const result = await publishTypes(trx, { tenantId: input.tenantId, catalogue, actorId: null, now, keep: (existing) => existing.publishedBy !== null });
      for (const k of result.kept) {
        await appendAudit(trx, {
          tenantId: input.tenantId,
          actorId: null,
          action: 'catalogue.release_kept',
          subjectType: 'permit_type',
          subjectId: null,
          data: { code: k.code, release, keptVersion: k.version, reason: 'published by an admin' },
          occurredAt: now,
        });
      }
      await appendAudit(trx, {
        tenantId: input.tenantId,
        actorId: null,
        action: 'catalogue.release_adopted',
        subjectType: 'tenant',
        subjectId: input.tenantId,
        data: { release, created: result.created, versioned: result.versioned, kept: result.kept.map((k) => k.code) },
        occurredAt: now,
      });
      await markChanged(trx, now);
      return { adopted: true, ...result };
    });
    if (outcome.adopted) changedHere();
    return outcome;
  }

  async function setEnabled(input: { tenantId: string; code: string; enabled: boolean; actorId: string | null }): Promise<void> {
    const now = isoNow(deps.clock);
    await db.transaction().execute(async (trx) => {
      if (!(await setPermitTypeEnabled(trx, input))) throw new AppError('not_found', `no permit type ${input.code}`);
      await appendAudit(trx, {
        tenantId: input.tenantId,
        actorId: input.actorId,
        action: input.enabled ? 'catalogue.enabled' : 'catalogue.disabled',
        subjectType: 'permit_type',
        subjectId: null,
        data: { code: input.code },
        occurredAt: now,
      });
      await markChanged(trx, now);
    });
    changedHere();
  }

  const searchData = loadSearchData();
  const search = createSearch(searchData);

  /**
   * The office's enabled permit types and how many applications of each it received (submitted) in the
   * last 365 days, by code: what "most used first" means for the catalogue and the videotron's playlist.
   */
  async function permitTypeUsage(input: { tenantId: string }): Promise<{ all: PermitTypeVersion[]; usage: Map<string, number> }> {
    const all = await listPermitTypes({ tenantId: input.tenantId });
    return { all, usage: await usageOf(input.tenantId) };
  }

  /**
   * The counts behind "most used first" are a year's applications counted by type: a scan of the
   * office's applications, too dear for every catalogue view (the catalogue page is the busiest public
   * page). The order they give changes slowly, so each office's counts are kept for USAGE_TTL_MS.
   */
  const usageCache = new Map<string, { at: number; usage: Promise<Map<string, number>> }>();
  function usageOf(tenantId: string): Promise<Map<string, number>> {
    const now = deps.clock.now().getTime();
    const hit = usageCache.get(tenantId);
    if (hit && now - hit.at < USAGE_TTL_MS && now >= hit.at) return hit.usage;
    const since = new Date(now - 365 * 24 * 3600 * 1000).toISOString();
    const usage = countSubmittedApplicationsByCode(db, tenantId, since).then((rows) => new Map(rows.map((r) => [r.code, r.n])));
    usageCache.set(tenantId, { at: now, usage });
    usage.catch(() => usageCache.delete(tenantId));
    return usage;
  }

  /**
   * The public catalogue for a query: `results` ranked by relevance (null for an empty query), and the
   * whole list grouped by topic with the most used first (applications submitted in the last 365 days).
   */
  async function browsePermitTypes(input: {
    tenantId: string;
    q: string;
  }): Promise<{ results: PermitTypeVersion[] | null; groups: TopicGroup<PermitTypeVersion>[]; all: PermitTypeVersion[] }> {
    const { all, usage } = await permitTypeUsage({ tenantId: input.tenantId });
    const q = input.q.trim();
    const results = q ? search.rank(all, q, (t) => t.definition, usage) : null;
    return { results, groups: groupByTopic(all, (t) => t.definition.code, searchData, usage), all };
  }

  return { listPermitTypes, getPermitType, getVersion, installCatalogue, adoptRelease, setEnabled, permitTypeUsage, browsePermitTypes };
}
export type CatalogueService = ReturnType<typeof createCatalogueService>;
