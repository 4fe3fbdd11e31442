import { randomUUID } from 'node:crypto';
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Application, Contact, ContactKind, Database } from '../db/schema.js';
import { normalisePhone } from '../shared/identifiers.js';

type Db = Kysely<Database>;

/**
 * Records one contact of a citizen with the office, inside the caller's transaction (the booking's, the
 * ticket's, the parcel's, the help request's, the application's), so the history never names a contact
 * that was rolled back. The phone is normalised and the email lower-cased here; either may be absent.
 */
export async function recordContact(
  trx: Db,
  c: {
    tenantId: string;
    userId?: string | null | undefined;
    phone?: string | null | undefined;
    email?: string | null | undefined;
    kind: ContactKind;
    channel: string;
    refId: string;
    label: string;
    at: string;
  },
): Promise<void> {
  await trx
    .insertInto('contacts')
    .values({
      id: randomUUID(),
      tenant_id: c.tenantId,
      user_id: c.userId ?? null,
      phone: c.phone ? (normalisePhone(c.phone) ?? null) : null,
      email: c.email ? c.email.trim().toLowerCase() : null,
      kind: c.kind,
      channel: c.channel,
      ref_id: c.refId,
      label: c.label,
      at: c.at,
    })
    .execute();
}

/**
 * Gives the contacts of one thing (an application, a help request …) to the account that has just claimed
 * it, inside the claim's transaction: claimApplication calls it for kind 'application' once the citizen took
 * a front-desk file into their account. Engineer D: the claim-by-link of help requests should call it the
 * same way (`attachContactsToUser(trx, { tenantId, kind: 'help_request', refId, userId })`, in the claim's
 * transaction). Only rows that name no account yet are changed: a contact made by one account is never
 * moved to another. Returns the number of rows it gave the account.
 */
