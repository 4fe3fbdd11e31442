import { randomUUID } from 'node:crypto';
import type { ActionEffect, EffectRun } from '../applications/action-effects.js';
import type { ActionPlan, PaymentToRecord } from '../applications/action-plan.js';
import type { Db } from '../db/database.js';
import type { FeeService } from '../fees/fees.service.js';
import { AppError } from '../shared/errors.js';
import type { Signer } from '../signing/signer.js';
import { isSystemActor } from '../access/access.js';
import { issueBillInTransaction } from './bills.js';
import { findOpenBill, findPaymentByProviderId, findPaymentSettings, insertPayment, markBillPaid, voidBill } from './payments.repository.js';
import { violatedConstraint } from '../db/unique-violation.js';
import { recordHeldPayment } from './reconciliation.repository.js';
import { appendAudit } from '../audit/audit.repository.js';

/**
 * The bill (SKRD) on the treasurer's fee assessment (the action whose input is `fee_amount`), in the
 * action's transaction: a fee above zero gets a bill with its payment code when the office has payment
 * settings; an open bill of the file (a new assessment) is voided and replaced. The breakdown is kept
 * when the amount is what the rules give with no waiver (the steps come to the amount before it).
 */
export function billOnAssessment(deps: { db: Db; signer: Signer; fees: Pick<FeeService, 'computed'> }): ActionEffect {
  return {
    name: 'payments.bill',
    async prepare(plan) {
      const leaving = await voidOnLeavingPayment(deps.db, plan);
      if (leaving) return leaving;
      const amount = plan.set.fee_amount;
      if (plan.action.input !== 'fee_amount' || amount === undefined || amount === null || amount <= 0) return null;
      const settings = await findPaymentSettings(deps.db, plan.app.tenant_id);
      if (!settings) return null;
      const [computed, signing, open] = await Promise.all([
        deps.fees.computed(plan.app, plan.definition),
        deps.signer.prepare(plan.app.tenant_id),
        findOpenBill(deps.db, plan.app.tenant_id, plan.app.id),
      ]);
      // The formula's steps come to the amount before any waiver: they describe the bill only when none applies.
      const breakdown = computed && computed.amount === amount && computed.waiver === null ? computed.breakdown : null;
      return async ({ trx, tenant, current, data }) => {
        const bill = await issueBillInTransaction(trx, {
          tenant,
          app: await current(),
          permitTypeName: plan.definition.name,
          settings,
          signing,
          amount,
          breakdown,
          issuedBy: isSystemActor(plan.actor) ? null : plan.actor.userId,
          replaces: open ? { bill: open, voidReason: 'reassessed' } : undefined,
          now: plan.now,
        });
        data.billNumber = bill.number;
      };
    },
  };
}

const referenceUsed = () =>
  new AppError('invalid_input', 'this bank reference is already recorded for a payment', {
    fields: [{ field: 'paymentReference', code: 'payment_reference_used', message: 'this bank reference is already recorded for a payment' }],
  });

/** Some action from `state` takes the payment (input `payment_reference`): the file waits for its payment there. */
function awaitsPayment(workflow: ActionPlan['workflow'], state: string): boolean {
  return workflow.actions.some((a) => a.input === 'payment_reference' && a.from.includes(state));
}

/**
 * A file that stops waiting for its payment by any other action than the payment (the office cancels it)
 * takes its open bill with it: the bill is voided in the action's transaction, so the bank's inquiry
 * refuses the code, a payment that arrives anyway is held as one for a voided bill, and the citizen is
 * no longer told how to pay. A payment that paid the bill meanwhile rolls the action back (conflict).
 */
async function voidOnLeavingPayment(db: Db, plan: ActionPlan): Promise<EffectRun | null> {
  if (plan.action.input === 'payment_reference' || plan.action.input === 'fee_amount') return null;
  if (!awaitsPayment(plan.workflow, plan.from) || awaitsPayment(plan.workflow, plan.to)) return null;
  const open = await findOpenBill(db, plan.app.tenant_id, plan.app.id);
  if (!open) return null;
  return async ({ trx, data }) => {
    const reason = `the file left ${plan.from} by ${plan.action.code}`;
    if (!(await voidBill(trx, open.id, { at: plan.now, reason, replacedById: null }))) {
      throw new AppError('conflict', 'the bill was paid or cancelled meanwhile');
    }
    const by = isSystemActor(plan.actor) ? null : plan.actor.userId;
    await appendAudit(trx, {
      tenantId: plan.app.tenant_id,
      actorId: by,
      action: 'bill.voided',
      subjectType: 'bill',
      subjectId: open.id,
      data: { applicationId: plan.app.id, number: open.number, action: plan.action.code, reason: plan.reason },
      occurredAt: plan.now,
    });
    data.billVoided = open.number;
  };
}

