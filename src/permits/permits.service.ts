import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { type AnyActor, can, requireAccess, systemActor } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { validateAnswers } from '../catalogue/answers.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';
import type { Application, Permit, Tenant } from '../db/schema.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import type { ApplicationService } from '../applications/applications.service.js';
import { findApplication, insertEvent, updateAtRevision } from '../applications/applications.repository.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { FileStorage } from '../documents/storage.js';
import { enqueue } from '../outbox/outbox.repository.js';
import { sha256Hex } from '../shared/crypto.js';
import { AppError } from '../shared/errors.js';
import { addDays, type Clock, isoNow, localDate, todayIn } from '../shared/time.js';
import { checkSeal, type SealClaims } from '../signing/seal.js';
import type { Signer } from '../signing/signer.js';
import { findTenantById, listTenants } from '../tenants/tenants.repository.js';
import { addressOf, normaliseVerificationCode, type PermitDocument, type ReceiptDocument } from './permit.document.js';
import { type OfficeAddress, type PermitIssuer, verificationUrl } from './permits.issuer.js';
import {
  findOpenRenewal,
  findPermit,
  findPermitByCode,
  findPermitByPdfHash,
  findPermitReference,
  findReceiptByCode,
  listPermitsEndingBetween,
  listPermitsOfApplication,
  listReceiptsOfApplication,
  listRegistryBatch,
  markReminderSent,
  permitsFingerprint,
  type PermitRecord,
  type ReceiptRecord,
  type RegistryCursor,
  revokePermitIfValid,
  searchRegistryPermits,
} from './permits.repository.js';
import { CSV_HEADER, csvLine, type PublicPermitStatus, type RegistryFilters, type RegistryRecord } from './registry.schema.js';
import { ExportCopies, keepingCopy, VerifiedDocuments } from './registry-export.js';
import { type BillVerification, verifyBillCode } from '../payments/bills.service.js';
import { answersOf, sealAnswers, storedAnswersOf, type StoredAnswers } from '../catalogue/answers.js';
import { canonicalJson, parseJsonColumn } from '../shared/json.js';
import {
  findAuditEvent,
  listPermitsWithoutStatement,
  listStatementsOfOffice,
  listStatementsOfPermit,
  listStatusAuditEvents,
  statementsFingerprint,
} from './statements.repository.js';
import {
  effectOf,
  readStatement,
  recordStatusStatement,
  RENEWAL_REASON,
  REVOCATION_LIST_VALIDITY_MS,
  revocationHash,
  type RevocationList,
  type SignedStatement,
  signAndStore,
  signedStatementOf,
  STATUS_AUDIT_ACTIONS,
  type StatusStatement,
  unsignedRevocationList,
} from './status.statements.js';

/** Holders of renewable permits hear about the end of the term this many days before its last day … */
export const EXPIRY_REMINDER_DAYS = 30;
/** … or this many, for a term shorter than six months. */
export const SHORT_TERM_REMINDER_DAYS = 7;

export type PublicPermit = Omit<PermitDocument, 'v' | 'kind' | 'id' | 'pdf'> & {
  status: PublicPermitStatus;
  revokedAt: string | null;
  revocationReason: string | null;
  supersededBy: { number: string; verificationCode: string } | null;
};

/**
 * What a verification answers. `not_authentic`: the record exists but its signature does not hold
 * (or an uploaded PDF matches no permit), so nothing it says can be trusted. `problem: 'status'`:
 * the permit's document verifies, but its stored status and its signed status statements disagree
 * (a revoked permit edited back to valid, a statement removed or forged): the record was tampered
 * with, and `statements` holds what the office did sign about it.
 */
export type Verification =
  | { status: 'not_found' | 'not_authentic'; kind: null }
  | { status: 'not_authentic'; kind: null; problem: 'status'; statements: SignedStatement[] }
  | { status: PublicPermitStatus; kind: 'permit'; permit: PublicPermit; signed: SignedDocument; statements: SignedStatement[] }
  | { status: 'valid'; kind: 'receipt'; receipt: ReceiptDocument; signed: SignedDocument }
  /** A bill (SKRD, src/payments/bills.service.ts): open, expired, paid or voided. */
  | Exclude<BillVerification, { kind: null }>;

/** The exact signed text and its signature, so anyone can check it with the office's published key. */
export type SignedDocument = { document: string; signature: { alg: 'Ed25519'; keyId: string; signature: string } };

export type { RegistryFilters };

/**
 * What a sealed QR code says (docs/verification.md): `seal` is the offline verdict (the signature
 * against the office's current and retired keys, and the sealed expiry); `online` what the office's
 * records say now about the permit the seal names (revoked, replaced …), or `not_found`.
 */
export type SealVerification =
  | { seal: 'not_authentic'; reason: string }
  | {
      seal: 'valid' | 'expired';
      keyId: string;
      claims: SealClaims;
      /** not_authentic: the office's record of this permit was changed (its status disagrees with the signed statements). */
      online: { status: PublicPermitStatus | 'not_found' | 'not_authentic'; revokedAt: string | null; revocationReason: string | null };
    };