export async function attachContactsToUser(trx: Db, q: { tenantId: string; kind: ContactKind; refId: string; userId: string }): Promise<number> {
  const result = await trx
    .updateTable('contacts')
    .set({ user_id: q.userId })
    .where('tenant_id', '=', q.tenantId)
    .where('kind', '=', q.kind)
    .where('ref_id', '=', q.refId)
    .where('user_id', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * The label of every help-request row: never the citizen's own words (a NIK or an address may be in them),
 * since staff without help-desk access read the history. Pages show their own text for it (contacts.about.help_request).
 */
export const HELP_REQUEST_LABEL = 'Permintaan bantuan';

/**
 * Whose rows a history shows. `userId`: the rows that name the account. `phone` / `email` (normalised):
 * the rows given that number or address; with `userId`, only those naming no account (a row another
 * account made stays that account's, even when it carries this person's number). Pass a phone or an email
 * with a userId only once the account has verified it: anyone can type someone else's number at a counter.
 */
export type ContactPerson = { userId?: string | null | undefined; phone?: string | null | undefined; email?: string | null | undefined };

function personFilter(eb: ExpressionBuilder<Database, 'contacts'>, p: ContactPerson) {
  const byAddress = [...(p.phone ? [eb('contacts.phone', '=', p.phone)] : []), ...(p.email ? [eb('contacts.email', '=', p.email)] : [])];
  // The portal's help form carries an address nobody proved (anyone may type anyone's): its rows join by account only.
  // (Since the fix they are written without one; this keeps the rows written before it out too.)
  const proven = eb.or([eb('contacts.kind', '!=', 'help_request'), eb('contacts.channel', '!=', 'web')]);
  const ors = [
    ...(p.userId ? [eb('contacts.user_id', '=', p.userId)] : []),
    ...(byAddress.length ? [eb.and([...(p.userId ? [eb('contacts.user_id', 'is', null)] : []), proven, eb.or(byAddress)])] : []),
  ];
  return ors.length ? eb.or(ors) : sql<boolean>`1 = 0`;
}

/**
 * One page of a person's contacts, newest first (ties by id, so pages never overlap), with the total.
 * Tenant-scoped; a person with neither account nor address has no rows.
 */
export async function listContacts(
  db: Db,
  q: { tenantId: string; person: ContactPerson; limit: number; offset: number },
): Promise<{ rows: Contact[]; total: number }> {
  if (!q.person.userId && !q.person.phone && !q.person.email) return { rows: [], total: 0 };
  const base = db
    .selectFrom('contacts')
    .where('contacts.tenant_id', '=', q.tenantId)
    .where((eb) => personFilter(eb, q.person));
  const [rows, count] = await Promise.all([
    base.selectAll('contacts').orderBy('contacts.at', 'desc').orderBy('contacts.id', 'desc').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** The applications a page of contacts points at, in the office (the view asks the access policy about each). */
export async function findContactApplications(db: Db, tenantId: string, ids: readonly string[]): Promise<Application[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('applications')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', [...ids])
    .execute();
}

/** The applicant account of the office that verified this number or address, if one did. */
export async function findVerifiedHolder(
  db: Db,
  q: { tenantId: string; phone?: string | null | undefined; email?: string | null | undefined },
): Promise<{ id: string; name: string } | undefined> {
  if (!q.phone && !q.email) return undefined;
  let query = db.selectFrom('users').select(['id', 'name']).where('tenant_id', '=', q.tenantId).where('role', '=', 'applicant');
  query = q.phone
    ? query.where('phone', '=', q.phone).where('phone_verified_at', 'is not', null)
    : query.where('email', '=', q.email!).where('email_verified_at', 'is not', null);
  return query.executeTakeFirst();
}

/** Doors a citizen comes through in person (a booking is for a visit; a queue ticket is taken at the office), and those that are online. */
export const IN_PERSON_KINDS = ['booking', 'queue_ticket'] as const;
export const IN_PERSON_CHANNELS = ['walk_in', 'kiosk', 'front_desk', 'courier', 'booking'] as const;
export const ONLINE_CHANNELS = ['online', 'web', 'whatsapp', 'instagram', 'facebook', 'email'] as const;

export type ChannelShift = {
  /** People with at least one contact in the period. */
  people: number;
  firstInPerson: number;
  firstOnline: number;
  /** First through another door (a phone call, assisted help). */
  firstOther: number;
  /** First in person, and online later in the period: the shift the office wants to see. */
  inPersonThenOnline: number;
  /** First online, and in person later in the period. */
  onlineThenInPerson: number;
};

/**
 * The channel shift of an office over [from, to) (ISO timestamps), as one summary query. A person is the
 * account a row names; else the account that verified the row's number, then its email; else the number,
 * then the email, alone. Rows with none of these (a walk-in who left no contact) name nobody and are left
 * out. Each person's first contact in the period (by time, then id) decides where they started; any later
 * one in the period whether they moved. In person: a booking or a queue ticket, or walk_in, kiosk, front_desk, courier;
 * online: online, web, whatsapp, instagram, facebook, email; anything else is "other".
 */
export async function channelShift(db: Db, q: { tenantId: string; from: string; to: string }): Promise<ChannelShift> {
  const inPersonKinds = sql.join(IN_PERSON_KINDS.map((k) => sql.lit(k)));
  const inPerson = sql.join(IN_PERSON_CHANNELS.map((c) => sql.lit(c)));
  const online = sql.join(ONLINE_CHANNELS.map((c) => sql.lit(c)));
  const result = await sql<Record<keyof ChannelShift, number | string | null>>`
    WITH keyed AS (
      SELECT c.id, c.at,
        CASE WHEN c.kind IN (${inPersonKinds}) OR c.channel IN (${inPerson}) THEN 'in_person'
             WHEN c.channel IN (${online}) THEN 'online' ELSE 'other' END AS door,
        COALESCE(
          c.user_id,
          (SELECT u.id FROM users u WHERE u.tenant_id = c.tenant_id AND u.phone = c.phone AND u.phone_verified_at IS NOT NULL),
          (SELECT u.id FROM users u WHERE u.tenant_id = c.tenant_id AND u.email = c.email AND u.email_verified_at IS NOT NULL),
          'phone:' || c.phone,
          'email:' || c.email
        ) AS person
      FROM contacts c
      WHERE c.tenant_id = ${q.tenantId} AND c.at >= ${q.from} AND c.at < ${q.to}
    ),
    ranked AS (
      SELECT person, door, ROW_NUMBER() OVER (PARTITION BY person ORDER BY at, id) AS n FROM keyed WHERE person IS NOT NULL
    ),
    people AS (
      SELECT person,
        MAX(CASE WHEN n = 1 THEN door END) AS first_door,
        MAX(CASE WHEN n > 1 AND door = 'online' THEN 1 ELSE 0 END) AS later_online,
        MAX(CASE WHEN n > 1 AND door = 'in_person' THEN 1 ELSE 0 END) AS later_in_person
      FROM ranked GROUP BY person
    )
    SELECT
      COUNT(*) AS "people",
      SUM(CASE WHEN first_door = 'in_person' THEN 1 ELSE 0 END) AS "firstInPerson",
      SUM(CASE WHEN first_door = 'online' THEN 1 ELSE 0 END) AS "firstOnline",
      SUM(CASE WHEN first_door = 'other' THEN 1 ELSE 0 END) AS "firstOther",
      SUM(CASE WHEN first_door = 'in_person' AND later_online = 1 THEN 1 ELSE 0 END) AS "inPersonThenOnline",
      SUM(CASE WHEN first_door = 'online' AND later_in_person = 1 THEN 1 ELSE 0 END) AS "onlineThenInPerson"
    FROM people`.execute(db);
  const row = result.rows[0];
  const n = (v: number | string | null | undefined) => Number(v ?? 0);
  return {
    people: n(row?.people),
    firstInPerson: n(row?.firstInPerson),
    firstOnline: n(row?.firstOnline),
    firstOther: n(row?.firstOther),
    inPersonThenOnline: n(row?.inPersonThenOnline),
    onlineThenInPerson: n(row?.onlineThenInPerson),
  };
}
