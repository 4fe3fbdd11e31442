import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogueError, DEFAULT_CATALOGUE_DIR, loadCatalogue } from '../../src/catalogue/catalogue.loader.js';
import { AppError } from '../../src/shared/errors.js';
import { planTransition, type WorkflowFacts } from '../../src/workflow/workflow.engine.js';
import { PRECONDITIONS, type WorkflowDefinition, workflowDefinitionSchema } from '../../src/workflow/workflow.schema.js';

const catalogue = loadCatalogue();
const standard = catalogue.workflows.find((w) => w.code === 'standard-fee')!;

function facts(overrides: Partial<WorkflowFacts> = {}): WorkflowFacts {
  const all = Object.fromEntries(PRECONDITIONS.map((p) => [p, true])) as WorkflowFacts;
  return { ...all, ...overrides };
}

/** Runs planTransition and returns the AppError it throws. */
function refusal(input: Parameters<typeof planTransition>[0]): AppError {
  try {
    planTransition(input);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected planTransition to refuse');
}

describe('planTransition', () => {
  it('plans an allowed transition', () => {
    const plan = planTransition({ workflow: standard, state: 'verification', actionCode: 'forward', role: 'verifier', facts: facts() });
    expect(plan.to).toBe('technical_review');
    expect(plan.action.code).toBe('forward');
  });

  it('picks the variant of an action that starts from the current state', () => {
    const fromVerification = planTransition({
      workflow: standard,
      state: 'verification',
      actionCode: 'reject',
      role: 'verifier',
      facts: facts(),
      reason: 'Bukan kewenangan',
    });
    const fromApproval = planTransition({
      workflow: standard,
      state: 'approval',
      actionCode: 'reject',
      role: 'head',
      facts: facts(),
      reason: 'Tidak sesuai tata ruang',
    });
    expect(fromVerification.to).toBe('rejected');
    expect(fromApproval.to).toBe('rejected');
    expect(fromVerification.action.roles).toEqual(['verifier']);
    expect(fromApproval.action.roles).toEqual(['head']);
  });

  it('invalid_input for an unknown action, naming the field', () => {
    const err = refusal({ workflow: standard, state: 'draft', actionCode: 'teleport', role: 'applicant', facts: facts() });
    expect(err.code).toBe('invalid_input');
    expect(err.details.fields).toEqual([expect.objectContaining({ field: 'action', code: 'unknown_action' })]);
  });

  it('invalid_state for a known action from the wrong state (approving a draft, issuing before payment)', () => {
    expect(refusal({ workflow: standard, state: 'draft', actionCode: 'approve', role: 'head', facts: facts() }).code).toBe('invalid_state');
    expect(refusal({ workflow: standard, state: 'awaiting_payment', actionCode: 'sign', role: 'head', facts: facts() }).code).toBe('invalid_state');
    expect(refusal({ workflow: standard, state: 'issued', actionCode: 'cancel', role: 'admin', facts: facts(), reason: 'x' }).code).toBe('invalid_state');
  });

  it('forbidden for a role that may not take the action', () => {
    const err = refusal({ workflow: standard, state: 'approval', actionCode: 'approve', role: 'applicant', facts: facts() });
    expect(err.code).toBe('forbidden');
    expect(refusal({ workflow: standard, state: 'verification', actionCode: 'forward', role: 'technical', facts: facts() }).code).toBe('forbidden');
    expect(refusal({ workflow: standard, state: 'draft', actionCode: 'submit', role: 'verifier', facts: facts() }).code).toBe('forbidden');
  });

  it('invalid_input when a reason is required and missing or blank', () => {
    for (const reason of [undefined, '', '   ']) {
      const err = refusal({ workflow: standard, state: 'verification', actionCode: 'return_to_applicant', role: 'verifier', facts: facts(), reason });
      expect(err.code).toBe('invalid_input');
      expect(err.details.fields).toEqual([expect.objectContaining({ field: 'reason', code: 'required' })]);
    }
    const ok = planTransition({
      workflow: standard,
      state: 'verification',
      actionCode: 'return_to_applicant',
      role: 'verifier',
      facts: facts(),
      reason: 'Scan KTP buram',
    });
    expect(ok.to).toBe('returned_to_applicant');
  });

  it('precondition_failed with every unmet precondition listed', () => {
    const err = refusal({
      workflow: standard,
      state: 'returned_to_applicant',
      actionCode: 'resubmit',
      role: 'applicant',
      facts: facts({ all_required_documents_uploaded: false, no_document_refused: false }),
    });
    expect(err.code).toBe('precondition_failed');
    expect(String(err.details.params?.missing).split(',').sort()).toEqual(['all_required_documents_uploaded', 'no_document_refused']);
    const payment = refusal({ workflow: standard, state: 'approval', actionCode: 'approve', role: 'head', facts: facts({ fee_paid: false }) });
    expect(payment.details.params).toEqual({ missing: 'fee_paid' });
  });

  it('checks in the documented order: state before role, role before reason and preconditions', () => {
    expect(
      refusal({ workflow: standard, state: 'draft', actionCode: 'forward', role: 'applicant', facts: facts({ all_required_documents_accepted: false }) }).code,
    ).toBe('invalid_state');
    expect(
      refusal({ workflow: standard, state: 'verification', actionCode: 'forward', role: 'applicant', facts: facts({ all_required_documents_accepted: false }) })
        .code,
    ).toBe('forbidden');
    expect(refusal({ workflow: standard, state: 'verification', actionCode: 'return_to_applicant', role: 'technical', facts: facts() }).code).toBe('forbidden');
  });
});

/** The states reachable from the initial state by following actions. */
function reachable(wf: WorkflowDefinition): Set<string> {
  const seen = new Set([wf.initial]);
  const queue = [wf.initial];
  while (queue.length) {
    const s = queue.shift()!;
    for (const a of wf.actions.filter((x) => x.from.includes(s))) {
      if (!seen.has(a.to)) {
        seen.add(a.to);
        queue.push(a.to);
      }
    }
  }
  return seen;
}

describe('seed workflows', () => {
  it('standard-fee has the default flow states', () => {
    expect(standard.initial).toBe('draft');
    expect(standard.states.map((s) => s.code).sort()).toEqual(
      [
        'draft',
        'submitted',
        'verification',
        'returned_to_applicant',
        'resubmitted',
        'technical_review',
        'fee_assessment',
        'awaiting_payment',
        'approval',
        'signing',
        'issued',
        'rejected',
        'withdrawn',
        'cancelled',
      ].sort(),
    );
    const kinds = Object.fromEntries(standard.states.map((s) => [s.code, s.kind]));
    expect(kinds).toMatchObject({
      draft: 'draft',
      returned_to_applicant: 'applicant',
      awaiting_payment: 'applicant',
      issued: 'final',
      rejected: 'final',
      withdrawn: 'final',
      cancelled: 'final',
    });
  });

  it.each(catalogue.workflows.map((w) => [w.code, w] as const))('%s: starts at draft, reaches every non-final state and issued', (_code, wf) => {
    expect(wf.initial).toBe('draft');
    const seen = reachable(wf);
    for (const s of wf.states.filter((x) => x.kind !== 'final')) expect(seen, `state ${s.code}`).toContain(s.code);
    expect(seen).toContain('issued');
    // And every non-final state can still end somewhere final.
    const finals = new Set(wf.states.filter((s) => s.kind === 'final').map((s) => s.code));
    for (const s of wf.states.filter((x) => x.kind !== 'final')) {
      const fromHere = reachable({ ...wf, initial: s.code });
      expect(
        [...fromHere].some((x) => finals.has(x)),
        `state ${s.code} can finish`,
      ).toBe(true);
    }
  });

  it.each(catalogue.workflows.map((w) => [w.code, w] as const))('%s: returns, rejections and cancellations need a reason', (_code, wf) => {
    for (const a of wf.actions.filter((x) => ['return_to_applicant', 'reject', 'cancel', 'send_back'].includes(x.code))) {
      expect(a.requiresReason, `${a.code} from ${a.from.join(',')}`).toBe(true);
    }
  });

  it('every permit type refers to a seed workflow', () => {
    const codes = new Set(catalogue.workflows.map((w) => w.code));
    for (const t of catalogue.permitTypes) expect(codes, t.code).toContain(t.workflow);
  });
});

describe('workflowDefinitionSchema', () => {
  const label = { id: 'Label', en: 'Label' };
  const valid = () => ({
    code: 'tiny',
    initial: 'draft',
    states: [
      { code: 'draft', kind: 'draft', label, nextStep: label },
      { code: 'review', kind: 'office', label, nextStep: label },
      { code: 'issued', kind: 'final', label, nextStep: label },
    ],
    actions: [
      { code: 'submit', label, from: ['draft'], to: 'review', roles: ['applicant'] },
      { code: 'approve', label, from: ['review'], to: 'issued', roles: ['head'] },
    ],
  });

  const messages = (input: unknown): string[] => {
    const r = workflowDefinitionSchema.safeParse(input);
    expect(r.success).toBe(false);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts a small valid workflow and fills in defaults', () => {
    const wf = workflowDefinitionSchema.parse(valid());
    expect(wf.actions[0]).toMatchObject({ preconditions: [], requiresReason: false });
  });

  it('rejects an action to an undefined state', () => {
    const wf = valid();
    wf.actions[1]!.to = 'nowhere';
    expect(messages(wf)).toContainEqual(expect.stringMatching(/^actions\.1\.to: .*"nowhere" is not defined/));
  });

  it('rejects an action from an undefined state', () => {
    const wf = valid();
    wf.actions[0]!.from = ['draft', 'limbo'];
    expect(messages(wf)).toContainEqual(expect.stringMatching(/^actions\.0\.from\.1: .*"limbo" is not defined/));
  });

  it('rejects an undefined initial state', () => {
    const wf = valid();
    wf.initial = 'start';
    expect(messages(wf)).toContainEqual(expect.stringMatching(/^initial: .*"start"/));
  });

  it('rejects a duplicated state', () => {
    const wf = valid();
    wf.states.push({ code: 'review', kind: 'office', label, nextStep: label });
    expect(messages(wf)).toContainEqual(expect.stringMatching(/^states\.3\.code: .*"review" is defined twice/));
  });

  it('rejects a final state with outgoing actions', () => {
    const wf = valid();
    wf.actions.push({ code: 'reopen', label, from: ['issued'], to: 'review', roles: ['admin'] });
    expect(messages(wf)).toContainEqual(expect.stringMatching(/final state "issued" must not have outgoing actions/));
  });

  it('rejects a non-final state with no way out', () => {
    const wf = valid();
    wf.states.push({ code: 'stuck', kind: 'office', label, nextStep: label });
    expect(messages(wf)).toContainEqual(expect.stringMatching(/"stuck" has no way out/));
  });

  it('rejects an unknown role, an unknown precondition and a stray property', () => {
    const wf = valid() as Record<string, unknown> & ReturnType<typeof valid>;
    (wf.actions[0] as Record<string, unknown>).roles = ['mayor'];
    (wf.actions[1] as Record<string, unknown>).preconditions = ['stars_aligned'];
    (wf as Record<string, unknown>).colour = 'blue';
    const m = messages(wf).join('\n');
    expect(m).toMatch(/actions\.0\.roles\.0/);
    expect(m).toMatch(/actions\.1\.preconditions\.0/);
    expect(m).toMatch(/colour/);
  });
});

