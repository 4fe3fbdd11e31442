import { AppError } from '../shared/errors.js';
import type { Precondition, Role, StateKind, WorkflowAction, WorkflowDefinition, WorkflowState } from './workflow.schema.js';

/** What the application service knows about a case when it asks the engine for a transition. */
export type WorkflowFacts = Record<Precondition, boolean>;

export function stateOf(workflow: WorkflowDefinition, code: string): WorkflowState {
  const state = workflow.states.find((s) => s.code === code);
  if (!state) throw new Error(`workflow ${workflow.code} has no state ${code}`);
  return state;
}

export function stateKind(workflow: WorkflowDefinition, code: string): StateKind {
  return stateOf(workflow, code).kind;
}

/** The actions this role may take from this state (preconditions not yet checked). */
export function actionsFor(workflow: WorkflowDefinition, state: string, role: Role): WorkflowAction[] {
  return workflow.actions.filter((a) => a.from.includes(state) && a.roles.includes(role));
}

export function unmetPreconditions(action: WorkflowAction, facts: WorkflowFacts): Precondition[] {
  return action.preconditions.filter((p) => !facts[p]);
}

/**
 * Decides whether `role` may take `actionCode` from `state`, and where it leads.
 * Throws, changing nothing: invalid_input for an unknown action or a missing reason,
 * invalid_state when the action does not start from this state, forbidden when the role may not
 * take it, precondition_failed when a named precondition is unmet.
 */
export function planTransition(input: {
  workflow: WorkflowDefinition;
  state: string;
  actionCode: string;
  /** 'system': a system actor (a bank's payment notification), which may take only the action that records a payment. */
  role: Role | 'system';
  facts: WorkflowFacts;
  reason?: string | undefined;
}): { action: WorkflowAction; to: string } {
  const { workflow, state, actionCode, role, facts } = input;
  const known = workflow.actions.filter((a) => a.code === actionCode);
  if (known.length === 0) {
    throw new AppError('invalid_input', `unknown action ${actionCode}`, {
      fields: [{ field: 'action', code: 'unknown_action', message: `unknown action "${actionCode}"` }],
    });
  }
  const action = known.find((a) => a.from.includes(state));
  if (!action) throw new AppError('invalid_state', `action ${actionCode} is not possible from state ${state}`);
  const allowed = role === 'system' ? action.input === 'payment_reference' : action.roles.includes(role);
  if (!allowed) throw new AppError('forbidden', `role ${role} may not ${actionCode} from ${state}`);
  if (action.requiresReason && !input.reason?.trim()) {
    throw new AppError('invalid_input', `action ${actionCode} needs a reason`, {
      fields: [{ field: 'reason', code: 'required', message: 'a reason is required' }],
    });
  }
  const unmet = unmetPreconditions(action, facts);
  if (unmet.length > 0) {
    throw new AppError('precondition_failed', `unmet: ${unmet.join(', ')}`, { params: { missing: unmet.join(',') } });
  }
  return { action, to: action.to };
}
