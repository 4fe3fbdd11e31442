import { randomUUID } from 'node:crypto';
import { type AnyActor, personOf, requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { AuthService } from '../auth/auth.service.js';
import { findUserById } from '../auth/users.repository.js';
import { answersOf } from '../catalogue/answers.js';
import type { Db } from '../db/database.js';
import type { DataRequest, User } from '../db/schema.js';
import { enqueue } from '../outbox/outbox.repository.js';
import { decryptField, readableCode } from '../shared/crypto.js';
import { AppError, type FieldProblem } from '../shared/errors.js';
import { isoNow, type Clock } from '../shared/time.js';
import { findTenantById } from '../tenants/tenants.repository.js';
import {
  anonymiseUser,
  applicationsOfUser,
  applicationNumbers,
  appointmentsOfUser,
  billsOfApplications,
  closeCorrection,
  contactsOfUser,
  deleteAccountTraces,
  deleteDrafts,
  documentsOfApplications,
  erasableDrafts,
  eventsOfApplications,
  findOwnApplicationByNumber,
  findRequest,
  helpRequestsOfUser,
  insertDataRequest,
  keptCounts,
  listCorrections,
  listRequestsOfUser,
  messagesToApplicant,
  officerAccessLog,
  paymentsOfApplications,
  permitsOfApplications,
  requesterName,
  ticketsOfAppointments,
} from './data-rights.repository.js';

/** Which data a correction request is about. */
export const CORRECTION_SUBJECTS = ['name', 'email', 'phone', 'identity', 'address', 'application', 'other'] as const;
export type CorrectionSubject = (typeof CORRECTION_SUBJECTS)[number];

/** The longest texts a correction request and its answer take (characters, after trimming). */
export const CORRECTION_LIMITS = { value: 500, details: 2000, resolution: 1000, minResolution: 5 } as const;

/** The name an erased account keeps: kept files carry their own applicant name, so the account needs none. */
export const ERASED_NAME = '[akun dihapus]';
/** An erased account's password hash: not an argon2 hash, so no password ever matches it. */
const NO_PASSWORD = '!erased';

/** A bilingual text (the API carries both; pages pick one). */
export type Localised = { id: string; en: string };

/** What an erasure keeps, each with why. */
export type KeptItem =
  'applications' | 'permits' | 'bills' | 'payments' | 'appointments' | 'help_requests' | 'linked_drafts' | 'audit_trail' | 'consent' | 'requests';

/** Why each kind of record stays after an erasure (UU PDP art. 8, 16: erasure does not reach data another law obliges the office to keep). */
export const KEPT_REASONS: Record<KeptItem, Localised> = {
  applications: {
    id: 'Permohonan yang sudah diajukan, dengan jawaban dan dokumennya, adalah arsip pelayanan perizinan yang wajib disimpan kantor sesuai masa retensi arsip (UU 43/2009 tentang Kearsipan).',
    en: 'Applications already filed, with their answers and documents, are licensing service records the office must keep for their retention period (Law 43/2009 on Archives).',
  },
  permits: {
    id: 'Izin yang sudah terbit ditandatangani secara elektronik dan harus tetap dapat diverifikasi oleh siapa pun yang memegangnya (PP 71/2019).',
    en: 'Issued permits are electronically signed and must stay verifiable by anyone who holds them (Government Regulation 71/2019).',
  },
  bills: {
    id: 'Tagihan retribusi (SKRD) adalah catatan keuangan daerah yang wajib disimpan.',
    en: 'Retribution bills (SKRD) are regional finance records the office must keep.',
  },
  payments: {
    id: 'Pembayaran adalah catatan keuangan daerah yang wajib disimpan dan dicocokkan dengan bank.',
    en: 'Payments are regional finance records the office must keep and reconcile with the bank.',
  },
  appointments: {
    id: 'Janji temu dan kunjungan antrean adalah catatan pelayanan kantor; janji yang akan datang dapat Anda batalkan dengan kode pemesanannya.',
    en: 'Appointments and queue visits are the office’s service records; a future booking can be cancelled with its booking code.',
  },
  help_requests: {
    id: 'Permintaan bantuan dan pengaduan adalah catatan pelayanan publik yang wajib ditindaklanjuti dan disimpan (UU 25/2009).',
    en: 'Help requests and complaints are public service records the office must follow up and keep (Law 25/2009).',
  },
  linked_drafts: {
    id: 'Draf ini terhubung dengan catatan kantor (kiriman berkas atau permintaan bantuan), jadi disimpan bersama catatan itu.',
    en: 'These drafts are linked to an office record (a courier parcel or a help request), so they stay with that record.',
  },
  audit_trail: {
    id: 'Catatan audit (siapa melakukan apa dan kapan) tidak dapat diubah atau dihapus, supaya setiap perubahan tetap dapat diperiksa. Isinya tidak memuat nomor identitas atau alamat Anda.',
    en: 'The audit trail (who did what, when) cannot be changed or deleted, so that every change stays checkable. It holds no identity number or address of yours.',
  },
  consent: {
    id: 'Persetujuan Anda atas pemberitahuan pelindungan data (versi dan tanggalnya) disimpan sebagai bukti bahwa pemrosesan sebelumnya sah.',
    en: 'Your consent to the data protection notice (its version and date) is kept as proof that the earlier processing was lawful.',
  },
  requests: {
    id: 'Permintaan ini dan permintaan pembetulan Anda disimpan sebagai bukti bahwa kantor menjawab hak Anda.',
    en: 'This request and your correction requests are kept as proof that the office answered your rights.',
  },
};

/** What an erasure did: counts of what was erased, and what was kept with the reason. */
export type ErasureOutcome = {
  erased: { drafts: number; documents: number; sessions: number; accountMessages: number; profile: string[] };
  kept: { item: KeptItem; count: number | null; reason: Localised }[];
};

/** The profile data an erasure removes from the account. */
const ERASED_PROFILE = ['name', 'email', 'phone', 'nik', 'passport', 'stay_permit', 'nationality', 'password', 'second_factor', 'message_preferences'];

/** One request as its requester sees it. */
export type DataRequestView = {
  id: string;
  reference: string;
  kind: DataRequest['kind'];
  status: DataRequest['status'];
  subject: CorrectionSubject | null;
  applicationNumber: string | null;
  currentValue: string | null;
  requestedValue: string | null;
  details: string | null;
  resolution: string | null;
  resolvedAt: string | null;
  createdAt: string;
  outcome: ErasureOutcome | null;
};
/** One request as the office sees it: who asked, too. */
export type OfficeDataRequestView = DataRequestView & { requester: { userId: string; name: string } };

/** Everything the office holds about the person, as one JSON document (the access right). */
export type PersonalDataExport = Awaited<ReturnType<ReturnType<typeof createDataRightsService>['exportPersonalData']>>;

const isSubject = (s: string | null): s is CorrectionSubject => s !== null && (CORRECTION_SUBJECTS as readonly string[]).includes(s);

/** Sixteen digits in a row, with or without spaces or dots between groups: a NIK typed in full. */
const NIK_LIKE = /(?:\d[\s.-]?){15}\d/;

/**
 * The data subject's rights under UU PDP 27/2022 (LAW-5): access (the whole file as JSON), correction
 * (a request the office answers) and erasure (what may go goes now; what another law keeps stays, with
 * the reason). Applicants ask for their own; the front desk and the admin answer corrections.
 */
export function createDataRightsService(deps: { db: Db; clock: Clock; dataKey: Buffer; auth: Pick<AuthService, 'confirmPassword'> }) {
  const { db, clock } = deps;

  async function me(actor: AnyActor): Promise<{ actor: Actor; user: User }> {
    const person = personOf(actor);
    requireAccess({ actor: person, permission: 'personalData.own', resource: { tenantId: person.tenantId } });
    const user = await findUserById(db, person.tenantId, person.userId);
    if (!user || user.disabled_at) throw new AppError('unauthenticated', 'account gone');
    return { actor: person, user };
  }

  async function numbersOf(tenantId: string, rows: readonly DataRequest[]): Promise<Map<string, string | null>> {
    return applicationNumbers(
      db,
      tenantId,
      rows.flatMap((r) => (r.application_id ? [r.application_id] : [])),
    );
  }

  function view(r: DataRequest, numbers: Map<string, string | null>): DataRequestView {
    return {
      id: r.id,
      reference: r.reference,
      kind: r.kind,
      status: r.status,
      subject: isSubject(r.subject) ? r.subject : null,
      applicationNumber: r.application_id ? (numbers.get(r.application_id) ?? null) : null,
      currentValue: r.current_value,
      requestedValue: r.requested_value,
      details: r.details,
      resolution: r.resolution,
      resolvedAt: r.resolved_at,
      createdAt: r.created_at,
      outcome: r.outcome ? (JSON.parse(r.outcome) as ErasureOutcome) : null,
    };
  }

  /**
   * The access right: every record of the office about the signed-in applicant, in one document. The
   * profile carries the person's own full NIK (and passport and KITAS numbers): this is their own data
   * asked for by themselves, and the answer is never cached (no-store) nor shown on a page. Form
   * answers carry NIKs masked, as everywhere: an answer may hold someone else's NIK (a land owner, a
   * proxy). Officers' ids, internal notes and reviewers stay out; officers' openings of the person's
   * documents and permits are listed with the officer's role. Recorded in the audit chain.
   */
  async function exportPersonalData(input: { actor: AnyActor }) {
    const { actor, user } = await me(input.actor);
    const tenantId = actor.tenantId;
    const open = (sealed: string | null) => (sealed ? decryptField(deps.dataKey, sealed) : null);
    const apps = await applicationsOfUser(db, tenantId, user.id);
    const ids = apps.map((a) => a.id);
    const [documents, events, messages, bills, payments, permits, appointments, help, requests, tenant, contacts] = await Promise.all([
      documentsOfApplications(db, tenantId, ids),
      eventsOfApplications(db, tenantId, ids),
      messagesToApplicant(db, tenantId, ids),
      billsOfApplications(db, tenantId, ids),
      paymentsOfApplications(db, tenantId, ids),
      permitsOfApplications(db, tenantId, ids),
      appointmentsOfUser(db, tenantId, user.id),
      helpRequestsOfUser(db, tenantId, user.id),
      listRequestsOfUser(db, tenantId, user.id),
      findTenantById(db, tenantId),
      contactsOfUser(db, tenantId, user.id),
    ]);
    const tickets = await ticketsOfAppointments(
      db,
      tenantId,
      appointments.map((a) => a.number),
    );
    const accessLog = await officerAccessLog(db, { tenantId, documentIds: documents.map((d) => d.id), permitIds: permits.map((p) => p.id) });
    const numberOf = new Map(apps.map((a) => [a.id, a.number]));
    const now = isoNow(clock);
    await db.transaction().execute((trx) =>
      appendAudit(trx, {
        tenantId,
        actorId: user.id,
        action: 'personal_data.viewed',
        subjectType: 'user',
        subjectId: user.id,
        data: { format: 'json', applications: apps.length },
        occurredAt: now,
      }),
    );
    return {
      format: 'izol-personal-data/1' as const,
      exportedAt: now,
      office: { code: tenant?.code ?? '', name: tenant?.name ?? '' },
      profile: {
        id: user.id,
        name: user.name,
        email: user.email,
        emailVerifiedAt: user.email_verified_at,
        phone: user.phone,
        phoneVerifiedAt: user.phone_verified_at,
        identityKind: user.identity_kind,
        nik: open(user.nik_encrypted),
        passportNumber: open(user.passport_encrypted),
        stayPermitNumber: open(user.stay_permit_encrypted),
        nationality: user.nationality,
        consent: user.consent_at ? { version: user.consent_version ?? '', at: user.consent_at } : null,
        messageLanguage: user.message_language,
        messageChannel: user.message_channel,
        createdAt: user.created_at,
      },
      applications: apps.map((a) => ({
        id: a.id,
        number: a.number,
        permitCode: a.permit_code,
        state: a.state,
        channel: a.channel,
        applicantName: a.applicant_name,
        answers: answersOf(a),
        feeAmount: a.fee_amount === null ? null : Number(a.fee_amount),
        createdAt: a.created_at,
        submittedAt: a.submitted_at,
        decidedAt: a.decided_at,
        timeline: events
          .filter((e) => e.application_id === a.id)
          .map((e) => ({ action: e.action, fromState: e.from_state, toState: e.to_state, byRole: e.actor_role, reason: e.reason, at: e.created_at })),
        messages: messages.filter((m) => m.application_id === a.id).map((m) => ({ fromRole: m.author_role, body: m.body, at: m.created_at })),
        documents: documents
          .filter((d) => d.application_id === a.id)
          .map((d) => ({
            id: d.id,
            requirement: d.requirement_code,
            version: d.version,
            fileName: d.file_name,
            mediaType: d.media_type,
            sizeBytes: Number(d.size_bytes),
            sha256: d.sha256,
            uploadedAt: d.created_at,
            current: d.superseded_at === null,
            review: { status: d.review_status, reason: d.review_reason, at: d.reviewed_at },
            download: `/api/v1/applications/${a.id}/documents/${d.id}`,
          })),
      })),
      bills: bills.map((b) => ({
        number: b.number,
        applicationNumber: numberOf.get(b.application_id) ?? null,
        amount: Number(b.amount),
        state: b.state,
        issuedAt: b.issued_at,
        expiresAt: b.expires_at,
        paidAt: b.paid_at,
        virtualAccount: b.va_number.trim(),
      })),
      payments: payments.map((p) => ({
        applicationNumber: p.application_id ? (numberOf.get(p.application_id) ?? null) : null,
        amount: Number(p.amount),
        provider: p.provider,
        bankReference: p.bank_reference,
        payerName: p.payer_name,
        paidAt: p.paid_at,
        state: p.state,
      })),
      permits: permits.map((p) => ({
        id: p.id,
        number: p.number,
        applicationNumber: numberOf.get(p.application_id) ?? null,
        permitCode: p.permit_code,
        holderName: p.holder_name,
        businessName: p.business_name,
        status: p.status,
        issuedAt: p.issued_at,
        validFrom: p.valid_from,
        validUntil: p.valid_until,
        verificationCode: p.verification_code,
        download: `/api/v1/permits/${p.id}/pdf`,
      })),
      appointments: appointments.map((a) => ({
        number: a.number,
        service: a.service_code,
        startsAt: a.starts_at,
        name: a.name,
        phone: a.phone,
        status: a.status,
        createdAt: a.created_at,
      })),
      queueTickets: tickets.map((q) => ({
        number: q.number,
        appointmentNumber: q.appointment_number,
        service: q.service_code,
        day: q.day,
        status: q.status,
        issuedAt: q.issued_at,
        calledAt: q.called_at,
      })),
      helpRequests: help.map(({ request, messages: thread }) => ({
        subject: request.subject,
        channel: request.channel,
        handle: request.handle,
        status: request.status,
        createdAt: request.created_at,
        messages: thread.map((m) => ({ from: m.kind === 'inbound' ? ('you' as const) : ('office' as const), body: m.body, at: m.at })),
      })),
      contacts: contacts.map((c) => ({ kind: c.kind, channel: c.channel, label: c.label, at: c.at })),
      officerAccess: accessLog.map((e) => {
        const data = JSON.parse(e.data) as { applicationId?: unknown };
        const isDocument = e.action === 'document.viewed';
        const doc = isDocument ? documents.find((d) => d.id === e.subject_id) : undefined;
        const permit = isDocument ? undefined : permits.find((p) => p.id === e.subject_id);
        return {
          at: e.occurred_at,
          what: isDocument ? ('document' as const) : ('permit' as const),
          officerRole: e.role,
          applicationNumber:
            numberOf.get(doc?.application_id ?? permit?.application_id ?? (typeof data.applicationId === 'string' ? data.applicationId : '')) ?? null,
          document: doc ? { requirement: doc.requirement_code, version: doc.version, fileName: doc.file_name } : null,
          permitNumber: permit?.number ?? null,
        };
      }),
      dataRequests: requests.map((r) => view(r, numberOf)),
    };
  }

  // ---- Correction ----

  function text(problems: FieldProblem[], field: string, value: string | undefined, opts: { max: number; required: boolean }): string | null {
    const v = (value ?? '').trim();
    if (!v) {
      if (opts.required) problems.push({ field, code: 'required', message: 'required' });
      return null;
    }
    if (v.length > opts.max) problems.push({ field, code: 'too_long', message: `at most ${opts.max} characters`, params: { max: opts.max } });
    else if (NIK_LIKE.test(v)) problems.push({ field, code: 'nik_not_here', message: 'a full NIK is not typed here' });
    return v;
  }

  /**
   * The correction right: the applicant says which data is wrong and what it should be; the office
   * answers (resolveCorrection). A correction about one filed application names its number. No NIK is
   * typed in full (the request's text is not encrypted): a NIK is corrected at the counter with the KTP.
   */
  async function fileCorrection(input: {
    actor: AnyActor;
    subject: string;
    applicationNumber?: string | undefined;
    currentValue?: string | undefined;
    requestedValue?: string | undefined;
    details?: string | undefined;
  }): Promise<DataRequestView> {
    const { actor, user } = await me(input.actor);
    const problems: FieldProblem[] = [];
    if (!isSubject(input.subject)) problems.push({ field: 'subject', code: 'invalid_option', message: 'choose what is wrong' });
    const currentValue = text(problems, 'currentValue', input.currentValue, { max: CORRECTION_LIMITS.value, required: true });
    const requestedValue = text(problems, 'requestedValue', input.requestedValue, { max: CORRECTION_LIMITS.value, required: true });
    const details = text(problems, 'details', input.details, { max: CORRECTION_LIMITS.details, required: false });
    const number = (input.applicationNumber ?? '').trim().toUpperCase();
    let applicationId: string | null = null;
    if (number.length > 40) problems.push({ field: 'applicationNumber', code: 'too_long', message: 'too long', params: { max: 40 } });
    else if (number) {
      const app = await findOwnApplicationByNumber(db, actor.tenantId, user.id, number);
      if (!app) problems.push({ field: 'applicationNumber', code: 'not_your_application', message: 'no application of yours has this number' });
      else applicationId = app.id;
    } else if (input.subject === 'application') problems.push({ field: 'applicationNumber', code: 'required', message: 'which application' });
    if (problems.length) throw new AppError('invalid_input', 'correction request invalid', { fields: problems });
    const now = isoNow(clock);
    const row: DataRequest = {
      id: randomUUID(),
      tenant_id: actor.tenantId,
      user_id: user.id,
      reference: `KOR-${readableCode(8)}`,
      kind: 'correction',
      status: 'open',
      subject: input.subject,
      application_id: applicationId,
      current_value: currentValue,
      requested_value: requestedValue,
      details,
      resolution: null,
      resolved_by: null,
      resolved_at: null,
      outcome: null,
      created_at: now,
      updated_at: now,
    };
    await db.transaction().execute(async (trx) => {
      await insertDataRequest(trx, row);
      // The chain says that a request was made and about what; its text stays in the request alone.
      await appendAudit(trx, {
        tenantId: actor.tenantId,
        actorId: user.id,
        action: 'data_request.filed',
        subjectType: 'data_request',
        subjectId: row.id,
        data: { reference: row.reference, kind: 'correction', subject: input.subject },
        occurredAt: now,
      });
    });
    return view(row, new Map(applicationId ? [[applicationId, number]] : []));
  }

  /** The applicant's own requests, newest first. */
  async function listMyRequests(input: { actor: AnyActor }): Promise<DataRequestView[]> {
    const { actor, user } = await me(input.actor);
    const rows = await listRequestsOfUser(db, actor.tenantId, user.id);
    const numbers = await numbersOf(actor.tenantId, rows);
    return rows.map((r) => view(r, numbers));
  }

  /** One of the applicant's own requests; anyone else's is not found. */
  async function getMyRequest(input: { actor: AnyActor; requestId: string }): Promise<DataRequestView> {
    const { actor, user } = await me(input.actor);
    const row = await findRequest(db, actor.tenantId, input.requestId);
    if (!row || row.user_id !== user.id) throw new AppError('not_found', 'no such request of yours');
    return view(row, await numbersOf(actor.tenantId, [row]));
  }

  async function officeView(tenantId: string, rows: (DataRequest & { requester_name?: string })[]): Promise<OfficeDataRequestView[]> {
    const numbers = await numbersOf(tenantId, rows);
    return Promise.all(
      rows.map(async (r) => ({
        ...view(r, numbers),
        requester: { userId: r.user_id, name: r.requester_name ?? (await requesterName(db, tenantId, r.user_id)) ?? '' },
      })),
    );
  }

  /** The office: correction requests still to answer (oldest first), or the last 100 answered. */
  async function listCorrectionRequests(input: { actor: Actor; status?: 'open' | 'closed' | undefined }): Promise<OfficeDataRequestView[]> {
    const { actor } = input;
    requireAccess({ actor, permission: 'dataRequests.manage', resource: { tenantId: actor.tenantId } });
    const rows = await listCorrections(db, { tenantId: actor.tenantId, open: (input.status ?? 'open') === 'open', limit: 100 });
    return officeView(actor.tenantId, rows);
  }

  /** The office: one correction request of the office (another office's is not found). */
  async function getCorrectionRequest(input: { actor: Actor; requestId: string }): Promise<OfficeDataRequestView> {
    const { actor } = input;
    requireAccess({ actor, permission: 'dataRequests.manage', resource: { tenantId: actor.tenantId } });
    const row = await findRequest(db, actor.tenantId, input.requestId);
    if (!row || row.kind !== 'correction') throw new AppError('not_found', 'no such correction request');
    return (await officeView(actor.tenantId, [row]))[0]!;
  }

  /**
   * The office answers a correction request: corrected (what was changed) or refused (why), in words
   * the applicant reads. Only an open request is answered, once (a guarded update: two officers at once
   * get one answer and one 409). The applicant is told through the outbox; the chain records the outcome.
   */
  async function resolveCorrection(input: {
    actor: Actor;
    requestId: string;
    outcome: string;
    resolution?: string | undefined;
  }): Promise<OfficeDataRequestView> {
    const { actor } = input;
    requireAccess({ actor, permission: 'dataRequests.manage', resource: { tenantId: actor.tenantId } });
    const row = await findRequest(db, actor.tenantId, input.requestId);
    if (!row || row.kind !== 'correction') throw new AppError('not_found', 'no such correction request');
    const problems: FieldProblem[] = [];
    if (input.outcome !== 'corrected' && input.outcome !== 'refused')
      problems.push({ field: 'outcome', code: 'invalid_option', message: 'corrected or refused' });
    const resolution = (input.resolution ?? '').trim();
    if (!resolution) problems.push({ field: 'resolution', code: 'required', message: 'say what was corrected, or why not' });
    else if (resolution.length < CORRECTION_LIMITS.minResolution)
      problems.push({ field: 'resolution', code: 'too_short', message: 'too short', params: { min: CORRECTION_LIMITS.minResolution } });
    else if (resolution.length > CORRECTION_LIMITS.resolution)
      problems.push({ field: 'resolution', code: 'too_long', message: 'too long', params: { max: CORRECTION_LIMITS.resolution } });
    else if (NIK_LIKE.test(resolution)) problems.push({ field: 'resolution', code: 'nik_not_here', message: 'a full NIK is not typed here' });
    if (problems.length) throw new AppError('invalid_input', 'resolution invalid', { fields: problems });
    if (row.status !== 'open') throw new AppError('invalid_state', 'the request was answered already');
    const status = input.outcome as 'corrected' | 'refused';
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      if (!(await closeCorrection(trx, { tenantId: actor.tenantId, id: row.id, status, resolution, by: actor.userId, at: now })))
        throw new AppError('invalid_state', 'the request was answered meanwhile');
      await appendAudit(trx, {
        tenantId: actor.tenantId,
        actorId: actor.userId,
        action: 'data_request.resolved',
        subjectType: 'data_request',
        subjectId: row.id,
        data: { reference: row.reference, outcome: status },
        occurredAt: now,
      });
      await enqueue(trx, { tenantId: actor.tenantId, message: { topic: 'notify.data_request_resolved', requestId: row.id }, now });
    });
    return getCorrectionRequest({ actor, requestId: row.id });
  }

  // ---- Erasure ----

  /**
   * The erasure right. After the password is given again and the person confirmed: never-filed drafts
   * with their uploads (the files go with the file sweep, told by `document.pruned` events), the
   * account's sessions, one-time codes and account messages, and the profile (contacts, identity
   * numbers, password, second factor, preferences) are erased; the account is disabled, so it can no
   * longer sign in. What another law keeps (filed applications, permits, bills, payments, service
   * records, the audit chain) stays, and the outcome names each with its reason. The signed permits and
   * the audit chain are not touched, so both still verify. One transaction; recorded as a request.
   */
  async function eraseMyAccount(input: { actor: AnyActor; password: string; confirm: boolean; clientIp: string }): Promise<DataRequestView> {
    const { actor, user } = await me(input.actor);
    if (!input.confirm) {
      throw new AppError('invalid_input', 'erasure not confirmed', { fields: [{ field: 'confirm', code: 'erasure_confirm', message: 'confirm the erasure' }] });
    }
    await deps.auth.confirmPassword(user, input.password, input.clientIp);
    const now = isoNow(clock);
    const id = randomUUID();
    const reference = `HPS-${readableCode(8)}`;
    const outcome = await db.transaction().execute(async (trx) => {
      const { erasable, linked } = await erasableDrafts(trx, actor.tenantId, user.id);
      const docs = await deleteDrafts(
        trx,
        actor.tenantId,
        erasable.map((a) => a.id),
      );
      for (const d of docs)
        await appendAudit(trx, {
          tenantId: actor.tenantId,
          actorId: user.id,
          action: 'document.pruned',
          subjectType: 'document',
          subjectId: d.id,
          data: {
            applicationId: d.application_id,
            requirement: d.requirement_code,
            version: d.version,
            sha256: d.sha256,
            sizeBytes: Number(d.size_bytes),
            erasure: reference,
          },
          occurredAt: now,
        });
      const traces = await deleteAccountTraces(trx, actor.tenantId, user.id);
      await anonymiseUser(trx, { tenantId: actor.tenantId, userId: user.id, name: ERASED_NAME, passwordHash: NO_PASSWORD, now });
      const kept = await keptCounts(trx, actor.tenantId, user.id);
      const items: ErasureOutcome['kept'] = [];
      const keep = (item: KeptItem, count: number | null) => {
        if (count === null || count > 0) items.push({ item, count, reason: KEPT_REASONS[item] });
      };
      keep('applications', kept.applications - linked.length);
      keep('linked_drafts', linked.length);
      keep('permits', kept.permits);
      keep('bills', kept.bills);
      keep('payments', kept.payments);
      keep('appointments', kept.appointments);
      keep('help_requests', kept.helpRequests);
      if (user.consent_at) keep('consent', null);
      keep('audit_trail', null);
      keep('requests', null);
      const result: ErasureOutcome = {
        erased: { drafts: erasable.length, documents: docs.length, sessions: traces.sessions, accountMessages: traces.messages, profile: ERASED_PROFILE },
        kept: items,
      };
      await insertDataRequest(trx, {
        id,
        tenant_id: actor.tenantId,
        user_id: user.id,
        reference,
        kind: 'erasure',
        status: 'completed',
        subject: null,
        application_id: null,
        current_value: null,
        requested_value: null,
        details: null,
        resolution: null,
        resolved_by: null,
        resolved_at: now,
        outcome: JSON.stringify(result),
        created_at: now,
        updated_at: now,
      });
      await appendAudit(trx, {
        tenantId: actor.tenantId,
        actorId: user.id,
        action: 'personal_data.erased',
        subjectType: 'user',
        subjectId: user.id,
        data: { reference, drafts: erasable.length, documents: docs.length, sessions: traces.sessions, kept: items.map((i) => i.item) },
        occurredAt: now,
      });
      return result;
    });
    return {
      id,
      reference,
      kind: 'erasure',
      status: 'completed',
      subject: null,
      applicationNumber: null,
      currentValue: null,
      requestedValue: null,
      details: null,
      resolution: null,
      resolvedAt: now,
      createdAt: now,
      outcome,
    };
  }

  return { exportPersonalData, fileCorrection, listMyRequests, getMyRequest, listCorrectionRequests, getCorrectionRequest, resolveCorrection, eraseMyAccount };
}
export type DataRightsService = ReturnType<typeof createDataRightsService>;
