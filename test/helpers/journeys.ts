import { DEMO_PDF, DEMO_PNG } from '../../src/demo/demo-files.js';
import { auth, multipartFile, type TestContext } from './context.js';

/** Valid answers for the REKLAME (billboard) form, as the catalogue defines it. */
export async function validAnswers(ctx: TestContext, code: string): Promise<Record<string, unknown>> {
  const type = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code });
  const out: Record<string, unknown> = {};
  for (const f of type.definition.fields) {
    switch (f.type) {
      case 'select': out[f.name] = f.options[0]!.value; break;
      case 'yes_no': out[f.name] = true; break;
      case 'nik': out[f.name] = '3573014506900002'; break;
      case 'nib': out[f.name] = '1234567890123'; break;
      case 'npwp': out[f.name] = '012345678901234'; break;
      case 'kbli': out[f.name] = '47111'; break;
      case 'email': out[f.name] = 'warga@contoh.id'; break;
      case 'phone': out[f.name] = '081234567890'; break;
      case 'address': out[f.name] = 'Jl. Ijen No. 10, Kec. Klojen, Kota Malang'; break;
      case 'area_m2': out[f.name] = 120; break;
      case 'floor_count': out[f.name] = 2; break;
      case 'vehicle_plate': out[f.name] = 'N 1234 AB'; break;
      case 'number': out[f.name] = f.min ?? 1; break;
      case 'date': out[f.name] = f.notAfter === 'today' ? '2000-01-01' : '2027-06-01'; break;
      case 'textarea': out[f.name] = 'Keterangan contoh untuk pengujian.'; break;
      case 'text': out[f.name] = 'Contoh isian'.padEnd(f.minLength ?? 0, '.'); break;
    }
  }
  return out;
}

/** Creates a draft with valid answers and every required document uploaded; returns its id. */
export async function readyDraft(ctx: TestContext, token: string, code = 'REKLAME', extra: Record<string, unknown> = {}): Promise<string> {
  const created = await ctx.app.inject({ method: 'POST', url: '/api/v1/applications', headers: auth(token), payload: { permitTypeCode: code, answers: await validAnswers(ctx, code), ...extra } });
  if (created.statusCode !== 201) throw new Error(`create failed: ${created.body}`);
  const id = (created.json() as { id: string }).id;
  await uploadRequired(ctx, token, id, code);
  return id;
}

export async function uploadRequired(ctx: TestContext, token: string, id: string, code: string): Promise<void> {
  const type = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code });
  for (const req of type.definition.requirements.filter((r) => r.required)) {
    const pdf = req.acceptedTypes.includes('pdf');
    const file = multipartFile(pdf ? `${req.code}.pdf` : `${req.code}.png`, pdf ? DEMO_PDF : DEMO_PNG, pdf ? 'application/pdf' : 'image/png');
    const res = await ctx.app.inject({ method: 'PUT', url: `/api/v1/applications/${id}/documents/${req.code}`, headers: { ...auth(token), ...file.headers }, payload: file.payload });
    if (res.statusCode !== 201) throw new Error(`upload ${req.code} failed: ${res.body}`);
  }
}

export async function act(ctx: TestContext, token: string, id: string, action: string, extra: Record<string, unknown> = {}) {
  return ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/actions`, headers: auth(token), payload: { action, ...extra } });
}
