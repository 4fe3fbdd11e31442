import type { SafeHtml } from '../html.js';
import { tag } from '../components.js';

export { acceptList } from '../views.js';

/**
 * The old state tag, for the case page until it renders from `stateTag(lang, stateSummary(workflow, code))`
 * in web/views.ts (colours from the workflow data, no state named): this file goes then.
 */
export function stateTag(kind: string, code: string, label: string): SafeHtml {
  const colours: Record<string, 'blue' | 'green' | 'red' | 'yellow' | 'grey'> = { draft: 'grey', office: 'blue', applicant: 'yellow', final: 'green' };
  return tag(label, code === 'rejected' || code === 'withdrawn' || code === 'cancelled' ? 'red' : (colours[kind] ?? 'blue'));
}
