import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft } from '../helpers/journeys.js';

/**
 * An office's days are counted in its time zone. A file submitted at 23:30 in Malang (WIB) was
 * submitted at 01:30 the next day in Jayapura (WIT): when the admin corrects the office's time zone,
 * the stored due date the work queue sorts by moves with it, and agrees with the live SLA clock.
 */
describe.each(DIALECTS)('changing the office time zone (%s)', (dialect) => {
  let ctx: TestContext;
  let admin: Actor;
  let citizen: { token: string };
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    ctx.clock.set('2026-11-23T16:30:00.000Z'); // Monday 23:30 WIB, Tuesday 01:30 WIT
    const { userId } = await userWithToken(ctx, 'admin');
    admin = { userId, tenantId: ctx.tenant.id, role: 'admin', name: 'Admin' };
    citizen = await userWithToken(ctx, 'applicant');
  });
  afterAll(async () => ctx?.close());

  const stored = async (id: string) => (await ctx.db.selectFrom('applications').select('sla_due_on').where('id', '=', id).executeTakeFirstOrThrow()).sla_due_on;
  const live = async (id: string) =>
    json<{ sla: { dueDate: string | null } }>(await ctx.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(citizen.token) })).sla.dueDate;

  it('moves the stored due dates of open files with the new time zone', async () => {
    const id = await readyDraft(ctx, citizen.token);
    expect((await act(ctx, citizen.token, id, 'submit')).statusCode).toBe(200);
    const before = await stored(id);
    expect(before).toBe(await live(id));

    const settings = await ctx.services.settings.getSettings({ actor: admin });
    const { changed } = await ctx.services.settings.updateSettings({ actor: admin, settings: { ...settings, timeZone: 'Asia/Jayapura' } });
    expect(changed).toEqual(['timeZone']);
    const after = await stored(id);
    expect(after).not.toBe(before);
    expect(after).toBe(await live(id));
  });
});
