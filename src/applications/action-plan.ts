import { type AnyActor, isSystemActor, requireAccess } from '../access/access.js';
import { answersOf, validateAnswers } from '../catalogue/answers.js';
import type { PermitTypeDefinition } from '../catalogue/catalogue.schema.js';
import type { Application, ApplicationUpdate } from '../db/schema.js';
import { AppError } from '../shared/errors.js';
import { localDate } from '../shared/time.js';
import { planTransition, stateKind, type WorkflowFacts } from '../workflow/workflow.engine.js';
import type { StateKind, WorkflowAction, WorkflowDefinition } from '../workflow/workflow.schema.js';

/** What someone asked for: the action and the input it may carry. */
export type ActionRequest = {
  action: string;
  reason?: string | undefined;
  feeAmount?: number | undefined;
  /** Why the fee differs from what the rules give (required then; recorded with the computed amount by recordComputedFee). */
  feeReason?: string | undefined;
  paymentReference?: string | undefined;
  idempotencyKey?: string | undefined;
  /**
   * The revision the caller decided on (e.g. the draft it showed as deletable): a file changed since
   * (sent from another tab in the same instant) is a 409 conflict, not an action on what it has become.
   */
  expectedRevision?: number | undefined;
  /**
   * The payment the payment action records (src/payments/): a bank's notification (system actor) or the
   * treasurer's bank-counter entry. The payment effect writes it, once per provider payment id, in the
   * action's transaction.
   */
  payment?: PaymentToRecord | undefined;
};

/** A payment about to pay its bill: the payment effect inserts it and marks the bill paid. */
export type PaymentToRecord = {
  provider: 'snap_va' | 'qris' | 'bank_counter';
  providerPaymentId: string;
  /** The open bill it pays; null for a file assessed before bills existed (bank counter only). */
  billId: string | null;
  amount: number;
  paidAt: string;
  bankReference: string | null;
  payerName: string | null;
  details: Record<string, unknown>;
  /**
   * A payment held for the treasurer that she accepts (src/payments/reconciliation.service.ts): the effect
   * turns that row into the recorded payment instead of inserting one, so the provider payment id stays once.
   */
  heldPaymentId?: string | undefined;
  /** The treasurer's note on accepting the held payment. */
  resolutionNote?: string | undefined;
};

/**
 * One workflow action, decided but not yet done: what changes on the application and what the
 * timeline event records. Effects (action-effects.ts) read it to do the rest in the same transaction.
 */
export type ActionPlan = {
  /** A person, or the `payments` system actor taking the payment action for a bank's notification. */
  actor: AnyActor;
  /** The application as it was read, before the action. */
  app: Application;
  definition: PermitTypeDefinition;
  workflow: WorkflowDefinition;
  action: WorkflowAction;
  from: string;
  to: string;
  fromKind: StateKind;
  toKind: StateKind;
  /** The file reaches the office for the first time: it gets its number now. */
  firstFiling: boolean;
  reason: string | null;
  /** The fee action: why the amount differs from what the rules give (recordComputedFee requires it then and records it). */
  feeReason: string | null;
  /** Every column the action changes, written at the application's revision. */
  set: ApplicationUpdate;
  /** What the timeline event and the audit row record (effects add what they did). */
  data: Record<string, unknown>;
  now: string;
  /** The office's IANA time zone (its calendar dates: today, the SLA's working days). */
  timeZone: string;
  /** The payment a bank's notification brings (the payment action by the system actor); null otherwise. */
  payment: PaymentToRecord | null;
};

/**
 * Decides one workflow action, reading nothing and changing nothing. Throws, in this order: what the
 * engine throws (unknown action or missing reason 400, wrong state 409, wrong role 403, unmet
 * precondition 409); 403 when the actor may not act on this file's behalf (the front desk acts only
 * on files the front desk took in) or is not the signer the permit type names; 422 for incomplete answers when
 * the file goes to the office; 400 for a missing fee amount or payment reference.
 */
export function planAction(input: {
  actor: AnyActor;
  app: Application;
  definition: PermitTypeDefinition;
  workflow: WorkflowDefinition;
  facts: WorkflowFacts;
  request: ActionRequest;
  now: string;
  timeZone: string;
}): ActionPlan {
  const { actor, app, definition, workflow, request, now, timeZone } = input;
  const { action, to } = planTransition({
    workflow,
    state: app.state,
    actionCode: request.action,
    role: isSystemActor(actor) ? 'system' : actor.role,
    facts: input.facts,
    reason: request.reason,
  });
  // After the engine, so that an action from the wrong state is a 409 for everyone; then on whose behalf.
  requireAccess({ actor, permission: 'application.act', resource: { application: app, workflow, definition } });
  // The permit type names who signs its permits; the workflow's roles alone do not decide that.
  if (action.issuesPermit && (isSystemActor(actor) || actor.role !== definition.signerRole)) {
    throw new AppError('forbidden', `permits of type ${definition.code} are signed by the ${definition.signerRole}`);
  }

  const fromKind = stateKind(workflow, app.state);
  const toKind = stateKind(workflow, to);
  if ((fromKind === 'draft' || fromKind === 'applicant') && toKind === 'office') {
    const { problems } = validateAnswers(definition.fields, answersOf(app), {
      complete: true,
      today: localDate(now, timeZone),
      checks: definition.answerChecks,
    });
    if (problems.length) throw new AppError('invalid_answers', 'answers incomplete', { fields: problems });
  }

  const set: ApplicationUpdate = { state: to, state_entered_at: now, updated_at: now };
  const data: Record<string, unknown> = request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {};
  if (action.input === 'fee_amount') {
    const amount = request.feeAmount;
    if (amount === undefined || !Number.isSafeInteger(amount) || amount < 0) {
      throw new AppError('invalid_input', 'fee amount needed', {
        fields: [{ field: 'feeAmount', code: 'required', message: 'the fee in whole rupiah is required' }],
      });
    }
    set.fee_amount = amount;
    data.feeAmount = amount;
  }
  if (action.input === 'payment_reference') {
    const reference = (request.paymentReference ?? request.payment?.bankReference ?? request.payment?.providerPaymentId)?.trim();
    if (!reference) {
      throw new AppError('invalid_input', 'payment reference needed', {
        fields: [{ field: 'paymentReference', code: 'required', message: 'the payment reference is required' }],
      });
    }
    set.payment_reference = reference;
    set.fee_paid_at = request.payment?.paidAt ?? now;
    data.paymentReference = reference;
    if (request.payment)
      data.payment = { provider: request.payment.provider, providerPaymentId: request.payment.providerPaymentId, amount: request.payment.amount };
  }
  if (toKind === 'final') set.decided_at = now;

  return {
    actor,
    app,
    definition,
    workflow,
    action,
    from: app.state,
    to,
    fromKind,
    toKind,
    firstFiling: app.number === null && toKind === 'office',
    reason: request.reason?.trim() || null,
    feeReason: (action.input === 'fee_amount' && request.feeReason?.trim()) || null,
    set,
    data,
    now,
    timeZone,
    payment: request.payment ?? null,
  };
}
