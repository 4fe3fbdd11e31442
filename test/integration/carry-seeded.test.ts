import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { can } from '../../src/access/access.js';
import type { Actor } from '../../src/access/actor.js';
import { DEMO_ACCOUNTS, seedDemoData } from '../../src/demo/demo-data.js';
import { DEMO_PDF, DEMO_PNG } from '../../src/demo/demo-files.js';
import { actionsFor, stateKind } from '../../src/workflow/workflow.engine.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, enrollSecondFactor, type TestContext } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';

/** The order officers move a file forward; the first one a role may take is taken. */
const FORWARD = ['start_verification', 'forward', 'recommend', 'assess_fee', 'record_payment', 'approve', 'sign'];
const STAFF: Role[] = ['verifier', 'technical', 'treasurer', 'head'];

describe.each(DIALECTS)('every seeded application can be carried to a decision through the back-office pages (%s)', (dialect) => {
  let ctx: TestContext;
  const pages = new Map<Role, PageClient>();

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    await seedDemoData(ctx.services, ctx.tenant, { applications: 40 });
    for (const role of STAFF) {
      const account = DEMO_ACCOUNTS.find((a) => a.role === role)!;
      const user = await ctx.db.selectFrom('users').select('id').where('email', '=', account.email).executeTakeFirstOrThrow();
      const secret = await enrollSecondFactor(ctx, user.id);
      const page = new PageClient(ctx);
      await page.post('/akun/masuk', { login: account.email, password: account.password });
      const ok = await page.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) });
      expect(ok.statusCode, role).toBe(303);
      pages.set(role, page);
    }
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('moves each submitted file forward by the role the workflow names, until it is issued or already decided', async () => {
    const apps = await ctx.db.selectFrom('applications').select(['id', 'number']).where('number', 'is not', null).execute();
    const system: Actor = { userId: 'x', tenantId: ctx.tenant.id, role: 'head', name: 'x' };
    for (const { id } of apps) {
      for (let guard = 0; guard < 25; guard++) {
        const view = await ctx.services.applications.getApplication({ actor: system, applicationId: id });
        const { app, workflow, definition, docs } = view;
        if (stateKind(workflow, app.state) === 'final') break;
        if (app.state === 'returned_to_applicant') {
          // The applicant's side (citizen or front desk) replaces refused documents and resubmits.
          const owner = await ctx.db
            .selectFrom('users')
            .select(['id', 'role', 'name'])
            .where('id', '=', app.applicant_id ?? app.intake_officer_id!)
            .executeTakeFirstOrThrow();
          const actor: Actor = { userId: owner.id, tenantId: ctx.tenant.id, role: owner.role as Role, name: owner.name };
          expect(can(actor, 'application.act', { application: app })).toBe(true);
          for (const d of docs.filter((x) => x.review_status === 'refused')) {
            const r = definition.requirements.find((q) => q.code === d.requirement_code)!;
            const pdf = r.acceptedTypes.includes('pdf');
            await ctx.services.documents.uploadDocument({
              actor,
              applicationId: id,
              requirementCode: r.code,
              fileName: pdf ? 'ganti.pdf' : 'ganti.png',
              source: Readable.from([Buffer.concat([pdf ? DEMO_PDF : DEMO_PNG, Buffer.from(`%${id}`)])]),
            });
          }
          await ctx.services.applications.performAction({ actor, applicationId: id, action: 'resubmit' });
          continue;
        }
        const role = STAFF.find((r) => actionsFor(workflow, app.state, r).some((a) => FORWARD.includes(a.code)));
        expect(role, `${app.number} in ${app.state}`).toBeDefined();
        const page = pages.get(role!)!;
        const code = FORWARD.find((c) => actionsFor(workflow, app.state, role!).some((a) => a.code === c))!;
        if (code === 'forward') {
          for (const d of docs.filter((x) => x.review_status !== 'accepted')) {
            const res = await page.post(`/kantor/berkas/${id}/dokumen/${d.id}/periksa`, { [`doc-${d.id}-status`]: 'accepted' });
            expect(res.statusCode, `${app.number} review`).toBe(303);
          }
        }
        if (code === 'recommend' && definition.fieldInspection === 'required' && !app.inspection_recorded_at) {
          const res = await page.post(`/kantor/berkas/${id}/inspeksi`, { 'inspection-result': 'pass', 'inspection-findings': 'Sesuai dokumen.' });
          expect(res.statusCode, `${app.number} inspection`).toBe(303);
        }
        const res = await page.post(`/kantor/berkas/${id}/tindakan`, {
          action: code,
          [`action-${code}-fee`]: '250000',
          // The fee rules may give another amount; a different one needs its reason.
          [`action-${code}-fee-reason`]: 'Disesuaikan dengan hasil kajian teknis',
          [`action-${code}-reference`]: `NTB-${app.number}-${guard}`,
        });
        expect(res.statusCode, `${app.number} ${code}: ${res.body.match(/error-summary[\s\S]*?<\/ul>/)?.[0] ?? ''}`).toBe(303);
      }
    }
    const states = await ctx.db.selectFrom('applications').select('state').where('number', 'is not', null).execute();
    expect(states.length).toBe(apps.length);
    // The demo applicant's showcase (src/demo/demo-applicant.ts) includes a file the office cancelled.
    expect(states.every((s) => ['issued', 'rejected', 'withdrawn', 'cancelled'].includes(s.state))).toBe(true);
    expect(states.filter((s) => s.state === 'issued').length).toBeGreaterThan(apps.length / 2);
  }, 300_000);
});
