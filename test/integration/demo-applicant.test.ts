/**
 * The demo applicant's account (README, "Demo accounts"), on SQLite and PostgreSQL: after the demo
 * seeding, Siti signs in and sees the whole life of an application: one file in every state her permit
 * types' workflows can reach (the expected set is read from the workflow data, not listed here); the
 * issued one's signed PDF downloads and its QR code verifies at /v/{code}; the returned one shows the
 * officer's reasons and the way to answer (replace the refused document, resubmit), which works; the one
 * waiting for payment has an open bill for DOMAIN.md's worked example; the paid one shows its QRIS
 * payment; every file the office decided with a reason shows it. Seeding again makes nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { countApplications } from '../../src/bootstrap.js';
import { seedDemoApplicant } from '../../src/demo/demo-applicant.js';
import { DEMO_ACCOUNTS, seedDemoData } from '../../src/demo/demo-data.js';
import { DEMO_PDF } from '../../src/demo/demo-files.js';
import type { WorkflowDefinition } from '../../src/workflow/workflow.schema.js';
import { formatRupiah } from '../../src/web/i18n.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, type TestContext } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';
import { readQrFromPdf } from '../helpers/permits.js';

type Summary = { id: string; number: string | null; permitCode: string; state: string; applicantName: string };
type Bill = { number: string; status: string; amount: number };
type Bills = { bills: Bill[]; payments: { provider: string; amount: number; state: string; billNumber: string | null }[] };
type Permit = { id: string; number: string; verificationCode: string; status: string };

/** Every state a file can be in: the first state and whatever an action of the workflow leads to from a state reached. */
function reachable(workflow: WorkflowDefinition): Set<string> {
  const seen = new Set([workflow.initial]);
  for (let grew = true; grew;) {
    grew = false;
    for (const a of workflow.actions)
      if (a.from.some((f) => seen.has(f)) && !seen.has(a.to)) {
        seen.add(a.to);
        grew = true;
      }
  }
  return seen;
}

