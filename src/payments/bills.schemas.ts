import { z } from 'zod';
import { localisedSchema } from '../http/common.schemas.js';

/** The bills API's shapes (src/payments/bills.routes.ts) and the bill part of the public verification. */

export const billStatusSchema = z
  .enum(['open', 'expired', 'paid', 'voided'])
  .describe('open: can be paid; expired: past its expiry, ask for a new code; paid; voided: replaced by a newer bill');

const breakdownSchema = z
  .object({
    llt: z.number().describe('LLt: total floor area, m²'),
    ilo: z.number().describe('Ilo: locality index'),
    shst: z.number().describe('SHST: highest unit building price, rupiah per m²'),
    functionClass: z.string(),
    if: z.number(),
    complexity: z.number(),
    permanence: z.number(),
    heightIndex: z.number(),
    fm: z.number(),
    it: z.number(),
    ibg: z.number(),
    formula: z.string(),
  })
  .nullable()
  .describe('The PBG formula’s steps when the amount is what the formula gave; else null');

export const billSchema = z
  .object({
    id: z.string(),
    number: z.string().describe('The bill (SKRD) number, e.g. MLG-SKRD-2026-000123'),
    status: billStatusSchema,
    amount: z.number().int().describe('Whole rupiah; a closed bill is paid exactly this'),
    partnerServiceId: z.string().describe('The biller code typed first at the ATM or in mobile banking'),
    customerNo: z.string().describe('The customer number typed after the biller code'),
    virtualAccountNo: z.string().describe('The SNAP virtualAccountNo: partnerServiceId left-padded with spaces to 8, then customerNo'),
    qris: z.string().nullable().describe('The dynamic QRIS string (EMVCo), or null when the office has no QRIS merchant data'),
    issuedAt: z.string(),
    expiresAt: z.string().describe('After this (UTC) the code cannot be paid; ask for a new one'),
    legalBasis: z.string(),
    breakdown: breakdownSchema,
    paidAt: z.string().nullable(),
    voidedAt: z.string().nullable(),
    voidReason: z.string().nullable(),
    replaces: z.string().nullable().describe('The number of the bill this one replaced'),
    verificationCode: z.string().describe('The code under the bill’s QR: /v/{code} and GET /api/v1/verify/{code}'),
    verificationUrl: z.string(),
  })
  .meta({ id: 'Bill' });

export const billPaymentSchema = z
  .object({
    id: z.string(),
    provider: z.enum(['snap_va', 'qris', 'bank_counter']),
    amount: z.number().int(),
    paidAt: z.string(),
    receivedAt: z.string(),
    state: z.enum(['recorded', 'held', 'resolved']).describe('recorded: paid its bill; held: waits for the treasurer; resolved'),
    holdReason: z.enum(['amount_mismatch', 'bill_voided', 'bill_expired', 'bill_paid', 'unknown_bill']).nullable(),
    bankReference: z.string().nullable(),
    billNumber: z.string().nullable(),
  })
  .meta({ id: 'BillPayment' });

export const applicationBillsSchema = z
  .object({
    applicationId: z.string(),
    applicationNumber: z.string().nullable(),
    office: z.object({ code: z.string(), name: z.string(), timeZone: z.string() }),
    adapter: z.enum(['demo', 'snap']).nullable().describe('The office’s payment adapter; null: no payment settings, no bill can be issued'),
    bills: z.array(billSchema).describe('Newest first'),
    payments: z.array(billPaymentSchema),
    can: z.object({
      reissue: z.boolean().describe('The treasurer may void the open bill and issue a new one'),
      requestNewCode: z.boolean().describe('The applicant may ask for a new payment code (the open one expired)'),
    }),
  })
  .meta({ id: 'ApplicationBills' });

export const reissueBillBody = z.strictObject({
  reason: z.string().trim().min(3).max(500).describe('Why the bill is re-issued (kept on the voided bill and in the audit)'),
});

/** The bill part of GET /api/v1/verify/{code} (src/permits/permits.routes.ts). */
export const publicBillSchema = z
  .object({
    office: z.object({ code: z.string(), name: z.string() }),
    number: z.string(),
    verificationCode: z.string(),
    applicationNumber: z.string(),
    permitType: z.object({ code: z.string(), name: localisedSchema }),
    amount: z.number().int(),
    issuedAt: z.string(),
    expiresAt: z.string(),
    legalBasis: z.string(),
    status: billStatusSchema,
    paidAt: z.string().nullable(),
    voidedAt: z.string().nullable(),
  })
  .meta({ id: 'PublicBill' });