describe('catalogue loader', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  /** A temporary copy of the seed catalogue, with permit-types.json changed by `edit`. */
  function brokenCopy(edit: (types: Record<string, unknown>[]) => void, editWorkflows?: (wfs: Record<string, unknown>[]) => void): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-catalogue-'));
    dirs.push(dir);
    const types = JSON.parse(fs.readFileSync(path.join(DEFAULT_CATALOGUE_DIR, 'permit-types.json'), 'utf8')) as Record<string, unknown>[];
    const workflows = JSON.parse(fs.readFileSync(path.join(DEFAULT_CATALOGUE_DIR, 'workflows.json'), 'utf8')) as Record<string, unknown>[];
    edit(types);
    editWorkflows?.(workflows);
    fs.writeFileSync(path.join(dir, 'permit-types.json'), JSON.stringify(types, null, 2));
    fs.writeFileSync(path.join(dir, 'workflows.json'), JSON.stringify(workflows, null, 2));
    return dir;
  }

  function loadError(dir: string): CatalogueError {
    try {
      loadCatalogue(dir);
    } catch (err) {
      expect(err).toBeInstanceOf(CatalogueError);
      return err as CatalogueError;
    }
    throw new Error('expected the catalogue to be refused');
  }

  it('loads the real catalogue with at least 12 permit types, each with requirements and fields', () => {
    expect(catalogue.permitTypes.length).toBeGreaterThanOrEqual(12);
    expect(new Set(catalogue.permitTypes.map((t) => t.code)).size).toBe(catalogue.permitTypes.length);
    for (const code of ['PBG', 'REKLAME', 'SIPDOK', 'TRAYEK', 'AK1']) expect(catalogue.permitTypes.map((t) => t.code)).toContain(code);
    for (const t of catalogue.permitTypes) {
      expect(t.requirements.length, t.code).toBeGreaterThan(0);
      expect(t.fields.length, t.code).toBeGreaterThan(0);
    }
  });

  it('an unchanged copy loads the same as the original', () => {
    expect(loadCatalogue(brokenCopy(() => {}))).toEqual(catalogue);
  });

  it('names the file and the JSON path of a bad value', () => {
    const dir = brokenCopy((types) => {
      (types[3]!.requirements as Record<string, unknown>[])[0]!.maxSizeMb = -1;
    });
    const err = loadError(dir);
    expect(err.name).toBe('CatalogueError');
    expect(err.message).toContain(path.join(dir, 'permit-types.json'));
    expect(err.message).toContain('[3].requirements[0].maxSizeMb');
  });

  it('names a permit type that points at an unknown workflow', () => {
    const dir = brokenCopy((types) => {
      types[3]!.workflow = 'no-such-flow';
    });
    const err = loadError(dir);
    expect(err.message).toContain(path.join(dir, 'permit-types.json'));
    expect(err.message).toContain('[3].workflow');
    expect(err.message).toContain('no-such-flow');
  });

  it('names a permit type code that appears twice', () => {
    const dir = brokenCopy((types) => {
      types[5]!.code = types[2]!.code;
    });
    const err = loadError(dir);
    expect(err.message).toContain('[5].code');
  });

  it('names a broken workflow in workflows.json', () => {
    const dir = brokenCopy(
      () => {},
      (wfs) => {
        (wfs[0]!.actions as Record<string, unknown>[])[2]!.to = 'limbo';
      },
    );
    const err = loadError(dir);
    expect(err.message).toContain(path.join(dir, 'workflows.json'));
    expect(err.message).toContain('[0].actions[2].to');
  });

  it('names a file that is not JSON', () => {
    const dir = brokenCopy(() => {});
    fs.writeFileSync(path.join(dir, 'permit-types.json'), '[{"code": "PBG",');
    const err = loadError(dir);
    expect(err.message).toContain(path.join(dir, 'permit-types.json'));
    expect(err.message).toMatch(/JSON/);
  });
});
