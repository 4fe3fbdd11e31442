/**
 * Permit issuance and verification on SQLite and PostgreSQL (`npm run bench`).
 *
 * For each database: N files carried to "signing", then the head signs them one after another (each
 * sign renders the PDF, stores it and signs it inside the action's transaction), then public
 * verifications by code and by PDF upload. Prints figures only: nothing passes or fails on timings.
 */
import { performance } from 'node:perf_hooks';
import type { Actor } from '../src/access/actor.js';
import type { Role } from '../src/workflow/workflow.schema.js';
import { createTestContext, multipartFile, userWithToken } from '../test/helpers/context.js';
import { DIALECTS } from '../test/helpers/databases.js';
import { act, readyDraft } from '../test/helpers/journeys.js';
import { carryToIssued } from '../test/helpers/permits.js';

const FILES = Number(process.env.BENCH_PERMITS ?? 40);

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
const ms = (n: number) => `${n.toFixed(1)} ms`;

for (const dialect of DIALECTS) {
  const ctx = await createTestContext(dialect);
  try {
    const officers: Partial<Record<Role, Actor>> = {};
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
      const { userId } = await userWithToken(ctx, role);
      officers[role] = { userId, tenantId: ctx.tenant.id, role, name: role };
    }
    const citizen = await userWithToken(ctx, 'applicant');
    const ids: string[] = [];
    for (let i = 0; i < FILES; i++) {
      const id = await readyDraft(ctx, citizen.token, 'REKLAME');
      await act(ctx, citizen.token, id, 'submit');
      await carryToIssued(ctx, id, officers, { stopBefore: 'sign' });
      ids.push(id);
    }

    const signMs: number[] = [];
    for (const applicationId of ids) {
      const t0 = performance.now();
      await ctx.services.applications.performAction({ actor: officers.head!, applicationId, action: 'sign' });
      signMs.push(performance.now() - t0);
    }

    const permits = await ctx.db.selectFrom('permits').select(['id', 'verification_code', 'pdf_size']).execute();
    const verifyMs: number[] = [];
    for (const p of permits) {
      const t0 = performance.now();
      const res = await ctx.app.inject({ url: `/api/v1/verify/${p.verification_code}` });
      verifyMs.push(performance.now() - t0);
      if (res.json<{ status: string }>().status !== 'valid') throw new Error('a fresh permit did not verify');
    }
    const pdf = (await ctx.services.permits.openPdf({ actor: { ...officers.head!, role: 'head' }, permitId: permits[0]!.id })).stream;
    const chunks: Buffer[] = [];
    for await (const c of pdf) chunks.push(c as Buffer);
    const file = multipartFile('izin.pdf', Buffer.concat(chunks), 'application/pdf');
    const uploadMs: number[] = [];
    // The public check allows 20 uploads a minute per address: stay under it.
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now();
      const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/verify/pdf', headers: file.headers, payload: file.payload });
      uploadMs.push(performance.now() - t0);
      if (res.json<{ status: string }>().status !== 'valid') throw new Error(`the PDF check answered ${res.statusCode} ${res.body}`);
    }
    const sizes = permits.map((p) => Number(p.pdf_size));
    console.log(
      `${dialect.padEnd(8)} sign+issue p50 ${ms(percentile(signMs, 50))}, p95 ${ms(percentile(signMs, 95))} (${FILES} permits, PDF ${Math.min(...sizes)}–${Math.max(...sizes)} bytes); ` +
        `verify by code p50 ${ms(percentile(verifyMs, 50))}, p95 ${ms(percentile(verifyMs, 95))}; PDF upload check p50 ${ms(percentile(uploadMs, 50))}, p95 ${ms(percentile(uploadMs, 95))}`,
    );
  } finally {
    await ctx.close();
  }
}
