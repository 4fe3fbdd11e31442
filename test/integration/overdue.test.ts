import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft } from '../helpers/journeys.js';

describe.each(DIALECTS)('overdue files are reported to the head (%s)', (dialect) => {
  let ctx: TestContext;
  let head: { userId: string; email: string };
  let id = '';

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    head = await userWithToken(ctx, 'head');
    const citizen = await userWithToken(ctx, 'applicant');
    id = await readyDraft(ctx, citizen.token, 'AK1');
    await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(citizen.token) });
  });
  afterAll(async () => ctx?.close());

  const headMail = () => ctx.db.selectFrom('notifications').selectAll().where('recipient_user_id', '=', head.userId).execute();

  it('says nothing while the file is within its working days', async () => {
    expect(await ctx.services.overdue.runOnce()).toEqual({ alerted: 0 });
  });

  it('alerts the head once when the file runs past its SLA, even when two instances scan at once', async () => {
    ctx.clock.advanceMinutes(60 * 24 * 10); // ten calendar days later
    const [a, b] = await Promise.all([ctx.services.overdue.runOnce(), ctx.services.overdue.runOnce()]);
    expect(a.alerted + b.alerted).toBe(1);
    expect(await ctx.services.overdue.runOnce()).toEqual({ alerted: 0 });
    await ctx.services.outbox.drain();
    const mails = await headMail();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/^Terlambat: MLG-AK1-2026-\d{6}/);
  });

  it('alerts again when the still-late file moves on to another stage', async () => {
    // (A fresh sign-in: the earlier tokens ran out with the ten days.)
    const verifier = (await userWithToken(ctx, 'verifier')).token;
    expect((await act(ctx, verifier, id, 'start_verification')).statusCode).toBe(200);
    expect(await ctx.services.overdue.runOnce()).toEqual({ alerted: 1 });
    await ctx.services.outbox.drain();
    expect(await headMail()).toHaveLength(2);
  });

  it('is a job of the jobs loop, every ten minutes, on the clock the loop gives it', async () => {
    const job = ctx.services.overdue;
    expect({ name: job.name, intervalMs: job.intervalMs }).toEqual({ name: 'sla-overdue', intervalMs: 10 * 60_000 });
    const citizen = await userWithToken(ctx, 'applicant');
    const late = await readyDraft(ctx, citizen.token, 'AK1');
    await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${late}/submit`, headers: auth(citizen.token) });
    expect(await job.run(ctx.clock)).toEqual({ alerted: 0 });
    // The service clock stays; the loop's clock is ten days on.
    const later = { now: () => new Date(ctx.clock.now().getTime() + 10 * 24 * 3_600_000) };
    expect(await job.run(later)).toEqual({ alerted: 1 });
    const alerts = await ctx.db.selectFrom('sla_alerts').select('application_id').where('application_id', '=', late).execute();
    expect(alerts).toHaveLength(1);
  });
});
