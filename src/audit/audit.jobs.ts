import type { Job } from '../jobs/jobs.js';
import type { AuditService } from './audit.service.js';

/**
 * Every ten minutes, and once at start: each office's audit head is signed into a checkpoint when it
 * moved (audit.checkpoints.ts). Offices are signed one by one; any that failed are named in the error
 * the jobs loop logs, after the others were signed.
 */
export function auditCheckpointsJob(audit: Pick<AuditService, 'checkpointAll'>): Job {
  return {
    name: 'audit.checkpoints',
    intervalMs: 10 * 60_000,
    runAtStart: true,
    async run(clock) {
      const results = await audit.checkpointAll({ clock });
      const failed = results.filter((r) => r.error);
      if (failed.length) throw new Error(`audit checkpoint failed: ${failed.map((r) => `office ${r.tenantId}: ${r.error}`).join('; ')}`);
      return results;
    },
  };
}
