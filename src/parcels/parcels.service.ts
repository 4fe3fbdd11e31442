import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { findApplication, findApplicationByNumber } from '../applications/applications.repository.js';
import type { IntakeService } from '../applications/intake.service.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { PermitTypeDefinition } from '../catalogue/catalogue.schema.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import { recordContact } from '../contacts/contacts.repository.js';
import type { Db } from '../db/database.js';
import type { Parcel, ParcelContents, ParcelDirection, ParcelsTable, Tenant } from '../db/schema.js';
import { violatedConstraint } from '../db/unique-violation.js';
import { cleanFileName, detectAcceptedKind, describeKinds, findPolyglot, MEDIA_TYPES } from '../documents/file-kinds.js';
import type { VirusScanner } from '../documents/scanner.js';
import type { FileStorage } from '../documents/storage.js';
import { enqueue } from '../outbox/outbox.repository.js';
import { listPermitsOfApplication } from '../permits/permits.repository.js';
import { workingDaysBetween } from '../sla/sla.js';
import type { HolidayService } from '../sla/holidays.service.js';
import { AppError, type FieldProblem } from '../shared/errors.js';
import { isEmail, normalisePhone } from '../shared/identifiers.js';
import { addDays, type Clock, isoNow, localDate } from '../shared/time.js';
import {
  applicationNumbers,
  countParcelPhotos,
  countParcels,
  lockParcelRow,
  findParcel,
  findParcelByTracking,
  findParcelPhoto,
  insertParcel,
  insertParcelPhoto,
  linkParcelRow,
  listParcelPhotos,
  listParcels as listParcelRows,
  listParcelsOfApplication,
  officerNames,
  parcelsBetween,
  unlinkedParcels,
} from './parcels.repository.js';

/** Photos of a parcel: JPEG or PNG, 10 MB at most, 10 a parcel. */
const PHOTO_KINDS = ['jpeg', 'png'] as const;
const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
export const MAX_PHOTOS_PER_PARCEL = 10;
/** Parcels a page on the desk's list and the listParcels API. */
export const PARCEL_PAGE_SIZE = 50;
/** Photo uploads a minute per account, as the front desk's document uploads (documents.service.ts UPLOAD_LIMITS). */
export const PHOTOS_PER_MINUTE = 120;
/** A received parcel still without an application after this many working days is overdue in the report. */
export const UNLINKED_WORKING_DAYS = 2;
/** A time "now" may be ahead of the desk's clock by this much (a wall clock a little fast). */
const CLOCK_SLACK_MS = 5 * 60_000;
const REPORT_MAX_DAYS = 92;

export type ParcelDeps = {
  db: Db;
  clock: Clock;
  catalogue: CatalogueService;
  intake: IntakeService;
  holidays: HolidayService;
  storage: FileStorage;
  scanner: VirusScanner;
  maxUploadBytes: number;
};

type ChecklistItem = { code: string; present: boolean };

const invalid = (field: string, code: string, message: string) => new AppError('parcel_invalid', message, { fields: [{ field, code, message }] });

/** Courier and tracking number as one parcel: the company by its lower-cased name, the number upper-cased without spaces. */
export function parcelKey(company: string, trackingNumber: string) {
  const name = company.trim().replace(/\s+/g, ' ');
  return { company: name, companyKey: name.toLowerCase(), trackingNumber: trackingNumber.replace(/\s+/g, '').toUpperCase() };
}

/** A WhatsApp number (normalised) or an email address (lower-cased); null when it is neither. */
function contactOf(raw: string): string | null {
  const s = raw.trim();
  return s.includes('@') ? (isEmail(s) ? s.toLowerCase() : null) : normalisePhone(s);
}

/**
 * The courier parcel log (issue 11): the front desk records each parcel that arrives (courier, tracking
 * number, sender, time, officer, the contents against the permit type's requirements, photos), links it
 * to a new courier application (through the intake service, in the application's own transaction) or to
 * an existing one by its number, and records what goes back (the permit, returned papers). The applicant
 * is told through the outbox and sees the parcels in tracking. Everything here needs `parcels.manage`.
 */
