import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../db/database.js';
import type { ScreenSlidesTable } from '../db/schema.js';

export type ScreenSlideRow = Selectable<ScreenSlidesTable>;

const asSlide = (r: ScreenSlideRow): ScreenSlideRow => ({
  ...r,
  position: Number(r.position),
  duration_seconds: Number(r.duration_seconds),
  enabled: Number(r.enabled),
});

/** True once the office has a playlist (made with its default slides; an emptied one stays). */
export async function playlistExists(db: Db, tenantId: string): Promise<boolean> {
  const row = await db.selectFrom('screen_playlists').select('tenant_id').where('tenant_id', '=', tenantId).executeTakeFirst();
  return row !== undefined;
}

/** Marks the office as having a playlist; false when another request made it first (nothing written). */
export async function claimPlaylist(db: Db, tenantId: string, now: string): Promise<boolean> {
  const result = await db
    .insertInto('screen_playlists')
    .values({ tenant_id: tenantId, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('tenant_id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function touchPlaylist(db: Db, tenantId: string, now: string): Promise<void> {
  await db.updateTable('screen_playlists').set({ updated_at: now }).where('tenant_id', '=', tenantId).execute();
}

/** The office's slides in playlist order. */
export async function listSlides(db: Db, tenantId: string): Promise<ScreenSlideRow[]> {
  const rows = await db.selectFrom('screen_slides').selectAll().where('tenant_id', '=', tenantId).orderBy('position').orderBy('id').execute();
  return rows.map(asSlide);
}

export async function insertSlide(db: Db, row: Insertable<ScreenSlidesTable>): Promise<void> {
  await db.insertInto('screen_slides').values(row).execute();
}

export async function updateSlide(db: Db, tenantId: string, id: string, set: Updateable<ScreenSlidesTable>): Promise<void> {
  await db.updateTable('screen_slides').set(set).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export async function deleteSlide(db: Db, tenantId: string, id: string): Promise<void> {
  await db.deleteFrom('screen_slides').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/**
 * The office's applications filed in [fromIso, toIso), counted by channel (online, walk_in, courier,
 * assisted): the digital take-up slide's figure, pooled over every permit type.
 */
export async function countFiledByChannel(db: Db, tenantId: string, fromIso: string, toIso: string): Promise<{ channel: string; n: number }[]> {
  const rows = await db
    .selectFrom('applications')
    .select((eb) => ['channel', eb.fn.countAll<number | string>().as('n')])
    .where('tenant_id', '=', tenantId)
    .where('submitted_at', 'is not', null)
    .where('submitted_at', '>=', fromIso)
    .where('submitted_at', '<', toIso)
    .groupBy('channel')
    .execute();
  return rows.map((r) => ({ channel: r.channel, n: Number(r.n) }));
}
