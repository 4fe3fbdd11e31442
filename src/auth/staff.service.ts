import type { Db } from '../db/database.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { isEmail } from '../shared/identifiers.js';
import { appendAudit } from '../audit/audit.repository.js';
import { AppError, type FieldProblem } from '../shared/errors.js';
import { type Clock, isoNow } from '../shared/time.js';
import { type Role, STAFF_ROLES } from '../workflow/workflow.schema.js';
import { can, requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import type { AuthService } from './auth.service.js';
import { passwordProblem } from './passwords.js';
import { findStaffAccount, listStaffAccounts, updatePosition, updateRole } from './staff.repository.js';
import { findConflictingUser } from './users.repository.js';

/** A staff account as the admin pages show it: no password hash, no authenticator secret. */
export type StaffMember = {
  id: string;
  name: string;
  email: string | null;
  role: Role;
  /** The title printed under the name on permits this officer signs; null: derived from the role. */
  position: string | null;
  /** The authenticator app has been set up (a first code confirmed). */
  secondFactor: boolean;
  disabled: boolean;
  createdAt: string;
  /** The admin's own account: shown as such, and never changed or disabled by its owner here. */
  own: boolean;
  /** What the admin may do to this account now (the policy, then: not one's own, not a disabled one). */
  can: { changePosition: boolean; changeRole: boolean; resetSecondFactor: boolean; disable: boolean };
};

export const STAFF_NAME_MAX = 120;
export const STAFF_EMAIL_MAX = 254;
export const STAFF_POSITION_MAX = 160;

/** Function-level access (ASVS v5.0.0-8.2.1): staff accounts are managed by the office's admins only. */
function requireManager(actor: Actor): void {
  requireAccess({ actor, permission: 'staff.manage', resource: { tenantId: actor.tenantId } });
}

const isStaffRole = (role: string): role is Role => (STAFF_ROLES as readonly string[]).includes(role);

/**
 * The office's staff accounts, for its admins: list, create, change a role, disable, reset the
 * second factor. Every query is limited to the admin's own office; another office's account is
 * "not found". An admin never changes or disables their own account, so an office always keeps one
 * working admin.
 */
export function createStaffService(deps: { db: Db; clock: Clock; auth: AuthService }) {
  const { db, clock, auth } = deps;

  type Row = Awaited<ReturnType<typeof listStaffAccounts>>[number];
  const toMember = (actor: Actor, r: Row): StaffMember => {
    const manage = can(actor, 'staff.manage', { tenantId: actor.tenantId });
    const own = r.id === actor.userId;
    const other = manage && !own && r.disabled_at === null;
    return {
      id: r.id,
      name: r.name,
      email: r.email,
      role: r.role as Role,
      position: r.position,
      secondFactor: r.totp_enabled_at !== null,
      disabled: r.disabled_at !== null,
      createdAt: r.created_at,
      own,
      can: { changePosition: manage, changeRole: other, resetSecondFactor: other, disable: other },
    };
  };

  async function load(actor: Actor, userId: string): Promise<StaffMember> {
    const row = await findStaffAccount(db, actor.tenantId, userId);
    if (!row) throw new AppError('not_found', 'no such staff account in this office');
    return toMember(actor, row);
  }

  async function listStaff(input: { actor: Actor }): Promise<StaffMember[]> {
    requireManager(input.actor);
    return (await listStaffAccounts(db, input.actor.tenantId)).map((r) => toMember(input.actor, r));
  }

  async function getStaffMember(input: { actor: Actor; userId: string }): Promise<StaffMember> {
    requireManager(input.actor);
    return load(input.actor, input.userId);
  }

  /**
   * Creates a staff account with an initial password (staff policy: 12+ characters, SECURITY.md §4).
   * Every problem is reported at once; nothing is written unless all is well. The new officer sets
   * up the authenticator at first sign-in.
   */
  async function createStaff(input: { actor: Actor; name: string; email: string; role: string; password: string }): Promise<{ userId: string }> {
    requireManager(input.actor);
    const name = input.name.trim();
    const email = input.email.trim().toLowerCase();
    const problems: FieldProblem[] = [];
    if (!name) problems.push({ field: 'name', code: 'required', message: 'required' });
    else if (name.length > STAFF_NAME_MAX) problems.push({ field: 'name', code: 'too_long', message: 'too long', params: { max: STAFF_NAME_MAX } });
    if (!email) problems.push({ field: 'email', code: 'required', message: 'required' });
    else if (email.length > STAFF_EMAIL_MAX || !isEmail(email)) problems.push({ field: 'email', code: 'invalid_email', message: 'not an email address' });
    if (!input.role) problems.push({ field: 'role', code: 'required', message: 'choose a role' });
    else if (!isStaffRole(input.role)) problems.push({ field: 'role', code: 'invalid_option', message: 'not a staff role' });
    const pw = passwordProblem(input.password, isStaffRole(input.role) ? input.role : 'admin', [name, email.split('@')[0] ?? '']);
    if (pw) problems.push({ field: 'password', code: pw.code, message: 'password not accepted', ...(pw.params ? { params: pw.params } : {}) });
    if (!problems.some((p) => p.field === 'email') && (await findConflictingUser(db, input.actor.tenantId, { email, phone: null, nikIndex: null }))) {
      problems.push({ field: 'email', code: 'email_taken', message: 'an account with this email exists' });
    }
    if (problems.length) throw new AppError('invalid_input', 'staff account input invalid', { fields: problems });
    try {
      return await auth.createUser({
        tenantId: input.actor.tenantId,
        role: input.role as Role,
        name,
        email,
        password: input.password,
        actorId: input.actor.userId,
      });
    } catch (err) {
      // Two admins creating the same email at once: the unique constraint decides.
      if (isUniqueViolation(err, 'users_tenant_email')) {
        throw new AppError('invalid_input', 'lost a race for this email', {
          fields: [{ field: 'email', code: 'email_taken', message: 'an account with this email exists' }],
        });
      }
      throw err;
    }
  }

  /** Gives another staff account a different staff role, audited with the old and new role. Takes effect on its next request. */
  async function changeRole(input: { actor: Actor; userId: string; role: string }): Promise<{ changed: boolean }> {
    requireManager(input.actor);
    if (!isStaffRole(input.role))
      throw new AppError('invalid_input', 'not a staff role', { fields: [{ field: 'role', code: 'invalid_option', message: 'not a staff role' }] });
    const member = await load(input.actor, input.userId);
    if (member.id === input.actor.userId)
      throw new AppError('invalid_input', 'an admin does not change their own role', {
        fields: [{ field: 'role', code: 'own_account', message: 'not on your own account' }],
      });
    if (member.role === input.role) return { changed: false };
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      await updateRole(trx, { tenantId: input.actor.tenantId, id: member.id, role: input.role, now });
      await appendAudit(trx, {
        tenantId: input.actor.tenantId,
        actorId: input.actor.userId,
        action: 'user.role_changed',
        subjectType: 'user',
        subjectId: member.id,
        data: { from: member.role, to: input.role },
        occurredAt: now,
      });
    });
    return { changed: true };
  }

  /**
   * Sets the title printed under an officer's name on the permits they sign (e.g. "Kepala Dinas
   * Penanaman Modal dan PTSP Kota Malang"). Blank clears it. Audited: it appears on signed documents.
   */
  async function changePosition(input: { actor: Actor; userId: string; position: string }): Promise<{ changed: boolean }> {
    requireManager(input.actor);
    const member = await load(input.actor, input.userId);
    const position = input.position.replace(/\s+/g, ' ').trim() || null;
    if (position && position.length > STAFF_POSITION_MAX) {
      throw new AppError('invalid_input', 'position too long', {
        fields: [{ field: 'position', code: 'too_long', message: 'too long', params: { max: STAFF_POSITION_MAX } }],
      });
    }
    if (position === member.position) return { changed: false };
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      await updatePosition(trx, { tenantId: input.actor.tenantId, id: member.id, position, now });
      await appendAudit(trx, {
        tenantId: input.actor.tenantId,
        actorId: input.actor.userId,
        action: 'user.position_changed',
        subjectType: 'user',
        subjectId: member.id,
        data: { from: member.position, to: position },
        occurredAt: now,
      });
    });
    return { changed: true };
  }

  /** Disables another staff account; every session of it ends at once (auth.disableUser, audited there). */
  async function disableStaff(input: { actor: Actor; userId: string }): Promise<{ changed: boolean }> {
    requireManager(input.actor);
    const member = await load(input.actor, input.userId);
    if (member.id === input.actor.userId)
      throw new AppError('invalid_input', 'an admin does not disable their own account', {
        fields: [{ field: 'disable', code: 'own_account', message: 'not on your own account' }],
      });
    if (member.disabled) return { changed: false };
    await auth.disableUser({ actor: input.actor, userId: member.id });
    return { changed: true };
  }

  /** Clears another staff account's authenticator (lost phone): its sessions end, the next sign-in sets up a new one (audited there). */
  async function resetSecondFactor(input: { actor: Actor; userId: string }): Promise<void> {
    requireManager(input.actor);
    const member = await load(input.actor, input.userId);
    if (member.id === input.actor.userId)
      throw new AppError('invalid_input', 'an admin does not reset their own second factor', {
        fields: [{ field: 'reset', code: 'own_account', message: 'not on your own account' }],
      });
    await auth.resetSecondFactor({ actor: input.actor, userId: member.id });
  }

  return { listStaff, getStaffMember, createStaff, changeRole, changePosition, disableStaff, resetSecondFactor };
}
export type StaffService = ReturnType<typeof createStaffService>;
