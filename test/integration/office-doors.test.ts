import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, enrollSecondFactor, type TestContext } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';

/**
 * The back office's home leads each role to the doors it works (issue 11): the front desk to the queue,
 * bookings, parcels, the help desk and the citizen look-up; a verifier to none of the desk's doors; the
 * admin's home to the booking and queue settings. Each link opens a page the role may use.
 */
describe.each(DIALECTS)('the doors from the back office (%s)', (dialect) => {
  let ctx: TestContext;
  let people = 0;
  const PASSWORD = 'nasi pecel pagi hari';

  async function officer(role: Role): Promise<PageClient> {
    const email = `${role}.${++people}@pintu.izol.test`;
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role, name: `Uji ${role} ${people}`, email, password: PASSWORD });
    const secret = await enrollSecondFactor(ctx, userId);
    const page = new PageClient(ctx);
    expect((await page.post('/akun/masuk', { login: email, password: PASSWORD })).headers.location).toBe('/kantor/kode');
    expect((await page.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) })).statusCode).toBe(303);
    return page;
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const DESK_DOORS = ['/kantor/antrian', '/kantor/janji-temu', '/kantor/kiriman', '/kantor/bantuan', '/kantor/warga'];

  it('leads the front desk to every door it works, and each opens', async () => {
    const desk = await officer('front_desk');
    const home = await desk.get('/kantor');
    for (const path of DESK_DOORS) {
      expect(home.body, path).toContain(`href="${path}"`);
      expect((await desk.get(path)).statusCode, path).toBe(200);
    }
  });

  it('shows a verifier none of the desk’s doors, and refuses them', async () => {
    const verifier = await officer('verifier');
    const home = await verifier.get('/kantor');
    for (const path of ['/kantor/antrian', '/kantor/janji-temu', '/kantor/kiriman', '/kantor/bantuan']) {
      expect(home.body, path).not.toContain(`href="${path}"`);
      expect((await verifier.get(path)).statusCode, path).toBe(403);
    }
  });

  it('leads the admin from the admin home to the booking and the queue settings', async () => {
    const admin = await officer('admin');
    const home = await admin.get('/kantor/admin');
    for (const path of ['/kantor/admin/janji-temu', '/kantor/admin/antrian']) {
      expect(home.body, path).toContain(`href="${path}"`);
      expect((await admin.get(path)).statusCode, path).toBe(200);
    }
  });
});
