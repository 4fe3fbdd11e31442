import type { Kysely } from 'kysely';
import type { Application, Database, Tenant } from '../db/schema.js';
import type { FeeService } from '../fees/fees.service.js';
import { recordApplicationCoefficients } from '../fees/retribution.repository.js';
import { enqueue } from '../outbox/outbox.repository.js';
import { readableCode } from '../shared/crypto.js';
import { AppError } from '../shared/errors.js';
import { yearIn } from '../shared/time.js';
import { slaDueOn } from '../sla/sla.js';
import type { ActionPlan } from './action-plan.js';
import { listEvents, nextSequenceValue, setFilingNumber } from './applications.repository.js';

/** What an effect works with inside the action's transaction, after the state change was written. */
export type EffectContext = {
  trx: Kysely<Database>;
  plan: ActionPlan;
  /** The office, read before the transaction. */
  tenant: Tenant;
  /** The timeline event's and audit row's data: an effect adds what it did (the number given, the permit issued). */
  data: Record<string, unknown>;
  /** The application as it is now inside the transaction (state changed, earlier effects applied). */
  current: () => Promise<Application>;
};

/** The part of an effect that runs inside the transaction. */
export type EffectRun = (ctx: EffectContext) => Promise<void> | void;

/**
 * Something a workflow action does besides changing the state: give the number, sign a receipt or
 * the permit, queue a message. A feature registers one (services.ts) instead of editing performAction.
 *
 * `prepare` is called for every action before the transaction opens and answers null when the effect
 * has nothing to do inside it; it may add columns to `plan.set`, which the state change's UPDATE
 * writes. Whatever must be read from the root handle is read there (a signing key, holidays): SQLite
 * has one connection, so a query outside the transaction while it is open would wait forever.
 * The returned run is then called inside the transaction, in registration order, and every run
 * commits or rolls back with the state change.
 */
export type ActionEffect = {
  name: string;
  prepare(plan: ActionPlan): Promise<EffectRun | null> | EffectRun | null;
};

/**
 * First filing: the number (tenant, type, year in the office's time zone, gap-free counter) and the
 * tracking code. The last of the application's own effects and before every registered one, so that
 * receipts after it see the number. Its upsert locks the counter row until commit, which makes an
 * office's filings take turns: everything before it in the transaction stays outside that turn.
 */
export const numberOnFirstFiling: ActionEffect = {
  name: 'application.number',
  prepare: (plan) =>
    plan.firstFiling
      ? async ({ trx, tenant, data }) => {
          const { app, now } = plan;
          const year = yearIn(new Date(now), tenant.time_zone);
          const seq = await nextSequenceValue(trx, app.tenant_id, `${app.permit_code}-${year}`);
          const number = `${tenant.code}-${app.permit_code}-${year}-${String(seq).padStart(6, '0')}`;
          await setFilingNumber(trx, app.id, { number, trackingCode: readableCode(8), submittedAt: now });
          data.number = number;
        }
      : null,
};

/**
 * The work queue's due date (sla.ts slaDueOn) for the state the file enters, from its timeline with
 * this move and the office's holidays, both read before the transaction; null when no clock runs.
 * Worked out in prepare and added to the plan's columns, so the state change's own UPDATE writes it
 * (one statement less per action); nothing runs inside the transaction.
 */
export function slaDueDate(deps: { db: Kysely<Database>; holidays: { forTenant(tenantId: string): Promise<ReadonlySet<string>> } }): ActionEffect {
  return {
    name: 'application.slaDueOn',
    async prepare(plan) {
      const { app } = plan;
      const [events, holidays] = await Promise.all([listEvents(deps.db, app.tenant_id, app.id), deps.holidays.forTenant(app.tenant_id)]);
      // Read after the application: another action may have committed in between (two deliveries of one
      // payment at once). The timeline then no longer ends where the file was read; the action lost the race.
      const last = events.at(-1);
      if (last && last.to_state !== app.state) throw new AppError('conflict', 'changed meanwhile');
      const dueOn = slaDueOn({
        events: [...events, { from_state: plan.from, to_state: plan.to, created_at: plan.now }],
        workflow: plan.workflow,
        slaWorkingDays: plan.definition.slaWorkingDays,
        timeZone: plan.timeZone,
        holidays,
      });
      if (dueOn !== app.sla_due_on) plan.set.sla_due_on = dueOn;
      return null;
    },
  };
}

/** Tells the applicant: filed (with the claim code for a front-desk file nobody has claimed yet), or moved on. */
export const notifyApplicant: ActionEffect = {
  name: 'application.notify',
  prepare: (plan) => async (ctx) => {
    const { app, now, firstFiling, action, to } = plan;
    // A file taken in at the front desk: the citizen gets a code to claim it into their own account.
    if (firstFiling && app.applicant_id === null && app.applicant_contact) {
      await enqueue(ctx.trx, { tenantId: app.tenant_id, now, message: { topic: 'notify.claim_code', applicationId: app.id } });
    }
    await enqueue(ctx.trx, {
      tenantId: app.tenant_id,
      now,
      message: firstFiling
        ? { topic: 'notify.application_submitted', applicationId: app.id, userId: app.applicant_id }
        : { topic: 'notify.application_transitioned', applicationId: app.id, userId: app.applicant_id, action: action.code, toState: to },
    });
  },
};

/**
 * The treasurer may set another fee than the rules give, with the reason (feeReason; without it the
 * action is refused, 400, before anything is written); the timeline and the audit then keep both
 * amounts and the reason. A waiver the answers triggered is recorded too (code, reason, legal basis).
 * The coefficient version the rules used is recorded on the application, so the file keeps the
 * coefficients it was assessed under. The rules are worked out before the transaction.
 */
export function recordComputedFee(fees: Pick<FeeService, 'computed'>): ActionEffect {
  return {
    name: 'fee.computed',
    async prepare(plan) {
      const amount = plan.set.fee_amount;
      if (plan.action.input !== 'fee_amount' || amount === undefined) return null;
      const computed = await fees.computed(plan.app, plan.definition);
      if (computed === null) return null;
      // Another amount than the rules give needs the treasurer's reason: refused before anything is written.
      if (computed.amount !== amount && !plan.feeReason) {
        throw new AppError('invalid_input', 'give the reason for a different amount', {
          fields: [
            { field: 'feeReason', code: 'fee_reason_required', message: 'give the reason for a different amount', params: { computed: computed.amount } },
          ],
        });
      }
      return async ({ trx, data }) => {
        if (computed.coefficientsId) {
          await recordApplicationCoefficients(trx, {
            applicationId: plan.app.id,
            tenantId: plan.app.tenant_id,
            coefficientsId: computed.coefficientsId,
            at: plan.now,
          });
        }
        if (computed.amount !== amount) {
          data.computedAmount = computed.amount;
          data.feeReason = plan.feeReason;
        }
        // A waiver the answers triggered (MBR: retribution 0%): its code, reason and legal basis stay with the assessment.
        if (computed.waiver) {
          const w = computed.waiver;
          data.waiver = {
            code: w.code,
            percent: w.percent,
            reason: w.reason.id,
            legalBasis: w.legalBasis,
            amountOff: w.amountOff,
            beforeWaiver: computed.amount + w.amountOff,
          };
        }
      };
    },
  };
}
