import { randomUUID } from 'node:crypto';
import { systemActor } from '../access/access.js';
import type { ApplicationService } from '../applications/applications.service.js';
import { findApplication } from '../applications/applications.repository.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';
import type { Bill, Payment, PaymentHoldReason, PaymentProvider } from '../db/schema.js';
import { violatedConstraint } from '../db/unique-violation.js';
import { AppError } from '../shared/errors.js';
import { type Clock, isoNow } from '../shared/time.js';
import { isExpired } from './bills.js';
import { findBillByCustomerNo, findBillByNumber, findPaymentByProviderId, insertPayment } from './payments.repository.js';

/**
 * The payment gateway interface: what every adapter (SNAP virtual account, QRIS, the demo bank)
 * hands to `receive` once it has checked the provider's signature. Nothing here trusts the caller
 * further than that: the bill, its amount and its state are Izol's own.
 */
export type PaymentNotification = {
  tenantId: string;
  provider: Exclude<PaymentProvider, 'bank_counter'>;
  /** The provider's id of this payment (SNAP paymentRequestId, the QRIS reference): paying once is per this id. */
  providerPaymentId: string;
  /** Which bill: by the VA customer number (SNAP), or by the bill number (QRIS tag 62). */
  bill: { customerNo: string } | { billNumber: string };
  /** Whole rupiah. */
  amount: number;
  paidAt: string;
  bankReference: string | null;
  payerName: string | null;
  /** What the provider sent that matters later (channel, trxDateTime, flagAdvise …); never a secret. */
  details: Record<string, unknown>;
};

/**
 * recorded: this delivery paid the bill (the application moved on); duplicate: this provider payment id
 * was already received (whatever became of it); held: received and kept for the treasurer, the bill
 * unpaid (a wrong amount, a voided or expired or already paid bill, no such bill).
 */
export type PaymentOutcome =
  | { outcome: 'recorded'; payment: Payment; bill: Bill }
  | { outcome: 'duplicate'; payment: Payment }
  | { outcome: 'held'; payment: Payment; reason: PaymentHoldReason; bill: Bill | null };

/** How many times `receive` re-reads after losing a race to another delivery before it gives up (409). */
const RACE_ATTEMPTS = 5;

export type PaymentDeps = { db: Db; clock: Clock; catalogue: CatalogueService; applications: Pick<ApplicationService, 'performAction'> };

