import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDate } from '../../src/web/i18n.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

/** Tracking shows how far along a file is and when it should be done (issue 16, item 8). */
describe.each(DIALECTS)('tracking: step, expected date, lateness (%s)', (dialect) => {
  let ctx: TestContext;
  let id = '';
  let number = '';
  let code = '';
  let citizen = '';
  let ip = 0;
  const track = () => new PageClient(ctx).post('/lacak', { number, code }, { remoteAddress: `10.16.7.${++ip}` });
  const text = (body: string, attr: string) => new RegExp(`<[^>]*${attr}[^>]*>([^<]*)<`).exec(body)?.[1];

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    citizen = (await userWithToken(ctx, 'applicant')).token;
    await userWithToken(ctx, 'head');
    id = await readyDraft(ctx, citizen, 'PBG');
    const submitted = json<{ number: string; trackingCode: string }>(
      await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(citizen) }),
    );
    number = submitted.number;
    code = submitted.trackingCode;
  });
  afterAll(async () => ctx?.close());

  it('shows the stage as "step N of M" on the way to the permit, and the expected finish date', async () => {
    const own = json<{ sla: { dueDate: string } }>(await ctx.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(citizen) }));
    const first = await track();
    expect(first.statusCode).toBe(200);
    expect(text(first.body, 'data-step')).toBe('Langkah 1 dari 7');
    expect(first.body).toContain('Perkiraan selesai');
    expect(text(first.body, 'data-expected')).toBe(formatDate('id', `${own.sla.dueDate}T12:00:00Z`, 'UTC'));
    expect(first.body).not.toContain('data-late');

    const verifier = (await userWithToken(ctx, 'verifier')).token;
    expect((await act(ctx, verifier, id, 'start_verification')).statusCode).toBe(200);
    const second = await track();
    expect(text(second.body, 'data-step')).toBe('Langkah 2 dari 7');

    const api = json<{ step: { number: number; of: number }; expectedBy: string; late: boolean }>(
      await ctx.app.inject({ method: 'POST', url: '/api/v1/track', payload: { number, trackingCode: code }, remoteAddress: '10.16.6.1' }),
    );
    expect(api).toMatchObject({ step: { number: 2, of: 7 }, expectedBy: own.sla.dueDate, late: false });
  });

  it('says when a file is past its expected date, and that the office has been told once it has', async () => {
    ctx.clock.advanceMinutes(60 * 24 * 90); // three months on: far past any PBG service standard
    const late = await track();
    expect(late.statusCode).toBe(200);
    expect(late.body).toContain('data-late');
    expect(late.body).toContain('Permohonan ini melewati perkiraan selesai');
    expect(late.body).toContain('Kepala kantor diberi tahu secara otomatis');

    expect((await ctx.services.overdue.runOnce()).alerted).toBe(1);
    const told = await track();
    expect(told.body).toContain('Permohonan ini melewati perkiraan selesai');
    expect(told.body).toContain('Kantor sudah diberi tahu');

    const english = new PageClient(ctx);
    await english.post('/bahasa', { lang: 'en', kembali: '/lacak' });
    const en = await english.post('/lacak', { number, code }, { remoteAddress: '10.16.6.2' });
    expect(en.body).toContain('This application is past its expected date');
    expect(en.body).toContain('The office has been told');
    expect(text(en.body, 'data-step')).toBe('Step 2 of 7');
  });
});
