import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Answers } from '../catalogue/answers.js';
import type { PermitTypeDefinition } from '../catalogue/catalogue.schema.js';
import type { Application, Database, Permit, Receipt, Tenant } from '../db/schema.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { FileStorage } from '../documents/storage.js';
import { nextSequenceValue } from '../applications/applications.repository.js';
import { decryptField, readableCode, sha256Hex } from '../shared/crypto.js';
import { AppError } from '../shared/errors.js';
import { maskNik } from '../shared/identifiers.js';
import { canonicalJson } from '../shared/json.js';
import { addDays, localDate } from '../shared/time.js';
import { clip, endOfDaySeconds, MAX_HOLDER, MAX_SUMMARY, sealText, sealUrl } from '../signing/seal.js';
import type { PreparedSigner } from '../signing/signer.js';
import { type OfficeAddress, officeBaseUrl } from '../tenants/office-url.js';
import { signPdf } from '../signing/pades.js';
import { renderCertificatePdf } from './certificate.pdf.js';
import {
  findPermitById,
  findSigner,
  findUserNikEncrypted,
  insertPermit,
  insertReceiptOnce,
  officeAddressOf,
  supersedePermitIfValid,
} from './permits.repository.js';
import {
  addressOf,
  businessNameOf,
  certificateOf,
  formatVerificationCode,
  type PermitDocument,
  type ReceiptDocument,
  subjectOf,
  validUntil,
} from './permit.document.js';
import { answersOf } from '../catalogue/answers.js';
import { recordStatusStatement, RENEWAL_REASON } from './status.statements.js';

export type { OfficeAddress };
export type PermitIssuerDeps = { storage: FileStorage; address: OfficeAddress; dataKey: Buffer };

/** The public address a permit's QR code opens, on the issuing office's own host (office-url.ts). */
export function verificationUrl(address: OfficeAddress, tenant: Pick<Tenant, 'code' | 'hostnames'>, code: string): string {
  return `${officeBaseUrl(address, tenant)}/v/${code}`;
}

/** The term of a dated activity: its own dates, at most the type's validity long; from today if the dates are missing. */
function datedTerm(
  answers: Answers,
  fields: { from: string; until: string },
  validity: PermitTypeDefinition['validity'],
  today: string,
): { validFrom: string; lastDay: string | null } {
  const from = typeof answers[fields.from] === 'string' ? (answers[fields.from] as string) : today;
  const until = typeof answers[fields.until] === 'string' && (answers[fields.until] as string) >= from ? (answers[fields.until] as string) : from;
  const cap = validUntil(from, validity);
  return { validFrom: from, lastDay: cap !== null && cap < until ? cap : until };
}

/**
 * Issues permits and receipts inside the caller's transaction, so the state change, the permit
 * number, the stored PDF and the signature commit together or not at all. Signing uses a signer
 * prepared before the transaction (see Signer.prepare).
 */