export function createPaymentService(deps: PaymentDeps) {
  const { db, clock } = deps;

  async function findBill(n: PaymentNotification): Promise<Bill | undefined> {
    return 'customerNo' in n.bill ? findBillByCustomerNo(db, n.tenantId, n.bill.customerNo) : findBillByNumber(db, n.tenantId, n.bill.billNumber);
  }

  /** Why this payment cannot pay this bill now, or null when it pays it. Closed bills (SNAP type C): the amount must match. */
  function holdReason(bill: Bill | undefined, amount: number, now: string): PaymentHoldReason | null {
    if (!bill) return 'unknown_bill';
    if (bill.state === 'paid') return 'bill_paid';
    if (bill.state === 'voided') return 'bill_voided';
    if (isExpired(bill, now)) return 'bill_expired';
    if (Number(bill.amount) !== amount) return 'amount_mismatch';
    return null;
  }

  async function hold(n: PaymentNotification, bill: Bill | undefined, reason: PaymentHoldReason, now: string): Promise<PaymentOutcome> {
    const id = randomUUID();
    await db.transaction().execute(async (trx) => {
      await insertPayment(trx, {
        id,
        tenant_id: n.tenantId,
        provider: n.provider,
        provider_payment_id: n.providerPaymentId,
        bill_id: bill?.id ?? null,
        application_id: bill?.application_id ?? null,
        amount: n.amount,
        paid_at: n.paidAt,
        received_at: now,
        state: 'held',
        hold_reason: reason,
        bank_reference: n.bankReference,
        payer_name: n.payerName,
        details: JSON.stringify(n.details),
        recorded_by: null,
        resolved_at: null,
        resolved_by: null,
        resolution_note: null,
      });
      await appendAudit(trx, {
        tenantId: n.tenantId,
        actorId: null,
        action: 'payment.held',
        subjectType: 'payment',
        subjectId: id,
        data: { provider: n.provider, providerPaymentId: n.providerPaymentId, reason, amount: n.amount, bill: bill?.number ?? null },
        occurredAt: now,
      });
    });
    const payment = (await findPaymentByProviderId(db, n.tenantId, n.provider, n.providerPaymentId))!;
    return { outcome: 'held', payment, reason, bill: bill ?? null };
  }

  /**
   * The once-only path every adapter ends in. The provider payment id is unique in the database, so the
   * same notification delivered ten times, or fifty at once, records one payment: a delivery that loses
   * the race rolls back (the constraint, the bill no longer open, or the application's revision) and,
   * re-reading, finds the payment and answers `duplicate`. A payment that pays its bill moves the file on
   * by the workflow's payment action, taken by the `payments` system actor, with the signed receipt and
   * the message to the applicant (the action's effects); any other payment is held for the treasurer,
   * never lost.
   */
  async function receive(n: PaymentNotification): Promise<PaymentOutcome> {
    for (let attempt = 1; ; attempt++) {
      const existing = await findPaymentByProviderId(db, n.tenantId, n.provider, n.providerPaymentId);
      if (existing) return { outcome: 'duplicate', payment: existing };
      const now = isoNow(clock);
      const bill = await findBill(n);
      let reason = holdReason(bill, n.amount, now);
      const app = bill && reason === null ? await findApplication(db, n.tenantId, bill.application_id) : undefined;
      if (bill && reason === null && !app) throw new Error(`bill ${bill.number} has no application`);
      try {
        if (reason !== null || !bill || !app) return await hold(n, bill, reason ?? 'unknown_bill', now);
        const { workflow } = await deps.catalogue.getVersion(app.permit_type_version_id);
        const action = workflow.actions.find((a) => a.input === 'payment_reference' && a.from.includes(app.state));
        if (!action) {
          // The bill is open but the file is not waiting for a payment (moved on by hand, withdrawn): the treasurer decides.
          reason = 'bill_paid';
          return await hold(n, bill, reason, now);
        }
        await deps.applications.performAction({
          actor: systemActor(n.tenantId, 'payments'),
          applicationId: app.id,
          action: action.code,
          payment: {
            provider: n.provider,
            providerPaymentId: n.providerPaymentId,
            billId: bill.id,
            amount: n.amount,
            paidAt: n.paidAt,
            bankReference: n.bankReference,
            payerName: n.payerName,
            details: n.details,
          },
        });
        const payment = (await findPaymentByProviderId(db, n.tenantId, n.provider, n.providerPaymentId))!;
        return { outcome: 'recorded', payment, bill: { ...bill, state: 'paid', paid_at: n.paidAt } };
      } catch (err) {
        // Lost to another delivery: the constraint, the bill or the revision (conflict), or the file moved on
        // between reading it here and the action reading it (invalid_state). Re-read and decide again.
        const lostRace = violatedConstraint(err) !== null || (err instanceof AppError && (err.code === 'conflict' || err.code === 'invalid_state'));
        if (!lostRace) throw err;
        if (attempt >= RACE_ATTEMPTS) {
          const after = await findPaymentByProviderId(db, n.tenantId, n.provider, n.providerPaymentId);
          if (after) return { outcome: 'duplicate', payment: after };
          throw new AppError('conflict', 'the bill changed while the payment was being recorded; try again');
        }
      }
    }
  }

  /**
   * What a bank's inquiry (SNAP service 24) is told about a customer number: the bill, when it can be
   * paid now; otherwise why not. Read only.
   */
  async function inquire(input: {
    tenantId: string;
    customerNo: string;
  }): Promise<{ payable: true; bill: Bill } | { payable: false; reason: 'unknown_bill' | 'bill_paid' | 'bill_voided' | 'bill_expired'; bill: Bill | null }> {
    const bill = await findBillByCustomerNo(db, input.tenantId, input.customerNo);
    if (!bill) return { payable: false, reason: 'unknown_bill', bill: null };
    if (bill.state === 'paid') return { payable: false, reason: 'bill_paid', bill };
    if (bill.state === 'voided') return { payable: false, reason: 'bill_voided', bill };
    if (isExpired(bill, isoNow(clock))) return { payable: false, reason: 'bill_expired', bill };
    return { payable: true, bill };
  }

  return { receive, inquire };
}
export type PaymentService = ReturnType<typeof createPaymentService>;
