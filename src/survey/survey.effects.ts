import type { ActionEffect } from '../applications/action-effects.js';
import { ensureInvitation } from './survey.repository.js';

/**
 * The SKM invitation for an issued permit, written in the transaction that issues it (registered after
 * the permit effects, services.ts). The token is not added to the timeline's or audit row's data: it is
 * the survey's key, and the answer must not be traceable from the file.
 */
export const surveyOnPermitIssued: ActionEffect = {
  name: 'survey.invite',
  prepare: (plan) =>
    plan.action.issuesPermit
      ? async ({ trx }) => {
          await ensureInvitation(trx, {
            tenantId: plan.app.tenant_id,
            occasion: 'permit_issued',
            subjectId: plan.app.id,
            serviceKind: 'permit',
            serviceCode: plan.app.permit_code,
            now: plan.now,
          });
        }
      : null,
};
