import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { Database, Permit, Receipt, Tenant } from '../db/schema.js';
import { type PermitDocument, permitDocumentSchema, type ReceiptDocument, receiptDocumentSchema } from './permit.document.js';
import type { RegistryFilters } from './registry.schema.js';
import { parseJsonColumn } from '../shared/json.js';

/** Permits and receipts: every query of the permits feature lives here. */

/**
 * A permit row with its signed document read through the schema. `doc` is null when the stored text
 * is not a permit document at all: such a row cannot verify, and callers treat it as not authentic.
 */
export type PermitRecord = Permit & { doc: PermitDocument | null };
export type ReceiptRecord = Receipt & { doc: ReceiptDocument | null };

export function toPermitRecord(row: Permit): PermitRecord {
  const parsed = permitDocumentSchema.safeParse(parseJsonColumn(row.document));
  return { ...row, doc: parsed.success ? parsed.data : null };
}

export function toReceiptRecord(row: Receipt): ReceiptRecord {
  const parsed = receiptDocumentSchema.safeParse(parseJsonColumn(row.document));
  return { ...row, doc: parsed.success ? parsed.data : null };
}

const brandingSchema = z.object({ address: z.string().optional() }).catch({});

/** The office's printed address (its branding JSON column); none if unset or unreadable. */
export function officeAddressOf(tenant: Pick<Tenant, 'branding'>): string | null {
  return brandingSchema.parse(parseJsonColumn(tenant.branding)).address ?? null;
}

// ---- Permits ----

export async function findPermitById(db: Kysely<Database>, permitId: string): Promise<Permit | undefined> {
  return db.selectFrom('permits').selectAll().where('id', '=', permitId).executeTakeFirst();
}

export async function findPermit(db: Kysely<Database>, tenantId: string, permitId: string): Promise<PermitRecord | undefined> {
  const row = await db.selectFrom('permits').selectAll().where('tenant_id', '=', tenantId).where('id', '=', permitId).executeTakeFirst();
  return row && toPermitRecord(row);
}

export async function findPermitByCode(db: Kysely<Database>, tenantId: string, code: string): Promise<PermitRecord | undefined> {
  const row = await db.selectFrom('permits').selectAll().where('tenant_id', '=', tenantId).where('verification_code', '=', code).executeTakeFirst();
  return row && toPermitRecord(row);
}

export async function findPermitByPdfHash(db: Kysely<Database>, tenantId: string, sha256: string): Promise<PermitRecord | undefined> {
  const row = await db.selectFrom('permits').selectAll().where('tenant_id', '=', tenantId).where('pdf_sha256', '=', sha256).executeTakeFirst();
  return row && toPermitRecord(row);
}

/** The number and code of a permit (the one that replaced another), for a link to it. */
export async function findPermitReference(db: Kysely<Database>, permitId: string): Promise<{ number: string; verification_code: string } | undefined> {
  return db.selectFrom('permits').select(['number', 'verification_code']).where('id', '=', permitId).executeTakeFirst();
}

/** Every permit issued on a file, newest first. */
export async function listPermitsOfApplication(db: Kysely<Database>, tenantId: string, applicationId: string): Promise<PermitRecord[]> {
  const rows = await db
    .selectFrom('permits')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('application_id', '=', applicationId)
    .orderBy('issued_at', 'desc')
    .orderBy('number', 'desc')
    .execute();
  return rows.map(toPermitRecord);
}

export async function insertPermit(trx: Kysely<Database>, permit: Permit): Promise<void> {
  await trx.insertInto('permits').values(permit).execute();
}

