import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { appendAudit } from '../audit/audit.repository.js';
import { AppError } from '../shared/errors.js';
import { canonicalJson } from '../shared/json.js';
import { type Clock, isoNow } from '../shared/time.js';
import { type WorkflowDefinition, workflowDefinitionSchema } from '../workflow/workflow.schema.js';
import type { Catalogue } from './catalogue.loader.js';
import {
  findPermitTypeRow,
  findVersionById,
  insertPermitType,
  insertPermitTypeVersion,
  listPermitTypeRows,
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

export function createCatalogueService(deps: { db: Db; clock: Clock }) {
  const { db } = deps;
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

  async function listPermitTypes(input: { tenantId: string; includeDisabled?: boolean }): Promise<PermitTypeVersion[]> {
    return (await listPermitTypeRows(db, input.tenantId, { includeDisabled: input.includeDisabled ?? false })).map(toVersion);
  }

  async function getPermitType(input: { tenantId: string; code: string }): Promise<PermitTypeVersion> {
    const row = await findPermitTypeRow(db, input.tenantId, input.code);
    if (!row) throw new AppError('not_found', `no permit type ${input.code}`);
    return toVersion(row);
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
   * Installs a validated catalogue for a tenant. A type that is new gets version 1; a type whose
   * definition or workflow changed gets a new version; unchanged types are left alone. Applications
   * keep the version they were filed under.
   */
  async function installCatalogue(input: { tenantId: string; catalogue: Catalogue; actorId: string | null }): Promise<{ created: number; versioned: number }> {
    const now = isoNow(deps.clock);
    let created = 0;
    let versioned = 0;
    await db.transaction().execute(async (trx) => {
      for (const definition of input.catalogue.permitTypes) {
        const workflow = input.catalogue.workflows.find((w) => w.code === definition.workflow);
        if (!workflow) throw new Error(`workflow ${definition.workflow} missing`);
        const existing = await findPermitTypeRow(trx, input.tenantId, definition.code);
        const defJson = canonicalJson(definition);
        const wfJson = canonicalJson(workflow);
        if (existing && canonicalJson(JSON.parse(existing.definition)) === defJson && canonicalJson(JSON.parse(existing.workflow)) === wfJson) continue;
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
            created_at: now,
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
          published_at: now,
          published_by: input.actorId,
        });
        await appendAudit(trx, {
          tenantId: input.tenantId,
          actorId: input.actorId,
          action: 'catalogue.published',
          subjectType: 'permit_type',
          subjectId: permitTypeId,
          data: { code: definition.code, version },
          occurredAt: now,
        });
      }
    });
    return { created, versioned };
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
    });
  }

  return { listPermitTypes, getPermitType, getVersion, installCatalogue, setEnabled };
}
export type CatalogueService = ReturnType<typeof createCatalogueService>;
