import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { planAction } from '../../src/applications/action-plan.js';
import { loadCatalogue } from '../../src/catalogue/catalogue.loader.js';
import type { Application } from '../../src/db/schema.js';
import { AppError } from '../../src/shared/errors.js';
import type { WorkflowFacts } from '../../src/workflow/workflow.engine.js';
import { PRECONDITIONS, type Role } from '../../src/workflow/workflow.schema.js';
import { validAnswers } from '../helpers/journeys.js';

const catalogue = loadCatalogue();
const definition = catalogue.permitTypes.find((t) => t.code === 'PBG')!;
const workflow = catalogue.workflows.find((w) => w.code === definition.workflow)!;
const TENANT = 'tenant-1';
const NOW = '2026-11-20T03:00:00.000Z';
const allFacts = Object.fromEntries(PRECONDITIONS.map((p) => [p, true])) as WorkflowFacts;
// The journeys' answer maker reads only the definition from the context it is given.
const complete = JSON.stringify(
  await validAnswers({ tenant: { id: TENANT }, services: { catalogue: { getPermitType: () => ({ definition }) } } } as never, 'PBG'),
);

const actor = (role: Role, userId = `${role}-1`): Actor => ({ userId, tenantId: TENANT, role, name: role });

/** An application of the applicant `applicant-1`, with answers the plan does not look at unless it files. */
function application(over: Partial<Application> = {}): Application {
  return {
    id: 'app-1',
    tenant_id: TENANT,
    permit_type_id: 'pt-1',
    permit_type_version_id: 'v-1',
    permit_code: 'PBG',
    number: 'MLG-PBG-2026-000001',
    tracking_code: 'ABCD2345',
    state: 'verification',
    channel: 'online',
    channel_detail: null,
    applicant_id: 'applicant-1',
    applicant_name: 'Ayu',
    applicant_contact: null,
    claim_code_hash: null,
    claim_expires_at: null,
    created_by: 'applicant-1',
    intake_officer_id: null,
    answers: '{}',
    fee_amount: null,
    payment_reference: null,
    fee_paid_at: null,
    inspection_result: null,
    inspection_recorded_at: null,
    idempotency_key: null,
    submitted_at: NOW,
    state_entered_at: NOW,
    decided_at: null,
    sla_used_working_days: null,
    sla_met: null,
    created_at: NOW,
    updated_at: NOW,
    revision: 3,
    assigned_to: null,
    inspection_scheduled_for: null,
    inspection_officer_id: null,
    renews_permit_id: null,
    sla_due_on: null,
    ...over,
  };
}

function plan(who: Actor, app: Application, request: Parameters<typeof planAction>[0]['request']) {
  return planAction({ actor: who, app, definition, workflow, facts: allFacts, request, now: NOW, timeZone: 'Asia/Jakarta' });
}

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a refusal');
}

describe('planAction: a workflow action decided without reading or writing anything', () => {
  it('says what changes: the state, when it was entered, and nothing else for a plain forward', () => {
    const p = plan(actor('verifier'), application(), { action: 'forward' });
    expect(p).toMatchObject({ from: 'verification', to: 'technical_review', fromKind: 'office', toKind: 'office', firstFiling: false, reason: null });
    expect(p.set).toEqual({ state: 'technical_review', state_entered_at: NOW, updated_at: NOW });
    expect(p.data).toEqual({});
  });

  it('marks the first filing, which gets the number, and checks the answers are complete', () => {
    const draft = application({ state: 'draft', number: null, tracking_code: null, submitted_at: null });
    expect(refusal(() => plan(actor('applicant', 'applicant-1'), draft, { action: 'submit' })).code).toBe('invalid_answers');
    const filed = plan(actor('applicant', 'applicant-1'), { ...draft, answers: complete }, { action: 'submit' });
    expect(filed).toMatchObject({ firstFiling: true, fromKind: 'draft', toKind: 'office', to: 'submitted' });
    // A file coming back from the applicant is not a first filing: it keeps its number.
    expect(
      plan(actor('applicant', 'applicant-1'), application({ state: 'returned_to_applicant', answers: complete }), { action: 'resubmit' }).firstFiling,
    ).toBe(false);
  });

  it('records the fee and the payment, and the decision time of a final state', () => {
    const fee = plan(actor('treasurer'), application({ state: 'fee_assessment' }), { action: 'assess_fee', feeAmount: 250_000, idempotencyKey: 'k-1' });
    expect(fee.set).toMatchObject({ fee_amount: 250_000 });
    expect(fee.data).toEqual({ idempotencyKey: 'k-1', feeAmount: 250_000 });
    const paid = plan(actor('treasurer'), application({ state: 'awaiting_payment', fee_amount: 250_000, answers: complete }), {
      action: 'record_payment',
      paymentReference: '  SSRD-1  ',
    });
    expect(paid.set).toMatchObject({ payment_reference: 'SSRD-1', fee_paid_at: NOW });
    expect(paid.data).toEqual({ paymentReference: 'SSRD-1' });
    const rejected = plan(actor('verifier'), application(), { action: 'reject', reason: ' Bukan wewenang ' });
    expect(rejected).toMatchObject({ toKind: 'final', reason: 'Bukan wewenang' });
    expect(rejected.set.decided_at).toBe(NOW);
  });

  it('refuses a missing fee or payment reference with the field to fix', () => {
    const noFee = refusal(() => plan(actor('treasurer'), application({ state: 'fee_assessment' }), { action: 'assess_fee' }));
    expect(noFee.code).toBe('invalid_input');
    expect(noFee.details.fields?.[0]?.field).toBe('feeAmount');
    for (const feeAmount of [-1, 1.5]) {
      expect(refusal(() => plan(actor('treasurer'), application({ state: 'fee_assessment' }), { action: 'assess_fee', feeAmount })).code).toBe('invalid_input');
    }
    const noRef = refusal(() =>
      plan(actor('treasurer'), application({ state: 'awaiting_payment', answers: complete }), { action: 'record_payment', paymentReference: ' ' }),
    );
    expect(noRef.details.fields?.[0]?.field).toBe('paymentReference');
  });

  it('judges in the documented order: the wrong state (409) before on whose behalf (403)', () => {
    const desk = actor('front_desk');
    // An online file: the front desk may not act for its applicant…
    expect(refusal(() => plan(desk, application({ state: 'returned_to_applicant' }), { action: 'resubmit' })).code).toBe('forbidden');
    // …but an action that does not start from the file's state is a 409 first, as for everyone.
    expect(refusal(() => plan(desk, application(), { action: 'submit' })).code).toBe('invalid_state');
    expect(refusal(() => plan(actor('verifier'), application(), { action: 'no_such_action' })).code).toBe('invalid_input');
  });

  it('lets only the permit type’s signer take the action that issues the permit', () => {
    const signing = application({ state: 'signing' });
    expect(plan(actor('head'), signing, { action: 'sign' }).action.issuesPermit).toBe(true);
    // A type whose permits someone else signs: the workflow lets the head sign, the type does not.
    const signedByAdmin = { ...definition, signerRole: 'admin' as const };
    const refused = refusal(() =>
      planAction({
        actor: actor('head'),
        app: signing,
        definition: signedByAdmin,
        workflow,
        facts: allFacts,
        request: { action: 'sign' },
        now: NOW,
        timeZone: 'Asia/Jakarta',
      }),
    );
    expect(refused.code).toBe('forbidden');
  });
});
