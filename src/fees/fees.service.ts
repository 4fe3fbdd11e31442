import { requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { findApplication } from '../applications/applications.repository.js';
import type { PermitTypeDefinition } from '../catalogue/catalogue.schema.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';
import type { Application } from '../db/schema.js';
import { AppError } from '../shared/errors.js';
import { yearIn } from '../shared/time.js';
import { findTenantById } from '../tenants/tenants.repository.js';
import { computePbgRetribution, type PbgBreakdown, RetributionInputError } from './pbg-retribution.js';
import type { RetributionTable } from './retribution.schema.js';
import { answersOf } from '../catalogue/answers.js';

/** What the office's fee rule gives for one application. */
export type FeeAssessment = {
  rule: PermitTypeDefinition['feeRule']['kind'];
  /** Whole rupiah. */
  amount: number;
  /** How a PBG retribution was reached; null for a free permit. */
  breakdown: PbgBreakdown | null;
  /** The filing year, in the office's time zone: its coefficients were used. */
  year: number;
  /** The coefficients' own caveat (an uncertain SHST, a mapping choice), for the treasurer. */
  dataNote: string | null;
};

/** The answers column as the formula reads it (validated when it was written; parsed, not trusted, here). */

export type FeeDeps = { db: Db; catalogue: CatalogueService; retribution: RetributionTable };

/**
 * The fee engine behind the treasurer's `assess_fee`: the permit type's fee rule (data) applied to the
 * application's answers with the office's coefficients for the filing year (data). The treasurer still
 * decides the amount; this says what the rules give.
 */
export function createFeeService(deps: FeeDeps) {
  const { db, catalogue } = deps;

  /** The assessment for a loaded application; no access check (callers do that). */
  async function assess(app: Application, definition: PermitTypeDefinition): Promise<FeeAssessment> {
    if (!app.submitted_at) throw new AppError('invalid_state', 'the fee is assessed on a filed application, not a draft');
    const tenant = await findTenantById(db, app.tenant_id);
    if (!tenant) throw new Error(`office ${app.tenant_id} vanished`);
    const year = yearIn(new Date(app.submitted_at), tenant.time_zone);
    const rule = definition.feeRule;
    switch (rule.kind) {
      case 'free':
        return { rule: rule.kind, amount: 0, breakdown: null, year, dataNote: null };
      case 'pbg_retribution': {
        const coefficients = deps.retribution.offices[tenant.code]?.[String(year)];
        if (!coefficients) {
          throw new AppError('precondition_failed', `no PBG retribution coefficients for office ${tenant.code} in ${year}`, {
            params: { missing: 'retribution_coefficients', year },
          });
        }
        try {
          const { amount, breakdown } = computePbgRetribution(answersOf(app), coefficients);
          return { rule: rule.kind, amount, breakdown, year, dataNote: coefficients.dataNote ?? null };
        } catch (err) {
          if (!(err instanceof RetributionInputError)) throw err;
          const missing = err.kind === 'answer' ? 'retribution_answers' : 'retribution_coefficients';
          throw new AppError('precondition_failed', `office ${tenant.code}, ${year}: ${err.message}`, { params: { missing, year, field: err.field } });
        }
      }
    }
  }

  /**
   * Staff of the file's office: the fee the rules give for a filed application. A draft is 409
   * invalid_state; a PBG file whose office has no coefficients for the filing year is 409
   * precondition_failed, with a message the treasurer can act on.
   */
  async function assessFor(input: { actor: Actor; applicationId: string }): Promise<FeeAssessment> {
    const { actor } = input;
    // Refused as a role first, so an applicant learns nothing about which files exist.
    requireAccess({ actor, permission: 'fee.assess', resource: { tenantId: actor.tenantId } });
    const app = await findApplication(db, actor.tenantId, input.applicationId);
    if (!app) throw new AppError('not_found', 'application not found or not visible');
    requireAccess({ actor, permission: 'fee.assess', resource: { application: app } });
    const { definition } = await catalogue.getVersion(app.permit_type_version_id);
    return assess(app, definition);
  }

  /**
   * What the rules give, or null when they cannot say (no coefficients for the year, a draft). Used when
   * the treasurer sets the fee, to record the computed amount beside a different one.
   */
  async function computedAmount(app: Application, definition: PermitTypeDefinition): Promise<number | null> {
    try {
      return (await assess(app, definition)).amount;
    } catch (err) {
      if (err instanceof AppError) return null;
      throw err;
    }
  }

  return { assessFor, computedAmount };
}
export type FeeService = ReturnType<typeof createFeeService>;
