import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { DEMO_PDF } from '../../src/demo/demo-files.js';
import { AppError } from '../../src/shared/errors.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, type TestContext, userWithToken } from '../helpers/context.js';
import { validAnswers } from '../helpers/journeys.js';

/**
 * Application numbers are a limited resource: every submission takes the next value of a per-office,
 * per-type, per-year counter inside its own transaction. However many submissions run at once the
 * numbers must come out unique and without gaps (SECURITY.md, Reliability).
 */

// NIB has a single required document (ktp), so a ready draft costs two small transactions.
const CODE = 'NIB';
const YEAR = 2026; // TestClock starts on 2026-11-20
const SCOPE = `${CODE}-${YEAR}`;
const TOTAL = 1000;
const NUMBER_PATTERN = new RegExp(`^MLG-${CODE}-${YEAR}-(\\d{6})$`);

function suffixOf(number: string | null): number {
  const m = NUMBER_PATTERN.exec(number ?? '');
  if (!m) throw new Error(`unexpected application number ${String(number)}`);
  return Number(m[1]);
}

async function lastValue(ctx: TestContext): Promise<number | undefined> {
  const row = await ctx.db
    .selectFrom('number_sequences')
    .select('last_value')
    .where('tenant_id', '=', ctx.tenant.id)
    .where('scope', '=', SCOPE)
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.last_value);
}

/** Runs `fn` over `items` with at most `width` in flight (draft preparation only; the submissions fire all at once). */
async function inBatches<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}

describe.each(DIALECTS)('application numbering under concurrency (%s): REL-3', (dialect) => {
  let ctx: TestContext;
  let applicants: Actor[];
  let answers: Record<string, unknown>;

  async function readyDraft(actor: Actor): Promise<string> {
    const { application } = await ctx.services.applications.createApplication({ actor, permitTypeCode: CODE, answers });
    await ctx.services.documents.uploadDocument({
      actor,
      applicationId: application.id,
      requirementCode: 'ktp',
      fileName: 'ktp.pdf',
      claimedType: 'application/pdf',
      source: Readable.from([DEMO_PDF]),
    });
    return application.id;
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    answers = await validAnswers(ctx, CODE);
    applicants = [];
    // 25 drafts each: one account may upload 30 files a minute (documents.service.ts UPLOAD_LIMITS), and the test clock stands still.
    for (let i = 0; i < TOTAL / 25; i++) {
      const email = `pemohon.${i}@numbering.izol.id`;
      const { userId } = await ctx.services.auth.createUser({
        tenantId: ctx.tenant.id,
        role: 'applicant',
        name: `Pemohon ${i}`,
        email,
        password: `pemohon nomor ${i} rahasia`,
      });
      applicants.push({ userId, tenantId: ctx.tenant.id, role: 'applicant', name: `Pemohon ${i}` });
    }
  });
  afterAll(async () => ctx?.close());

  it(`gives ${TOTAL} submissions fired at once ${TOTAL} unique numbers with no gaps`, { timeout: 180_000 }, async () => {
    const slots = Array.from({ length: TOTAL }, (_, i) => i);
    const drafts: { id: string; actor: Actor }[] = [];
    await inBatches(slots, 25, async (i) => {
      const actor = applicants[i % applicants.length]!;
      drafts.push({ id: await readyDraft(actor), actor });
    });
    expect(drafts).toHaveLength(TOTAL);
    expect(await lastValue(ctx)).toBeUndefined();

    const results = await Promise.allSettled(
      drafts.map((d) => ctx.services.applications.performAction({ actor: d.actor, applicationId: d.id, action: 'submit' })),
    );
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
    expect(failures).toEqual([]);

    // What each caller was told matches what was stored.
    const told = new Map(results.map((r, i) => [drafts[i]!.id, r.status === 'fulfilled' ? r.value.number : null]));
    const rows = await ctx.db
      .selectFrom('applications')
      .select(['id', 'number', 'state', 'submitted_at', 'tracking_code'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('permit_code', '=', CODE)
      .execute();
    expect(rows).toHaveLength(TOTAL);
    for (const row of rows) {
      expect(row).toMatchObject({ state: 'submitted', number: told.get(row.id) });
      expect(row.submitted_at).not.toBeNull();
      expect(row.tracking_code).not.toBeNull();
    }
    const suffixes = rows.map((r) => suffixOf(r.number)).sort((a, b) => a - b);
    expect(new Set(suffixes).size).toBe(TOTAL);
    expect(suffixes).toEqual(slots.map((i) => i + 1));
    expect(await lastValue(ctx)).toBe(TOTAL);

    // Each submission left exactly one submit event and one outbox message.
    const events = await ctx.db
      .selectFrom('application_events')
      .select('application_id')
      .where('tenant_id', '=', ctx.tenant.id)
      .where('action', '=', 'submit')
      .execute();
    expect(events).toHaveLength(TOTAL);
    expect(new Set(events.map((e) => e.application_id)).size).toBe(TOTAL);
    const queued = await ctx.db.selectFrom('outbox').select('payload').where('topic', '=', 'notify.application_submitted').execute();
    expect(new Set(queued.map((q) => (JSON.parse(q.payload) as { applicationId: string }).applicationId))).toEqual(new Set(drafts.map((d) => d.id)));
    expect(queued).toHaveLength(TOTAL);
  });

  it('lets only one of two simultaneous submissions of the same draft through, using one number', { timeout: 60_000 }, async () => {
    const citizen = await userWithToken(ctx, 'applicant');
    const actor: Actor = { userId: citizen.userId, tenantId: ctx.tenant.id, role: 'applicant', name: 'double' };
    const ids: string[] = [];
    await inBatches(
      Array.from({ length: 20 }, (_, i) => i),
      10,
      async () => {
        ids.push(await readyDraft(actor));
      },
    );
    const before = (await lastValue(ctx)) ?? 0;

    const statuses = await Promise.all(
      ids.map(async (id) => {
        const [a, b] = await Promise.all(
          [0, 1].map(() => ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(citizen.token) })),
        );
        return [a!.statusCode, b!.statusCode].sort();
      }),
    );
    for (const pair of statuses) expect(pair).toEqual([200, 409]);
    expect(await lastValue(ctx)).toBe(before + ids.length);

    const rows = await ctx.db.selectFrom('applications').select(['number', 'state']).where('id', 'in', ids).execute();
    expect(rows.every((r) => r.state === 'submitted')).toBe(true);
    expect(rows.map((r) => suffixOf(r.number)).sort((a, b) => a - b)).toEqual(ids.map((_, i) => before + i + 1));
    const events = await ctx.db
      .selectFrom('application_events')
      .select('application_id')
      .where('application_id', 'in', ids)
      .where('action', '=', 'submit')
      .execute();
    expect(events).toHaveLength(ids.length);

    // The same race through the service layer: the loser is told 409 with a domain code, not a 500.
    const one = await readyDraft(actor);
    const settled = await Promise.allSettled([0, 1].map(() => ctx.services.applications.performAction({ actor, applicationId: one, action: 'submit' })));
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    const loser = settled.find((s) => s.status === 'rejected');
    expect(loser?.reason).toBeInstanceOf(AppError);
    expect((loser!.reason as AppError).status).toBe(409);
    expect(await lastValue(ctx)).toBe(before + ids.length + 1);
  });
});
