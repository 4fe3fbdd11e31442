import type { Db } from '../db/database.js';
import { systemClock } from '../shared/time.js';
import { createEd25519Signer } from '../signing/signer.js';
import { type CheckpointVerification, verifyAuditCheckpoints } from './audit.checkpoints.js';
import { type AuditChainVerification, verifyAuditChain } from './audit.verify.js';

function chainLine(r: AuditChainVerification): string {
  const who = (r.tenantCode ?? `(tenant ${r.tenantId} not in tenants)`).padEnd(6);
  const events = `${r.events} event${r.events === 1 ? '' : 's'}`.padEnd(14);
  if (r.ok) return `${who} ${events} OK`;
  const bad = r.firstBad!;
  return `${who} ${events} BROKEN first bad event: seq ${bad.seq}, id ${bad.id ?? '(missing)'}, reason ${bad.reason}: ${bad.detail}`;
}

function checkpointLine(r: CheckpointVerification): string {
  const who = (r.tenantCode ?? `(tenant ${r.tenantId} not in tenants)`).padEnd(6);
  const count = `${r.verified} checkpoint${r.verified === 1 ? '' : 's'} verified`;
  if (r.ok) return `${who} ${count} OK`;
  const bad = r.firstBad!;
  return `${who} ${count}, BROKEN checkpoint ${bad.checkpointId} (seq ${bad.seq}, signed ${bad.createdAt}), reason ${bad.reason}: ${bad.detail}`;
}

/**
 * What `npm run audit:verify` prints and decides: every office's chain (one line each, naming the
 * first bad event), then each office's signed checkpoints. `ok` only if all of them hold. Also run
 * by `npm run restore` and `npm run migrate-data` on what they wrote.
 */
export async function auditReport(db: Db, dataKey: Buffer, options: { tenantId?: string } = {}): Promise<{ ok: boolean; lines: string[] }> {
  const lines: string[] = [];
  const results = await verifyAuditChain(db, { tenantId: options.tenantId });
  for (const r of results) lines.push(chainLine(r));
  const broken = results.filter((r) => !r.ok).length;
  lines.push(broken === 0 ? `All ${results.length} audit chains are intact.` : `${broken} of ${results.length} audit chains are broken.`);
  const signer = createEd25519Signer({ db, dataKey, clock: systemClock });
  const checkpoints = await verifyAuditCheckpoints(db, signer, { tenantId: options.tenantId });
  for (const r of checkpoints) lines.push(checkpointLine(r));
  const badCheckpoints = checkpoints.filter((r) => !r.ok).length;
  lines.push(
    badCheckpoints === 0
      ? `All checkpoints of ${checkpoints.length} offices verify.`
      : `${badCheckpoints} of ${checkpoints.length} offices have a bad checkpoint.`,
  );
  return { ok: broken === 0 && badCheckpoints === 0, lines };
}