/**
 * The payment itself, on the payment action (input `payment_reference`), in the action's transaction:
 * the bill open → paid (a bill no longer open rolls everything back as a conflict) and one `payments`
 * row, unique per provider payment id (a second delivery of the same payment rolls back on the
 * constraint; src/payments/payments.service.ts turns that into "already recorded"). A bank's
 * notification brings its payment (plan.payment); the treasurer's bank-counter entry pays the open bill
 * with the bank's reference as the provider payment id.
 */
export function paymentOnRecord(deps: { db: Db }): ActionEffect {
  return {
    name: 'payments.record',
    async prepare(plan) {
      if (plan.action.input !== 'payment_reference') return null;
      let payment: PaymentToRecord;
      if (plan.payment) payment = plan.payment;
      else {
        const reference = plan.set.payment_reference;
        if (!reference) return null;
        const open = await findOpenBill(deps.db, plan.app.tenant_id, plan.app.id);
        payment = {
          provider: 'bank_counter',
          providerPaymentId: reference,
          billId: open?.id ?? null,
          amount: open?.amount ?? plan.app.fee_amount ?? 0,
          paidAt: plan.now,
          bankReference: reference,
          payerName: null,
          details: {},
        };
      }
      const counter = !plan.payment;
      return async ({ trx, data }) => {
        // The treasurer's bank reference already names a payment: a typo or the same slip twice, refused on the field (not a 500).
        if (counter && (await findPaymentByProviderId(trx, plan.app.tenant_id, payment.provider, payment.providerPaymentId))) throw referenceUsed();
        if (payment.billId && !(await markBillPaid(trx, payment.billId, payment.paidAt))) {
          throw new AppError('conflict', 'the bill was paid or cancelled meanwhile');
        }
        if (payment.heldPaymentId) {
          // The treasurer accepts a held payment: that row becomes the recorded one (no second row, no second provider id).
          const by = isSystemActor(plan.actor) ? null : plan.actor.userId;
          const accepted = await recordHeldPayment(trx, {
            id: payment.heldPaymentId,
            tenantId: plan.app.tenant_id,
            provider: payment.provider,
            providerPaymentId: payment.providerPaymentId,
            by,
            at: plan.now,
            note: payment.resolutionNote ?? '',
          });
          if (!accepted) throw new AppError('conflict', 'the held payment was resolved meanwhile');
          await appendAudit(trx, {
            tenantId: plan.app.tenant_id,
            actorId: by,
            action: 'payment.accepted',
            subjectType: 'payment',
            subjectId: payment.heldPaymentId,
            data: { applicationId: plan.app.id, billId: payment.billId, amount: payment.amount, note: payment.resolutionNote ?? '' },
            occurredAt: plan.now,
          });
          data.paymentId = payment.heldPaymentId;
          return;
        }
        const id = randomUUID();
        const insert = insertPayment(trx, {
          id,
          tenant_id: plan.app.tenant_id,
          provider: payment.provider,
          provider_payment_id: payment.providerPaymentId,
          bill_id: payment.billId,
          application_id: plan.app.id,
          amount: payment.amount,
          paid_at: payment.paidAt,
          received_at: plan.now,
          state: 'recorded',
          hold_reason: null,
          bank_reference: payment.bankReference,
          payer_name: payment.payerName,
          details: JSON.stringify(payment.details),
          recorded_by: isSystemActor(plan.actor) ? null : plan.actor.userId,
          resolved_at: null,
          resolved_by: null,
          resolution_note: null,
        });
        // Two entries of one bank reference at once: the constraint decides; the counter's loser is told why.
        await insert.catch((err: unknown) => {
          throw counter && violatedConstraint(err) !== null ? referenceUsed() : err;
        });
        data.paymentId = id;
      };
    },
  };
}
