import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../src/access/actor.js';
import { createApp } from '../../src/app.js';
import { ensureOffice } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { DEMO_PNG } from '../../src/demo/demo-files.js';
import { createServices, type Services } from '../../src/services.js';
import { auth, multipartFile, SECOND_OFFICE, type TestContext, userWithToken } from './context.js';
import { issuedPermit } from './journeys.js';

/**
 * An office with real journeys in it, for the backup and data-move tests: an issued REKLAME permit
 * (documents uploaded and reviewed, inspection, fee, signature, the permit PDF), a courier parcel with
 * a photo, and a second office. `reads` are what its people fetch afterwards: the application, every
 * document's bytes, the permit and its PDF, the parcel and its photo.
 */
export type OfficeReads = {
  requests: { name: string; url: string; token: string }[];
  photo: { actor: Actor; parcelId: string; photoId: string };
};

export async function seedOffice(ctx: TestContext): Promise<OfficeReads> {
  await ensureOffice(ctx.services, SECOND_OFFICE);
  const applicant = await userWithToken(ctx, 'applicant');
  const staff: Record<string, string> = {};
  for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) staff[role] = (await userWithToken(ctx, role)).token;
  const issued = await issuedPermit(ctx, applicant.token, {
    verifier: staff.verifier!,
    technical: staff.technical!,
    head: staff.head!,
    treasurer: staff.treasurer!,
  });
  const view = (await ctx.app.inject({ url: `/api/v1/applications/${issued.applicationId}`, headers: auth(applicant.token) })).json<{
    requirements: { document: { id: string } | null }[];
  }>();
  const documents = view.requirements.flatMap((r) => (r.document ? [r.document.id] : []));
  if (documents.length === 0) throw new Error('the issued application has no documents');

  const desk = await userWithToken(ctx, 'front_desk');
  const parcel = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/parcels',
    headers: auth(desk.token),
    payload: { company: 'JNE', trackingNumber: 'JNE0012345678', senderName: 'Pak Darto', permitTypeCode: 'NIB' },
  });
  if (parcel.statusCode !== 201) throw new Error(`parcel: ${parcel.body}`);
  const parcelId = parcel.json<{ id: string }>().id;
  const file = multipartFile('paket.png', DEMO_PNG, 'image/png');
  const photo = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/parcels/${parcelId}/photos`,
    headers: { ...auth(desk.token), ...file.headers },
    payload: file.payload,
  });
  if (photo.statusCode !== 201) throw new Error(`photo: ${photo.body}`);
  const photoId = photo.json<{ photos: { id: string }[] }>().photos[0]!.id;

  return {
    requests: [
      { name: 'application', url: `/api/v1/applications/${issued.applicationId}`, token: applicant.token },
      ...documents.map((id) => ({ name: `document ${id}`, url: `/api/v1/applications/${issued.applicationId}/documents/${id}`, token: applicant.token })),
      { name: 'permit', url: `/api/v1/permits/${issued.permitId}`, token: applicant.token },
      { name: 'permit PDF', url: `/api/v1/permits/${issued.permitId}/pdf`, token: applicant.token },
      { name: 'parcel', url: `/api/v1/parcels/${parcelId}`, token: desk.token },
    ],
    photo: { actor: { userId: desk.userId, tenantId: ctx.tenant.id, role: 'front_desk', name: 'Test front_desk' }, parcelId, photoId },
  };
}

/** What the service answers to each read: status, content type and the exact bytes. */
export async function served(app: FastifyInstance, services: Services, reads: OfficeReads) {
  const out: Record<string, { status: number; type: string | undefined; body: Buffer }> = {};
  for (const r of reads.requests) {
    const res = await app.inject({ url: r.url, headers: auth(r.token) });
    out[r.name] = { status: res.statusCode, type: res.headers['content-type'] as string | undefined, body: res.rawPayload };
  }
  const { stream } = await services.parcels.openPhoto({ actor: reads.photo.actor, id: reads.photo.parcelId, photoId: reads.photo.photoId });
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  out['parcel photo'] = { status: 200, type: 'image', body: Buffer.concat(chunks) };
  return out;
}

/** The service over another database and storage (a restored backup, a moved office), on the test's clock. */
export async function serviceOver(
  ctx: TestContext,
  env: Record<string, string>,
): Promise<{ app: FastifyInstance; services: Services; db: Db; close(): Promise<void> }> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SHED_EVENT_LOOP_DELAY_MS: '0', SHED_MAX_IN_FLIGHT: '0', ...env });
  const db = createDatabase(config.database);
  const services = createServices({ config, db, clock: ctx.clock });
  const app = await createApp(services);
  await app.ready();
  return {
    app,
    services,
    db,
    async close() {
      await app.close();
      await db.destroy();
    },
  };
}