export function createParcelService(deps: ParcelDeps) {
  const { db, clock, catalogue } = deps;
  /** When each account's photo uploads of the last minute began (counted per instance, like the document uploads). */
  const recentPhotos = new Map<string, number[]>();

  /** Takes one of the account's photo uploads of this minute, or refuses with 429 before the file is read. */
  function takePhotoSlot(actor: Actor): void {
    const now = clock.now().getTime();
    const recent = (recentPhotos.get(actor.userId) ?? []).filter((t) => t > now - 60_000);
    if (recent.length >= PHOTOS_PER_MINUTE) {
      const retryAfterSeconds = Math.max(1, Math.ceil((recent[0]! + 60_000 - now) / 1000));
      throw new AppError('too_many_attempts', 'too many photos this minute', { params: { minutes: 1 }, retryAfterSeconds });
    }
    recent.push(now);
    recentPhotos.set(actor.userId, recent);
  }

  function guard(actor: Actor): void {
    requireAccess({ actor, permission: 'parcels.manage', resource: { tenantId: actor.tenantId } });
  }

  /** A time given by the desk, or now; a time ahead of now is refused. */
  function timeOf(field: string, given: string | undefined): string {
    const now = clock.now().getTime();
    if (!given) return new Date(now).toISOString();
    const at = Date.parse(given);
    if (at > now + CLOCK_SLACK_MS) throw invalid(field, 'date_in_future', 'a time that has not come yet');
    return new Date(at).toISOString();
  }

  async function permitTypeOf(tenantId: string, code: string, field = 'permitTypeCode'): Promise<PermitTypeDefinition> {
    try {
      return (await catalogue.getPermitType({ tenantId, code: code.trim().toUpperCase() })).definition;
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') throw invalid(field, 'invalid_option', 'a permit type of this office');
      throw err;
    }
  }

  /**
   * Parcels as the API shows them: a handful of queries for the whole list (officers, application
   * numbers, photos, one catalogue read per permit type), never one per row.
   */
  async function views(rows: readonly Parcel[]) {
    const first = rows[0];
    if (!first) return [];
    const tenantId = first.tenant_id;
    const [officers, numbers, photos] = await Promise.all([
      officerNames(
        db,
        tenantId,
        rows.map((p) => p.officer_id),
      ),
      applicationNumbers(
        db,
        tenantId,
        rows.flatMap((p) => (p.application_id ? [p.application_id] : [])),
      ),
      listParcelPhotos(
        db,
        tenantId,
        rows.map((p) => p.id),
      ),
    ]);
    const definitions = new Map<string, PermitTypeDefinition | null>();
    for (const code of new Set(rows.flatMap((p) => (p.permit_type_code ? [p.permit_type_code] : [])))) {
      definitions.set(code, await permitTypeOf(tenantId, code).catch(() => null));
    }
    return rows.map((p) => {
      const definition = p.permit_type_code ? definitions.get(p.permit_type_code) : null;
      const checked = p.checklist ? (JSON.parse(p.checklist) as ChecklistItem[]) : [];
      return {
        id: p.id,
        direction: p.direction,
        company: p.company,
        trackingNumber: p.tracking_number,
        at: p.at,
        application: p.application_id ? { id: p.application_id, number: numbers.get(p.application_id) ?? null } : null,
        senderName: p.sender_name,
        senderContact: p.sender_contact,
        contents: p.contents,
        permitTypeCode: p.permit_type_code,
        checklist: checked.map((c) => {
          const r = definition?.requirements.find((x) => x.code === c.code);
          return { code: c.code, name: r?.name ?? { id: c.code, en: c.code }, required: r?.required ?? false, present: c.present };
        }),
        note: p.note,
        officer: { id: p.officer_id, name: officers.get(p.officer_id) ?? '' },
        linkedAt: p.linked_at,
        photos: (photos.get(p.id) ?? []).map((f) => ({
          id: f.id,
          fileName: f.file_name,
          mediaType: f.media_type,
          sizeBytes: f.size_bytes,
          createdAt: f.created_at,
        })),
      };
    });
  }
  const view = async (p: Parcel) => (await views([p]))[0]!;

  async function load(actor: Actor, id: string): Promise<Parcel> {
    guard(actor);
    const p = await findParcel(db, actor.tenantId, id);
    if (!p) throw new AppError('not_found', 'no such parcel');
    return p;
  }

  /** Inserts a parcel with its audit row; a courier's tracking number already logged that way is a 409. */
  async function insertChecked(trx: Db, row: ParcelsTable): Promise<void> {
    const key = { tenantId: row.tenant_id, direction: row.direction, companyKey: row.company_key, trackingNumber: row.tracking_number };
    const duplicate = () =>
      new AppError('parcel_duplicate', 'tracking number logged already', {
        fields: [{ field: 'trackingNumber', code: 'invalid_value', message: 'logged already with this courier company' }],
      });
    if (await findParcelByTracking(trx, key)) throw duplicate();
    try {
      await insertParcel(trx, row);
    } catch (err) {
      // Two desks logging the same parcel at once: the unique constraint lets one through.
      if (violatedConstraint(err) === 'parcels_tracking_unique') throw duplicate();
      throw err;
    }
  }

  /**
   * A parcel arrives at the desk. Recorded with the receiving officer and, in the same transaction, in the
   * sender's channel history (src/contacts/) and the audit log.
   */
  async function logParcel(input: {
    actor: Actor;
    company: string;
    trackingNumber: string;
    senderName: string;
    senderContact?: string | undefined;
    receivedAt?: string | undefined;
    permitTypeCode?: string | undefined;
    checklist?: readonly string[] | undefined;
    note?: string | undefined;
  }) {
    const { actor } = input;
    guard(actor);
    const problems: FieldProblem[] = [];
    const senderContact = input.senderContact?.trim() ? contactOf(input.senderContact) : null;
    if (input.senderContact?.trim() && !senderContact) {
      problems.push({ field: 'senderContact', code: 'invalid_phone', message: 'a WhatsApp number or an email address' });
    }
    let checklist: ChecklistItem[] | null = null;
    let permitTypeCode: string | null = null;
    if (input.permitTypeCode?.trim()) {
      const definition = await permitTypeOf(actor.tenantId, input.permitTypeCode);
      permitTypeCode = definition.code;
      const found = new Set(input.checklist ?? []);
      const unknown = [...found].filter((c) => !definition.requirements.some((r) => r.code === c));
      if (unknown.length)
        problems.push({ field: 'checklist', code: 'invalid_option', message: `not a requirement of ${definition.code}: ${unknown.join(', ')}` });
      checklist = definition.requirements.map((r) => ({ code: r.code, present: found.has(r.code) }));
    } else if (input.checklist?.length) {
      problems.push({ field: 'permitTypeCode', code: 'required', message: 'the permit type the checklist is for' });
    }
    const at = timeOf('receivedAt', input.receivedAt);
    if (problems.length) throw new AppError('parcel_invalid', 'parcel details invalid', { fields: problems });
    const key = parcelKey(input.company, input.trackingNumber);
    const now = isoNow(clock);
    const row: ParcelsTable = {
      id: randomUUID(),
      tenant_id: actor.tenantId,
      direction: 'in',
      company: key.company,
      company_key: key.companyKey,
      tracking_number: key.trackingNumber,
      sender_name: input.senderName.trim(),
      sender_contact: senderContact,
      contents: null,
      permit_type_code: permitTypeCode,
      checklist: checklist ? JSON.stringify(checklist) : null,
      note: input.note?.trim() || null,
      application_id: null,
      officer_id: actor.userId,
      at,
      linked_at: null,
      linked_by: null,
      created_at: now,
    };
    await db.transaction().execute(async (trx) => {
      await insertChecked(trx, row);
      await recordContact(trx, {
        tenantId: actor.tenantId,
        phone: senderContact && !senderContact.includes('@') ? senderContact : null,
        email: senderContact?.includes('@') ? senderContact : null,
        kind: 'parcel',
        channel: 'courier',
        refId: row.id,
        label: `${row.company} ${row.tracking_number}`,
        at,
      });
      await appendAudit(trx, {
        tenantId: actor.tenantId,
        actorId: actor.userId,
        action: 'parcel.received',
        subjectType: 'parcel',
        subjectId: row.id,
        data: { company: row.company, trackingNumber: row.tracking_number, receivedAt: at, permitTypeCode },
        occurredAt: now,
      });
    });
    return view(row);
  }

  /** One page of the office's parcels (newest first, PARCEL_PAGE_SIZE a page, in SQL), with the count of all. */
  async function listParcels(input: {
    actor: Actor;
    direction?: ParcelDirection | undefined;
    linked?: boolean | undefined;
    page?: number | undefined;
    pageSize?: number | undefined;
  }) {
    guard(input.actor);
    const pageSize = input.pageSize ?? PARCEL_PAGE_SIZE;
    const page = Math.max(1, input.page ?? 1);
    const filter = { direction: input.direction, linked: input.linked };
    const [rows, total] = await Promise.all([
      listParcelRows(db, input.actor.tenantId, { ...filter, limit: pageSize, offset: (page - 1) * pageSize }),
      countParcels(db, input.actor.tenantId, filter),
    ]);
    return { parcels: await views(rows), page, pageSize, total, pageCount: Math.max(1, Math.ceil(total / pageSize)) };
  }

  async function getParcel(input: { actor: Actor; id: string }) {
    return view(await load(input.actor, input.id));
  }

  /** The link itself, inside the caller's transaction: only a parcel that belongs to no file yet; the applicant is told. */
  async function link(trx: Db, actor: Actor, parcel: Parcel, applicationId: string, now: string): Promise<void> {
    if (!(await linkParcelRow(trx, { id: parcel.id, applicationId, at: now, by: actor.userId }))) {
      throw new AppError('invalid_state', 'the parcel was linked meanwhile');
    }
    await enqueue(trx, { tenantId: parcel.tenant_id, now, message: { topic: 'notify.parcel_received', parcelId: parcel.id } });
    await appendAudit(trx, {
      tenantId: parcel.tenant_id,
      actorId: actor.userId,
      action: 'parcel.linked',
      subjectType: 'parcel',
      subjectId: parcel.id,
      data: { applicationId },
      occurredAt: now,
    });
  }

  /**
   * Links a received parcel to its application: an existing one, found by its number, or a new courier
   * file opened through the intake service (channel courier, the courier company as its detail, the
   * sender as applicant unless the desk says otherwise) in the same transaction as the link. Then the
   * desk types the answers and uploads the scans on the intake file pages. A parcel linked already is a 409.
   */
  async function linkParcel(input: {
    actor: Actor;
    id: string;
    applicationNumber?: string | undefined;
    newApplication?: { permitTypeCode?: string | undefined; applicantName?: string | undefined; applicantContact?: string | undefined } | undefined;
  }) {
    const { actor } = input;
    const parcel = await load(actor, input.id);
    if (parcel.direction !== 'in' || parcel.application_id) throw new AppError('invalid_state', 'only a received parcel without an application can be linked');
    const now = isoNow(clock);
    if (input.applicationNumber !== undefined) {
      const app = await findApplicationByNumber(db, actor.tenantId, input.applicationNumber.trim().toUpperCase());
      if (!app) throw invalid('applicationNumber', 'invalid_option', 'the number of an application at this office');
      await db.transaction().execute((trx) => link(trx, actor, parcel, app.id, now));
    } else {
      const n = input.newApplication ?? {};
      const code = n.permitTypeCode?.trim() || parcel.permit_type_code;
      if (!code) throw invalid('permitTypeCode', 'required', 'the permit type of the new application');
      await permitTypeOf(actor.tenantId, code);
      await deps.intake.startIntake({
        actor,
        permitTypeCode: code.trim().toUpperCase(),
        channel: 'courier',
        channelDetail: parcel.company.slice(0, 40),
        applicantName: n.applicantName?.trim() || parcel.sender_name || '',
        applicantContact: n.applicantContact?.trim() || parcel.sender_contact || undefined,
        alsoInTransaction: (trx, app) => link(trx, actor, parcel, app.id, now),
      });
    }
    return getParcel({ actor, id: parcel.id });
  }

  /**
   * A parcel goes back to the applicant (the permit, or papers returned): recorded with the sending
   * officer on the filed application it belongs to, audited, and the applicant told through the outbox.
   */
  async function recordShipment(input: {
    actor: Actor;
    applicationNumber: string;
    company: string;
    trackingNumber: string;
    contents: ParcelContents;
    sentAt?: string | undefined;
    note?: string | undefined;
  }) {
    const { actor } = input;
    guard(actor);
    const app = await findApplicationByNumber(db, actor.tenantId, input.applicationNumber.trim().toUpperCase());
    if (!app) throw invalid('applicationNumber', 'invalid_option', 'the number of an application at this office');
    // The permit goes out once it is issued (a valid one, not revoked or replaced); papers can go back at any time.
    if (input.contents === 'permit' && !(await listPermitsOfApplication(db, app.tenant_id, app.id)).some((p) => p.status === 'valid')) {
      throw invalid('contents', 'no_permit', 'the application has no valid permit to send');
    }
    const at = timeOf('sentAt', input.sentAt);
    const key = parcelKey(input.company, input.trackingNumber);
    const now = isoNow(clock);
    const row: ParcelsTable = {
      id: randomUUID(),
      tenant_id: actor.tenantId,
      direction: 'out',
      company: key.company,
      company_key: key.companyKey,
      tracking_number: key.trackingNumber,
      sender_name: null,
      sender_contact: null,
      contents: input.contents,
      permit_type_code: null,
      checklist: null,
      note: input.note?.trim() || null,
      application_id: app.id,
      officer_id: actor.userId,
      at,
      linked_at: now,
      linked_by: actor.userId,
      created_at: now,
    };
    await db.transaction().execute(async (trx) => {
      await insertChecked(trx, row);
      await enqueue(trx, { tenantId: actor.tenantId, now, message: { topic: 'notify.parcel_sent', parcelId: row.id } });
      await appendAudit(trx, {
        tenantId: actor.tenantId,
        actorId: actor.userId,
        action: 'parcel.sent',
        subjectType: 'parcel',
        subjectId: row.id,
        data: { applicationId: app.id, company: row.company, trackingNumber: row.tracking_number, contents: row.contents, sentAt: at },
        occurredAt: now,
      });
    });
    return view(row);
  }

  /**
   * A photo of a parcel (the box, the label, the papers as they came), through the same steps as every
   * upload (storage.ts stage → scan → magic bytes → kept by hash, staged file discarded on any failure),
   * then its row and audit in one transaction. Outside the application's document quota.
   */
  async function addPhoto(input: { actor: Actor; id: string; fileName: string; claimedType?: string | undefined; source: Readable }) {
    const { actor } = input;
    const parcel = await load(actor, input.id);
    const full = () => new AppError('parcel_photos_full', 'the parcel has as many photos as it may', { params: { max: MAX_PHOTOS_PER_PARCEL } });
    // Refused before a byte is read when the photos are used up already (and again in the transaction).
    if ((await countParcelPhotos(db, parcel.id)) >= MAX_PHOTOS_PER_PARCEL) throw full();
    takePhotoSlot(actor);
    const staged = await deps.storage.stage({ source: input.source, maxBytes: Math.min(PHOTO_MAX_BYTES, deps.maxUploadBytes) });
    try {
      const verdict = await deps.scanner.scan(staged);
      if (!verdict.clean) {
        await db.transaction().execute((trx) =>
          appendAudit(trx, {
            tenantId: parcel.tenant_id,
            actorId: actor.userId,
            action: 'document.quarantined',
            subjectType: 'parcel',
            subjectId: parcel.id,
            data: { signature: verdict.signature, sha256: staged.sha256 },
            occurredAt: isoNow(clock),
          }),
        );
        throw new AppError('infected_file', `malware signature ${verdict.signature}`);
      }
      const kind = await detectAcceptedKind({ head: staged.head, fileName: input.fileName, claimedType: input.claimedType, accepted: PHOTO_KINDS });
      if (!kind || staged.sizeBytes === 0 || (await findPolyglot(staged.open()))) {
        throw new AppError('unsupported_file', 'content does not match an accepted kind', { params: { accepted: describeKinds(PHOTO_KINDS) } });
      }
      const now = isoNow(clock);
      const photo = {
        id: randomUUID(),
        tenant_id: parcel.tenant_id,
        parcel_id: parcel.id,
        file_name: cleanFileName(input.fileName),
        media_type: MEDIA_TYPES[kind],
        size_bytes: staged.sizeBytes,
        sha256: staged.sha256,
        uploaded_by: actor.userId,
        created_at: now,
      };
      await db.transaction().execute(async (trx) => {
        // Locking the parcel's row serialises its uploads, so two at 9 photos cannot both make a tenth;
        // a refused file is not committed yet, so the discard below removes it.
        await lockParcelRow(trx, parcel.id);
        if ((await countParcelPhotos(trx, parcel.id)) >= MAX_PHOTOS_PER_PARCEL) throw full();
        // Dated now, also when the same bytes are kept already: the sweep leaves a file used this recently.
        await staged.commit(parcel.tenant_id, clock.now());
        await insertParcelPhoto(trx, photo);
        await appendAudit(trx, {
          tenantId: parcel.tenant_id,
          actorId: actor.userId,
          action: 'parcel.photo_added',
          subjectType: 'parcel',
          subjectId: parcel.id,
          data: { photoId: photo.id, sha256: photo.sha256 },
          occurredAt: now,
        });
      });
      return getParcel({ actor, id: parcel.id });
    } catch (err) {
      await staged.discard();
      throw err;
    }
  }

  /** A parcel's photo for the desk's page; a label shows a name and an address, so each opening is audited (UU PDP). */
  async function openPhoto(input: { actor: Actor; id: string; photoId: string }) {
    const parcel = await load(input.actor, input.id);
    const photo = await findParcelPhoto(db, parcel.tenant_id, parcel.id, input.photoId);
    if (!photo) throw new AppError('not_found', 'no such photo');
    await db.transaction().execute((trx) =>
      appendAudit(trx, {
        tenantId: parcel.tenant_id,
        actorId: input.actor.userId,
        action: 'parcel.photo_opened',
        subjectType: 'parcel',
        subjectId: parcel.id,
        data: { photoId: photo.id },
        occurredAt: isoNow(clock),
      }),
    );
    return { photo, stream: await deps.storage.open(parcel.tenant_id, photo.sha256) };
  }

  /**
   * The desk's report: parcels received and sent per office-local day over [from, to] (by default the
   * last 14 days), the received parcels not yet linked to an application, and of those the ones received
   * more than two working days ago (Monday to Friday in the office's time zone, its holidays not counted).
   */
  async function report(input: { actor: Actor; tenant: Tenant; from?: string | undefined; to?: string | undefined }) {
    guard(input.actor);
    const tz = input.tenant.time_zone;
    const now = isoNow(clock);
    const to = input.to ?? localDate(now, tz);
    const from = input.from ?? addDays(to, -13);
    if (from > to) throw invalid('from', 'invalid_date', 'a day on or before "to"');
    const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
    if (span > REPORT_MAX_DAYS) throw invalid('from', 'too_big', `at most ${REPORT_MAX_DAYS} days`);
    // A day's edges in any time zone lie within a day of its UTC edges; the local day decides below.
    const rows = await parcelsBetween(db, input.actor.tenantId, { from: `${addDays(from, -1)}T00:00:00.000Z`, to: `${addDays(to, 2)}T00:00:00.000Z` });
    const days = new Map<string, { day: string; received: number; sent: number }>();
    for (let d = from; d <= to; d = addDays(d, 1)) days.set(d, { day: d, received: 0, sent: 0 });
    for (const r of rows) {
      const day = days.get(localDate(r.at, tz));
      if (day) day[r.direction === 'in' ? 'received' : 'sent']++;
    }
    const holidays = await deps.holidays.forTenant(input.actor.tenantId);
    const waiting = await unlinkedParcels(db, input.actor.tenantId, 500);
    const unlinked = waiting.map((p) => ({
      id: p.id,
      direction: p.direction,
      company: p.company,
      trackingNumber: p.tracking_number,
      at: p.at,
      application: null,
      senderName: p.sender_name,
      workingDaysWaiting: workingDaysBetween(p.at, now, tz, holidays),
    }));
    return { from, to, days: [...days.values()], unlinked, overdue: unlinked.filter((p) => p.workingDaysWaiting > UNLINKED_WORKING_DAYS) };
  }

  /**
   * An application's parcels, in and out, for the tracking view and the case pages (the caller has
   * already found the file by its number and tracking code, or authorised reading it). No sender
   * details: company, tracking number, when, and what went out.
   */
  async function parcelsOfApplication(input: { tenantId: string; applicationId: string }) {
    const rows = await listParcelsOfApplication(db, input.tenantId, input.applicationId);
    return rows.map((p) => ({ direction: p.direction, company: p.company, trackingNumber: p.tracking_number, at: p.at, contents: p.contents }));
  }

  /** The application a parcel belongs to, for the desk's page (null: none yet). */
  async function applicationOf(input: { actor: Actor; id: string }) {
    const parcel = await load(input.actor, input.id);
    return parcel.application_id ? ((await findApplication(db, parcel.tenant_id, parcel.application_id)) ?? null) : null;
  }

  return { logParcel, listParcels, getParcel, linkParcel, recordShipment, addPhoto, openPhoto, report, parcelsOfApplication, applicationOf };
}
export type ParcelService = ReturnType<typeof createParcelService>;
export type ParcelView = Awaited<ReturnType<ParcelService['getParcel']>>;
export type ApplicationParcel = Awaited<ReturnType<ParcelService['parcelsOfApplication']>>[number];
