import pino from 'pino';
import { LOG_REDACT, createApp } from './app.js';
import { checkpointAllTenants } from './audit/audit.checkpoints.js';
import { countApplications, ensureOffice } from './bootstrap.js';
import { ConfigError, loadConfig } from './config.js';
import { createDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { DEMO_ACCOUNTS, seedDemoData } from './demo/demo-data.js';
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
  const logger = pino({ level: config.logLevel, redact: { paths: LOG_REDACT, censor: '[redacted]' } });
  const db = createDatabase(config.database);
  const applied = await migrateToLatest(db);
  if (applied.length) logger.info({ migrations: applied }, 'database migrated');

  const services = createServices({ config, db, clock: systemClock });
  const tenant = await ensureOffice(services);
  if (config.seedDemo && (await countApplications(db, tenant.id)) === 0) {
    logger.info('empty database: creating demo data (a few hundred applications), this takes a little while');
    const summary = await seedDemoData(services, tenant);
    logger.info(summary, 'demo data ready');
  }

  const app = await createApp(services, { logger });
  await app.listen({ port: config.port, host: config.host });
  services.outbox.start();
  // Overdue files are reported to the head every ten minutes (each file once per stage).
  const overdueTimer = setInterval(() => {
    services.overdue.runOnce().catch((err: unknown) => logger.error({ err: (err as Error).message }, 'overdue scan failed'));
  }, 10 * 60_000);
  overdueTimer.unref();
  // Holders of permits that end within 30 days are reminded once (permits.service remindExpiring).
  const reminderTimer = setInterval(() => {
    services.permits.remindExpiring().catch((err: unknown) => logger.error({ err: (err as Error).message }, 'expiry reminders failed'));
  }, 60 * 60_000);
  reminderTimer.unref();
  // Each office's audit head is signed at start and then every ten minutes when it moved (audit.checkpoints.ts).
  const checkpoint = () =>
    checkpointAllTenants(db, services.signer, services.clock.now().toISOString())
      .then((results) => {
        for (const r of results) if (r.error) logger.error({ tenantId: r.tenantId, err: r.error }, 'audit checkpoint failed');
      })
      .catch((err: unknown) => logger.error({ err: (err as Error).message }, 'audit checkpoints failed'));
  void checkpoint();
  const checkpointTimer = setInterval(() => void checkpoint(), 10 * 60_000);
  checkpointTimer.unref();
  if (config.env !== 'production' && config.seedDemo) {
    const lines = DEMO_ACCOUNTS.map((a) => `  ${a.role.padEnd(11)} ${a.email.padEnd(28)} ${a.password}`);
    console.log(`\nIzol is running at ${config.baseUrl}  (API docs: ${config.baseUrl}/api/docs)\nDemo accounts (development only):\n${lines.join('\n')}\n`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    clearInterval(overdueTimer);
    clearInterval(reminderTimer);
    clearInterval(checkpointTimer);
    await app.close();
    await services.outbox.stop();
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
