import { createApp, createLogger } from './app.js';
import { countApplications, prepareOffices } from './bootstrap.js';
import { ConfigError, loadConfig } from './config.js';
import { createDatabase } from './db/database.js';
import { createFileStorage, storageUnavailableMessage } from './documents/storage-driver.js';
import { migrateToLatest } from './db/migrate.js';
import { DEMO_ACCOUNTS, seedDemoData } from './demo/demo-data.js';
import { createJobRunner } from './jobs/jobs.js';
import { createServices } from './services.js';
import { systemClock } from './shared/time.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  if (config.env === 'production' && config.virusScanner.kind === 'builtin') {
    // Only reached with VIRUS_SCANNER=builtin set on purpose (config.ts refuses it unset in production).
    logger.warn(
      'VIRUS_SCANNER=builtin in production: uploads are checked only against the built-in list (the EICAR test file and a few hashes), not by a virus scanner; set VIRUS_SCANNER=clamd (docs/virus-scanning.md)',
    );
  }
  // The file store first: a bucket that is not there (or a folder that cannot be written) is a setting to fix.
  const storage = createFileStorage(config.storage);
  if (!(await storage.ready())) {
    console.error(storageUnavailableMessage(config.storage));
    process.exit(78); // EX_CONFIG
  }
  const db = createDatabase(config.database);
  const applied = await migrateToLatest(db);
  if (applied.length) logger.info({ migrations: applied }, 'database migrated');

  const services = createServices({ config, db, clock: systemClock, storage });
  services.shared.useLogger(logger);
  // With RATE_LIMIT_REDIS_URL, wait (briefly) for Redis so the first requests are counted; start anyway if it is down.
  await services.shared.ready(2000);
  // The demo office only outside production; a real office comes from npm run office:create.
  const { offices, demo: tenant } = await prepareOffices(services, { demo: config.env !== 'production' });
  if (offices.length === 0) {
    console.error(
      '\nIzol has no office to serve yet. Create the first one, then start again:\n' +
        '  npm run office:create -- --code SBY --name "DPMPTSP Kota Surabaya" --host izin.surabaya.go.id --timezone Asia/Jakarta --admin-email admin@surabaya.go.id\n' +
        '(with the same DATABASE_URL and DATA_ENCRYPTION_KEY as the server; see README, "Creating an office").\n',
    );
    await db.destroy();
    process.exit(78); // EX_CONFIG
  }
  if (tenant && config.seedDemo && (await countApplications(db, tenant.id)) === 0) {
    logger.info('empty database: creating demo data (a few hundred applications), this takes a little while');
    const summary = await seedDemoData(services, tenant);
    logger.info(summary, 'demo data ready');
  }

  const app = await createApp(services, { logger });
  await app.listen({ port: config.port, host: config.host });
  // One loop drives every background job (outbox, overdue scan, expiry reminders, audit checkpoints) on the services' clock.
  const jobs = createJobRunner({ clock: services.clock, logger, jobs: services.jobs });
  jobs.start();
  // The banner says which mode this is: production, or a development/demo instance with public accounts.
  if (config.env === 'production') {
    console.log(`\nIzol is running at ${config.baseUrl} in production mode: no demo data, no development mailbox.\n`);
  } else {
    const reach = config.host === '127.0.0.1' || config.host === 'localhost' || config.host === '::1' ? 'this machine only' : `the network (${config.host})`;
    const lines = config.seedDemo ? DEMO_ACCOUNTS.map((a) => `  ${a.role.padEnd(11)} ${a.email.padEnd(28)} ${a.password}`) : [];
    console.log(
      `\nIzol is running at ${config.baseUrl} in ${config.env} mode, reachable from ${reach}  (API docs: ${config.baseUrl}/api/docs)` +
        (lines.length ? `\nDemo accounts (development only, public knowledge):\n${lines.join('\n')}` : '') +
        '\n',
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    await jobs.stop();
    await services.shared.close();
    await db.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('Izol failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
