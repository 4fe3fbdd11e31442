import { type Migration, type MigrationProvider, Migrator, NO_MIGRATIONS } from 'kysely';
import type { Db } from './database.js';
import * as m0001 from './migrations/0001_initial.js';
import * as m0002 from './migrations/0002_one_time_codes.js';
import * as m0003 from './migrations/0003_second_factor.js';
import * as m0004 from './migrations/0004_claim_codes.js';
import * as m0005 from './migrations/0005_holidays.js';
import * as m0006 from './migrations/0006_sla_alerts.js';
import * as m0007 from './migrations/0007_casework.js';
import * as m0008 from './migrations/0008_signing.js';
import * as m0009 from './migrations/0009_permits.js';
import * as m0010 from './migrations/0010_work_queue.js';
import * as m0011 from './migrations/0011_code_cooldown.js';
import { answerNikMigration } from './migrations/0015_answer_nik.js';
import { loadConfig } from '../config.js';
import * as m0012 from './migrations/0012_deliveries.js';
import * as m0013 from './migrations/0013_whatsapp_inbound.js';
import * as m0014 from './migrations/0014_office_setup.js';
import * as m0016 from './migrations/0016_contact_verification.js';
import * as m0017 from './migrations/0017_appointments.js';
import * as m0018 from './migrations/0018_early_statuses.js';
import * as m0019 from './migrations/0019_queue.js';
import * as m0020 from './migrations/0020_contacts.js';
import * as m0021 from './migrations/0021_appointment_codes.js';
import * as m0022 from './migrations/0022_queue_policy.js';
import * as m0023 from './migrations/0023_parcels.js';
import * as m0024 from './migrations/0024_helpdesk.js';
import * as m0025 from './migrations/0025_queue_booking_ticket.js';
import * as m0026 from './migrations/0026_retribution_coefficients.js';
import * as m0027 from './migrations/0027_bills_payments.js';
import * as m0028 from './migrations/0028_snap.js';
import * as m0029 from './migrations/0029_reconciliation.js';
import * as m0030 from './migrations/0030_revenue_targets.js';
import * as m0031 from './migrations/0031_foreign_residents.js';
import * as m0032 from './migrations/0032_survey.js';
import * as m0033 from './migrations/0033_screens.js';
import * as m0034 from './migrations/0034_dashboard_indexes.js';
import * as m0035 from './migrations/0035_sla_outcomes.js';
import * as m0037 from './migrations/0037_permit_status_statements.js';
import * as m0038 from './migrations/0038_pdf_signing.js';
import * as m0039 from './migrations/0039_permit_seals.js';
import * as m0040 from './migrations/0040_dashboard_covering_indexes.js';
import * as m0041 from './migrations/0041_cache_generations.js';
import * as m0042 from './migrations/0042_data_requests.js';
import * as m0044 from './migrations/0044_one_current_signing_key.js';

/** Migrations are listed here in order, so bundlers and tsx need no directory scanning. */
const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_one_time_codes': m0002,
  '0003_second_factor': m0003,
  '0004_claim_codes': m0004,
  '0005_holidays': m0005,
  '0006_sla_alerts': m0006,
  '0007_casework': m0007,
  '0008_signing': m0008,
  '0009_permits': m0009,
  '0010_work_queue': m0010,
  '0011_code_cooldown': m0011,
  '0012_deliveries': m0012,
  '0013_whatsapp_inbound': m0013,
  '0014_office_setup': m0014,
  // Seals NIK form answers with the data key, read from the configuration only if a row needs it.
  '0015_answer_nik': answerNikMigration(() => loadConfig(process.env).dataEncryptionKey),
  '0016_contact_verification': m0016,
  '0017_appointments': m0017,
  '0018_early_statuses': m0018,
  '0019_queue': m0019,
  '0020_contacts': m0020,
  '0021_appointment_codes': m0021,
  '0022_queue_policy': m0022,
  '0023_parcels': m0023,
  '0024_helpdesk': m0024,
  '0025_queue_booking_ticket': m0025,
  '0026_retribution_coefficients': m0026,
  '0027_bills_payments': m0027,
  '0028_snap': m0028,
  '0029_reconciliation': m0029,
  '0030_revenue_targets': m0030,
  '0031_foreign_residents': m0031,
  '0032_survey': m0032,
  '0033_screens': m0033,
  '0034_dashboard_indexes': m0034,
  '0035_sla_outcomes': m0035,
  // 0036 was never used (the number went to a branch that did not land).
  '0037_permit_status_statements': m0037,
  '0038_pdf_signing': m0038,
  '0039_permit_seals': m0039,
  '0040_dashboard_covering_indexes': m0040,
  '0041_cache_generations': m0041,
  '0042_data_requests': m0042,
  '0044_one_current_signing_key': m0044,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

/**
 * Brings the schema up to date; throws if a migration fails (the failed one is rolled back).
 */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error('migration failed', { cause: error });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Brings the schema to exactly `name` (tests that check a migration against data written before it). */
export async function migrateTo(db: Db, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error('migration failed', { cause: error });
}

/** Undoes every migration, newest first (npm run seed rebuilds from nothing). */
export async function migrateToNothing(db: Db): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateTo(NO_MIGRATIONS);
  if (error) throw error instanceof Error ? error : new Error('migration failed', { cause: error });
}
