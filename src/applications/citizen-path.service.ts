import { requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import type { AppointmentService } from '../appointments/appointments.service.js';
import { answersOf, type Answers } from '../catalogue/answers.js';
import type { FieldDefinition, PermitTypeDefinition, Requirement } from '../catalogue/catalogue.schema.js';
import type { CatalogueService, PermitTypeVersion } from '../catalogue/catalogue.service.js';
import type { Document, Tenant } from '../db/schema.js';
import type { FeeEstimate, FeeService } from '../fees/fees.service.js';
import { ruleFields } from '../fees/fee-rules.js';
import { PBG_FIELDS } from '../fees/pbg-retribution.js';
import type { HelpdeskService } from '../helpdesk/helpdesk.service.js';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/messages.js';
import type { ApplicationService } from './applications.service.js';

/**
 * The guide's worked example, the case the first-time applicant has in mind: a 2-floor house of
 * 120 m², simple, permanent, privately owned, newly built. The guide prices it with the office's own
 * coefficients in force today (DOMAIN.md's worked example, a 235 m² small-business building, is the fee
 * engine's reference case in the tests; a house is what most people who read the guide are building).
 */
export const PBG_WORKED_EXAMPLE: Readonly<Record<string, string>> = {
  floorArea: '120',
  floorCount: '2',
  buildingFunction: 'housing',
  complexity: 'simple',
  permanence: 'permanent',
  ownership: 'private',
  buildingWorkType: 'new',
  lowIncomeHouse: 'no',
};

/**
 * What the applicant will pay, as far as her answers tell: nothing (a free permit); an estimate from her
 * own answers; the questions still to answer before there can be one; or why the office cannot estimate it
 * (no coefficients for the year, an answer the rule cannot price).
 */
export type CostOutlook =
  | { kind: 'free' }
  | { kind: 'estimate'; estimate: FeeEstimate }
  | { kind: 'incomplete'; missing: FieldDefinition[] }
  | { kind: 'unavailable'; problem: AppError };

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** The required documents a file still lacks: none uploaded yet, or the one uploaded was refused by the office. */
export function missingDocuments(definition: PermitTypeDefinition, docs: readonly Document[]): Requirement[] {
  const byReq = new Map(docs.map((d) => [d.requirement_code, d]));
  return definition.requirements.filter((r) => {
    const d = byReq.get(r.code);
    return d ? d.review_status === 'refused' : r.required;
  });
}

/**
 * The citizen's path (issue 16): one call for each page that needs more than one thing, so the pages stay
 * one service call each: the guide with its worked cost example, the check-answers page with the estimate
 * from her own answers, and the "I don't have this document yet" help with its two ways out (a counter
 * consultation, a help request naming the file and the document).
 */
export function createCitizenPathService(deps: {
  catalogue: CatalogueService;
  fees: FeeService;
  applications: ApplicationService;
  helpdesk: HelpdeskService;
  appointments: AppointmentService;
}) {
  const { catalogue, fees, applications, helpdesk, appointments } = deps;

  /** The fields the type's fee rule reads, in the form's order. */
  const costFields = (definition: PermitTypeDefinition) => {
    const wanted = new Set(ruleFields(definition.feeRule, Object.values(PBG_FIELDS)));
    return definition.fields.filter((f) => wanted.has(f.name));
  };

  /** The rule's figure for these answers, or null when the office cannot give one (no coefficients). */
  async function tryEstimate(tenantId: string, code: string, answers: Record<string, unknown>): Promise<FeeEstimate | null> {
    try {
      return await fees.estimate({ tenantId, permitTypeCode: code, answers });
    } catch (err) {
      if (err instanceof AppError && (err.code === 'precondition_failed' || err.code === 'invalid_input')) return null;
      throw err;
    }
  }

  /**
   * The public guide (/izin/{code}): the permit type; for a PBG-formula fee the worked example priced with
   * the office's coefficients in force now, for a fixed fee its amount (null when there is no figure to
   * show, or the permit is free); and the names of the permit types its documents are obtained by.
   */
  async function guide(input: { tenantId: string; code: string }): Promise<{
    permitType: PermitTypeVersion;
    example: { answers: Readonly<Record<string, string>>; estimate: FeeEstimate } | null;
    fixed: FeeEstimate | null;
    linkedTypes: Record<string, PermitTypeDefinition['name']>;
  }> {
    const permitType = await catalogue.getPermitType(input);
    const def = permitType.definition;
    const rule = def.feeRule.kind;
    const exampleAnswers = Object.fromEntries(costFields(def).map((f) => [f.name, PBG_WORKED_EXAMPLE[f.name] ?? '']));
    const [estimate, fixed, linkedTypes] = await Promise.all([
      rule === 'pbg_retribution' ? tryEstimate(input.tenantId, def.code, exampleAnswers) : Promise.resolve(null),
      rule === 'fixed' ? tryEstimate(input.tenantId, def.code, {}) : Promise.resolve(null),
      linkedTypeNames(input.tenantId, def.requirements),
    ]);
    return { permitType, example: estimate ? { answers: exampleAnswers, estimate } : null, fixed, linkedTypes };
  }

  async function linkedTypeNames(tenantId: string, requirements: readonly Requirement[]): Promise<Record<string, PermitTypeDefinition['name']>> {
    const codes = new Set(requirements.map((r) => r.obtainedBy?.permitType).filter((c): c is string => !!c));
    if (codes.size === 0) return {};
    const all = await catalogue.listPermitTypes({ tenantId });
    return Object.fromEntries(all.filter((p) => codes.has(p.definition.code)).map((p) => [p.definition.code, p.definition.name]));
  }

  /** What her answers so far say about the cost of this file (its own catalogue version's rule). */
  async function costOf(tenantId: string, definition: PermitTypeDefinition, answers: Answers): Promise<CostOutlook> {
    if (definition.feeRule.kind === 'free') return { kind: 'free' };
    const fields = costFields(definition);
    const missing = fields.filter((f) => f.required && isBlank(answers[f.name]));
    if (missing.length) return { kind: 'incomplete', missing };
    const sent = Object.fromEntries(fields.filter((f) => !isBlank(answers[f.name])).map((f) => [f.name, answers[f.name]]));
    try {
      return { kind: 'estimate', estimate: await fees.estimate({ tenantId, permitTypeCode: definition.code, answers: sent }) };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'invalid_input') {
        const named = new Set((err.details.fields ?? []).map((p) => p.field.replace(/^answers\./, '')));
        const wrong = fields.filter((f) => named.has(f.name));
        if (wrong.length) return { kind: 'incomplete', missing: wrong };
      }
      if (err.code === 'invalid_input' || err.code === 'precondition_failed' || err.code === 'not_found') return { kind: 'unavailable', problem: err };
      throw err;
    }
  }

  /** The check-answers page (/permohonan/{id}/periksa): the file and the cost her answers give. */
  async function checkAnswers(input: { actor: Actor; applicationId: string }) {
    const view = await applications.getApplication(input);
    const cost = await costOf(view.app.tenant_id, view.definition, answersOf(view.app));
    return { view, cost, missing: missingDocuments(view.definition, view.docs) };
  }

  /** The documents list and the upload page: the file and the names of the permit types its documents are obtained by. */
  async function documents(input: { actor: Actor; applicationId: string }) {
    const view = await applications.getApplication(input);
    return { view, linkedTypes: await linkedTypeNames(view.app.tenant_id, view.definition.requirements) };
  }

  /** The confirmation (/permohonan/{id}/terkirim): the file and whether a bill will follow. */
  async function confirmation(input: { actor: Actor; applicationId: string }) {
    const view = await applications.getApplication(input);
    return { view, billFollows: view.definition.feeRule.kind !== 'free' };
  }

  /**
   * "I don't have this document yet": the file, the requirement, the permit type it is obtained by (its
   * name), and where to book a counter consultation for this permit type (the office's consultation
   * service when it has one, else the booking's first step, with the permit type chosen).
   */
  async function documentHelp(input: { actor: Actor; applicationId: string; requirementCode: string; tenant: Tenant }) {
    const view = await applications.getApplication(input);
    const requirement = view.definition.requirements.find((r) => r.code === input.requirementCode);
    if (!requirement) throw new AppError('not_found', 'no such requirement');
    const [settings, linkedTypes] = await Promise.all([appointments.settingsFor(view.app.tenant_id), linkedTypeNames(view.app.tenant_id, [requirement])]);
    const consultation = settings.services.find((s) => s.code === 'KONSULTASI');
    const permit = encodeURIComponent(view.definition.code);
    const bookingHref = consultation
      ? `/janji-temu/waktu?layanan=${encodeURIComponent(consultation.code)}&izin=${permit}`
      : `/janji-temu/layanan?izin=${permit}`;
    return { view, requirement, linkedTypes, bookingHref };
  }

  /**
   * Opens a help request from the citizen's own account for a document she does not have: channel web,
   * referencing the application and its permit type; the message names the document (first line, the
   * request's subject in the help desk's list) and adds what she wrote. She goes on with her file.
   */
  async function askDocumentHelp(input: { actor: Actor; tenant: Tenant; applicationId: string; requirementCode: string; note: string; lang: Lang }) {
    const { view, requirement } = await documentHelp(input);
    // Only the applicant's side asks for help with a document of its own file (403 for anyone else
    // who sees the file), and only while the file is open to changes (409: ask on its page or at /bantuan).
    requireAccess({
      actor: input.actor,
      permission: 'application.edit',
      resource: { application: view.app, workflow: view.workflow, definition: view.definition },
    });
    const doc = requirement.name[input.lang];
    const permit = view.definition.name[input.lang];
    const first =
      input.lang === 'id'
        ? `Saya belum punya dokumen "${doc}" untuk permohonan ${permit}. Mohon bantuan.`
        : `I don't have the document "${doc}" yet for my ${permit} application. Please help.`;
    const created = await helpdesk.createHelpRequest({
      tenant: input.tenant,
      actor: input.actor,
      channel: 'web',
      message: input.note.trim() ? `${first}\n\n${input.note.trim()}` : first,
      permitCode: view.definition.code,
      applicationId: view.app.id,
    });
    return { view, requirement, request: created, reference: helpReference(created.id) };
  }

  return { guide, checkAnswers, documents, confirmation, documentHelp, askDocumentHelp };
}
export type CitizenPathService = ReturnType<typeof createCitizenPathService>;

/** A help request's short reference for the citizen to quote: the first eight characters of its id. */
export const helpReference = (id: string) => `BNT-${id.replace(/-/g, '').slice(0, 8).toUpperCase()}`;
