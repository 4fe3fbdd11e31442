/**
 * The drafts both submission benches file (bench/http.bench.ts's in-process case and
 * bench/submissions-profile.ts): `count` NIB applications with a KTP upload each, spread over `offices`
 * offices (the test context's own and `B01`…), one applicant per 25 drafts (an account may upload 30
 * files a minute).
 */
import { Readable } from 'node:stream';
import type { Actor } from '../src/access/actor.js';
import { ensureOffice, KOTA_MALANG } from '../src/bootstrap.js';
import { DEMO_PDF } from '../src/demo/demo-files.js';
import type { TestContext } from '../test/helpers/context.js';
import { validAnswers } from '../test/helpers/journeys.js';

export type SubmissionDraft = { id: string; actor: Actor };

export async function prepareSubmissionDrafts(ctx: TestContext, offices: number, count: number): Promise<SubmissionDraft[]> {
  const tenants = [ctx.tenant];
  for (let i = 1; i < offices; i++) {
    tenants.push(
      await ensureOffice(ctx.services, {
        ...KOTA_MALANG,
        code: `B${String(i).padStart(2, '0')}`,
        name: `Bench office ${i}`,
        hostnames: [`b${i}.bench.test`],
      }),
    );
  }
  const answers = await validAnswers(ctx, 'NIB');
  const actors: Actor[] = [];
  for (let k = 0; k < Math.max(offices, Math.ceil(count / 25)); k++) {
    const t = tenants[k % tenants.length]!;
    const { userId } = await ctx.services.auth.createUser({
      tenantId: t.id,
      role: 'applicant',
      name: 'Bench',
      email: `bench.${k}@${t.code.toLowerCase()}.bench.test`,
      password: 'bench password long enough',
    });
    actors.push({ userId, tenantId: t.id, role: 'applicant', name: 'Bench' });
  }
  const drafts: SubmissionDraft[] = [];
  for (let i = 0; i < count; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, count - i) }, async (_, j) => {
        const actor = actors[(i + j) % actors.length]!;
        const { application } = await ctx.services.applications.createApplication({ actor, permitTypeCode: 'NIB', answers });
        await ctx.services.documents.uploadDocument({
          actor,
          applicationId: application.id,
          requirementCode: 'ktp',
          fileName: 'ktp.pdf',
          claimedType: 'application/pdf',
          source: Readable.from([DEMO_PDF]),
        });
        drafts.push({ id: application.id, actor });
      }),
    );
  }
  return drafts;
}
