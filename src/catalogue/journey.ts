import type { LocalisedText, StateKind, WorkflowDefinition, WorkflowState } from '../workflow/workflow.schema.js';
import { stateOf } from '../workflow/workflow.engine.js';

/**
 * What citizens are told about a permit type's workflow, read from its data: code never names a
 * state (ARCHITECTURE decision 3), so an office that renames or adds states needs no code change.
 */

/**
 * How a closed file ended: `permit` for the final state the permit is issued in, `closed` for the
 * other final states (rejected, withdrawn, cancelled …); null while the file is open.
 */
export type StateOutcome = 'permit' | 'closed' | null;

export function stateOutcome(workflow: WorkflowDefinition, code: string): StateOutcome {
  if (stateOf(workflow, code).kind !== 'final') return null;
  return workflow.actions.some((a) => a.issuesPermit && a.to === code) ? 'permit' : 'closed';
}

/** A state as pages show it: kind and outcome choose its colour, label and next step its words. */
export type StateSummary = { code: string; kind: StateKind; outcome: StateOutcome; label: LocalisedText; nextStep: LocalisedText };

export function stateSummary(workflow: WorkflowDefinition, code: string): StateSummary {
  const s = stateOf(workflow, code);
  return { code: s.code, kind: s.kind, outcome: stateOutcome(workflow, code), label: s.label, nextStep: s.nextStep };
}

/**
 * The steps a permit type's guide lists: the office's states on the shortest way from the initial
 * state to the state the permit is issued in, then that state. Detours (a return to the applicant
 * and the resubmission after it) are longer ways round, so they are not steps.
 */
export function journeySteps(workflow: WorkflowDefinition): WorkflowState[] {
  const target = workflow.actions.find((a) => a.issuesPermit)?.to ?? workflow.states.find((s) => s.kind === 'final')?.code;
  // Breadth first: the first time a state is reached is on a shortest way there.
  const cameFrom = new Map<string, string | null>([[workflow.initial, null]]);
  const queue = [workflow.initial];
  while (queue.length > 0 && target && !cameFrom.has(target)) {
    const from = queue.shift()!;
    for (const a of workflow.actions) {
      if (!a.from.includes(from) || cameFrom.has(a.to)) continue;
      cameFrom.set(a.to, from);
      queue.push(a.to);
    }
  }
  if (!target || !cameFrom.has(target)) return [];
  const path: string[] = [];
  for (let at: string | null | undefined = target; at; at = cameFrom.get(at)) path.unshift(at);
  const states = path.map((code) => stateOf(workflow, code));
  return [...states.filter((s) => s.kind === 'office'), stateOf(workflow, target)];
}
