/**
 * `npm run crash-check`: the crash scenario of test/integration/crash-effects.test.ts against the
 * database you choose (DATABASE_URL; default a fresh SQLite file). It WRITES to that database (test
 * accounts, drafts, PBG files with bills, the office's SNAP settings for a test bank): use a scratch
 * database, never production. A local SMTP server stands in for the mail provider.
 *
 *   npm run crash-check
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/izol_scratch npm run crash-check
 *   CRASH_DRAFTS=200 CRASH_BILLS=10 npm run crash-check
 *
 * Prints each check with what it saw; exits 1 when one fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contextOnDatabase, runCrashEffects } from '../test/helpers/crash-scenario.js';
import { startFakeSmtp } from '../test/helpers/fake-gateways.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-crash-check-'));
const databaseUrl = process.env.DATABASE_URL ?? `sqlite:${path.join(dir, 'izol.db')}`;
const storageDir = process.env.STORAGE_DIR ?? path.join(dir, 'files');
const drafts = Number(process.env.CRASH_DRAFTS ?? 60);
const bills = Number(process.env.CRASH_BILLS ?? 6);

console.log(`Crash check on ${databaseUrl.replace(/\/\/[^@]*@/, '//…@')} (files in ${storageDir})`);
const smtp = await startFakeSmtp();
const ctx = await contextOnDatabase(databaseUrl, storageDir);
let failed: boolean | undefined;
try {
  const result = await runCrashEffects({
    ctx,
    smtp,
    env: { DATABASE_URL: databaseUrl, STORAGE_DIR: storageDir },
    drafts,
    bills,
    log: (l) => console.log(`  ${l}`),
  });
  console.log('');
  for (const c of result.checks) console.log(`${c.ok ? 'PASS' : 'FAIL'}  ${c.what}\n      ${c.saw}`);
  const n = result.counts;
  console.log(
    `\nacknowledged: ${n.submissionsAcknowledged} submissions (${n.submissionsLost} unanswered at the kill), ${n.paymentsAcknowledged} payments (${n.paymentsLost} unanswered, retried by the bank)` +
      `\nmail: ${n.mails} received by the SMTP server under ${n.messageIds} Message-IDs; ${n.deliveredTwice} arrived twice (in flight at the kill, same Message-ID);` +
      ` ${n.claimedAtKill} deliveries and ${n.outboxClaimedAtKill} outbox messages claimed by the killed server waited for their 5-minute lease`,
  );
  failed = result.checks.some((c) => !c.ok);
} finally {
  await ctx.close();
  await smtp.close();
  if (!process.env.DATABASE_URL) fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(failed === false ? 0 : 1);
