import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { nextSequenceValue } from '../applications/applications.repository.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { Application, Bill, Database, PaymentSettings, Tenant } from '../db/schema.js';
import type { PbgBreakdown } from '../fees/pbg-retribution.js';
import { readableCode } from '../shared/crypto.js';
import { canonicalJson } from '../shared/json.js';
import { yearIn } from '../shared/time.js';
import type { PreparedSigner } from '../signing/signer.js';
import { buildQris, qrisInputSchema } from './qris.js';
import { composeVirtualAccountNo } from './virtual-account.js';
import { insertBill, voidBill } from './payments.repository.js';
import { type z } from 'zod';

/** The office's QRIS merchant data as stored in payment_settings.qris_merchant (validated when saved). */
export const qrisMerchantSchema = qrisInputSchema.shape.merchant;
export type QrisMerchant = z.infer<typeof qrisMerchantSchema>;

/** What the bill (SKRD) says, signed: the printable bill and /v/{code} show it. */
export type BillDocument = {
  v: 1;
  kind: 'bill';
  office: { code: string; name: string };
  number: string;
  verificationCode: string;
  applicationNumber: string;
  permitType: { code: string; name: { id: string; en: string } };
  applicantName: string;
  /** Whole rupiah. */
  amount: number;
  /** How to pay: the biller code and customer number typed at the ATM, and the full SNAP virtualAccountNo. */
  payment: { partnerServiceId: string; customerNo: string; virtualAccountNo: string; qris: boolean };
  issuedAt: string;
  expiresAt: string;
  legalBasis: string;
  /** The PBG formula's steps, when the amount is what the formula gave. */
  breakdown: PbgBreakdown | null;
  /** The bill this one replaces (re-issued after expiry or a new assessment). */
  replaces: string | null;
};

/** `expires_at` for a bill issued at `issuedAt`: N whole days later. */
export function billExpiry(issuedAt: string, days: number): string {
  return new Date(Date.parse(issuedAt) + days * 86_400_000).toISOString();
}

/** True when an open bill is past its expiry at `now` (expiry is a time, not a stored state). */
export function isExpired(bill: Pick<Bill, 'expires_at'>, now: string): boolean {
  return Date.parse(bill.expires_at) <= Date.parse(now);
}

/**
 * Issues one bill inside the caller's transaction: number and customer number from the office's gap-free
 * counter for the year, the VA number, the dynamic QRIS (when the office has merchant data), the signed
 * document, and an audit row. An open bill of the file is voided first (re-issuing voids the old code);
 * `bills_one_open` keeps one open bill even if two issues race. The signer is prepared before the transaction.
 */
export async function issueBillInTransaction(
  trx: Kysely<Database>,
  input: {
    tenant: Tenant;
    app: Application;
    permitTypeName: { id: string; en: string };
    settings: PaymentSettings;
    signing: PreparedSigner;
    amount: number;
    breakdown: PbgBreakdown | null;
    /** The treasurer; null when the system issues it. */
    issuedBy: string | null;
    /** The open bill this one replaces, voided here with `voidReason`. */
    replaces?: { bill: Bill; voidReason: string } | undefined;
    now: string;
  },
): Promise<Bill> {
  const { tenant, app, settings, signing, now } = input;
  if (!app.number) throw new Error('a bill needs a filed application');
  const year = yearIn(new Date(now), tenant.time_zone);
  const seq = await nextSequenceValue(trx, tenant.id, `SKRD-${year}`);
  const serial = String(seq).padStart(6, '0');
  const number = `${tenant.code}-SKRD-${year}-${serial}`;
  const customerNo = `${year}${serial}`;
  const virtualAccountNo = composeVirtualAccountNo(settings.partner_service_id, customerNo);
  const expiresAt = billExpiry(now, settings.bill_expiry_days);
  const merchant = settings.qris_merchant ? qrisMerchantSchema.parse(JSON.parse(settings.qris_merchant)) : null;
  const qris = merchant && input.amount > 0 ? buildQris({ merchant, amount: input.amount, billNumber: number }) : null;
  const id = randomUUID();
  const verificationCode = readableCode(10);
  const document: BillDocument = {
    v: 1,
    kind: 'bill',
    office: { code: tenant.code, name: tenant.name },
    number,
    verificationCode,
    applicationNumber: app.number,
    permitType: { code: app.permit_code, name: input.permitTypeName },
    applicantName: app.applicant_name,
    amount: input.amount,
    payment: { partnerServiceId: settings.partner_service_id, customerNo, virtualAccountNo, qris: qris !== null },
    issuedAt: now,
    expiresAt,
    legalBasis: settings.legal_basis,
    breakdown: input.breakdown,
    replaces: input.replaces?.bill.number ?? null,
  };
  const text = canonicalJson(document);
  const signature = await signing.sign(Buffer.from(text));
  if (input.replaces && !(await voidBill(trx, input.replaces.bill.id, { at: now, reason: input.replaces.voidReason, replacedById: id }))) {
    throw new Error(`bill ${input.replaces.bill.number} was no longer open`);
  }
  const bill: Bill = {
    id,
    tenant_id: tenant.id,
    application_id: app.id,
    number,
    customer_no: customerNo,
    va_number: virtualAccountNo,
    amount: input.amount,
    state: 'open',
    issued_at: now,
    expires_at: expiresAt,
    issued_by: input.issuedBy,
    legal_basis: settings.legal_basis,
    breakdown: input.breakdown ? JSON.stringify(input.breakdown) : null,
    qris,
    paid_at: null,
    voided_at: null,
    void_reason: null,
    replaced_by_id: null,
    verification_code: verificationCode,
    document: text,
    key_id: signature.keyId,
    signature: signature.signature,
  };
  await insertBill(trx, bill);
  await appendAudit(trx, {
    tenantId: tenant.id,
    actorId: input.issuedBy,
    action: 'bill.issued',
    subjectType: 'bill',
    subjectId: id,
    data: { number, applicationId: app.id, amount: input.amount, expiresAt, replaces: input.replaces?.bill.number ?? null },
    occurredAt: now,
  });
  return bill;
}
