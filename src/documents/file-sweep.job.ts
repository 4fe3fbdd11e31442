import type { Db } from '../db/database.js';
import type { Job } from '../jobs/jobs.js';
import type { Clock } from '../shared/time.js';
import { isFileReferenced, prunedFilesBetween } from './documents.repository.js';
import type { FileStorage } from './storage.js';

/** A pruned version's file stays at least this long after it was last used (committed, or found kept by an identical upload). */
export const FILE_SWEEP_GRACE_MINUTES = 15;
/** How far back the sweep looks at prunes: a file pruned while no instance ran for longer stays on disk (space, never data). */
export const FILE_SWEEP_LOOKBACK_HOURS = 48;

/**
 * Deletes the files of pruned draft versions (uploads.ts never deletes inline). Storage is content
 * addressed, so a file can be about to be referenced again at any moment: an upload of the same bytes
 * to another application finds the file kept and drops its own copy before its row commits. A file is
 * therefore deleted only when, FILE_SWEEP_GRACE_MINUTES after its prune, no document or permit row
 * points at it AND nothing used it in the grace period (storage.removeIfIdle takes it aside first and
 * puts it back when an upload dated it meanwhile). Safe beside another instance's run: each step is
 * idempotent, a file gone already is 'missing'.
 */
export function createFileSweepJob(deps: { db: Db; storage: FileStorage; intervalMs?: number }): Job {
  return {
    name: 'documents.file_sweep',
    intervalMs: deps.intervalMs ?? 5 * 60_000,
    async run(clock: Clock) {
      const now = clock.now().getTime();
      const idleSince = new Date(now - FILE_SWEEP_GRACE_MINUTES * 60_000);
      const from = new Date(now - FILE_SWEEP_LOOKBACK_HOURS * 3_600_000).toISOString();
      let removed = 0;
      for (const f of await prunedFilesBetween(deps.db, { from, to: idleSince.toISOString() })) {
        if (await isFileReferenced(deps.db, f.tenantId, f.sha256)) continue;
        if ((await deps.storage.removeIfIdle(f.tenantId, f.sha256, idleSince)) === 'removed') removed++;
      }
      return { removed };
    },
  };
}
