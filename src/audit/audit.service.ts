import type { Db } from '../db/database.js';
import { type Clock, isoNow } from '../shared/time.js';
import type { Signer } from '../signing/signer.js';
import { checkpointAllTenants, listCheckpoints } from './audit.checkpoints.js';

/** The audit log's signed checkpoints: made by the ten-minute job, published for anyone to keep. */
export function createAuditService(deps: { db: Db; signer: Signer }) {
  const { db, signer } = deps;

  /** The office's newest signed checkpoints, newest first (public: no personal data, only seq and hashes). */
  async function publishedCheckpoints(input: { tenantId: string }) {
    return listCheckpoints(db, input.tenantId);
  }

  /** Signs each office's audit head that moved since its last checkpoint, dated by the clock given. */
  async function checkpointAll(input: { clock: Clock }) {
    return checkpointAllTenants(db, signer, isoNow(input.clock));
  }

  return { publishedCheckpoints, checkpointAll };
}
export type AuditService = ReturnType<typeof createAuditService>;