export function createPermitIssuer(deps: PermitIssuerDeps) {
  /** The holder's NIK, masked, from their account or from the form; null if the office never had it. */
  async function holderNikMasked(trx: Kysely<Database>, app: Application, definition: PermitTypeDefinition, answers: Answers): Promise<string | null> {
    const nikField = definition.fields.find((f) => f.type === 'nik');
    const fromForm = nikField ? answers[nikField.name] : undefined;
    if (typeof fromForm === 'string' && fromForm) return maskNik(fromForm);
    if (!app.applicant_id) return null;
    const encrypted = await findUserNikEncrypted(trx, app.applicant_id);
    return encrypted ? maskNik(decryptField(deps.dataKey, encrypted)) : null;
  }

  async function existingPermit(trx: Kysely<Database>, permitId: string): Promise<Permit> {
    const permit = await findPermitById(trx, permitId);
    if (!permit) throw new Error(`permit ${permitId} is missing`);
    return permit;
  }

  async function signerIdentity(trx: Kysely<Database>, tenant: Tenant, userId: string): Promise<{ name: string; position: string }> {
    const user = await findSigner(trx, userId);
    return { name: user.name, position: user.position?.trim() || (user.role === 'head' ? `Kepala ${tenant.name}` : tenant.name) };
  }

  /**
   * Marks the permit being replaced as superseded by `by`, first, so that the row lock it takes
   * (PostgreSQL) orders it with a concurrent revocation: whichever commits second sees the other's
   * change. Returns the permit replaced, or null when a renewal finds its permit revoked.
   */
  async function supersede(trx: Kysely<Database>, input: { kind: 'correction' | 'renewal'; permit: Permit; by: string; now: string }): Promise<Permit | null> {
    let current = input.permit;
    // A renewal replaces what its permit has become since the renewal was opened.
    for (let hops = 0; input.kind === 'renewal' && hops < 50; hops++) {
      const latest = await existingPermit(trx, current.id);
      if (!latest.superseded_by_id) {
        current = latest;
        break;
      }
      current = await existingPermit(trx, latest.superseded_by_id);
    }
    if (await supersedePermitIfValid(trx, { permitId: current.id, at: input.now, by: input.by })) return { ...current, status: 'valid' };
    if (input.kind === 'renewal') return null;
    throw new AppError('conflict', 'the permit changed meanwhile (revoked or corrected)');
  }

  async function issuePermit(
    trx: Kysely<Database>,
    input: {
      signing: PreparedSigner;
      tenant: Tenant;
      app: Application;
      definition: PermitTypeDefinition;
      signerId: string;
      now: string;
      /**
       * What this permit replaces. A correction keeps the corrected permit's term and fails if that
       * permit is no longer valid (revoked or corrected meanwhile). A renewal replaces whatever the
       * renewed permit has become (a correction of it, say); it starts the day after a still-running
       * term ends, and replaces nothing if that permit was revoked meanwhile.
       */
      replaces?: { kind: 'correction' | 'renewal'; permit: Permit } | null;
    },
  ): Promise<Permit> {
    const { tenant, app, definition, now, signing } = input;
    if (!app.number) throw new Error('a permit needs a filed application');
    const answers = answersOf(app);
    const template = certificateOf(definition);
    const today = localDate(now, tenant.time_zone);
    const id = randomUUID();
    const supersedes = input.replaces ? await supersede(trx, { ...input.replaces, by: id, now }) : null;
    let validFrom = today;
    let lastDay: string | null;
    if (input.replaces?.kind === 'correction' && supersedes) {
      validFrom = supersedes.valid_from;
      lastDay = supersedes.valid_until;
    } else if (template.validityFields) {
      ({ validFrom, lastDay } = datedTerm(answers, template.validityFields, definition.validity, today));
    } else {
      if (supersedes?.valid_until && supersedes.valid_until >= today) validFrom = addDays(supersedes.valid_until, 1);
      lastDay = validUntil(validFrom, definition.validity);
    }
    const year = today.slice(0, 4);
    const seq = await nextSequenceValue(trx, tenant.id, `permit:${app.permit_code}-${year}`);
    const number = `${app.permit_code}/${String(seq).padStart(5, '0')}/${tenant.code}/${year}`;
    const verificationCode = readableCode(10);
    const signer = await signerIdentity(trx, tenant, input.signerId);
    const base = {
      id,
      number,
      holderName: app.applicant_name,
      subject: subjectOf(definition, answers),
      conditions: template.conditions,
      validFrom,
      validUntil: lastDay,
    };
    const url = verificationUrl(deps.address, tenant, verificationCode);
    // The sealed QR code (docs/verification.md): the essentials, signed, for a check without network.
    const businessName = businessNameOf(definition, answers);
    const sealed = await sealText(signing, {
      iss: tenant.code,
      iat: Math.floor(Date.parse(now) / 1000),
      exp: base.validUntil === null ? null : endOfDaySeconds(base.validUntil, tenant.time_zone),
      permit: {
        n: number,
        t: app.permit_code,
        h: clip(base.holderName, MAX_HOLDER),
        s: clip(businessName ?? addressOf(definition, base) ?? base.subject[0]?.value.id ?? '', MAX_SUMMARY),
        v: verificationCode,
      },
    });
    const rendered = await renderCertificatePdf({
      office: { code: tenant.code, name: tenant.name, address: officeAddressOf(tenant) },
      title: template.title,
      number,
      holder: { name: base.holderName, nikMasked: await holderNikMasked(trx, app, definition, answers) },
      subject: base.subject.map((s) => ({ label: s.label.id, value: s.value.id })),
      conditions: base.conditions.map((c) => c.id),
      validFrom,
      validUntil: base.validUntil,
      issuedAt: now,
      timeZone: tenant.time_zone,
      signer,
      verification: { url, code: formatVerificationCode(verificationCode), qr: sealUrl(officeBaseUrl(deps.address, tenant), sealed) },
      keyId: signing.keyId,
      supersedes: supersedes?.number ?? null,
      pdfSignature: signing.pdf ? { signerName: signing.pdf.signerName, certified: signing.pdf.certified, provider: signing.pdf.provider } : null,
    });
    // The PAdES signature over the whole file; the stored, served and hashed PDF is the signed one.
    const pdf = signing.pdf ? await signPdf(rendered, signing.pdf.signature, new Date(now)) : rendered;
    const pdfSha256 = sha256Hex(pdf);
    const staged = await deps.storage.stage({ source: Readable.from([pdf]), maxBytes: pdf.length });
    await staged.commit(tenant.id);

    const document: PermitDocument = {
      v: 1,
      kind: 'permit',
      office: { code: tenant.code, name: tenant.name },
      id: base.id,
      number,
      verificationCode,
      applicationNumber: app.number,
      permitType: { code: app.permit_code, title: template.title },
      holder: { name: base.holderName },
      businessName,
      subject: base.subject,
      conditions: base.conditions,
      validFrom,
      validUntil: base.validUntil,
      issuedAt: now,
      signer,
      supersedes: supersedes ? { number: supersedes.number } : null,
      pdf: { sha256: pdfSha256, size: pdf.length },
    };
    const text = canonicalJson(document);
    const signature = await signing.sign(Buffer.from(text));
    const permit: Permit = {
      id: base.id,
      tenant_id: tenant.id,
      application_id: app.id,
      permit_type_id: app.permit_type_id,
      permit_code: app.permit_code,
      number,
      verification_code: verificationCode,
      status: 'valid',
      holder_name: base.holderName,
      business_name: document.businessName,
      public_registry: template.publicRegistry ? 1 : 0,
      document: text,
      key_id: signature.keyId,
      signature: signature.signature,
      pdf_sha256: pdfSha256,
      pdf_size: pdf.length,
      applied_at: app.submitted_at,
      issued_at: now,
      issued_on: today,
      issued_by: input.signerId,
      valid_from: validFrom,
      valid_until: base.validUntil,
      revoked_at: null,
      revoked_by: null,
      revocation_reason: null,
      supersedes_id: supersedes?.id ?? null,
      superseded_at: null,
      superseded_by_id: null,
      reminder_sent_at: null,
      sealed_text: sealed,
    };
    await insertPermit(trx, permit);
    await appendAudit(trx, {
      tenantId: tenant.id,
      actorId: input.signerId,
      action: 'permit.issued',
      subjectType: 'permit',
      subjectId: permit.id,
      data: { number, applicationId: app.id, keyId: signature.keyId, pdfSha256, ...(supersedes ? { supersedes: supersedes.number } : {}) },
      occurredAt: now,
    });
    // The renewed permit's signed status statement (a correction's is made by the service, with the head's reason).
    if (input.replaces?.kind === 'renewal' && supersedes) {
      await recordStatusStatement(trx, {
        signing,
        tenant,
        permit: supersedes,
        status: 'renewed',
        reason: RENEWAL_REASON,
        replacedBy: number,
        at: now,
        actorId: input.signerId,
        audit: { action: 'permit.renewed', data: { number: supersedes.number, newNumber: number } },
      });
    }
    return permit;
  }

  async function issueReceipt(
    trx: Kysely<Database>,
    input: { signing: PreparedSigner; tenant: Tenant; app: Application; definition: PermitTypeDefinition; kind: Receipt['kind']; now: string },
  ): Promise<Receipt> {
    const { tenant, app, definition, now, signing } = input;
    if (!app.number) throw new Error('a receipt needs a filed application');
    const verificationCode = readableCode(10);
    const document: ReceiptDocument = {
      v: 1,
      kind: 'receipt',
      receiptKind: input.kind,
      office: { code: tenant.code, name: tenant.name },
      verificationCode,
      applicationNumber: app.number,
      permitType: { code: app.permit_code, name: definition.name },
      applicantName: app.applicant_name,
      at: now,
      payment: input.kind === 'payment' ? { amount: app.fee_amount ?? 0, reference: app.payment_reference ?? '' } : null,
    };
    const text = canonicalJson(document);
    const signature = await signing.sign(Buffer.from(text));
    const receipt: Receipt = {
      id: randomUUID(),
      tenant_id: tenant.id,
      application_id: app.id,
      kind: input.kind,
      verification_code: verificationCode,
      document: text,
      key_id: signature.keyId,
      signature: signature.signature,
      created_at: now,
    };
    await insertReceiptOnce(trx, receipt);
    return receipt;
  }

  return { issuePermit, issueReceipt };
}
export type PermitIssuer = ReturnType<typeof createPermitIssuer>;