describe.each(DIALECTS)('the demo applicant sees the whole life of an application (%s)', (dialect) => {
  let ctx: TestContext;
  const demo = DEMO_ACCOUNTS.find((a) => a.role === 'applicant')!;
  let token = '';
  let summary: Awaited<ReturnType<typeof seedDemoData>>;
  let mine: Summary[] = [];
  const browser = () => new PageClient(ctx);
  let page: PageClient;
  const workflows = new Map<string, WorkflowDefinition>();
  const inState = (state: string) => {
    const found = mine.filter((a) => a.state === state);
    expect(found, state).toHaveLength(1);
    return found[0]!;
  };
  const api = async <T>(url: string) => {
    const res = await ctx.app.inject({ url, headers: auth(token) });
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return json<T>(res);
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    summary = await seedDemoData(ctx.services, ctx.tenant, { applications: 12 });
    const login = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: demo.email, password: demo.password } });
    expect(login.statusCode, login.body).toBe(200);
    token = json<{ token: string }>(login).token;
    const list = await api<{ items: Summary[]; total: number }>('/api/v1/applications?pageSize=100');
    expect(list.items).toHaveLength(list.total);
    mine = list.items;
    for (const code of new Set(mine.map((a) => a.permitCode)))
      workflows.set(code, (await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code })).workflow);
    page = browser();
    const signIn = await page.post('/akun/masuk', { login: demo.email, password: demo.password });
    expect(signIn.statusCode).toBe(303);
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('holds one file in every state the workflows of her files can reach, and only her own', async () => {
    expect(summary.demoApplicantMissed).toBeUndefined();
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((a) => a.applicantName === demo.name)).toBe(true);
    const expected = new Set([...workflows.values()].flatMap((w) => [...reachable(w)]));
    // The workflow data has a state a permit is issued in and one that waits on the applicant: both are expected.
    for (const w of workflows.values()) {
      expect(expected).toContain(w.actions.find((a) => a.issuesPermit)!.to);
      expect(w.states.some((s) => s.kind === 'applicant' && expected.has(s.code))).toBe(true);
    }
    expect(new Set(mine.map((a) => a.state))).toEqual(expected);
    for (const state of expected) inState(state);
    // Her list page names each of them.
    const list = await page.get('/permohonan');
    expect(list.statusCode).toBe(200);
    for (const a of mine) expect(list.body).toContain(`href="/permohonan/${a.id}"`);
  });

  it('lets her download the issued permit’s signed PDF, whose QR code verifies at /v/{code}', async () => {
    const issuedState = [...workflows.values()][0]!.actions.find((a) => a.issuesPermit)!.to;
    const issued = inState(issuedState);
    const [permit] = await api<Permit[]>(`/api/v1/applications/${issued.id}/permits`);
    expect(permit).toMatchObject({ status: 'valid' });
    const detail = await page.get(`/permohonan/${issued.id}`);
    expect(detail.statusCode).toBe(200);
    const link = `/permohonan/${issued.id}/izin/${permit!.id}.pdf`;
    expect(detail.body).toContain(`href="${link}"`);
    const pdf = await page.get(link);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // The QR code holds the sealed address (docs/verification.md), which opens the same verdict.
    const qr = readQrFromPdf(pdf.rawPayload);
    expect(qr).toMatch(/^HTTPS?:\/\/[^/]+\/V\/IZ1:/);
    const sealed = await browser().get(new URL(qr!).pathname);
    expect(sealed.body).toContain('data-verification-status="valid"');
    const verified = await browser().get(`/v/${permit!.verificationCode}`);
    expect(verified.statusCode).toBe(200);
    expect(verified.body).toContain('data-verification-status="valid"');
    expect(verified.body).toContain(permit!.number);
  });

  it('shows the file waiting for payment with an open bill for DOMAIN.md’s worked example, and the paid one with its QRIS payment', async () => {
    const fileOf = (waiting: boolean) =>
      mine.filter((a) => {
        const w = workflows.get(a.permitCode)!;
        return w.actions.some((x) => x.input === 'payment_reference' && (waiting ? x.from.includes(a.state) : x.to === a.state));
      });
    const [waiting] = fileOf(true);
    expect(waiting).toBeDefined();
    const bills = await api<Bills>(`/api/v1/applications/${waiting!.id}/bills`);
    expect(bills.bills[0]).toMatchObject({ status: 'open', amount: 6_176_270 });
    const detail = await page.get(`/permohonan/${waiting!.id}`);
    expect(detail.body).toContain('data-bill-status="open"');
    expect(detail.body).toContain(formatRupiah(6_176_270));

    const [paid] = fileOf(false);
    expect(paid).toBeDefined();
    const paidBills = await api<Bills>(`/api/v1/applications/${paid!.id}/bills`);
    expect(paidBills.bills[0]).toMatchObject({ status: 'paid', amount: 6_176_270 });
    expect(paidBills.payments).toEqual([
      expect.objectContaining({ provider: 'qris', amount: 6_176_270, state: 'recorded', billNumber: paidBills.bills[0]!.number }),
    ]);
  });

  it('shows every reason the office gave on the file’s page', async () => {
    // The states only an action with a reason leads to (a return, a refusal, a cancellation): their files carry one.
    const onlyWithReason = (w: WorkflowDefinition, state: string) => {
      const into = w.actions.filter((x) => x.to === state);
      return into.length > 0 && into.every((x) => x.requiresReason);
    };
    let shown = 0;
    for (const a of mine) {
      const view = await ctx.services.applications.getApplication({ actor: await siti(), applicationId: a.id });
      const reason = view.events.at(-1)?.reason;
      if (onlyWithReason(workflows.get(a.permitCode)!, a.state)) expect(reason, a.state).toBeTruthy();
      if (!reason) continue;
      const detail = await page.get(`/permohonan/${a.id}`);
      expect(detail.body, a.state).toContain(escape(reason));
      shown++;
    }
    expect(shown).toBeGreaterThanOrEqual(mine.filter((a) => onlyWithReason(workflows.get(a.permitCode)!, a.state)).length);
    expect(shown).toBeGreaterThan(0);
  });

  it('shows the returned file’s reasons and the way to answer, and she answers it: a new document, then resubmit', async () => {
    const w = [...workflows.values()][0]!;
    const returnAction = w.actions.find((a) => a.requiresReason && w.states.find((s) => s.code === a.to)?.kind === 'applicant')!;
    const returned = inState(returnAction.to);
    const view = await ctx.services.applications.getApplication({ actor: await siti(), applicationId: returned.id });
    const refused = view.docs.filter((d) => d.review_status === 'refused');
    expect(refused.length).toBeGreaterThan(0);
    const detail = await page.get(`/permohonan/${returned.id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain(escape(view.events.at(-1)!.reason!));
    for (const d of refused) {
      expect(detail.body).toContain(`href="/permohonan/${returned.id}/dokumen/${d.requirement_code}"`);
      expect(detail.body).toContain(escape(d.review_reason!));
    }
    expect(detail.body).toContain(`href="/permohonan/${returned.id}/periksa"`);
    expect(detail.body).toContain('Ajukan kembali');

    for (const d of refused) {
      const up = await page.upload(
        `/permohonan/${returned.id}/dokumen/${d.requirement_code}`,
        'krk-2026.pdf',
        Buffer.concat([DEMO_PDF, Buffer.from('% 2026')]),
        'application/pdf',
      );
      expect(up.statusCode, up.body).toBe(303);
    }
    expect((await page.get(`/permohonan/${returned.id}/periksa`)).statusCode).toBe(200);
    const sent = await page.post(`/permohonan/${returned.id}/ajukan`, { declaration: 'yes' });
    expect(sent.statusCode, sent.body).toBe(303);
    const after = await ctx.services.applications.getApplication({ actor: await siti(), applicationId: returned.id });
    expect(w.states.find((s) => s.code === after.app.state)?.kind).toBe('office');
  });

  it('makes nothing more when seeded again, and a start on the seeded database does not seed', async () => {
    const before = await countApplications(ctx.db, ctx.tenant.id);
    expect(before).toBeGreaterThan(0); // the start seeds only an empty database (src/server.ts)
    const actors = {} as Parameters<typeof seedDemoApplicant>[2];
    for (const a of DEMO_ACCOUNTS) {
      const u = await ctx.db.selectFrom('users').select(['id', 'name']).where('email', '=', a.email).executeTakeFirstOrThrow();
      actors[a.role] = { userId: u.id, tenantId: ctx.tenant.id, role: a.role, name: u.name };
    }
    const started = Date.now();
    const again = await seedDemoApplicant(ctx.services, ctx.tenant, actors);
    expect(again).toEqual({ created: 0, byState: {}, missed: [] });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await countApplications(ctx.db, ctx.tenant.id)).toBe(before);
  });

  async function siti(): Promise<Actor> {
    const u = await ctx.db.selectFrom('users').select(['id', 'name']).where('email', '=', demo.email).executeTakeFirstOrThrow();
    return { userId: u.id, tenantId: ctx.tenant.id, role: 'applicant', name: u.name };
  }
});

/** As the html tag escapes text (src/web/html.ts). */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
