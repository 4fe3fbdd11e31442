import { DEMO_PDF, DEMO_PNG } from '../../src/demo/demo-files.js';
import { auth, multipartFile, type TestContext } from './context.js';

/** Valid answers for the REKLAME (billboard) form, as the catalogue defines it. */
export async function validAnswers(ctx: TestContext, code: string): Promise<Record<string, unknown>> {
  const type = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code });
  const out: Record<string, unknown> = {};
  for (const f of type.definition.fields) {
    switch (f.type) {
      case 'select':
        out[f.name] = f.options[0]!.value;
        break;
      case 'yes_no':
        out[f.name] = true;
        break;
      case 'nik':
        out[f.name] = '3573014506900002';
        break;
      case 'nib':
        out[f.name] = '1234567890123';
        break;
      case 'npwp':
        out[f.name] = '012345678901234';
        break;
      case 'kbli':
        out[f.name] = '47111';
        break;
      case 'email':
        out[f.name] = 'warga@contoh.id';
        break;
      case 'phone':
        out[f.name] = '081234567890';
        break;
      case 'address':
        out[f.name] = 'Jl. Ijen No. 10, Kec. Klojen, Kota Malang';
        break;
      case 'area_m2':
        out[f.name] = 120;
        break;
      case 'floor_count':
        out[f.name] = 2;
        break;
      case 'vehicle_plate':
        out[f.name] = 'N 1234 AB';
        break;
      case 'number':
        out[f.name] = f.min ?? 1;
        break;
      case 'date':
        out[f.name] = f.notAfter === 'today' ? '2000-01-01' : '2027-06-01';
        break;
      case 'textarea':
        out[f.name] = 'Keterangan contoh untuk pengujian.';
        break;
      case 'text':
        out[f.name] = 'Contoh isian'.padEnd(f.minLength ?? 0, '.');
        break;
    }
  }
  // Answers that agree with each other: an option no answer check restricts (not a "small house" of 120 m²).
  for (const c of type.definition.answerChecks) {
    const f = type.definition.fields.find((x) => x.name === c.when.field);
    const restricted = new Set(type.definition.answerChecks.filter((x) => x.when.field === c.when.field).flatMap((x) => x.when.in));
    if (f?.type === 'select' && restricted.has(String(out[f.name]))) out[f.name] = f.options.find((o) => !restricted.has(o.value))?.value;
  }
  return out;
}

/** Creates a draft with valid answers and every required document uploaded; returns its id. */
export async function readyDraft(ctx: TestContext, token: string, code = 'REKLAME', extra: Record<string, unknown> = {}): Promise<string> {
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/applications',
    headers: auth(token),
    payload: { permitTypeCode: code, answers: await validAnswers(ctx, code), ...extra },
  });
  if (created.statusCode !== 201) throw new Error(`create failed: ${created.body}`);
  const id = created.json<{ id: string }>().id;
  await uploadRequired(ctx, token, id, code);
  return id;
}

export async function uploadRequired(ctx: TestContext, token: string, id: string, code: string): Promise<void> {
  const type = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code });
  for (const req of type.definition.requirements.filter((r) => r.required)) {
    const pdf = req.acceptedTypes.includes('pdf');
    const put = () => {
      const file = multipartFile(pdf ? `${req.code}.pdf` : `${req.code}.png`, pdf ? DEMO_PDF : DEMO_PNG, pdf ? 'application/pdf' : 'image/png');
      return ctx.app.inject({
        method: 'PUT',
        url: `/api/v1/applications/${id}/documents/${req.code}`,
        headers: { ...auth(token), ...file.headers },
        payload: file.payload,
      });
    };
    let res = await put();
    // A fixture making many drafts for one account in one test minute waits out the per-account upload
    // limit (30 a minute, documents.service.ts UPLOAD_LIMITS) by moving the test clock on a minute.
    if (res.statusCode === 429) {
      ctx.clock.advanceMinutes(1);
      res = await put();
    }
    if (res.statusCode !== 201) throw new Error(`upload ${req.code} failed: ${res.body}`);
  }
}

