import { z } from 'zod';
import { uuidParam } from '../../http/common.schemas.js';
import { isEditableState } from '../../access/access.js';
import type { Lang } from '../../shared/messages.js';
import type { Services } from '../../services.js';
import type { SlaResult } from '../../sla/sla.js';
import { formatDate, t } from '../../web/i18n.js';
import { stateKind } from '../../workflow/workflow.engine.js';

/** An id in a page address; anything else is "not found". */
export { uuidParam };
export const applicationParams = z.object({ id: uuidParam });

/** The SLA due date in words (working days, paused while the file is with the applicant). */
export function expectedBy(lang: Lang, sla: Pick<SlaResult, 'dueDate'>, provisional = false): string {
  if (!sla.dueDate) return '–';
  const date = formatDate(lang, `${sla.dueDate}T12:00:00Z`, 'UTC');
  return provisional ? `${date} (${t(lang, 'sla.provisional', { year: Number(sla.dueDate.slice(0, 4)) })})` : date;
}

export type ApplicationView = Awaited<ReturnType<Services['applications']['getApplication']>>;

/** The delivery state of the messages about the applicant's file (notifications/): what, to whom, channel, status. */
export { messagesSection as deliveriesSection } from '../../notifications/notifications.pages.js';
export type PermitView = Awaited<ReturnType<Services['permits']['permitsForApplication']>>[number];

/**
 * What the applicant's pages offer on a file, read from the service view's `can` flags and the
 * workflow data (state kinds, the editable states); pages render from this and decide nothing.
 */
export function applicantView(view: ApplicationView) {
  const { app, workflow } = view;
  const kind = stateKind(workflow, app.state);
  return {
    /** Answers and documents may be changed (a draft, or a file returned for correction). */
    edit: view.can.edit,
    /** Not yet filed: the flow runs questions → documents → check, and the check page submits. */
    draft: kind === 'draft',
    /** Returned by the office for correction: the reason and the refused documents are shown. */
    returned: kind !== 'draft' && isEditableState(workflow, app.state),
    /** The workflow lets the applicant withdraw the file now. */
    withdraw: view.can.withdraw,
    /** The action that sends the file to the office from here: first filing, or filing again after a return. */
    sendAction: view.can.sendAction,
  };
}
