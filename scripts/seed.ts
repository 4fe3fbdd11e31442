// npm run seed: rebuilds the demo office from scratch (drops every table, migrates, installs the
// catalogue and, outside production, the demo accounts and applications). Local files are cleared too.
import fs from 'node:fs';
import { checkpointAllTenants } from '../src/audit/audit.checkpoints.js';
import { countApplications, ensureOffice } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import { createDatabase } from '../src/db/database.js';
import { compactSqlite } from '../src/db/maintenance.js';
import { migrateToLatest, migrateToNothing } from '../src/db/migrate.js';
import { DEMO_ACCOUNTS, seedDemoData } from '../src/demo/demo-data.js';
import { createServices } from '../src/services.js';
import { systemClock } from '../src/shared/time.js';

const config = loadConfig();
if (config.env === 'production') {
  // Seeding drops every table: on a live office that is every citizen's file and every issued permit.
  console.error('npm run seed drops the whole database and is refused with NODE_ENV=production. To set up an office use npm run office:create.');
  process.exit(2);
}
const db = createDatabase(config.database);
try {
  await migrateToNothing(db);
  await compactSqlite(db);
  if (config.storage.driver === 'local') fs.rmSync(config.storage.dir, { recursive: true, force: true });
  await migrateToLatest(db);
  const services = createServices({ config, db, clock: systemClock });
  const tenant = await ensureOffice(services);
  if (config.seedDemo) {
    const started = Date.now();
    const summary = await seedDemoData(services, tenant);
    console.log(`Demo data: ${summary.applications} applications, ${summary.accounts} accounts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log('By state:', summary.byState);
    console.log('Demo accounts:\n' + DEMO_ACCOUNTS.map((a) => `  ${a.role.padEnd(11)} ${a.email.padEnd(28)} ${a.password}`).join('\n'));
  } else {
    console.log(`Office ${tenant.code} ready with its catalogue (${await countApplications(db, tenant.id)} applications); no demo data in production.`);
  }
  const checkpoints = await checkpointAllTenants(db, services.signer, systemClock.now().toISOString());
  for (const c of checkpoints) if (c.error) throw new Error(c.error);
  console.log(`Signed audit checkpoints: ${checkpoints.filter((c) => c.created).length}`);
  await services.shared.close();
} finally {
  await db.destroy();
}
