/**
 * Inputs the OpenAPI fuzzer (fuzz-openapi.test.ts) found answered 500, each kept here as it was found
 * (ASVS v5.0.0-2.2.1, 16.5.1): now a 4xx problem with a message that says what to send.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { auth, createTestContext, json, type TestContext, userWithToken } from '../helpers/context.js';
import { DIALECTS } from '../helpers/databases.js';
import { validAnswers } from '../helpers/journeys.js';

const BOUNDARY = 'izolfuzzboundary';
/**
 * The body the fuzzer sent (seed 1383888388, path 223 on uploadParcelPhoto): one complete file part, then
 * a second file part cut off part-way, with no closing boundary.
 */
const CUT_AFTER_ONE_PART = Buffer.from(
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="2026-11-20T25:61:00Z"\r\n\r\n%PDF-1.7\n<script>alert(1)</script>\r\n` +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="fil`,
);

describe.each(DIALECTS)('inputs the fuzzer found (%s): v5.0.0-2.2.1, 16.5.1', (dialect) => {
  let ctx: TestContext;
  let admin: string;
  let adminActor: Actor;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const a = await userWithToken(ctx, 'admin');
    admin = a.token;
    adminActor = { userId: a.userId, tenantId: ctx.tenant.id, role: 'admin', name: 'Test admin' };
  });
  afterAll(async () => ctx?.close());

  it('answers a parcel photo whose body is cut off after its file part with 400 invalid_input, not 500, and stores no photo', async () => {
    const parcel = await ctx.services.parcels.logParcel({ actor: adminActor, company: 'JNE', trackingNumber: 'JN000999111', senderName: 'Pak Darto' });
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/parcels/${parcel.id}/photos`,
      headers: { ...auth(admin), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: CUT_AFTER_ONE_PART,
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(json<{ code: string; errors: { field: string }[] }>(res)).toMatchObject({ code: 'invalid_input', errors: [{ field: 'file' }] });
    expect(await ctx.db.selectFrom('parcel_photos').selectAll().where('parcel_id', '=', parcel.id).execute()).toEqual([]);
  });

  it('answers an inspection photo cut off the same way with a 4xx problem, never a 500', async () => {
    const applicant = await userWithToken(ctx, 'applicant');
    const technical = await userWithToken(ctx, 'technical');
    const draft = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: auth(applicant.token),
      payload: { permitTypeCode: 'PBG', answers: await validAnswers(ctx, 'PBG') },
    });
    const id = json<{ id: string }>(draft).id;
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/applications/${id}/inspection/photos`,
      headers: { ...auth(technical.token), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: CUT_AFTER_ONE_PART,
    });
    // A draft is not the technical team's yet: 4xx either way; what matters is that it is never a 500.
    expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
    expect(res.statusCode, res.body).toBeLessThan(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
