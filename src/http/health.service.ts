import type { Db } from '../db/database.js';
import { pingDatabase } from '../db/maintenance.js';
import type { VirusScanner } from '../documents/scanner.js';
import type { FileStorage } from '../documents/storage.js';

/** What /ready checks: always the database; the bucket with STORAGE_DRIVER=s3; clamd with VIRUS_SCANNER=clamd. */
export type Dependency = 'database' | 'storage' | 'virusScanner';

/** How long /ready waits for each dependency: a balancer's probe has a timeout of its own, often 2 to 5 s. */
export const READY_TIMEOUT_MS = 1500;

/**
 * What the health routes ask: the process answers (always, /health), and whether what a request needs
 * answers (/ready): the database, and the object storage and the virus scanner when they are services
 * of their own. Each check runs at once, at most READY_TIMEOUT_MS; `down` names what did not answer
 * (names only: no address, bucket or error text, as the probe is public).
 */
export function createHealthService(deps: { db: Db; storage: FileStorage | null; scanner: VirusScanner | null; timeoutMs?: number }) {
  const timeoutMs = deps.timeoutMs ?? READY_TIMEOUT_MS;
  const within = (check: Promise<boolean>): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    return Promise.race([check.catch(() => false), late]).finally(() => clearTimeout(timer));
  };
  const { storage, scanner } = deps;
  const checks: [Dependency, () => Promise<boolean>][] = [
    ['database', () => pingDatabase(deps.db)],
    ...(storage ? [['storage', () => storage.ready()] as [Dependency, () => Promise<boolean>]] : []),
    ...(scanner?.ready ? [['virusScanner', () => scanner.ready!(timeoutMs)] as [Dependency, () => Promise<boolean>]] : []),
  ];
  return {
    async ready(): Promise<{ ready: boolean; down: Dependency[] }> {
      const results = await Promise.all(checks.map(async ([name, check]) => [name, await within(check())] as const));
      const down = results.filter(([, up]) => !up).map(([name]) => name);
      return { ready: down.length === 0, down };
    },
  };
}
export type HealthService = ReturnType<typeof createHealthService>;
