import type { Db } from '../db/database.js';
import type { Signer } from '../signing/signer.js';
import { listCheckpoints } from './audit.checkpoints.js';

/** The audit log's public face: the signed checkpoints anyone may keep copies of. */
export function createAuditService(deps: { db: Db; signer: Signer }) {
  const { db } = deps;

  /** The office's newest signed checkpoints, newest first (public: no personal data, only seq and hashes). */
  async function publishedCheckpoints(input: { tenantId: string }) {
    return listCheckpoints(db, input.tenantId);
  }

  return { publishedCheckpoints };
}
export type AuditService = ReturnType<typeof createAuditService>;
