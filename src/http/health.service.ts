import type { Db } from '../db/database.js';
import { pingDatabase } from '../db/maintenance.js';

/** What the health routes ask: the process answers (always), and whether the database does. */
export function createHealthService(deps: { db: Db }) {
  return {
    ready: (): Promise<boolean> => pingDatabase(deps.db),
  };
}
export type HealthService = ReturnType<typeof createHealthService>;
