import { bumpGeneration, CACHE_SCOPES, type CacheGenerations } from '../cache/cache-generations.js';
import { requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { findApplication } from '../applications/applications.repository.js';
import type { PermitTypeDefinition } from '../catalogue/catalogue.schema.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit.repository.js';
import type { Application, Tenant } from '../db/schema.js';
import { violatedConstraint } from '../db/unique-violation.js';
import { AppError } from '../shared/errors.js';
import { type Clock, isoNow, todayIn, yearIn } from '../shared/time.js';
import { findTenantById } from '../tenants/tenants.repository.js';
import { computePbgRetribution, PBG_FIELDS, type PbgBreakdown, RetributionInputError } from './pbg-retribution.js';
import type { FeeRule, FeeRuleKind } from './fee-rule.schema.js';
import { type AppliedWaiver, applyWaivers, computeRuleAmount, FeeInputError, type RuleCalculation, ruleFields } from './fee-rules.js';
import {
  type CoefficientRow,
  countCoefficientVersions,
  findApplicationCoefficients,
  findLatestCoefficients,
  insertCoefficientVersion,
  listCoefficientVersions,
} from './retribution.repository.js';
import { type RetributionCoefficients, type RetributionTable, retributionYearSchema } from './retribution.schema.js';
import { type Answers, answersOf, validateAnswers } from '../catalogue/answers.js';

/** What the office's fee rule gives for one application (or for a citizen's estimate). */
export type FeeAssessment = {
  rule: FeeRuleKind;
  /** Whole rupiah, after any waiver. */
  amount: number;
  /** What the rule gave before a waiver (equal to amount when none applies). */
  beforeWaiver: number;
  /** The waiver the answers triggered (its question, the percentage, the reason and legal basis); null when none. */
  waiver: AppliedWaiver | null;
  /** How a PBG retribution was reached; null for the other kinds. */
  breakdown: PbgBreakdown | null;
  /** How a fixed, per-unit or table fee was reached; null for free and PBG. */
  calculation: RuleCalculation | null;
  /** The filing year, in the office's time zone: its coefficients were used. */
  year: number;
  /** The coefficients' own caveat (an uncertain SHST, a mapping choice), for the treasurer. */
  dataNote: string | null;
  /** The coefficient version used (PBG only): the one recorded at the treasurer's assessment, else the year's latest. */
  coefficientsVersion?: number;
  /** Its row id (recorded on the application when the treasurer assesses the fee); not in the API. */
  coefficientsId?: string;
};

/** A citizen's estimate: what the rules would give for these answers today, before any technical review. */
export type FeeEstimate = FeeAssessment & { permitType: string; answers: Answers };

/** One saved version of a year's coefficients. */
export type CoefficientVersion = {
  id: string;
  year: number;
  version: number;
  coefficients: RetributionCoefficients;
  reason: string;
  createdAt: string;
  /** The admin's name; null for the seeded version. */
  createdBy: string | null;
};

/** Each year with coefficients, newest first: the version in force and every version (newest first). */
export type CoefficientYears = { years: { year: number; current: CoefficientVersion; history: CoefficientVersion[] }[] };

const SEED_REASON = 'Seeded from seed-data/retribution.json';

function toVersion(row: CoefficientRow & { created_by_name?: string | null }): CoefficientVersion {
  return {
    id: row.id,
    year: Number(row.year),
    version: Number(row.version),
    // Validated when it was written; parsed, not trusted, here.
    coefficients: retributionYearSchema.parse(JSON.parse(row.coefficients)),
    reason: row.reason,
    createdAt: row.created_at,
    createdBy: row.created_by === null ? null : (row.created_by_name ?? null),
  };
}

/** The answers column as the formula reads it (validated when it was written; parsed, not trusted, here). */

/** `retribution`: the seed file, copied into an office's database rows when it has none (seedIfEmpty). */
export type FeeDeps = {
  db: Db;
  catalogue: CatalogueService;
  retribution: RetributionTable;
  clock: Clock;
  /** The guide pages show a worked example from the coefficients: a saved version moves the 'catalogue' generation. */
  generations?: Pick<CacheGenerations, 'changedHere'>;
};

/**
 * The fee engine behind the treasurer's `assess_fee`: the permit type's fee rule (data) applied to the
 * application's answers with the office's coefficients for the filing year (data). The treasurer still
 * decides the amount; this says what the rules give.
 */
export function createFeeService(deps: FeeDeps) {
  const { db, catalogue, clock } = deps;

  /**
   * What a rule gives for answers filed (or, for an estimate, typed) in `year`, with the office's
   * coefficients: for PBG the version `recorded` for the file, else the year's version in force now.
   * Throws AppError precondition_failed when the answers or the coefficients cannot give a fee.
   */
  async function price(input: {
    tenant: Tenant;
    year: number;
    rule: FeeRule;
    answers: Answers;
    recorded?: CoefficientRow | undefined;
  }): Promise<FeeAssessment> {
    const { tenant, year, rule, answers } = input;
    if (rule.kind === 'free') {
      return { rule: rule.kind, amount: 0, beforeWaiver: 0, waiver: null, breakdown: null, calculation: null, year, dataNote: null };
    }
    if (rule.kind === 'pbg_retribution') {
      const row = input.recorded ?? (await findLatestCoefficients(db, tenant.id, year));
      if (!row) {
        throw new AppError('precondition_failed', `no PBG retribution coefficients for office ${tenant.code} in ${year}`, {
          params: { missing: 'retribution_coefficients', year },
        });
      }
      const { coefficients, version, id } = toVersion(row);
      try {
        const { amount: gross, breakdown } = computePbgRetribution(answers, coefficients);
        const { amount, waiver } = applyWaivers(rule.waivers, answers, gross);
        return {
          rule: rule.kind,
          amount,
          beforeWaiver: gross,
          waiver,
          breakdown,
          calculation: null,
          year,
          dataNote: coefficients.dataNote ?? null,
          coefficientsVersion: version,
          coefficientsId: id,
        };
      } catch (err) {
        if (!(err instanceof RetributionInputError)) throw err;
        const missing = err.kind === 'answer' ? 'retribution_answers' : 'retribution_coefficients';
        throw new AppError('precondition_failed', `office ${tenant.code}, ${year}: ${err.message}`, { params: { missing, year, field: err.field } });
      }
    }
    try {
      const calculation = computeRuleAmount(rule, answers);
      const { amount, waiver } = applyWaivers(rule.waivers, answers, calculation.amount);
      return { rule: rule.kind, amount, beforeWaiver: calculation.amount, waiver, breakdown: null, calculation, year, dataNote: null };
    } catch (err) {
      if (!(err instanceof FeeInputError)) throw err;
      throw new AppError('precondition_failed', `office ${tenant.code}: ${err.message}`, { params: { missing: 'fee_answers', field: err.field } });
    }
  }

  /** The assessment for a loaded application; no access check (callers do that). */
  async function assess(app: Application, definition: PermitTypeDefinition): Promise<FeeAssessment> {
    if (!app.submitted_at) throw new AppError('invalid_state', 'the fee is assessed on a filed application, not a draft');
    const tenant = await findTenantById(db, app.tenant_id);
    if (!tenant) throw new Error(`office ${app.tenant_id} vanished`);
    const year = yearIn(new Date(app.submitted_at), tenant.time_zone);
    const rule = definition.feeRule;
    // The version recorded at the treasurer's assessment, if any; else the year's version in force now.
    const recorded = rule.kind === 'pbg_retribution' ? await findApplicationCoefficients(db, app.tenant_id, app.id) : undefined;
    return price({ tenant, year, rule, answers: answersOf(app), recorded });
  }

  /**
   * Anyone, without signing in (the PBG guide's calculator, GET /api/v1/fees/estimate): what the permit
   * type's rule would give for these answers if filed today, with the office's coefficients in force now
   * for this year (an admin's edit shows at once). Only the questions the rule reads are asked; each is
   * checked as the application form checks it (400 invalid_input naming the field: answers.floorArea …).
   * An estimate only: the bill after the technical review is what counts.
   */
  async function estimate(input: { tenantId: string; permitTypeCode: string; answers: Record<string, unknown> }): Promise<FeeEstimate> {
    const { definition } = await catalogue.getPermitType({ tenantId: input.tenantId, code: input.permitTypeCode });
    const tenant = await findTenantById(db, input.tenantId);
    if (!tenant) throw new AppError('not_found', 'no such office');
    const wanted = new Set(ruleFields(definition.feeRule, Object.values(PBG_FIELDS)));
    const fields = definition.fields.filter((f) => wanted.has(f.name)).map((f) => ({ ...f, required: true }));
    const { answers, problems } = validateAnswers(fields, input.answers, { complete: true, today: todayIn(clock, tenant.time_zone) });
    if (problems.length) throw new AppError('invalid_input', 'the answers cannot be estimated', { fields: problems });
    const year = yearIn(clock.now(), tenant.time_zone);
    const priced = await price({ tenant, year, rule: definition.feeRule, answers });
    const { coefficientsId: _id, ...shown } = priced;
    return { ...shown, permitType: definition.code, answers };
  }

  /**
   * The calculator page's one call: the questions an estimate of this permit type asks (the fields its
   * fee rule reads, in the form's order) and, when answers were sent, the estimate or why there is none
   * (`refusal`: the answers' problems, 400; or that the office has no coefficients for the year, 409).
   */
  async function estimateForm(input: { tenantId: string; permitTypeCode: string; answers: Record<string, string> | null }) {
    const { definition } = await catalogue.getPermitType({ tenantId: input.tenantId, code: input.permitTypeCode });
    const wanted = new Set(ruleFields(definition.feeRule, Object.values(PBG_FIELDS)));
    const fields = definition.fields.filter((f) => wanted.has(f.name));
    if (!input.answers) return { definition, fields, estimate: null, refusal: null };
    const sent = Object.fromEntries(fields.map((f) => [f.name, input.answers?.[f.name] ?? '']));
    try {
      return { definition, fields, estimate: await estimate({ tenantId: input.tenantId, permitTypeCode: definition.code, answers: sent }), refusal: null };
    } catch (err) {
      if (err instanceof AppError && (err.code === 'invalid_input' || err.code === 'precondition_failed'))
        return { definition, fields, estimate: null, refusal: err };
      throw err;
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
   * the treasurer sets the fee, to record the computed amount beside a different one, and the
   * coefficient version used on the application.
   */
  async function computed(
    app: Application,
    definition: PermitTypeDefinition,
  ): Promise<{ amount: number; coefficientsId: string | null; breakdown: PbgBreakdown | null; year: number; waiver: AppliedWaiver | null } | null> {
    try {
      const assessment = await assess(app, definition);
      return {
        amount: assessment.amount,
        coefficientsId: assessment.coefficientsId ?? null,
        breakdown: assessment.breakdown,
        year: assessment.year,
        waiver: assessment.waiver,
      };
    } catch (err) {
      if (err instanceof AppError) return null;
      throw err;
    }
  }

  async function computedAmount(app: Application, definition: PermitTypeDefinition): Promise<number | null> {
    return (await computed(app, definition))?.amount ?? null;
  }

  /**
   * An office with no coefficient rows gets the seed file's years for its code, each as version 1.
   * Safe at every start and when two starts race (the unique version keeps one). Returns how many years were seeded.
   */
  async function seedIfEmpty(tenantId: string): Promise<number> {
    if ((await countCoefficientVersions(db, tenantId)) > 0) return 0;
    const tenant = await findTenantById(db, tenantId);
    const years = tenant ? Object.entries(deps.retribution.offices[tenant.code] ?? {}) : [];
    let seeded = 0;
    for (const [year, coefficients] of years) {
      try {
        await insertCoefficientVersion(db, {
          id: randomUUID(),
          tenant_id: tenantId,
          year: Number(year),
          version: 1,
          coefficients: JSON.stringify(coefficients),
          reason: SEED_REASON,
          created_by: null,
          created_at: isoNow(clock),
        });
        seeded++;
      } catch (err) {
        if (violatedConstraint(err) === null) throw err; // another start seeded it at the same moment
      }
    }
    return seeded;
  }

  function groupYears(rows: CoefficientVersion[]): CoefficientYears {
    const byYear = new Map<number, CoefficientVersion[]>();
    for (const v of rows) byYear.set(v.year, [...(byYear.get(v.year) ?? []), v]);
    return { years: [...byYear.entries()].map(([year, history]) => ({ year, current: history[0]!, history })) };
  }

  /** The admin and the head: every year's coefficients, the version in force and the history. */
  async function listCoefficients(input: { actor: Actor }): Promise<CoefficientYears> {
    requireAccess({ actor: input.actor, permission: 'fees.read', resource: { tenantId: input.actor.tenantId } });
    return groupYears((await listCoefficientVersions(db, input.actor.tenantId)).map(toVersion));
  }

  /**
   * The admin: a new version of one year's coefficients (any year from 2000 to 2100, so next year's can
   * be entered ahead), validated by the schema, with a reason; audited. The next assessment of a file
   * filed in that year uses it; a file already assessed keeps the version it was assessed under.
   * Two saves of one year at the same moment: one wins, the other is 409 conflict.
   */
  async function saveCoefficients(input: { actor: Actor; year: number; coefficients: unknown; reason: string }): Promise<CoefficientVersion> {
    const { actor } = input;
    requireAccess({ actor, permission: 'fees.manage', resource: { tenantId: actor.tenantId } });
    const reason = input.reason.trim();
    const fields = [];
    if (!Number.isInteger(input.year) || input.year < 2000 || input.year > 2100) {
      fields.push({ field: 'year', code: 'year_out_of_range', message: 'the year is from 2000 to 2100' });
    }
    if (reason.length < 3 || reason.length > 500) fields.push({ field: 'reason', code: 'reason_required', message: 'say why, in 3 to 500 characters' });
    const parsed = retributionYearSchema.safeParse(input.coefficients);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        fields.push({ field: ['coefficients', ...issue.path.map(String)].join('.'), code: 'invalid_coefficient', message: issue.message });
      }
    }
    if (fields.length || !parsed.success) throw new AppError('invalid_input', 'the coefficients are not valid', { fields });
    const now = isoNow(clock);
    const id = randomUUID();
    try {
      await db.transaction().execute(async (trx) => {
        const latest = await findLatestCoefficients(trx, actor.tenantId, input.year);
        const version = latest ? Number(latest.version) + 1 : 1;
        await insertCoefficientVersion(trx, {
          id,
          tenant_id: actor.tenantId,
          year: input.year,
          version,
          coefficients: JSON.stringify(parsed.data),
          reason,
          created_by: actor.userId,
          created_at: now,
        });
        await appendAudit(trx, {
          tenantId: actor.tenantId,
          actorId: actor.userId,
          action: 'fees.coefficients_saved',
          subjectType: 'retribution_coefficients',
          subjectId: id,
          data: { year: input.year, version, reason, shst: parsed.data.shst, ilo: parsed.data.ilo, previousVersion: latest ? Number(latest.version) : null },
          occurredAt: now,
        });
        await bumpGeneration(trx, CACHE_SCOPES.catalogue, now);
      });
      deps.generations?.changedHere(CACHE_SCOPES.catalogue);
    } catch (err) {
      if (violatedConstraint(err) === null) throw err;
      throw new AppError('conflict', `the ${input.year} coefficients were saved by someone else at the same moment; reload and try again`);
    }
    const saved = (await listCoefficientVersions(db, actor.tenantId)).find((r) => r.id === id);
    if (!saved) throw new Error(`coefficient version ${id} vanished`);
    return toVersion(saved);
  }

  return { assessFor, computed, computedAmount, estimate, estimateForm, seedIfEmpty, listCoefficients, saveCoefficients };
}
export type FeeService = ReturnType<typeof createFeeService>;
