import type { Db } from '../db/database.js';
import { AppError } from '../shared/errors.js';
import { latestNotifications, type Notification } from './notifications.repository.js';

/**
 * The built-in mailbox, read back. Only outside production: it shows every message of the office,
 * sign-in codes included, so developers and the browser tests can read what a citizen would receive.
 */
export function createNotificationService(deps: { db: Db; developmentMailbox: boolean }) {
  /** The office's 30 newest messages; "not found" in production, where there is no such mailbox. */
  async function developmentMailbox(input: { tenantId: string }): Promise<Notification[]> {
    if (!deps.developmentMailbox) throw new AppError('not_found', 'the development mailbox exists only outside production');
    return latestNotifications(deps.db, input.tenantId, 30);
  }
  return { developmentMailbox };
}
export type NotificationService = ReturnType<typeof createNotificationService>;