export async function act(ctx: TestContext, token: string, id: string, action: string, extra: Record<string, unknown> = {}) {
  return ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/actions`, headers: auth(token), payload: { action, ...extra } });
}

/** The bearer tokens of the office staff who carry a file to its permit (the treasurer only for workflows with a fee). */
export type IssuingStaff = { verifier: string; technical: string; head: string; treasurer?: string };

/**
 * Carries a new application of `code` from draft to its issued permit through the JSON API, along the
 * shortest path of its workflow: the applicant files it, the office accepts every document, records the
 * inspection, assesses and records the fee where the workflow asks, approves and signs. Returns the
 * application and the permit it got.
 */
export async function issuedPermit(
  ctx: TestContext,
  applicant: string,
  staff: IssuingStaff,
  code = 'REKLAME',
): Promise<{ applicationId: string; permitId: string; number: string; verificationCode: string }> {
  const { workflow } = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code });
  const final = workflow.actions.find((a) => a.issuesPermit);
  if (!final) throw new Error(`workflow ${workflow.code} issues no permit`);
  // Breadth-first over the workflow data, from the initial state to the state the permit is issued in.
  type Step = (typeof workflow.actions)[number];
  const prev = new Map<string, { from: string; action: Step }>();
  const queue = [workflow.initial];
  const seen = new Set(queue);
  while (queue.length) {
    const s = queue.shift()!;
    for (const a of workflow.actions.filter((x) => x.from.includes(s) && !seen.has(x.to))) {
      seen.add(a.to);
      prev.set(a.to, { from: s, action: a });
      queue.push(a.to);
    }
  }
  const path: Step[] = [];
  for (let s = final.to; s !== workflow.initial; s = prev.get(s)!.from) {
    if (!prev.has(s)) throw new Error(`state ${final.to} cannot be reached in workflow ${workflow.code}`);
    path.unshift(prev.get(s)!.action);
  }
  const tokenFor = (a: Step): string => {
    if (a.roles.includes('applicant')) return applicant;
    for (const role of a.roles) {
      const t = role === 'front_desk' || role === 'admin' || role === 'applicant' ? undefined : staff[role];
      if (t) return t;
    }
    throw new Error(`no token for action ${a.code} (roles ${a.roles.join(', ')})`);
  };
  const id = await readyDraft(ctx, applicant, code);
  for (const step of path) {
    const token = tokenFor(step);
    for (const p of step.preconditions) {
      if (p === 'all_required_documents_accepted') {
        const view = (await ctx.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(token) })).json<{
          requirements: { status: string; document: { id: string } | null }[];
        }>();
        for (const r of view.requirements.filter((q) => q.document && q.status !== 'accepted')) {
          const res = await ctx.app.inject({
            method: 'POST',
            url: `/api/v1/applications/${id}/documents/${r.document!.id}/review`,
            headers: auth(token),
            payload: { status: 'accepted' },
          });
          if (res.statusCode !== 200) throw new Error(`review failed: ${res.body}`);
        }
      } else if (p === 'inspection_recorded') {
        const res = await ctx.app.inject({
          method: 'POST',
          url: `/api/v1/applications/${id}/inspection`,
          headers: auth(staff.technical),
          payload: { result: 'pass', findings: 'Sesuai gambar rencana' },
        });
        if (res.statusCode !== 200) throw new Error(`inspection failed: ${res.body}`);
      }
    }
    const extra = {
      ...(step.requiresReason ? { reason: 'Alasan pengujian' } : {}),
      ...(step.input === 'fee_amount' ? { feeAmount: 250_000, feeReason: 'Pengujian: jumlah tetap' } : {}),
      ...(step.input === 'payment_reference' ? { paymentReference: `NTB-${id}` } : {}),
    };
    const res = await act(ctx, token, id, step.code, extra);
    if (res.statusCode !== 200) throw new Error(`${step.code} failed: ${res.body}`);
  }
  const permits = await ctx.app.inject({ url: `/api/v1/applications/${id}/permits`, headers: auth(applicant) });
  if (permits.statusCode !== 200) throw new Error(`listing the permits failed: ${permits.body}`);
  const [permit] = permits.json<{ id: string; number: string; verificationCode: string }[]>();
  if (!permit) throw new Error(`application ${id} was signed but has no permit`);
  return { applicationId: id, permitId: permit.id, number: permit.number, verificationCode: permit.verificationCode };
}
