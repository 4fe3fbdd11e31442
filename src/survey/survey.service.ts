import { randomUUID } from 'node:crypto';
import { type AnyActor, requireAccess } from '../access/access.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';
import type { Application, Tenant } from '../db/schema.js';
import { AppError } from '../shared/errors.js';
import { type Clock, todayIn } from '../shared/time.js';
import { findTenantById } from '../tenants/tenants.repository.js';
import { SKM_ELEMENTS, skmFromSums, type SkmAnswer, type SkmResult } from './skm.js';
import { answerBody, type AnswerInput } from './survey.schemas.js';
import {
  ensureInvitation,
  findInvitationByToken,
  findInvitationFor,
  insertAnswer,
  markInvitationUsed,
  type ServiceKind,
  sumAnswers,
} from './survey.repository.js';

type Localised = { id: string; en: string };

export type SurveyInvitationView = { service: { kind: ServiceKind; code: string; name: Localised }; answered: boolean };
export type SkmServiceFigure = SkmResult & { kind: ServiceKind; code: string; name: Localised };
export type SkmReport = {
  unit: { code: string; name: string };
  from: string;
  to: string;
  elements: string[];
  overall: SkmResult | null;
  services: SkmServiceFigure[];
  /** The filter's service, null: all. */
  service: string | null;
  /** Every service with answers in the period (the filter's choices), whatever the filter. */
  available: { code: string; name: Localised }[];
};

export type PeriodKind = 'month' | 'quarter' | 'year';

/** The months (YYYY-MM, inclusive) of a month, quarter or year: (quarter, 2026, 2) → 2026-04 … 2026-06. A missing part is the first. */
export function periodRange(kind: PeriodKind, year: number, part?: number): { from: string; to: string } {
  const mm = (m: number) => `${year}-${String(m).padStart(2, '0')}`;
  if (kind === 'month') return { from: mm(part ?? 1), to: mm(part ?? 1) };
  if (kind === 'quarter') {
    const q = part ?? 1;
    return { from: mm(q * 3 - 2), to: mm(q * 3) };
  }
  return { from: mm(1), to: mm(12) };
}

const HELPDESK_NAME: Localised = { id: 'Layanan bantuan (help desk)', en: 'Help desk' };
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** The service code of answers given at the lobby kiosk, not tied to one visit. */
const KIOSK_CODE = 'KIOS';

