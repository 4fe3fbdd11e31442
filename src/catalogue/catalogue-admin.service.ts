import { requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { AppError, type FieldProblem } from '../shared/errors.js';
import { permitTypeSchema, signerProblem } from './catalogue.schema.js';
import type { CatalogueService, PermitTypeVersion } from './catalogue.service.js';

/** `requirements[0].maxSizeMb`: the JSON path of a zod issue, as a person would look for it in the text. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return (
    path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '') || '(root)'
  );
}

/** At most this many schema problems are listed; fixing them usually reveals the rest. */
const MAX_ISSUES = 20;

/**
 * The admin side of the permit catalogue: every type (disabled ones too), opening and closing a type
 * for applications, and publishing an edited definition as a new version. Applications keep the
 * version they were filed under (ARCHITECTURE.md decision 4).
 */
export function createCatalogueAdminService(deps: { catalogue: CatalogueService }) {
  const { catalogue } = deps;

  function requireManager(actor: Actor): void {
    requireAccess({ actor, permission: 'catalogue.manage', resource: { tenantId: actor.tenantId } });
  }

  async function listTypes(input: { actor: Actor }): Promise<PermitTypeVersion[]> {
    requireManager(input.actor);
    return catalogue.listPermitTypes({ tenantId: input.actor.tenantId, includeDisabled: true });
  }

  async function getType(input: { actor: Actor; code: string }): Promise<PermitTypeVersion> {
    requireManager(input.actor);
    return catalogue.getPermitType({ tenantId: input.actor.tenantId, code: input.code });
  }

  /** Opens or closes a type for new applications (audited by the catalogue service); filed cases go on. */
  async function setEnabled(input: { actor: Actor; code: string; enabled: boolean }): Promise<void> {
    requireManager(input.actor);
    await catalogue.setEnabled({ tenantId: input.actor.tenantId, code: input.code, enabled: input.enabled, actorId: input.actor.userId });
  }

  /**
   * Publishes an edited definition (JSON text) as the next version. Refused, with nothing written:
   * text that is not JSON, a definition the schema rejects (one problem per issue, named by its JSON
   * path), a changed code or workflow, and an edit made on an older version than the current one
   * (someone published in between). An unchanged definition publishes nothing.
   */
  async function publishDefinition(input: { actor: Actor; code: string; baseVersion: number; text: string }): Promise<{ version: number; published: boolean }> {
    requireManager(input.actor);
    const current = await catalogue.getPermitType({ tenantId: input.actor.tenantId, code: input.code });
    const refuse = (problems: FieldProblem[]) => new AppError('invalid_input', 'permit type definition refused', { fields: problems });
    if (current.version !== input.baseVersion) {
      throw new AppError('conflict', 'permit type changed since the edit began', {
        fields: [
          { field: 'definition', code: 'stale_version', message: `version ${current.version} was published meanwhile`, params: { version: current.version } },
        ],
      });
    }
    let raw: unknown;
    try {
      raw = JSON.parse(input.text);
    } catch (err) {
      throw refuse([{ field: 'definition', code: 'invalid_json', message: (err as Error).message, params: { detail: (err as Error).message } }]);
    }
    const result = permitTypeSchema.safeParse(raw);
    if (!result.success) {
      throw refuse(
        result.error.issues.slice(0, MAX_ISSUES).map((i) => ({
          field: 'definition',
          code: 'schema_issue',
          message: `${jsonPath(i.path)}: ${i.message}`,
          params: { path: jsonPath(i.path), detail: i.message },
        })),
      );
    }
    const definition = result.data;
    const problems: FieldProblem[] = [];
    if (definition.code !== current.definition.code)
      problems.push({
        field: 'definition',
        code: 'code_changed',
        message: `code must stay ${current.definition.code}`,
        params: { path: 'code', code: current.definition.code },
      });
    if (definition.workflow !== current.workflow.code)
      problems.push({
        field: 'definition',
        code: 'workflow_changed',
        message: `workflow must stay ${current.workflow.code}`,
        params: { path: 'workflow', code: current.workflow.code },
      });
    const signer = signerProblem(definition, current.workflow);
    if (signer) problems.push({ field: 'definition', code: 'schema_issue', message: `signerRole: ${signer}`, params: { path: 'signerRole', detail: signer } });
    if (problems.length) throw refuse(problems);
    try {
      const { versioned } = await catalogue.installCatalogue({
        tenantId: input.actor.tenantId,
        catalogue: { workflows: [current.workflow], permitTypes: [definition] },
        actorId: input.actor.userId,
      });
      return { version: current.version + versioned, published: versioned > 0 };
    } catch (err) {
      // Two admins publishing the same version at once: the unique (type, version) constraint decides.
      if (isUniqueViolation(err, 'permit_type_versions_type_version'))
        throw new AppError('conflict', 'lost a publishing race', {
          fields: [{ field: 'definition', code: 'stale_version', message: 'published meanwhile', params: { version: current.version + 1 } }],
        });
      throw err;
    }
  }

  return { listTypes, getType, setEnabled, publishDefinition };
}
export type CatalogueAdminService = ReturnType<typeof createCatalogueAdminService>;
