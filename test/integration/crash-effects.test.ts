import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { type CrashEffectsResult, runCrashEffects } from '../helpers/crash-scenario.js';
import { DIALECTS } from '../helpers/databases.js';
import { type FakeSmtp, startFakeSmtp } from '../helpers/fake-gateways.js';

/**
 * Issue 15, item 4: crash safety beyond submissions (test/helpers/crash-scenario.ts, also
 * `npm run crash-check`). The real server takes concurrent submissions and the bank's SNAP payment
 * notifications while its outbox mails a real local SMTP server, which holds one message (received,
 * not yet acknowledged) when the server is SIGKILLed. After a restart: every acknowledged write is
 * there once, the numbering has no gap or repeat, every bill has one payment, every notification is
 * sent, and a message reached the SMTP server twice only if its send was in flight at the kill, with
 * the same Message-ID both times (the outbox is at-least-once towards SMTP; the Message-ID is what
 * lets the recipient's mail system see one message).
 */
describe.each(DIALECTS)('SIGKILL during submissions, payments and sends (%s)', (dialect) => {
  let ctx: TestContext;
  let smtp: FakeSmtp;
  let result: CrashEffectsResult;

  beforeAll(async () => {
    smtp = await startFakeSmtp();
    ctx = await createTestContext(dialect);
  }, 60_000);
  afterAll(async () => {
    await ctx?.close();
    await smtp?.close();
  });

  it(
    'keeps every acknowledged write exactly once and sends every message, twice only under its own Message-ID (REL-1, REL-2, REL-4)',
    { timeout: 120_000 },
    async () => {
      result = await runCrashEffects({ ctx, smtp, env: { DATABASE_URL: ctx.databaseUrl, STORAGE_DIR: ctx.storageDir }, drafts: 40, bills: 4 });
      expect(result.checks.filter((c) => !c.ok)).toEqual([]);
      expect(result.counts.submissionsAcknowledged).toBeGreaterThan(0);
      expect(result.counts.paymentsAcknowledged).toBeGreaterThan(0);
      // The killed server had claimed deliveries (a batch per run, 5-minute leases); the held message and any
      // other send in flight at the kill arrived twice (same Message-ID, checked above), the rest once, after the lease.
      expect(result.counts.deliveredTwice).toBeGreaterThanOrEqual(1);
      expect(result.counts.deliveredTwice).toBeLessThanOrEqual(result.counts.claimedAtKill);
      expect(result.counts.messageIds).toBe(result.counts.mails - result.counts.deliveredTwice);
    },
  );
});