/** The SKM satisfaction survey (issue 13, item 2): the public answer by invitation, and the office's report. */
export function createSurveyService(deps: {
  db: Db;
  clock: Clock;
  catalogue: CatalogueService;
  /** The office's enrolled kiosks (src/queue/): the lobby kiosk offers the survey to anyone who walks up. */
  kiosks: { isKiosk(input: { tenant: Tenant; token: string | undefined }): Promise<boolean> };
}) {
  const { db, clock, catalogue } = deps;

  async function serviceName(tenantId: string, kind: ServiceKind, code: string): Promise<Localised> {
    if (kind === 'helpdesk') return HELPDESK_NAME;
    if (kind === 'queue' && code === KIOSK_CODE) return { id: 'Pelayanan di kantor (kios survei)', en: 'Service at the office (survey kiosk)' };
    if (kind === 'queue') return { id: `Layanan loket ${code}`, en: `Counter service ${code}` };
    try {
      return (await catalogue.getPermitType({ tenantId, code })).definition.name;
    } catch {
      return { id: code, en: code };
    }
  }

  async function invitation(tenantId: string, token: string) {
    const inv = TOKEN.test(token) ? await findInvitationByToken(db, tenantId, token) : undefined;
    if (!inv) throw new AppError('not_found', 'no such survey invitation');
    return inv;
  }

  /** The public survey page's invitation: which service it asks about, and whether it was answered. No sign-in: the token is the key. */
  async function getInvitation(input: { tenantId: string; token: string }): Promise<SurveyInvitationView> {
    const inv = await invitation(input.tenantId, input.token);
    const kind = inv.service_kind as ServiceKind;
    return { service: { kind, code: inv.service_code, name: await serviceName(input.tenantId, kind, inv.service_code) }, answered: inv.used === 1 };
  }

  /**
   * Answers an invitation once. The answer is checked before anything is written (400 with field errors);
   * then, in one transaction, the invitation is marked used by a guarded update (a second answer, or two
   * at once, is refused with conflict) and the anonymous answer row written with the service, office and
   * month only.
   */
  async function answer(input: { tenantId: string; token: string; answer: unknown }): Promise<{ service: SurveyInvitationView['service'] }> {
    const inv = await invitation(input.tenantId, input.token);
    const parsed = answerBody.safeParse(input.answer);
    if (!parsed.success) {
      throw new AppError('invalid_input', 'survey answer does not match', {
        fields: parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? ''), code: i.code, message: i.message })),
      });
    }
    const a: AnswerInput = parsed.data;
    if (inv.used === 1) throw new AppError('conflict', 'the survey invitation was already answered');
    const tenant = await findTenantById(db, input.tenantId);
    if (!tenant) throw new AppError('not_found', 'no such office');
    const period = todayIn(clock, tenant.time_zone).slice(0, 7);
    const scores = Object.fromEntries(SKM_ELEMENTS.map((e) => [e, a[e]])) as unknown as SkmAnswer;
    await db.transaction().execute(async (trx) => {
      if (!(await markInvitationUsed(trx, inv.id))) throw new AppError('conflict', 'the survey invitation was already answered');
      await insertAnswer(trx, {
        tenantId: input.tenantId,
        serviceKind: inv.service_kind,
        serviceCode: inv.service_code,
        period,
        scores,
        respondent: { ageBand: a.ageBand ?? null, sex: a.sex ?? null, education: a.education ?? null, occupation: a.occupation ?? null },
      });
    });
    const kind = inv.service_kind as ServiceKind;
    return { service: { kind, code: inv.service_code, name: await serviceName(input.tenantId, kind, inv.service_code) } };
  }

  /**
   * The SKM report for head and admin (survey.read): per service and for all together, over the months
   * `from`–`to` (YYYY-MM, default this year in the office's time zone), from one aggregate query.
   */
  async function getReport(input: {
    actor: AnyActor;
    from?: string | undefined;
    to?: string | undefined;
    /** Instead of from/to: a month (part 1–12), quarter (1–4) or year; the year defaults to this one. */
    period?: { kind: PeriodKind; year?: number | undefined; part?: number | undefined } | undefined;
    service?: string | undefined;
  }): Promise<SkmReport> {
    requireAccess({ actor: input.actor, permission: 'survey.read', resource: { tenantId: input.actor.tenantId } });
    const tenant = await findTenantById(db, input.actor.tenantId);
    if (!tenant) throw new AppError('not_found', 'no such office');
    const year = todayIn(clock, tenant.time_zone).slice(0, 4);
    const range = input.period ? periodRange(input.period.kind, input.period.year ?? Number(year), input.period.part) : null;
    const from = range?.from ?? input.from ?? `${year}-01`;
    const to = range?.to ?? input.to ?? `${year}-12`;
    if (from > to) {
      throw new AppError('invalid_input', 'from after to', {
        fields: [{ field: 'from', code: 'too_big', message: 'The first month must not be after the last' }],
      });
    }
    const all = await sumAnswers(db, { tenantId: tenant.id, fromPeriod: from, toPeriod: to });
    const available: SkmReport['available'] = [];
    for (const r of all) available.push({ code: r.serviceCode, name: await serviceName(tenant.id, r.serviceKind as ServiceKind, r.serviceCode) });
    const rows = input.service ? all.filter((r) => r.serviceCode === input.service) : all;
    const services: SkmServiceFigure[] = [];
    for (const r of rows) {
      const result = skmFromSums(r);
      const kind = r.serviceKind as ServiceKind;
      if (result) services.push({ ...result, kind, code: r.serviceCode, name: available.find((a) => a.code === r.serviceCode)!.name });
    }
    const total = Object.fromEntries(SKM_ELEMENTS.map((e) => [e, rows.reduce((s, r) => s + r.sums[e], 0)])) as Record<(typeof SKM_ELEMENTS)[number], number>;
    const overall = skmFromSums({ respondents: rows.reduce((s, r) => s + r.respondents, 0), sums: total });
    return {
      unit: { code: tenant.code, name: tenant.name },
      from,
      to,
      service: input.service ?? null,
      elements: [...SKM_ELEMENTS],
      overall,
      services,
      available,
    };
  }

  /**
   * The survey link of an issued file, for its applicant's page: the file was loaded through the access
   * policy by the caller; only its own applicant gets the link (staff never hold the key), and only while unanswered.
   */
  async function invitationOfApplication(input: { actor: AnyActor; application: Application }): Promise<{ token: string } | null> {
    requireAccess({ actor: input.actor, permission: 'application.read', resource: { application: input.application } });
    if (!('userId' in input.actor) || input.application.applicant_id !== input.actor.userId) return null;
    const inv = await findInvitationFor(db, { tenantId: input.application.tenant_id, occasion: 'permit_issued', subjectId: input.application.id });
    return inv && inv.used === 0 ? { token: inv.token } : null;
  }

  /**
   * The survey link of a completed queue visit, for the ticket page: the ticket's id (a UUID in the QR code
   * the visitor holds) is that page's key already, so the link goes where the ticket is shown; null while
   * the visit is not completed, and once answered.
   */
  async function invitationOfTicket(input: { tenantId: string; ticketId: string }): Promise<{ token: string } | null> {
    const inv = await findInvitationFor(db, { tenantId: input.tenantId, occasion: 'visit_completed', subjectId: input.ticketId });
    return inv && inv.used === 0 ? { token: inv.token } : null;
  }

  /** The survey link of a closed help request, for the help desk to send in its reply (helpdesk.manage); null while open or once answered. */
  async function invitationOfHelpRequest(input: { actor: AnyActor; helpRequestId: string }): Promise<{ token: string } | null> {
    requireAccess({ actor: input.actor, permission: 'helpdesk.manage', resource: { tenantId: input.actor.tenantId } });
    const inv = await findInvitationFor(db, { tenantId: input.actor.tenantId, occasion: 'help_closed', subjectId: input.helpRequestId });
    return inv && inv.used === 0 ? { token: inv.token } : null;
  }

  /** Whether this device is the office's enrolled kiosk (its cookie): the kiosk's survey start page is for it only. */
  async function isKiosk(input: { tenant: Tenant; kioskToken: string | undefined }): Promise<boolean> {
    return deps.kiosks.isKiosk({ tenant: input.tenant, token: input.kioskToken });
  }

  /**
   * At the lobby kiosk (/survei/kios): a fresh invitation for the person at the screen, answered like any
   * other (once, anonymously), counted as the office's in-person service. Only an enrolled kiosk may start one.
   */
  async function startAtKiosk(input: { tenant: Tenant; kioskToken: string | undefined }): Promise<{ token: string }> {
    if (!(await isKiosk(input))) throw new AppError('queue_kiosk_required', 'the survey kiosk is an enrolled kiosk only');
    const inv = await ensureInvitation(db, {
      tenantId: input.tenant.id,
      occasion: 'kiosk',
      subjectId: randomUUID(),
      serviceKind: 'queue',
      serviceCode: KIOSK_CODE,
      now: new Date(clock.now()).toISOString(),
    });
    return { token: inv.token };
  }

  return { getInvitation, answer, getReport, invitationOfApplication, invitationOfTicket, invitationOfHelpRequest, isKiosk, startAtKiosk };
}
export type SurveyService = ReturnType<typeof createSurveyService>;
