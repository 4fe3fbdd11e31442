import { type AnyActor, can, personOf, requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { findUserById } from '../auth/users.repository.js';
import type { Db } from '../db/database.js';
import type { Contact, ContactKind, User } from '../db/schema.js';
import { AppError } from '../shared/errors.js';
import { isEmail, normalisePhone } from '../shared/identifiers.js';
import {
  type ChannelShift,
  channelShift as channelShiftQuery,
  type ContactPerson,
  findContactApplications,
  findVerifiedHolder,
  HELP_REQUEST_LABEL,
  listContacts,
} from './contacts.repository.js';

/** Contacts on one page of a history. */
export const CONTACTS_PAGE_SIZE = 50;

/** One contact as a history shows it. `canOpen`: the viewer may open what it points at (the access policy's answer). */
export type ContactItem = {
  id: string;
  kind: ContactKind;
  channel: string;
  at: string;
  label: string;
  refId: string;
  /** The application's number, once filed, when the viewer may open it. */
  number: string | null;
  canOpen: boolean;
};

/** Whose history it is: an account (with the verified addresses that joined rows to it), or a number or email alone. */
export type HistorySubject = {
  userId: string | null;
  name: string | null;
  phone: string | null;
  email: string | null;
  /** Looked up by a number or email that an applicant account verified: that account (its full history is under its id). */
  account: { userId: string; name: string } | null;
};

export type ChannelHistory = { subject: HistorySubject; items: ContactItem[]; page: number; pageSize: number; total: number };

/**
 * The rows of an account: those that name it, and those that carry its number or email once the account
 * verified that address. An unverified address joins nothing: anyone can register with, or type at a
 * counter, someone else's number, and would then read that person's visits.
 */
function personOfAccount(user: User): ContactPerson {
  return {
    userId: user.id,
    phone: user.phone_verified_at ? user.phone : null,
    email: user.email_verified_at ? user.email : null,
  };
}

/**
 * A citizen's channel history (issue 11): every contact they had with the office (help request, booking,
 * queue ticket, parcel, application) with its channel and date, newest first, 50 a page in SQL. Staff with
 * `contacts.view` look up an applicant account, or a number or email for someone without one; anyone signed
 * in sees their own. The channel shift is the head's dashboard's summary.
 */
export function createContactService(deps: { db: Db }) {
  const { db } = deps;

  async function page(actor: Actor, subject: HistorySubject, person: ContactPerson, pageNo: number): Promise<ChannelHistory> {
    const { rows, total } = await listContacts(db, {
      tenantId: actor.tenantId,
      person,
      limit: CONTACTS_PAGE_SIZE,
      offset: (pageNo - 1) * CONTACTS_PAGE_SIZE,
    });
    const applications = new Map(
      (
        await findContactApplications(
          db,
          actor.tenantId,
          rows.filter((r) => r.kind === 'application').map((r) => r.ref_id),
        )
      ).map((a) => [a.id, a]),
    );
    const office = { tenantId: actor.tenantId };
    const item = (r: Contact): ContactItem => {
      const app = r.kind === 'application' ? applications.get(r.ref_id) : undefined;
      // Each door's page with its own access rule; bookings and queue tickets have no staff page yet.
      let canOpen: boolean;
      switch (r.kind) {
        case 'application':
          canOpen = app !== undefined && can(actor, 'application.read', { application: app });
          break;
        case 'parcel':
          canOpen = can(actor, 'parcels.manage', office);
          break;
        case 'help_request':
          canOpen = can(actor, 'helpdesk.manage', office);
          break;
        case 'booking':
        case 'queue_ticket':
          canOpen = false;
          break;
      }
      return {
        id: r.id,
        kind: r.kind,
        channel: r.channel,
        at: r.at,
        // A help request's row written before its label was made neutral still held the citizen's first line.
        label: r.kind === 'help_request' ? HELP_REQUEST_LABEL : r.label,
        refId: r.ref_id,
        number: canOpen ? (app?.number ?? null) : null,
        canOpen,
      };
    };
    return { subject, items: rows.map(item), page: pageNo, pageSize: CONTACTS_PAGE_SIZE, total };
  }

  function badAddress(field: 'phone' | 'email', code: 'invalid_phone' | 'invalid_email'): AppError {
    return new AppError('invalid_input', `not a valid ${field}`, { fields: [{ field, code, message: `not a valid ${field}` }] });
  }

  /**
   * Staff: the history of an applicant account of the office (404 for anyone else), or of a number or an
   * email (every row given it, whoever made it), naming the applicant account that verified it if any.
   */
  async function getChannelHistory(input: {
    actor: Actor;
    userId?: string | undefined;
    phone?: string | undefined;
    email?: string | undefined;
    page?: number | undefined;
  }): Promise<ChannelHistory> {
    const { actor } = input;
    requireAccess({ actor, permission: 'contacts.view', resource: { tenantId: actor.tenantId } });
    const given = [input.userId, input.phone, input.email].filter((v) => v !== undefined && v.trim() !== '').length;
    if (given !== 1) {
      throw new AppError('invalid_input', 'give exactly one of userId, phone, email', {
        fields: [{ field: 'phone', code: 'required', message: 'give an account, a WhatsApp number or an email' }],
      });
    }
    const pageNo = input.page ?? 1;
    if (input.userId) {
      const user = await findUserById(db, actor.tenantId, input.userId);
      if (!user || user.role !== 'applicant') throw new AppError('not_found', 'no such applicant');
      const person = personOfAccount(user);
      return page(actor, { userId: user.id, name: user.name, phone: person.phone ?? null, email: person.email ?? null, account: null }, person, pageNo);
    }
    const phone = input.phone ? normalisePhone(input.phone) : null;
    if (input.phone && !phone) throw badAddress('phone', 'invalid_phone');
    const email = input.email ? input.email.trim().toLowerCase() : null;
    if (email !== null && !isEmail(email)) throw badAddress('email', 'invalid_email');
    const holder = await findVerifiedHolder(db, { tenantId: actor.tenantId, phone, email });
    return page(actor, { userId: null, name: null, phone, email, account: holder ? { userId: holder.id, name: holder.name } : null }, { phone, email }, pageNo);
  }

  /** The signed-in person's own history (/akun/riwayat, GET /api/v1/me/contacts). */
  async function getMyChannelHistory(input: { actor: AnyActor; page?: number | undefined }): Promise<ChannelHistory> {
    const actor = personOf(input.actor);
    requireAccess({ actor, permission: 'contacts.viewOwn', resource: { tenantId: actor.tenantId } });
    const user = await findUserById(db, actor.tenantId, actor.userId);
    if (!user) throw new AppError('unauthenticated', 'account gone');
    const person = personOfAccount(user);
    return page(actor, { userId: user.id, name: user.name, phone: person.phone ?? null, email: person.email ?? null, account: null }, person, input.page ?? 1);
  }

  /**
   * The head's dashboard: how many people of the office first came in person and later online (and the
   * other ways round) over [from, to), ISO timestamps; see the repository's channelShift for who counts as one person.
   */
  async function channelShift(input: { actor: Actor; from: string; to: string }): Promise<ChannelShift> {
    const { actor } = input;
    requireAccess({ actor, permission: 'contacts.view', resource: { tenantId: actor.tenantId } });
    const from = Date.parse(input.from);
    const to = Date.parse(input.to);
    if (Number.isNaN(from) || Number.isNaN(to) || from >= to) {
      throw new AppError('invalid_input', 'from must be a time before to', { fields: [{ field: 'from', code: 'invalid_date', message: 'not a period' }] });
    }
    return channelShiftQuery(db, { tenantId: actor.tenantId, from: new Date(from).toISOString(), to: new Date(to).toISOString() });
  }

  return { getChannelHistory, getMyChannelHistory, channelShift };
}
export type ContactService = ReturnType<typeof createContactService>;
