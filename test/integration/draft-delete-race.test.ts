import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, type TestContext, userWithToken } from '../helpers/context.js';
import { readyDraft } from '../helpers/journeys.js';

/**
 * "Delete this draft" (issue 16 item 9) is the workflow's withdraw action from the draft state. Withdraw
 * also exists for a sent file, so a draft sent from another tab between the delete page's read and its
 * action must not be withdrawn: the action names the revision it decided on, and a changed file is a
 * 409 conflict that leaves the sent file as it is.
 */
describe.each(DIALECTS)('deleting a draft that was sent meanwhile (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  }, 60_000);
  afterAll(async () => ctx?.close());

  it('refuses to withdraw the file sent in the meantime, and it stays sent with its number', async () => {
    const { token, userId } = await userWithToken(ctx, 'applicant');
    const actor = { userId, tenantId: ctx.tenant.id, role: 'applicant' as const, name: 'Test applicant' };
    const id = await readyDraft(ctx, token);
    // What the delete page read: a draft at this revision.
    const read = await ctx.services.applications.getApplication({ actor, applicationId: id });
    expect(read.app.number).toBeNull();
    // Another tab sends it.
    const sent = await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(token) });
    expect(sent.statusCode, sent.body).toBe(200);
    // The delete goes ahead with what it read.
    const sentState = (await ctx.services.applications.getApplication({ actor, applicationId: id })).app.state;
    expect(sentState).not.toBe(read.app.state);
    const refused = await ctx.services.applications.performAction({ actor, applicationId: id, action: 'withdraw', expectedRevision: read.app.revision }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('conflict');
    const after = (await ctx.services.applications.getApplication({ actor, applicationId: id })).app;
    expect(after.state).toBe(sentState);
    expect(after.number).not.toBeNull();
  });

  it('still deletes a draft that did not change', async () => {
    const { token, userId } = await userWithToken(ctx, 'applicant');
    const actor = { userId, tenantId: ctx.tenant.id, role: 'applicant' as const, name: 'Test applicant' };
    const id = await readyDraft(ctx, token);
    const read = await ctx.services.applications.getApplication({ actor, applicationId: id });
    const done = await ctx.services.applications.performAction({ actor, applicationId: id, action: 'withdraw', expectedRevision: read.app.revision });
    expect(done.number).toBeNull();
    expect(done.state).not.toBe(read.app.state);
  });
});
