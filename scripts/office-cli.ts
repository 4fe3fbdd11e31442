// What the office scripts (office-create, office-list, office-setup-link) share: argument parsing
// that names the mistake and exits 2, and the services over a migrated database.
import { configOrExit, DATA_EXIT, namedOptions } from './cli.js';
import { createDatabase, type Db } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createServices, type Services } from '../src/services.js';
import { AppError } from '../src/shared/errors.js';
import { systemClock } from '../src/shared/time.js';

/** Exit codes: 0 done, 1 refused or failed (nothing changed unless said), 2 bad arguments or settings. */
export const EXIT = DATA_EXIT;

/** The named options (`--code SBY`); an unknown option, a missing value or a stray word exits 2 with the usage. */
export const options = namedOptions;

/** Runs `work` with the services over the configured database, migrated first; maps a refusal to exit 1. */
export async function withServices(name: string, work: (services: Services) => Promise<void>): Promise<never> {
  const config = configOrExit();
  let db: Db | undefined;
  let status = 0;
  try {
    db = createDatabase(config.database);
    await migrateToLatest(db);
    await work(createServices({ config, db, clock: systemClock }));
  } catch (err) {
    if (err instanceof AppError) {
      const fields = err.details.fields?.map((f) => `  --${f.field}: ${f.message}`) ?? [];
      console.error(`${name}: refused:${fields.length ? `\n${fields.join('\n')}` : ` ${err.message}`}`);
      status = err.code === 'invalid_input' ? EXIT.usage : EXIT.refused;
    } else {
      console.error(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      status = EXIT.refused;
    }
  } finally {
    await db?.destroy().catch(() => undefined);
  }
  process.exit(status);
}
