import type { Job } from '../jobs/jobs.js';
import type { PermitService } from './permits.service.js';

/**
 * Hourly: holders of renewable permits whose term ends soon are reminded, once per permit
 * (permits.service remindExpiring, each office as its own system actor, on the loop's clock).
 */
export function expiryRemindersJob(permits: Pick<PermitService, 'remindExpiring'>): Job {
  return { name: 'permits.expiry-reminders', intervalMs: 60 * 60_000, run: (clock) => permits.remindExpiring({ clock }) };
}