/** A stored permit's status today: "expired" is read from the dates, never stored. */
export function permitStatus(p: Pick<Permit, 'status' | 'valid_until'>, today: string): PublicPermitStatus {
  if (p.status !== 'valid') return p.status;
  return p.valid_until !== null && p.valid_until < today ? 'expired' : 'valid';
}

export type RegistryFormat = 'json' | 'csv';
/**
 * One export as the routes send it: its ETag; a kept gzip copy of the whole export, if this process
 * has one for the current version; else `open()`, the plain text as a stream read from the database.
 */
export type RegistryExport = { etag: string; kept: Buffer | null; open(): Readable };
/** Rows read per database round trip while exporting: what the export holds in memory at a time. */
export const REGISTRY_EXPORT_BATCH = 200;

export function createPermitService(deps: {
  db: Db;
  clock: Clock;
  catalogue: CatalogueService;
  applications: ApplicationService;
  storage: FileStorage;
  signer: Signer;
  issuer: PermitIssuer;
  address: OfficeAddress;
  /** Seals NIK answers a correction types in (ARCHITECTURE decision 10). */
  dataKey: Buffer;
  /** The compressed bytes of registry export copies kept per office (REGISTRY_EXPORT_CACHE_MB). */
  registryCopyBytes: number;
}) {
  const { db, clock } = deps;
  /** The registry export's kept copies and the permit documents already verified (registry-export.ts). */
  const exportCopies = new ExportCopies(deps.registryCopyBytes);
  const verifiedDocuments = new VerifiedDocuments();

  async function tenantOf(tenantId: string): Promise<Tenant> {
    const tenant = await findTenantById(db, tenantId);
    if (!tenant) throw new AppError('not_found', 'no such office');
    return tenant;
  }

  async function authentic(p: { tenant_id: string; document: string; key_id: string; signature: string }): Promise<boolean> {
    return deps.signer.verify(p.tenant_id, Buffer.from(p.document), { alg: 'Ed25519', keyId: p.key_id, signature: p.signature });
  }

  /** The signed document, if the row's signature holds and the row agrees with what was signed. */
  async function trustedPermit(p: PermitRecord): Promise<PermitDocument | null> {
    if (!(await authentic(p))) return null;
    return agreedDocument(p);
  }

  /** The row's document if the row's own columns say what it says (the signature is checked apart). */
  function agreedDocument(p: PermitRecord): PermitDocument | null {
    const doc = p.doc;
    if (!doc) return null;
    // The row's own columns (used to search, filter and judge expiry) must say what was signed.
    const agrees =
      doc.id === p.id &&
      doc.number === p.number &&
      doc.verificationCode === p.verification_code &&
      doc.pdf.sha256 === p.pdf_sha256 &&
      doc.validFrom === p.valid_from &&
      doc.validUntil === p.valid_until &&
      doc.holder.name === p.holder_name &&
      doc.businessName === p.business_name;
    return agrees ? doc : null;
  }

  /**
   * The permit's signed status: its statements, each of which must verify with the office's keys
   * (current or retired), name this permit of this office and the audit event about it that it says;
   * null when one does not (a forged or edited statement: nothing about the status can be trusted).
   */
  async function signedStatus(
    p: PermitRecord,
    officeCode: string,
  ): Promise<{ statement: StatusStatement | null; statements: SignedStatement[]; statusEvents: { id: string; action: string }[] } | null> {
    const [rows, statusEvents] = await Promise.all([
      listStatementsOfPermit(db, p.tenant_id, p.id),
      listStatusAuditEvents(db, p.tenant_id, p.id, STATUS_AUDIT_ACTIONS),
    ]);
    const statements: StatusStatement[] = [];
    for (const row of rows) {
      const s = readStatement(row);
      if (!s || s.office !== officeCode || s.permit !== p.number || !statusEvents.some((e) => e.id === s.auditEventId)) return null;
      const sig = { alg: 'Ed25519' as const, keyId: row.key_id, signature: row.signature };
      if (!(await deps.signer.verify(p.tenant_id, Buffer.from(row.document, 'utf8'), sig))) return null;
      statements.push(s);
    }
    return { statement: statements[0] ?? null, statements: rows.map(signedStatementOf), statusEvents };
  }

  /**
   * The verdict (docs/verification.md): a permit is valid only if its signed document verifies, no signed
   * statement takes it out of "valid", and the stored status agrees with the statements. A disagreement
   * either way (a revoked row set back to valid, a status no statement signs, a status change in the
   * audit chain whose statement is gone) is "not authentic", never valid.
   */
  async function describePermit(p: PermitRecord): Promise<Verification> {
    const doc = await trustedPermit(p);
    if (!doc) return { status: 'not_authentic', kind: null };
    const tenant = await tenantOf(p.tenant_id);
    const signedState = await signedStatus(p, tenant.code);
    if (!signedState) return { status: 'not_authentic', kind: null, problem: 'status', statements: [] };
    const { statement, statements, statusEvents } = signedState;
    const signed = statement ? effectOf(statement.status) : 'valid';
    const agrees = p.status === signed && (statement !== null || statusEvents.length === 0);
    if (!agrees) return { status: 'not_authentic', kind: null, problem: 'status', statements };
    const status = permitStatus(p, todayIn(clock, tenant.time_zone));
    const next = statement?.replacedBy && p.superseded_by_id ? await findPermitReference(db, p.superseded_by_id) : undefined;
    const { v: _v, kind: _k, id: _id, pdf: _pdf, ...shown } = doc;
    return {
      status,
      kind: 'permit',
      permit: {
        ...shown,
        status,
        // What the signed statement says, not the row's columns.
        revokedAt: statement?.status === 'revoked' ? statement.at : null,
        revocationReason: statement?.status === 'revoked' ? statement.reason : null,
        supersededBy: next && next.number === statement?.replacedBy ? { number: next.number, verificationCode: next.verification_code } : null,
      },
      signed: { document: p.document, signature: { alg: 'Ed25519', keyId: p.key_id, signature: p.signature } },
      statements,
    };
  }

  /** The office's revocation lists as last built: rebuilt when a statement is added, or halfway to nextUpdate. */
  const revocationLists = new Map<string, { fingerprint: string; builtAt: number; list: RevocationList; etag: string }>();

  /**
   * The office's signed revocation list (/.well-known/izol-revocations.json): every permit a verified
   * status statement takes out of "valid", by the hash of its number, sorted by that hash, signed with
   * the office's current key. Built from the statements, never from permits.status.
   */
  async function revocationList(input: { tenantId: string }): Promise<{ list: RevocationList; etag: string }> {
    const tenant = await tenantOf(input.tenantId);
    const fingerprint = await statementsFingerprint(db, tenant.id);
    const nowMs = clock.now().getTime();
    const cached = revocationLists.get(tenant.id);
    if (cached && cached.fingerprint === fingerprint && nowMs - cached.builtAt < REVOCATION_LIST_VALIDITY_MS / 2 && nowMs >= cached.builtAt) return cached;
    const rows = await listStatementsOfOffice(db, tenant.id);
    const listed: { permitNumber: string; statement: StatusStatement }[] = [];
    for (const row of rows) {
      const statement = readStatement(row);
      // Only what verifies is listed: a row slipped into the table without the office key is left out.
      if (!statement || statement.office !== tenant.code || statement.permit !== row.number) continue;
      const sig = { alg: 'Ed25519' as const, keyId: row.key_id, signature: row.signature };
      if (!(await deps.signer.verify(tenant.id, Buffer.from(row.document, 'utf8'), sig))) continue;
      listed.push({ permitNumber: row.number, statement });
    }
    const signing = await deps.signer.prepare(tenant.id);
    const unsigned = unsignedRevocationList({ office: tenant.code, issuedAt: isoNow(clock), keyId: signing.keyId, statements: listed });
    const signature = await signing.sign(Buffer.from(canonicalJson(unsigned), 'utf8'));
    const list: RevocationList = { ...unsigned, signature: signature.signature };
    const built = { fingerprint, builtAt: nowMs, list, etag: `"${sha256Hex(canonicalJson(list)).slice(0, 32)}"` };
    revocationLists.set(tenant.id, built);
    return built;
  }

  async function describeReceipt(r: ReceiptRecord): Promise<Verification> {
    if (!(await authentic(r))) return { status: 'not_authentic', kind: null };
    const doc = r.doc;
    if (!doc || doc.verificationCode !== r.verification_code) return { status: 'not_authentic', kind: null };
    return {
      status: 'valid',
      kind: 'receipt',
      receipt: doc,
      signed: { document: r.document, signature: { alg: 'Ed25519', keyId: r.key_id, signature: r.signature } },
    };
  }

  /** What the QR code opens: a permit or a receipt by its code, in this office. Never a NIK. */
  async function verify(input: { tenantId: string; code: string }): Promise<Verification> {
    const code = normaliseVerificationCode(input.code);
    if (!/^[0-9A-Z]{10}$/.test(code)) return { status: 'not_found', kind: null };
    const permit = await findPermitByCode(db, input.tenantId, code);
    if (permit) return describePermit(permit);
    const receipt = await findReceiptByCode(db, input.tenantId, code);
    if (receipt) return describeReceipt(receipt);
    const bill = await verifyBillCode(deps, input.tenantId, code);
    if (bill) return bill;
    return { status: 'not_found', kind: null };
  }

  /**
   * Checks an uploaded PDF: authentic only if it is byte for byte a PDF this office issued (its SHA-256
   * is in a permit whose signature holds). A single changed byte gives another hash: not authentic.
   */
  async function verifyPdf(input: { tenantId: string; bytes: Buffer }): Promise<Verification> {
    const hash = sha256Hex(input.bytes);
    const permit = await findPermitByPdfHash(db, input.tenantId, hash);
    if (!permit) return { status: 'not_authentic', kind: null };
    return describePermit(permit);
  }

  /**
   * Checks a sealed text (what the QR code holds) for this office. The seal alone decides authenticity;
   * the office's records then add what a seal cannot know: whether the permit was revoked or replaced.
   */
  async function verifySeal(input: { tenantId: string; sealedText: string }): Promise<SealVerification> {
    const tenant = await tenantOf(input.tenantId);
    const check = await checkSeal(deps.signer, tenant, input.sealedText, Math.floor(clock.now().getTime() / 1000));
    if (check.status === 'not_authentic') return { seal: 'not_authentic', reason: check.reason };
    const row = await findPermitByCode(db, tenant.id, check.claims.permit.v);
    // The office's records by the same verdict as /v/{code}: signed status statements, never the row alone.
    const v = row && row.number === check.claims.permit.n ? await describePermit(row) : null;
    const online: Extract<SealVerification, { seal: 'valid' | 'expired' }>['online'] =
      v?.kind === 'permit'
        ? { status: v.status, revokedAt: v.permit.revokedAt, revocationReason: v.permit.revocationReason }
        : { status: v?.status === 'not_authentic' && row ? 'not_authentic' : 'not_found', revokedAt: null, revocationReason: null };
    return { seal: check.status, keyId: check.kid, claims: check.claims, online };
  }

  async function statusToday(permit: Permit): Promise<PublicPermitStatus> {
    return permitStatus(permit, todayIn(clock, (await tenantOf(permit.tenant_id)).time_zone));
  }

  /** A permit and its application, for someone who may read it (its holder, the office); anyone else gets not_found. */
  async function loadPermit(actor: Actor, permitId: string): Promise<{ permit: PermitRecord; app: Application }> {
    const permit = await findPermit(db, actor.tenantId, permitId);
    const app = permit ? await findApplication(db, actor.tenantId, permit.application_id) : undefined;
    if (!permit || !app) throw new AppError('not_found', 'permit not found or not visible');
    requireAccess({ actor, permission: 'permit.read', resource: { application: app } });
    return { permit, app };
  }

  /** An application of this office that the actor may read permits of; anyone else gets not_found. */
  async function loadApplication(actor: Actor, applicationId: string, permission: 'permit.read' | 'application.read'): Promise<Application> {
    const app = await findApplication(db, actor.tenantId, applicationId);
    if (!app) throw new AppError('not_found', 'application not found or not visible');
    requireAccess({ actor, permission, resource: { application: app } });
    return app;
  }

  /** Whether permits of this type are renewed (the type as the catalogue has it now, as renew judges it). */
  async function renewable(app: Application): Promise<boolean> {
    return (await deps.catalogue.getPermitType({ tenantId: app.tenant_id, code: app.permit_code })).definition.renewable;
  }

  /** What the actor may do with a permit now, from the one policy: pages render these and decide nothing. */
  function permitCan(actor: Actor, app: Application, status: PublicPermitStatus, isRenewable: boolean) {
    const resource = { application: app };
    return {
      download: can(actor, 'permit.read', resource),
      revoke: status === 'valid' && can(actor, 'permit.revoke', resource),
      reissue: status === 'valid' && can(actor, 'permit.reissue', resource),
      renew: isRenewable && (status === 'valid' || status === 'expired') && can(actor, 'permit.renew', resource),
    };
  }

  function view(permit: PermitRecord, tenant: Tenant, actor: Actor, app: Application, isRenewable: boolean) {
    const doc = permit.doc;
    if (!doc) throw new Error(`permit ${permit.id} has an unreadable document`);
    const status = permitStatus(permit, todayIn(clock, tenant.time_zone));
    return {
      id: permit.id,
      applicationId: permit.application_id,
      number: permit.number,
      verificationCode: permit.verification_code,
      verificationUrl: verificationUrl(deps.address, tenant, permit.verification_code),
      status,
      title: doc.permitType.title,
      holderName: permit.holder_name,
      validFrom: permit.valid_from,
      validUntil: permit.valid_until,
      issuedAt: permit.issued_at,
      revokedAt: permit.revoked_at,
      revocationReason: permit.revocation_reason,
      supersedesId: permit.supersedes_id,
      supersededById: permit.superseded_by_id,
      pdfSha256: permit.pdf_sha256,
      /** What the QR code carries (docs/verification.md); null for a permit issued before seals. */
      sealedText: permit.sealed_text,
      can: permitCan(actor, app, status, isRenewable),
    };
  }
  type PermitView = ReturnType<typeof view>;

  /** The renewal flag needs the catalogue; only someone who may renew at all pays for the look-up. */
  async function renewableFor(actor: Actor, app: Application): Promise<boolean> {
    return can(actor, 'permit.renew', { application: app }) && renewable(app);
  }

  async function getPermit(input: { actor: Actor; permitId: string }): Promise<PermitView> {
    const { permit, app } = await loadPermit(input.actor, input.permitId);
    return view(permit, await tenantOf(permit.tenant_id), input.actor, app, await renewableFor(input.actor, app));
  }

  /** Every permit issued on a file, newest first (a correction or renewal adds one). */
  async function permitsForApplication(input: { actor: Actor; applicationId: string }): Promise<PermitView[]> {
    const app = await loadApplication(input.actor, input.applicationId, 'permit.read');
    const rows = await listPermitsOfApplication(db, input.actor.tenantId, input.applicationId);
    if (rows.length === 0) return [];
    const [tenant, isRenewable] = await Promise.all([tenantOf(input.actor.tenantId), renewableFor(input.actor, app)]);
    return rows.map((p) => view(p, tenant, input.actor, app, isRenewable));
  }

  async function receiptsForApplication(input: { actor: Actor; applicationId: string }) {
    await loadApplication(input.actor, input.applicationId, 'application.read');
    const rows = await listReceiptsOfApplication(db, input.actor.tenantId, input.applicationId);
    // A row whose text is not a receipt document is no receipt to show.
    return rows.flatMap((r) => (r.doc ? [{ kind: r.kind, verificationCode: r.verification_code, createdAt: r.created_at, document: r.doc }] : []));
  }

  /** The signed PDF. An officer opening it is recorded in the audit log (it shows a masked NIK). */
  async function openPdf(input: { actor: Actor; permitId: string }): Promise<{ permit: Permit; stream: Readable }> {
    const { permit, app } = await loadPermit(input.actor, input.permitId);
    // Staff opening a permit is recorded (it prints a masked NIK); the holder opening their own is not.
    if (can(input.actor, 'document.openAudited', { application: app })) {
      const now = isoNow(clock);
      await db.transaction().execute((trx) =>
        appendAudit(trx, {
          tenantId: permit.tenant_id,
          actorId: input.actor.userId,
          action: 'permit.pdf_opened',
          subjectType: 'permit',
          subjectId: permit.id,
          data: { number: permit.number },
          occurredAt: now,
        }),
      );
    }
    return { permit, stream: await deps.storage.open(permit.tenant_id, permit.pdf_sha256) };
  }

  function requireReason(reason: string | undefined): string {
    const text = reason?.trim() ?? '';
    if (text.length < 5)
      throw new AppError('invalid_input', 'reason needed', {
        fields: [{ field: 'reason', code: 'required', message: 'give the reason (at least 5 characters)' }],
      });
    return text.slice(0, 1000);
  }

  /** The head revokes a permit, with a reason the public verification page shows. */
  async function revoke(input: { actor: Actor; permitId: string; reason?: string | undefined }): Promise<PermitView> {
    const { permit, app } = await loadPermit(input.actor, input.permitId);
    requireAccess({ actor: input.actor, permission: 'permit.revoke', resource: { application: app } });
    const reason = requireReason(input.reason);
    const status = await statusToday(permit);
    if (status !== 'valid') throw new AppError('invalid_state', `the permit is already ${status}`);
    const [signing, tenant] = await Promise.all([deps.signer.prepare(permit.tenant_id), tenantOf(permit.tenant_id)]);
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      if (!(await revokePermitIfValid(trx, { permitId: permit.id, at: now, by: input.actor.userId, reason })))
        throw new AppError('conflict', 'changed meanwhile');
      await recordStatusStatement(trx, {
        signing,
        tenant,
        permit,
        status: 'revoked',
        reason,
        replacedBy: null,
        at: now,
        actorId: input.actor.userId,
        audit: { action: 'permit.revoked', data: { number: permit.number, reason } },
      });
      await enqueue(trx, { tenantId: permit.tenant_id, now, message: { topic: 'notify.permit_revoked', permitId: permit.id } });
    });
    return getPermit({ actor: input.actor, permitId: permit.id });
  }

  /**
   * Correction by re-issue: the head fixes the holder's name or printed answers and issues a new
   * permit (new number, new code, new PDF); the old one is marked superseded and points to the new.
   */
  async function reissue(input: {
    actor: Actor;
    permitId: string;
    reason?: string | undefined;
    holderName?: string | undefined;
    answers?: Record<string, unknown> | undefined;
  }): Promise<PermitView> {
    const { permit, app } = await loadPermit(input.actor, input.permitId);
    requireAccess({ actor: input.actor, permission: 'permit.reissue', resource: { application: app } });
    const reason = requireReason(input.reason);
    const status = await statusToday(permit);
    if (status !== 'valid') throw new AppError('invalid_state', `only a valid permit can be corrected; this one is ${status}`);
    const { definition } = await deps.catalogue.getVersion(app.permit_type_version_id);
    const tenant = await tenantOf(permit.tenant_id);
    const { answers: corrected, problems } = validateAnswers(definition.fields, input.answers ?? {}, {
      complete: false,
      today: todayIn(clock, tenant.time_zone),
    });
    if (problems.length) throw new AppError('invalid_answers', 'answers invalid', { fields: problems });
    // The stored answers keep their sealed NIKs; a NIK the correction types in is sealed too, and one
    // sent back masked keeps the stored NIK (never the masked form in its place).
    const stored = storedAnswersOf(app);
    const sealed = sealAnswers(deps.dataKey, definition.fields, corrected, stored);
    if (sealed.problems.length) throw new AppError('invalid_answers', 'answers invalid', { fields: sealed.problems });
    const holderName = input.holderName?.trim();
    if (input.holderName !== undefined && (!holderName || holderName.length > 200)) {
      throw new AppError('invalid_input', 'bad holder name', {
        fields: [{ field: 'holderName', code: 'required', message: 'the holder name is required (at most 200 characters)' }],
      });
    }
    const signing = await deps.signer.prepare(permit.tenant_id, { pdf: true });
    const now = isoNow(clock);
    const issued = await db.transaction().execute(async (trx) => {
      const merged: StoredAnswers = { ...stored, ...sealed.answers };
      const changed = await updateAtRevision(trx, app.id, app.revision, {
        answers: JSON.stringify(merged),
        ...(holderName ? { applicant_name: holderName } : {}),
        updated_at: now,
      });
      if (!changed) throw new AppError('conflict', 'changed meanwhile');
      await insertEvent(trx, {
        id: randomUUID(),
        tenantId: app.tenant_id,
        applicationId: app.id,
        position: app.revision + 1,
        action: 'reissue',
        fromState: app.state,
        toState: app.state,
        actorId: input.actor.userId,
        actorRole: input.actor.role,
        reason,
        data: { fields: Object.keys(corrected), holderNameChanged: Boolean(holderName && holderName !== app.applicant_name) },
        at: now,
      });
      const fresh = (await findApplication(trx, app.tenant_id, app.id))!;
      const next = await deps.issuer.issuePermit(trx, {
        signing,
        tenant,
        app: fresh,
        definition,
        signerId: input.actor.userId,
        now,
        replaces: { kind: 'correction', permit },
      });
      await recordStatusStatement(trx, {
        signing,
        tenant,
        permit,
        status: 'superseded',
        reason,
        replacedBy: next.number,
        at: now,
        actorId: input.actor.userId,
        audit: {
          action: 'permit.reissued',
          data: {
            number: permit.number,
            newNumber: next.number,
            reason,
            fields: Object.keys(corrected),
            holderNameChanged: Boolean(holderName && holderName !== app.applicant_name),
          },
        },
      });
      await enqueue(trx, { tenantId: tenant.id, now, message: { topic: 'notify.permit_reissued', permitId: next.id } });
      return next;
    });
    return getPermit({ actor: input.actor, permitId: issued.id });
  }

  /**
   * Renewal: a new draft application of the same type, pre-filled from the permit's file (answers
   * the current form no longer accepts are left out). Asking twice gives the same draft.
   */
  async function renew(input: { actor: Actor; permitId: string }): Promise<{ applicationId: string; created: boolean }> {
    const { actor } = input;
    const { permit, app } = await loadPermit(actor, input.permitId);
    // The holder renews from their account; staff start a new application instead.
    requireAccess({ actor, permission: 'permit.renew', resource: { application: app } });
    const type = await deps.catalogue.getPermitType({ tenantId: actor.tenantId, code: app.permit_code });
    if (!type.definition.renewable) throw new AppError('invalid_state', 'this kind of permit is not renewed; apply again instead');
    // A permit may be renewed while valid or after it has lapsed; not once revoked or replaced.
    const status = await statusToday(permit);
    if (status !== 'valid' && status !== 'expired') throw new AppError('invalid_state', `a ${status} permit cannot be renewed`);
    const openRenewal = () => findOpenRenewal(db, actor.tenantId, permit.id);
    const open = await openRenewal();
    if (open) return { applicationId: open.id, created: false };
    const tenant = await tenantOf(actor.tenantId);
    const old = answersOf(app);
    const kept: Record<string, unknown> = {};
    for (const f of type.definition.fields) {
      const value = f.type === 'yes_no' && f.name === 'isRenewal' ? true : old[f.name];
      if (value === undefined) continue;
      if (validateAnswers([f], { [f.name]: value }, { complete: false, today: todayIn(clock, tenant.time_zone) }).problems.length === 0) kept[f.name] = value;
    }
    try {
      const { application } = await deps.applications.createApplication({ actor, permitTypeCode: app.permit_code, answers: kept, renewsPermitId: permit.id });
      return { applicationId: application.id, created: true };
    } catch (err) {
      // Two presses at once: the unique index on open renewals lets one through; the other gets it.
      const raced = isUniqueViolation(err, 'applications_open_renewal') ? await openRenewal() : undefined;
      if (raced) return { applicationId: raced.id, created: false };
      throw err;
    }
  }

  /** A registry record, from the signed document (the caller checked its signature). */
  function toRecord(p: Permit, doc: PermitDocument, tenant: Tenant, today: string, typeName: string, definitionAddress: string | null): RegistryRecord {
    const status = permitStatus(p, today);
    const statusDate =
      status === 'revoked'
        ? localDate(p.revoked_at!, tenant.time_zone)
        : status === 'superseded'
          ? localDate(p.superseded_at!, tenant.time_zone)
          : status === 'expired'
            ? addDays(doc.validUntil!, 1)
            : p.issued_on;
    const subject = doc.subject.map((s) => `${s.label.id}: ${s.value.id}`).join('; ');
    return {
      PermitNum: doc.number,
      Description: subject ? `${doc.permitType.title.id}. ${subject}` : doc.permitType.title.id,
      AppliedDate: p.applied_at ? localDate(p.applied_at, tenant.time_zone) : null,
      IssuedDate: p.issued_on,
      ExpiresDate: doc.validUntil,
      StatusCurrent: status,
      StatusCurrentMapped: status === 'valid' ? 'Permit Issued' : 'Permit Cancelled',
      StatusDate: statusDate,
      OriginalAddress1: definitionAddress,
      Jurisdiction: tenant.name,
      PermitType: p.permit_code,
      PermitTypeDesc: typeName,
      HolderName: doc.holder.name,
      BusinessName: doc.businessName,
      VerificationCode: p.verification_code,
      Link: verificationUrl(deps.address, tenant, p.verification_code),
    };
  }

  /**
   * What turns the office's permit rows into registry records today: only what verifies is published,
   * so a row edited in the database (its document, or a status the signed statements do not give it)
   * is left out. A document's signature is checked once per process (VerifiedDocuments); the row's
   * columns are compared with it every time, which costs no signature check.
   */
  async function publisher(tenant: Tenant, today: string): Promise<(p: PermitRecord) => Promise<RegistryRecord | null>> {
    const types = new Map((await deps.catalogue.listPermitTypes({ tenantId: tenant.id, includeDisabled: true })).map((t) => [t.definition.code, t.definition]));
    // The status each permit has by the signed statements (the revocation list, built from them and cached).
    const signedStatus = new Map((await revocationList({ tenantId: tenant.id })).list.entries.map((e) => [e.h, e.s]));
    return async (p) => {
      if (p.status !== (signedStatus.get(revocationHash(tenant.code, p.number)) ?? 'valid')) return null;
      const digest = VerifiedDocuments.digest(p);
      if (!verifiedDocuments.has(tenant.id, digest)) {
        if (!(await authentic(p))) return null;
        verifiedDocuments.add(tenant.id, digest);
      }
      const doc = agreedDocument(p);
      if (!doc) return null;
      const definition = types.get(p.permit_code);
      return toRecord(p, doc, tenant, today, definition?.name.id ?? p.permit_code, definition ? addressOf(definition, doc) : null);
    };
  }

  async function toRecords(tenant: Tenant, rows: PermitRecord[], today: string): Promise<RegistryRecord[]> {
    const publish = await publisher(tenant, today);
    const records: RegistryRecord[] = [];
    for (const p of rows) {
      const record = await publish(p);
      if (record) records.push(record);
    }
    return records;
  }

  /** The public registry: permits whose type is listed publicly, newest first, a page at a time. */
  async function searchRegistry(input: { tenantId: string; filters: RegistryFilters; page: number; pageSize: number }) {
    const tenant = await tenantOf(input.tenantId);
    const today = todayIn(clock, tenant.time_zone);
    const { total, rows } = await searchRegistryPermits(db, {
      tenantId: tenant.id,
      filters: input.filters,
      today,
      limit: input.pageSize,
      offset: (input.page - 1) * input.pageSize,
    });
    return { total, page: input.page, pageSize: input.pageSize, records: await toRecords(tenant, rows, today) };
  }

  /**
   * The open-data export, written row by row (docs/registry.md): the ETag names the office's registry
   * version, the filters and the format, and is known before a row is read, so a client that has the
   * current one gets a 304 for two index reads. `kept` is a gzip copy of the whole export when this
   * process has one for this version (ExportCopies: a few per office, within a byte cap); otherwise
   * `open()` reads the permits in keyset batches as the client takes them (Readable.from pulls the
   * next batch only when the response has room), so memory holds a batch, never the registry. A row's
   * signature is checked only the first time its document is seen (VerifiedDocuments). The version is
   * read from the database on every request, so an issuance on another instance is seen at once.
   */
  async function registryExport(input: { tenantId: string; filters: RegistryFilters; format: RegistryFormat }): Promise<RegistryExport> {
    const tenant = await tenantOf(input.tenantId);
    const today = todayIn(clock, tenant.time_zone);
    const [permitsPrint, statementsPrint, types] = await Promise.all([
      permitsFingerprint(db, tenant.id),
      statementsFingerprint(db, tenant.id),
      deps.catalogue.listPermitTypes({ tenantId: tenant.id, includeDisabled: true }),
    ]);
    const key = canonicalJson({ format: input.format, filters: input.filters });
    const version = `${today}|${permitsPrint}|${statementsPrint}|${types.map((t) => t.versionId).join(',')}`;
    const etag = `"${sha256Hex(`${tenant.id}|${key}|${version}`).slice(0, 32)}"`;
    const kept = exportCopies.get(tenant.id, version, key);
    const open = () =>
      Readable.from(
        keepingCopy(registryChunks(tenant, input.filters, today, input.format), exportCopies.maxBytesPerOffice, (gzip) =>
          exportCopies.put(tenant.id, version, key, { etag, gzip }),
        ),
        { objectMode: false },
      );
    return { etag, kept: kept?.gzip ?? null, open };
  }

  /** The export's text, a batch of rows at a time: a JSON array (as JSON.stringify writes it) or RFC 4180 CSV. */
  async function* registryChunks(tenant: Tenant, filters: RegistryFilters, today: string, format: RegistryFormat): AsyncGenerator<Buffer> {
    const publish = await publisher(tenant, today);
    yield Buffer.from(format === 'json' ? '[' : CSV_HEADER);
    let after: RegistryCursor | null = null;
    let first = true;
    for (;;) {
      const rows = await listRegistryBatch(db, { tenantId: tenant.id, filters, today, after, limit: REGISTRY_EXPORT_BATCH });
      let text = '';
      for (const p of rows) {
        const record = await publish(p);
        if (!record) continue;
        text += format === 'json' ? `${first ? '' : ','}${JSON.stringify(record)}` : csvLine(record);
        first = false;
      }
      if (text) yield Buffer.from(text);
      const last = rows.at(-1);
      if (!last || rows.length < REGISTRY_EXPORT_BATCH) break;
      after = { issuedOn: last.issued_on, issuedAt: last.issued_at, number: last.number };
    }
    if (format === 'json') yield Buffer.from(']');
  }

  /**
   * Reminds holders of one office's permits whose last day is within EXPIRY_REMINDER_DAYS, once per
   * permit, as that office's system actor (the hourly job). The guarded update and the outbox row
   * commit together, so two instances never remind twice.
   */
  async function remindExpiringIn(input: { actor: AnyActor; clock?: Clock | undefined }): Promise<{ reminded: number }> {
    const { actor } = input;
    requireAccess({ actor, permission: 'system.expiryReminders', resource: { tenantId: actor.tenantId } });
    const at = input.clock ?? clock;
    const tenant = await tenantOf(actor.tenantId);
    const today = todayIn(at, tenant.time_zone);
    const near = await listPermitsEndingBetween(db, tenant.id, today, addDays(today, EXPIRY_REMINDER_DAYS));
    const due: { id: string }[] = [];
    for (const p of near) {
      // Only permits one renews (an event permit simply ends); short terms are reminded a week ahead.
      const { definition } = await deps.catalogue.getVersion(p.permit_type_version_id);
      const termMonths = definition.validity ? definition.validity.years * 12 + definition.validity.months : 0;
      const window = termMonths >= 6 ? EXPIRY_REMINDER_DAYS : SHORT_TERM_REMINDER_DAYS;
      if (definition.renewable && p.valid_until! <= addDays(today, window)) due.push(p);
    }
    let reminded = 0;
    for (const { id } of due) {
      const now = isoNow(at);
      const sent = await db.transaction().execute(async (trx) => {
        if (!(await markReminderSent(trx, id, now))) return false;
        await enqueue(trx, { tenantId: tenant.id, now, message: { topic: 'notify.permit_expiring', permitId: id } });
        return true;
      });
      if (sent) reminded++;
    }
    return { reminded };
  }

  /** Every office's reminders (permits.jobs.ts), each run as the office's own system actor, on the clock given. */
  async function remindExpiring(input: { clock?: Clock | undefined } = {}): Promise<{ reminded: number }> {
    let reminded = 0;
    for (const tenant of await listTenants(db)) {
      reminded += (await remindExpiringIn({ actor: systemActor(tenant.id, 'expiry-reminders'), clock: input.clock })).reminded;
    }
    return { reminded };
  }

  /**
   * Permits revoked or replaced before migration 0037 get their signed statement once, at start
   * (bootstrap.ts), linked to the audit event that recorded the change: a revocation without one is
   * left unsigned (it then verifies as not authentic, and someone must look at it). A renewal of those
   * days was recorded only on the new permit, so its 'permit.renewed' event is written now.
   */
  async function signMissingStatements(): Promise<{ signed: number; unsigned: string[] }> {
    let signed = 0;
    const unsigned: string[] = [];
    for (const p of await listPermitsWithoutStatement(db)) {
      const tenant = await tenantOf(p.tenant_id);
      const signing = await deps.signer.prepare(tenant.id);
      const next = p.superseded_by_id ? await findPermitReference(db, p.superseded_by_id) : undefined;
      const reasonOf = (data: string | undefined) => {
        const parsed = data ? (parseJsonColumn(data) as { reason?: unknown } | undefined) : undefined;
        return typeof parsed?.reason === 'string' ? parsed.reason : '';
      };
      const attempt = db.transaction().execute(async (trx) => {
        if (p.status === 'revoked' && p.revoked_at) {
          const event = await findAuditEvent(trx, tenant.id, p.id, ['permit.revoked']);
          if (!event) return false;
          await signAndStore(trx, signing, {
            tenant,
            permit: p,
            status: 'revoked',
            reason: p.revocation_reason ?? reasonOf(event.data),
            replacedBy: null,
            at: p.revoked_at,
            auditEventId: event.id,
          });
          return true;
        }
        if (p.status === 'superseded' && p.superseded_at && next) {
          const event = await findAuditEvent(trx, tenant.id, p.id, ['permit.reissued']);
          if (event) {
            await signAndStore(trx, signing, {
              tenant,
              permit: p,
              status: 'superseded',
              reason: reasonOf(event.data),
              replacedBy: next.number,
              at: p.superseded_at,
              auditEventId: event.id,
            });
            return true;
          }
          await recordStatusStatement(trx, {
            signing,
            tenant,
            permit: p,
            status: 'renewed',
            reason: RENEWAL_REASON,
            replacedBy: next.number,
            at: p.superseded_at,
            actorId: null,
            audit: { action: 'permit.renewed', data: { number: p.number, newNumber: next.number, recordedAfterwards: true } },
          });
          return true;
        }
        return false;
      });
      // Two instances starting at once: the unique index lets one statement in; the other has nothing to do.
      const done = await attempt.catch((err: unknown) => {
        if (isUniqueViolation(err, 'permit_status_statements_permit')) return true;
        throw err;
      });
      if (done) signed++;
      else unsigned.push(p.number);
    }
    return { signed, unsigned };
  }

  return {
    verify,
    verifyPdf,
    revocationList,
    signMissingStatements,
    verifySeal,
    getPermit,
    permitsForApplication,
    receiptsForApplication,
    openPdf,
    revoke,
    reissue,
    renew,
    searchRegistry,
    registryExport,
    remindExpiringIn,
    remindExpiring,
  };
}
export type PermitService = ReturnType<typeof createPermitService>;
