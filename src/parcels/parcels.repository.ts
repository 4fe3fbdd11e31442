import type { Kysely } from 'kysely';
import type { Database, Parcel, ParcelDirection, ParcelPhoto, ParcelPhotosTable, ParcelsTable } from '../db/schema.js';

type Db = Kysely<Database>;

export async function insertParcel(trx: Db, row: ParcelsTable): Promise<void> {
  await trx.insertInto('parcels').values(row).execute();
}

export async function findParcel(db: Db, tenantId: string, id: string): Promise<Parcel | undefined> {
  return db.selectFrom('parcels').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** The parcel already logged with this courier and tracking number in this direction, if any. */
export async function findParcelByTracking(
  db: Db,
  key: { tenantId: string; direction: ParcelDirection; companyKey: string; trackingNumber: string },
): Promise<Parcel | undefined> {
  return db
    .selectFrom('parcels')
    .selectAll()
    .where('tenant_id', '=', key.tenantId)
    .where('direction', '=', key.direction)
    .where('company_key', '=', key.companyKey)
    .where('tracking_number', '=', key.trackingNumber)
    .executeTakeFirst();
}

export type ParcelFilter = { direction?: ParcelDirection | undefined; linked?: boolean | undefined };

function filtered(db: Db, tenantId: string, f: ParcelFilter) {
  let q = db.selectFrom('parcels').where('tenant_id', '=', tenantId);
  if (f.direction) q = q.where('direction', '=', f.direction);
  if (f.linked === true) q = q.where('application_id', 'is not', null);
  if (f.linked === false) q = q.where('application_id', 'is', null);
  return q;
}

/** One page of the office's parcels, newest first, by direction and whether they belong to an application yet. */
export async function listParcels(db: Db, tenantId: string, f: ParcelFilter & { limit: number; offset?: number }): Promise<Parcel[]> {
  return filtered(db, tenantId, f)
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('id')
    .limit(f.limit)
    .offset(f.offset ?? 0)
    .execute();
}

/** How many parcels the same filter finds in all (the pages' count). */
export async function countParcels(db: Db, tenantId: string, f: ParcelFilter): Promise<number> {
  const row = await filtered(db, tenantId, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Parcels in or out in [from, to) (ISO instants), oldest first: the report groups them by office-local day. */
export async function parcelsBetween(db: Db, tenantId: string, range: { from: string; to: string }): Promise<Pick<Parcel, 'direction' | 'at'>[]> {
  return db
    .selectFrom('parcels')
    .select(['direction', 'at'])
    .where('tenant_id', '=', tenantId)
    .where('at', '>=', range.from)
    .where('at', '<', range.to)
    .orderBy('at')
    .execute();
}

/** Parcels received and not yet linked to an application, oldest first. */
export async function unlinkedParcels(db: Db, tenantId: string, limit: number): Promise<Parcel[]> {
  return db
    .selectFrom('parcels')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('direction', '=', 'in')
    .where('application_id', 'is', null)
    .orderBy('at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/**
 * Links a received parcel to an application, only while it belongs to none: false when another desk
 * linked it meanwhile (the caller's transaction then rolls back, a new application with it).
 */
export async function linkParcelRow(trx: Db, input: { id: string; applicationId: string; at: string; by: string }): Promise<boolean> {
  const r = await trx
    .updateTable('parcels')
    .set({ application_id: input.applicationId, linked_at: input.at, linked_by: input.by })
    .where('id', '=', input.id)
    .where('application_id', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** An application's parcels, in and out, oldest first (the tracking view and the case pages). */
export async function listParcelsOfApplication(db: Db, tenantId: string, applicationId: string): Promise<Parcel[]> {
  return (
    db
      .selectFrom('parcels')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('application_id', '=', applicationId)
      .orderBy('at')
      // At the same instant what came in went before what went out.
      .orderBy('direction')
      .orderBy('id')
      .execute()
  );
}

export async function insertParcelPhoto(trx: Db, row: ParcelPhotosTable): Promise<void> {
  await trx.insertInto('parcel_photos').values(row).execute();
}

/** The photos of a set of parcels in one query, oldest first, by parcel id. */
export async function listParcelPhotos(db: Db, tenantId: string, parcelIds: readonly string[]): Promise<Map<string, ParcelPhoto[]>> {
  const out = new Map<string, ParcelPhoto[]>();
  if (parcelIds.length === 0) return out;
  const rows = await db
    .selectFrom('parcel_photos')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('parcel_id', 'in', [...new Set(parcelIds)])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const r of rows) out.set(r.parcel_id, [...(out.get(r.parcel_id) ?? []), r]);
  return out;
}

export async function findParcelPhoto(db: Db, tenantId: string, parcelId: string, photoId: string): Promise<ParcelPhoto | undefined> {
  return db
    .selectFrom('parcel_photos')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('parcel_id', '=', parcelId)
    .where('id', '=', photoId)
    .executeTakeFirst();
}

/** Takes the parcel's row lock for the rest of the transaction (a no-op update; SQLite's one writer serialises anyway). */
export async function lockParcelRow(trx: Db, id: string): Promise<void> {
  await trx.updateTable('parcels').set({ id }).where('id', '=', id).execute();
}

export async function countParcelPhotos(db: Db, parcelId: string): Promise<number> {
  const row = await db
    .selectFrom('parcel_photos')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('parcel_id', '=', parcelId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The names of the officers on a set of parcels, by id. */
export async function officerNames(db: Db, tenantId: string, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('users')
    .select(['id', 'name'])
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The numbers of a set of applications, by id (the parcel list shows which file a parcel belongs to). */
export async function applicationNumbers(db: Db, tenantId: string, ids: readonly string[]): Promise<Map<string, string | null>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('applications')
    .select(['id', 'number'])
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.number]));
}