/** Revokes a permit only if it is still valid; false when someone changed it first. */
export async function revokePermitIfValid(trx: Kysely<Database>, input: { permitId: string; at: string; by: string; reason: string }): Promise<boolean> {
  const res = await trx
    .updateTable('permits')
    .set({ status: 'revoked', revoked_at: input.at, revoked_by: input.by, revocation_reason: input.reason })
    .where('id', '=', input.permitId)
    .where('status', '=', 'valid')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Marks a permit superseded by `by` only if it is still valid; false otherwise. On PostgreSQL the row
 * lock this takes orders it against a concurrent revocation (see permits.issuer.ts supersede).
 */
export async function supersedePermitIfValid(trx: Kysely<Database>, input: { permitId: string; at: string; by: string }): Promise<boolean> {
  const res = await trx
    .updateTable('permits')
    .set({ status: 'superseded', superseded_at: input.at, superseded_by_id: input.by })
    .where('id', '=', input.permitId)
    .where('status', '=', 'valid')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Valid permits of an office, not yet reminded, whose last day falls in [from, until], with their type version. */
export async function listPermitsEndingBetween(
  db: Kysely<Database>,
  tenantId: string,
  from: string,
  until: string,
): Promise<{ id: string; valid_until: string | null; permit_type_version_id: string }[]> {
  return db
    .selectFrom('permits')
    .innerJoin('applications', 'applications.id', 'permits.application_id')
    .select(['permits.id', 'permits.valid_until', 'applications.permit_type_version_id'])
    .where('permits.tenant_id', '=', tenantId)
    .where('permits.status', '=', 'valid')
    .where('permits.reminder_sent_at', 'is', null)
    .where('permits.valid_until', '>=', from)
    .where('permits.valid_until', '<=', until)
    .execute();
}

/** Records that a permit's holder was reminded, once: false if another instance did it first. */
export async function markReminderSent(trx: Kysely<Database>, permitId: string, at: string): Promise<boolean> {
  const res = await trx
    .updateTable('permits')
    .set({ reminder_sent_at: at })
    .where('id', '=', permitId)
    .where('reminder_sent_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

// ---- The registry ----

function registryQuery(db: Kysely<Database>, tenantId: string, filters: RegistryFilters, today: string) {
  let q = db
    .selectFrom('permits')
    .innerJoin('permit_types', 'permit_types.id', 'permits.permit_type_id')
    .selectAll('permits')
    .where('permits.tenant_id', '=', tenantId)
    .where('permits.public_registry', '=', 1);
  const text = filters.q?.trim().toLowerCase();
  if (text) {
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(permits.number)`, 'like', sql`${like} escape '\\'`),
        eb(sql`lower(permits.holder_name)`, 'like', sql`${like} escape '\\'`),
        eb(sql`lower(coalesce(permits.business_name, ''))`, 'like', sql`${like} escape '\\'`),
      ]),
    );
  }
  if (filters.type) q = q.where('permits.permit_code', '=', filters.type);
  if (filters.from) q = q.where('permits.issued_on', '>=', filters.from);
  if (filters.to) q = q.where('permits.issued_on', '<=', filters.to);
  // "Expired" is not stored: it is a valid permit whose last day is before the office's today.
  switch (filters.status) {
    case undefined:
      break;
    case 'valid':
      q = q.where('permits.status', '=', 'valid').where((eb) => eb.or([eb('permits.valid_until', 'is', null), eb('permits.valid_until', '>=', today)]));
      break;
    case 'expired':
      q = q.where('permits.status', '=', 'valid').where('permits.valid_until', '<', today);
      break;
    case 'revoked':
    case 'superseded':
      q = q.where('permits.status', '=', filters.status);
      break;
  }
  return q;
}

/** How many permits of the office's public registry match, and the page asked for, newest first. */
export async function searchRegistryPermits(
  db: Kysely<Database>,
  input: { tenantId: string; filters: RegistryFilters; today: string; limit: number; offset: number },
): Promise<{ total: number; rows: PermitRecord[] }> {
  const base = registryQuery(db, input.tenantId, input.filters, input.today);
  const { total } = await base
    .clearSelect()
    .select((eb) => eb.fn.countAll<number | string>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await base.orderBy('permits.issued_at', 'desc').orderBy('permits.number', 'desc').limit(input.limit).offset(input.offset).execute();
  return { total: Number(total), rows: rows.map(toPermitRecord) };
}

/**
 * What changes when the office issues a permit: how many it has and the latest issue day (permits are
 * never deleted). With the status statements' fingerprint (a revocation, correction or renewal adds
 * one), it tells any instance whether its copy of the registry export is still the current one.
 * Read from the permits_registry index alone.
 */
export async function permitsFingerprint(db: Kysely<Database>, tenantId: string): Promise<string> {
  const row = await db
    .selectFrom('permits')
    .select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.max('issued_on').as('last')])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return `${Number(row?.n ?? 0)}:${String(row?.last ?? '')}`;
}

/** Where a batch of the export ends: the last row's place in the export's order (listRegistryBatch). */
export type RegistryCursor = { issuedOn: string; issuedAt: string; number: string };

/**
 * One batch of the (filtered) registry for the open-data export, newest first, after `after` (keyset
 * pagination: each batch is a range read, never an OFFSET, so the last batch costs what the first
 * does). The order (issue day, issue time, number) is the search's order (issue time, number), led by
 * the issue day so that the permits_registry index (tenant_id, issued_on) serves the range.
 */
export async function listRegistryBatch(
  db: Kysely<Database>,
  input: { tenantId: string; filters: RegistryFilters; today: string; after: RegistryCursor | null; limit: number },
): Promise<PermitRecord[]> {
  let q = registryQuery(db, input.tenantId, input.filters, input.today);
  const after = input.after;
  if (after) {
    q = q
      .where('permits.issued_on', '<=', after.issuedOn)
      .where((eb) =>
        eb.or([
          eb('permits.issued_on', '<', after.issuedOn),
          eb.and([
            eb('permits.issued_on', '=', after.issuedOn),
            eb.or([
              eb('permits.issued_at', '<', after.issuedAt),
              eb.and([eb('permits.issued_at', '=', after.issuedAt), eb('permits.number', '<', after.number)]),
            ]),
          ]),
        ]),
      );
  }
  const rows = await q.orderBy('permits.issued_on', 'desc').orderBy('permits.issued_at', 'desc').orderBy('permits.number', 'desc').limit(input.limit).execute();
  return rows.map(toPermitRecord);
}

// ---- Receipts ----

export async function findReceiptByCode(db: Kysely<Database>, tenantId: string, code: string): Promise<ReceiptRecord | undefined> {
  const row = await db.selectFrom('receipts').selectAll().where('tenant_id', '=', tenantId).where('verification_code', '=', code).executeTakeFirst();
  return row && toReceiptRecord(row);
}

export async function listReceiptsOfApplication(db: Kysely<Database>, tenantId: string, applicationId: string): Promise<ReceiptRecord[]> {
  const rows = await db
    .selectFrom('receipts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('application_id', '=', applicationId)
    .orderBy('created_at')
    .execute();
  return rows.map(toReceiptRecord);
}

/** One receipt of each kind per file: a second signing of the same kind leaves the first. */
export async function insertReceiptOnce(trx: Kysely<Database>, receipt: Receipt): Promise<void> {
  await trx
    .insertInto('receipts')
    .values(receipt)
    .onConflict((oc) => oc.columns(['application_id', 'kind']).doNothing())
    .execute();
}

// ---- What issuing and renewing read elsewhere ----

/** The still-open renewal application of a permit, if any (one at most: applications_open_renewal). */
export async function findOpenRenewal(db: Kysely<Database>, tenantId: string, permitId: string): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('applications')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('renews_permit_id', '=', permitId)
    .where('decided_at', 'is', null)
    .executeTakeFirst();
}

/** The holder's encrypted NIK from their account, if they have one. */
export async function findUserNikEncrypted(db: Kysely<Database>, userId: string): Promise<string | null> {
  const user = await db.selectFrom('users').select('nik_encrypted').where('id', '=', userId).executeTakeFirst();
  return user?.nik_encrypted ?? null;
}

/** Who signs: the name, role and position printed on the permit. */
export async function findSigner(db: Kysely<Database>, userId: string): Promise<{ name: string; role: string; position: string | null }> {
  return db.selectFrom('users').select(['name', 'role', 'position']).where('id', '=', userId).executeTakeFirstOrThrow();
}
