import { personOf } from '../access/access.js';
import type { ActionEffect } from '../applications/action-effects.js';
import type { ActionPlan } from '../applications/action-plan.js';
import type { Signer } from '../signing/signer.js';
import type { PermitIssuer } from './permits.issuer.js';
import { findPermitById } from './permits.repository.js';

/**
 * What workflow actions sign (ARCHITECTURE decision 17): the filing receipt on first filing, the
 * payment receipt when the payment is recorded, and the permit on the action that issues it, each in
 * the transaction that changes the state. The office's key is looked up before the transaction
 * (Signer.prepare), so signing inside it needs no second connection.
 */
export function permitEffects(deps: { signer: Signer; issuer: PermitIssuer }): ActionEffect[] {
  const { signer, issuer } = deps;

  function receipt(name: string, kind: 'filing' | 'payment', applies: (plan: ActionPlan) => boolean): ActionEffect {
    return {
      name,
      async prepare(plan) {
        if (!applies(plan)) return null;
        const signing = await signer.prepare(plan.app.tenant_id);
        return async ({ trx, tenant, current }) => {
          await issuer.issueReceipt(trx, { signing, tenant, app: await current(), definition: plan.definition, kind, now: plan.now });
        };
      },
    };
  }

  const permit: ActionEffect = {
    name: 'permit.issue',
    async prepare(plan) {
      if (!plan.action.issuesPermit) return null;
      const signing = await signer.prepare(plan.app.tenant_id, { pdf: true });
      return async ({ trx, tenant, current, data }) => {
        const app = await current();
        const renewed = app.renews_permit_id ? await findPermitById(trx, app.renews_permit_id) : undefined;
        const issued = await issuer.issuePermit(trx, {
          signing,
          tenant,
          app,
          definition: plan.definition,
          signerId: personOf(plan.actor).userId,
          now: plan.now,
          replaces: renewed ? { kind: 'renewal', permit: renewed } : null,
        });
        data.permitNumber = issued.number;
      };
    },
  };

  return [
    receipt('receipt.filing', 'filing', (plan) => plan.firstFiling),
    receipt('receipt.payment', 'payment', (plan) => plan.action.input === 'payment_reference'),
    permit,
  ];
}
