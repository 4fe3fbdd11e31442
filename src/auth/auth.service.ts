import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database.js';
import type { IdentityKind, User } from '../db/schema.js';
import { type UniqueConstraint, violatedConstraint } from '../db/unique-violation.js';
import { appendAudit } from '../audit/audit.repository.js';
import { enqueue } from '../outbox/outbox.repository.js';
import { blindIndex, decryptField, encryptField, newToken, sha256Hex } from '../shared/crypto.js';
import { AppError, type FieldProblem } from '../shared/errors.js';
import { isEmail, maskNik, normalisePhone } from '../shared/identifiers.js';
import { type ForeignIdentity, foreignIdentity, maskDocumentNumber, nikFieldProblem } from './identity.js';
import { type Clock, addMinutes, isoNow } from '../shared/time.js';
import type { Role } from '../workflow/workflow.schema.js';
import { requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { checkCode, liveVerificationAddress, useCheckedCode } from './one-time-codes.js';
import { generateTotpSecret, otpauthUri, verifyTotp } from './totp.js';
import { dummyPasswordHash, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import {
  beginLoginAttempt,
  countFailuresUpTo,
  findLiveSession,
  forgetLoginAttempt,
  insertSession,
  markLoginSucceeded,
  revokeAllSessions,
  revokeOtherSessions,
  revokeSession,
  revokeUserSession,
  touchSession,
} from './sessions.repository.js';
import {
  claimCodeRequest,
  claimRegistrationAttemptNotice,
  clearTotp,
  type ContactAddress,
  confirmTotp,
  findConflictingUser,
  findUserById,
  findUserByLogin,
  findUserByNikIndex,
  insertUser,
  markAddressVerified,
  markUserDisabled,
  setNikIndex,
  setPasswordHash,
  setTotpLastStep,
  setTotpSecret,
  updateUserProfile,
} from './users.repository.js';

/** Session lifetimes (ASVS v5.0.0-7.3.1/7.3.2): idle timeout and absolute lifetime, per kind. */
export const SESSION_POLICY = {
  cookie: { idleMinutes: 30, absoluteMinutes: 12 * 60 },
  bearer: { idleMinutes: 120, absoluteMinutes: 24 * 60 },
} as const;

/** One one-time code a minute per account (contact verification and password reset alike). */
export const CODE_COOLDOWN_MINUTES = 1;

/** The holder of a NIK hears of registrations with it at most once in this many hours (each costs a paid message). */
export const REGISTRATION_ATTEMPT_NOTICE_HOURS = 24;

/** The 409 when a NIK's holder changed between look-up and write (a parallel registration or counter resolution). */
const nikChangedMeanwhile = () =>
  new AppError('conflict', 'the NIK changed meanwhile, try again', {
    fields: [{ field: 'nik', code: 'nik_changed', message: 'the NIK changed meanwhile, try again' }],
  });

/** Whether an account proved at least one of its addresses. */
export const someContactVerified = (u: Pick<User, 'email_verified_at' | 'phone_verified_at'>): boolean =>
  u.email_verified_at !== null || u.phone_verified_at !== null;

/**
 * Throttling, not lockout (ASVS v5.0.0-6.3.1), so nobody can lock someone else out by guessing on
 * purpose. Within 15 minutes: 5 failures for one account from one address hold that address for that
 * account (the owner's right password from their own address still works); 30 failures from one
 * address hold it for every account; and 20 failures for one account from all addresses together
 * (distributed guessing) hold the account, except from an address it signed in from in the last
 * 90 days. Each hold ends when the window passes; a refused attempt is not counted. Wrong
 * authenticator codes (which need the password first) count per account: 5, from any address.
 */
export const LOGIN_THROTTLE = {
  windowMinutes: 15,
  perAccountAndAddress: 5,
  perAddress: 30,
  perAccount: 20,
  knownAddressDays: 90,
  secondFactorPerAccount: 5,
} as const;

/** The version of the personal-data notice (UU PDP 27/2022) a registration agrees to. */
export const CONSENT_VERSION = 'pdp-2026-01';

export type AuthDeps = { db: Db; clock: Clock; dataKey: Buffer };

/** One's own account, without secrets: what the profile page and GET /api/v1/me show. */
export type Profile = {
  id: string;
  name: string;
  role: Role;
  email: string | null;
  phone: string | null;
  nikMasked: string | null;
  /** What the applicant registered with: a NIK, or (a foreign resident) a KITAS/KITAP and a passport. */
  identityKind: IdentityKind;
  /** Foreign residents: the passport and KITAS/KITAP numbers, only their last three characters shown. */
  passportMasked: string | null;
  stayPermitMasked: string | null;
  nationality: string | null;
  /** When and to which version of the personal-data notice the person agreed (applicants). */
  consent: { at: string; version: string } | null;
  /** Each address is verified on its own, by a code sent to it. */
  emailVerified: boolean;
  phoneVerified: boolean;
  /** At least one address is verified. */
  contactVerified: boolean;
  /** An email or number of an applicant's account still waits for its code. */
  contactToVerify: boolean;
  /** The email or number the verification page asks a code for (the one the live code went to), or null. */
  addressToVerify: string | null;
  /** A live code went to addressToVerify (else the page offers to send one). */
  codeSent: boolean;
};

/** The field named to the person when a registration loses a race on one of the users' unique constraints. */
const REGISTRATION_FIELD_OF: Partial<Record<UniqueConstraint | 'other', 'Email' | 'WhatsApp'>> = {
  users_tenant_email: 'Email',
  users_tenant_phone: 'WhatsApp',
};

function normaliseLogin(login: string): { email?: string; phone?: string } {
  const trimmed = login.trim();
  if (trimmed.includes('@')) return { email: trimmed.toLowerCase() };
  const phone = normalisePhone(trimmed);
  return phone ? { phone } : { email: trimmed.toLowerCase() };
}

export function createAuthService(deps: AuthDeps) {
  const { db, clock } = deps;

  async function registerApplicant(input: {
    tenantId: string;
    name: string;
    /** A citizen's KTP number; not asked of a foreign resident (identityKind 'kitas'). */
    nik?: string | undefined;
    /** 'nik' (the default): a KTP holder; 'kitas': a foreign resident with a KITAS or KITAP and a passport. */
    identityKind?: IdentityKind | undefined;
    passportNumber?: string | undefined;
    stayPermitNumber?: string | undefined;
    nationality?: string | undefined;
    email?: string | undefined;
    phone?: string | undefined;
    password: string;
    consent: boolean;
    /** The language the person registered in: their messages' language until they choose one (/akun/pemberitahuan). */
    language?: 'id' | 'en' | undefined;
  }): Promise<{ userId: string }> {
    const problems: FieldProblem[] = [];
    const email = input.email?.trim().toLowerCase() || null;
    const phone = input.phone ? normalisePhone(input.phone) : null;
    const kind: IdentityKind = input.identityKind ?? 'nik';
    if (!input.name.trim()) problems.push({ field: 'name', code: 'required', message: 'enter your full name' });
    let nik = '';
    let foreign: ForeignIdentity | null = null;
    if (kind === 'nik') {
      nik = (input.nik ?? '').replace(/\s/g, '');
      const problem = nik ? nikFieldProblem(nik) : { field: 'nik', code: 'required', message: 'enter your NIK' };
      if (problem) problems.push(problem);
    } else {
      const checked = foreignIdentity(input);
      problems.push(...checked.problems);
      foreign = checked.identity;
    }
    if (input.phone && !phone) problems.push({ field: 'phone', code: 'invalid_phone', message: 'not an Indonesian mobile number' });
    if (email && !isEmail(email)) problems.push({ field: 'email', code: 'invalid_email', message: 'not an email address' });
    if (!email && !input.phone) problems.push({ field: 'email', code: 'required', message: 'give an email address or a WhatsApp number' });
    const pw = passwordProblem(input.password, 'applicant', [input.name, email?.split('@')[0] ?? '', nik, foreign?.passport ?? '']);
    if (pw) problems.push({ field: 'password', code: pw.code, message: 'password not accepted', ...(pw.params ? { params: pw.params } : {}) });
    if (!input.consent) problems.push({ field: 'consent', code: 'required', message: 'consent to personal-data processing is required' });
    if (problems.length) throw new AppError('invalid_input', 'registration input invalid', { fields: problems });

    // The email and number are what one signs in with: a taken one is said (as before). A taken NIK
    // is not: the answer would tell anyone whether a NIK has an account.
    const conflict = await findConflictingUser(db, input.tenantId, { email, phone, nikIndex: null });
    if (conflict)
      throw new AppError('already_registered', `${conflict} already registered`, { params: { field: conflict === 'email' ? 'Email' : 'WhatsApp' } });

    const passwordHash = await hashPassword(input.password);
    const base = { tenantId: input.tenantId, name: input.name.trim(), email, phone, passwordHash, language: input.language ?? null };
    if (foreign) {
      try {
        return await insertApplicant({ ...base, identity: { kind: 'kitas', ...foreign }, holder: undefined });
      } catch (err) {
        const lost = violatedConstraint(err);
        const field = lost ? REGISTRATION_FIELD_OF[lost] : undefined;
        throw field ? new AppError('already_registered', 'lost a registration race', { params: { field } }) : err;
      }
    }
    const nikIndex = blindIndex(deps.dataKey, 'nik', nik);
    const create = (holder: User | undefined) => insertApplicant({ ...base, identity: { kind: 'nik', nik, nikIndex }, holder });
    const lostRace = (err: unknown) => {
      // With the same email or number: the unique constraint that lost names the field.
      const lost = violatedConstraint(err);
      const field = lost ? REGISTRATION_FIELD_OF[lost] : undefined;
      if (field) return new AppError('already_registered', 'lost a registration race', { params: { field } });
      // The NIK's holder changed again during the retry (released and taken meanwhile): 409, try again.
      return lost === 'users_tenant_nik' ? nikChangedMeanwhile() : err;
    };
    try {
      return await create(await findUserByNikIndex(db, input.tenantId, nikIndex));
    } catch (err) {
      // Two registrations racing with the same NIK: the loser becomes a claim like any other.
      if (violatedConstraint(err) !== 'users_tenant_nik') throw lostRace(err);
    }
    try {
      return await create(await findUserByNikIndex(db, input.tenantId, nikIndex));
    } catch (err) {
      throw lostRace(err);
    }
  }

  /**
   * Writes a new applicant account. When another account already holds the NIK (`holder`), the new
   * one is made all the same and answers exactly as any registration (the person signs in, verifies
   * a contact, sees their masked NIK), but its NIK is only claimed: kept encrypted, without the blind
   * index that makes it the account's confirmed NIK, until an officer at the counter checks the KTP
   * (resolveNikClaim). The holder is told through the contact they verified, at most once in
   * REGISTRATION_ATTEMPT_NOTICE_HOURS (claimed atomically on the holder's row, so parallel
   * registrations queue one message); the registration's answer is the same either way.
   */
  async function insertApplicant(a: {
    tenantId: string;
    name: string;
    email: string | null;
    phone: string | null;
    identity: { kind: 'nik'; nik: string; nikIndex: string } | ({ kind: 'kitas' } & ForeignIdentity);
    passwordHash: string;
    holder: User | undefined;
    language: 'id' | 'en' | null;
  }): Promise<{ userId: string }> {
    const id = a.identity;
    const now = isoNow(clock);
    const userId = randomUUID();
    await db.transaction().execute(async (trx) => {
      await insertUser(trx, {
        id: userId,
        tenant_id: a.tenantId,
        role: 'applicant',
        name: a.name,
        email: a.email,
        phone: a.phone,
        nik_encrypted: id.kind === 'nik' ? encryptField(deps.dataKey, id.nik) : null,
        nik_index: id.kind === 'nik' && !a.holder ? id.nikIndex : null,
        identity_kind: id.kind,
        passport_encrypted: id.kind === 'kitas' ? encryptField(deps.dataKey, id.passport) : null,
        stay_permit_encrypted: id.kind === 'kitas' ? encryptField(deps.dataKey, id.stayPermit) : null,
        nationality: id.kind === 'kitas' ? id.nationality : null,
        password_hash: a.passwordHash,
        consent_version: CONSENT_VERSION,
        consent_at: now,
        // The welcome and the first code (queued below) go out in the language of the registration.
        message_language: a.language,
        disabled_at: null,
        created_at: now,
        updated_at: now,
      });
      await appendAudit(trx, {
        tenantId: a.tenantId,
        actorId: userId,
        action: 'user.registered',
        subjectType: 'user',
        subjectId: userId,
        data: { consentVersion: CONSENT_VERSION, identityKind: id.kind, ...(a.holder ? { nikClaimedFrom: a.holder.id } : {}) },
        occurredAt: now,
      });
      await enqueue(trx, { tenantId: a.tenantId, message: { topic: 'notify.account_registered', userId }, now });
      await enqueue(trx, { tenantId: a.tenantId, message: { topic: 'notify.one_time_code', userId, purpose: 'verify_contact' }, now });
      if (
        a.holder &&
        (await claimRegistrationAttemptNotice(trx, {
          tenantId: a.tenantId,
          userId: a.holder.id,
          now,
          since: addMinutes(now, -REGISTRATION_ATTEMPT_NOTICE_HOURS * 60),
        }))
      )
        await enqueue(trx, { tenantId: a.tenantId, message: { topic: 'notify.registration_attempt', userId: a.holder.id }, now });
    });
    return { userId };
  }

  /**
   * At the counter (ARCHITECTURE decision on NIK claims): the person in front of the officer showed
   * their KTP, and their account claimed that NIK while another account holds it (a squatter, or an
   * old account). The NIK is moved: the holder's hold is released (its NIK stays only as a claim) and
   * the person's account holds it. Both are audited with the officer and the reason.
   */
  async function resolveNikClaim(input: {
    actor: Actor;
    nik: string;
    login: string;
    ktpChecked: boolean;
    reason: string;
  }): Promise<{ releasedFrom: string | null }> {
    requireAccess({ actor: input.actor, permission: 'account.resolveNik', resource: { tenantId: input.actor.tenantId } });
    const nik = input.nik.replace(/\s/g, '');
    const reason = input.reason.trim();
    const problems: FieldProblem[] = [];
    const nikWrong = nikFieldProblem(nik);
    if (nikWrong) problems.push(nikWrong);
    if (!input.ktpChecked) problems.push({ field: 'ktpChecked', code: 'required', message: 'check the KTP in person first' });
    if (!reason) problems.push({ field: 'reason', code: 'required', message: 'say what was checked' });
    if (problems.length) throw new AppError('invalid_input', 'nik resolution input invalid', { fields: problems });
    const tenantId = input.actor.tenantId;
    const claimant = await findUserByLogin(db, tenantId, normaliseLogin(input.login));
    const claims = claimant?.role === 'applicant' && claimant.nik_encrypted !== null && decryptField(deps.dataKey, claimant.nik_encrypted) === nik;
    if (!claimant || !claims)
      throw new AppError('invalid_input', 'that account has not registered this NIK', {
        fields: [{ field: 'login', code: 'invalid_value', message: 'no applicant account with this email or number registered this NIK' }],
      });
    const nikIndex = blindIndex(deps.dataKey, 'nik', nik);
    if (claimant.nik_index === nikIndex) return { releasedFrom: null };
    const holder = await findUserByNikIndex(db, tenantId, nikIndex);
    const now = isoNow(clock);
    // Two officers at once, or a new holder between the look-up and the write: the unique NIK index
    // refuses the second, and the officer is told to try again (409) rather than shown a 500.
    await db
      .transaction()
      .execute(async (trx) => {
        if (holder) {
          await setNikIndex(trx, { tenantId, userId: holder.id, nikIndex: null, now });
          await appendAudit(trx, {
            tenantId,
            actorId: input.actor.userId,
            action: 'user.nik_released',
            subjectType: 'user',
            subjectId: holder.id,
            data: { to: claimant.id, reason, holderContactVerified: someContactVerified(holder) },
            occurredAt: now,
          });
        }
        await setNikIndex(trx, { tenantId, userId: claimant.id, nikIndex, now });
        await appendAudit(trx, {
          tenantId,
          actorId: input.actor.userId,
          action: 'user.nik_confirmed',
          subjectType: 'user',
          subjectId: claimant.id,
          data: { from: holder?.id ?? null, reason, ktpChecked: true },
          occurredAt: now,
        });
      })
      .catch((err: unknown) => {
        throw violatedConstraint(err) === 'users_tenant_nik' ? nikChangedMeanwhile() : err;
      });
    return { releasedFrom: holder?.id ?? null };
  }

  /** Creates a staff or demo account directly (seed, admin). */
  async function createUser(input: {
    tenantId: string;
    role: Role;
    name: string;
    email: string;
    phone?: string;
    nik?: string;
    password: string;
    actorId?: string | null;
  }): Promise<{ userId: string }> {
    const pw = passwordProblem(input.password, input.role);
    if (pw)
      throw new AppError('invalid_input', 'password not accepted', {
        fields: [{ field: 'password', code: pw.code, message: 'password not accepted', ...(pw.params ? { params: pw.params } : {}) }],
      });
    const now = isoNow(clock);
    const userId = randomUUID();
    const passwordHash = await hashPassword(input.password);
    await db.transaction().execute(async (trx) => {
      await insertUser(trx, {
        id: userId,
        tenant_id: input.tenantId,
        role: input.role,
        name: input.name,
        email: input.email.toLowerCase(),
        phone: input.phone ? normalisePhone(input.phone) : null,
        nik_encrypted: input.nik ? encryptField(deps.dataKey, input.nik) : null,
        nik_index: input.nik ? blindIndex(deps.dataKey, 'nik', input.nik) : null,
        password_hash: passwordHash,
        consent_version: input.role === 'applicant' ? CONSENT_VERSION : null,
        consent_at: input.role === 'applicant' ? now : null,
        disabled_at: null,
        created_at: now,
        updated_at: now,
      });
      await appendAudit(trx, {
        tenantId: input.tenantId,
        actorId: input.actorId ?? null,
        action: 'user.created',
        subjectType: 'user',
        subjectId: userId,
        data: { role: input.role },
        occurredAt: now,
      });
    });
    return { userId };
  }

  /**
   * Checks the password and opens a new session with a fresh token (so a token planted before
   * sign-in is never upgraded: ASVS v5.0.0-7.2.4). Every attempt is recorded and audited.
   */
  async function login(input: {
    tenantId: string;
    login: string;
    password: string;
    clientIp: string;
    kind: 'cookie' | 'bearer';
    previousToken?: string | undefined;
    /** Officers' TOTP code; API sign-in needs it in the same request, pages ask for it next. */
    otp?: string | undefined;
  }): Promise<{ token: string; expiresAt: string; user: User; secondFactor: 'not_needed' | 'done' | 'enter_code' | 'set_up' }> {
    const now = isoNow(clock);
    // Count failures per account, however the WhatsApp number is typed (0812…, +62812…, 62 812…).
    const key = normaliseLogin(input.login);
    const subject = blindIndex(deps.dataKey, 'login', key.phone ?? key.email ?? '');
    const since = addMinutes(now, -LOGIN_THROTTLE.windowMinutes);
    // The attempt is counted before the password is checked, so that parallel guesses see each other.
    const attempt = await beginLoginAttempt(db, { tenantId: input.tenantId, subject, clientIp: input.clientIp, now });
    const failures = await countFailuresUpTo(db, {
      tenantId: input.tenantId,
      subject,
      clientIp: input.clientIp,
      since,
      upTo: attempt,
      knownSince: addMinutes(now, -LOGIN_THROTTLE.knownAddressDays * 24 * 60),
    });
    if (
      failures.byPair > LOGIN_THROTTLE.perAccountAndAddress ||
      failures.byIp > LOGIN_THROTTLE.perAddress ||
      (failures.bySubject > LOGIN_THROTTLE.perAccount && !failures.knownAddress)
    ) {
      await forgetLoginAttempt(db, attempt);
      await appendAuditStandalone(input.tenantId, null, 'auth.login_throttled', { subject: subject.slice(0, 16) });
      throw new AppError('too_many_attempts', 'login throttled', {
        params: { minutes: LOGIN_THROTTLE.windowMinutes },
        retryAfterSeconds: LOGIN_THROTTLE.windowMinutes * 60,
      });
    }
    const user = await findUserByLogin(db, input.tenantId, normaliseLogin(input.login));
    const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), input.password);
    if (!user || !ok || user.disabled_at) {
      await appendAuditStandalone(input.tenantId, user?.id ?? null, 'auth.login_failed', {
        reason: !user ? 'unknown_account' : user.disabled_at ? 'disabled' : 'bad_password',
      });
      throw new AppError('bad_credentials', 'login failed');
    }
    // Officers need a second factor (ASVS v5.0.0-6.3.2). The API takes the code with the password;
    // pages open a session that is good for nothing but the second step (code, or first set-up).
    let secondFactor: 'not_needed' | 'done' | 'enter_code' | 'set_up' = 'not_needed';
    let usedStep: number | null = null;
    if (user.role !== 'applicant') {
      const enrolled = Boolean(user.totp_enabled_at && user.totp_secret_encrypted);
      if (input.kind === 'bearer') {
        if (!enrolled) throw new AppError('second_factor_setup_required', 'officer has no second factor yet');
        if (!input.otp) throw new AppError('second_factor_required', 'officer sign-in needs the authenticator code');
        usedStep = verifyTotp(decryptField(deps.dataKey, user.totp_secret_encrypted!), input.otp, clock.now(), user.totp_last_step);
        if (usedStep === null) {
          await appendAuditStandalone(input.tenantId, user.id, 'auth.second_factor_failed', {});
          throw new AppError('bad_second_factor', 'wrong or used authenticator code');
        }
        secondFactor = 'done';
      } else {
        secondFactor = enrolled ? 'enter_code' : 'set_up';
      }
    }
    const token = newToken();
    const policy = SESSION_POLICY[input.kind];
    const expiresAt = addMinutes(now, policy.absoluteMinutes);
    await db.transaction().execute(async (trx) => {
      if (input.previousToken) await revokeSession(trx, sha256Hex(input.previousToken), now);
      // The same code sent twice at once opens one session: the second request finds its step used.
      if (usedStep !== null && !(await setTotpLastStep(trx, { tenantId: user.tenant_id, userId: user.id, step: usedStep }))) {
        throw new AppError('bad_second_factor', 'authenticator code used by a concurrent sign-in');
      }
      await insertSession(trx, {
        id: sha256Hex(token),
        tenantId: input.tenantId,
        userId: user.id,
        kind: input.kind,
        now,
        expiresAt,
        mfaPending: secondFactor === 'enter_code' || secondFactor === 'set_up',
      });
      await markLoginSucceeded(trx, attempt);
      await appendAudit(trx, {
        tenantId: input.tenantId,
        actorId: user.id,
        action: 'auth.login',
        subjectType: 'user',
        subjectId: user.id,
        data: { kind: input.kind },
        occurredAt: now,
      });
    });
    return { token, expiresAt, user, secondFactor };
  }

  async function appendAuditStandalone(tenantId: string, actorId: string | null, action: string, data: Record<string, unknown>): Promise<void> {
    await db
      .transaction()
      .execute((trx) => appendAudit(trx, { tenantId, actorId, action, subjectType: 'user', subjectId: actorId, data, occurredAt: isoNow(clock) }));
  }

  /** Resolves a token to an actor, enforcing idle and absolute timeouts; null when not signed in. */
  async function authenticate(input: { tenantId: string; token: string; kind: 'cookie' | 'bearer'; pendingSecondFactor?: boolean }): Promise<Actor | null> {
    const now = isoNow(clock);
    const session = await findLiveSession(db, sha256Hex(input.token), now);
    if (!session || session.kind !== input.kind || session.tenant_id !== input.tenantId || session.disabled_at) return null;
    // A session waiting for the officer's second factor opens only the second-factor pages.
    if ((session.mfa_pending === 1) !== Boolean(input.pendingSecondFactor)) return null;
    if (addMinutes(session.last_seen_at, SESSION_POLICY[input.kind].idleMinutes) <= now) return null;
    // Refresh the idle clock at most once a minute, to spare the database a write per request.
    if (addMinutes(session.last_seen_at, 1) < now) await touchSession(db, session.id, now);
    return { userId: session.user_id, tenantId: session.tenant_id, role: session.role as Actor['role'], name: session.name };
  }

  /**
   * Signing out. With `sessionToken` (the page's "Keluar"), only that session ends: the person's other
   * devices stay signed in. Without it (the profile's "sign out on all devices", and the API's logout),
   * every session of the account ends, on every device.
   */
  async function logout(actor: Actor, opts: { sessionToken?: string | undefined } = {}): Promise<void> {
    const now = isoNow(clock);
    const token = opts.sessionToken;
    await db.transaction().execute(async (trx) => {
      if (token) await revokeUserSession(trx, { userId: actor.userId, id: sha256Hex(token), now });
      else await revokeAllSessions(trx, actor.userId, now);
      await appendAudit(trx, {
        tenantId: actor.tenantId,
        actorId: actor.userId,
        action: 'auth.logout',
        subjectType: 'user',
        subjectId: actor.userId,
        data: { everywhere: !token },
        occurredAt: now,
      });
    });
  }

  /** Disables an account and ends all its sessions at once (ASVS v5.0.0-7.4.2). */
  async function disableUser(input: { actor: Actor; userId: string }): Promise<void> {
    requireAccess({ actor: input.actor, permission: 'staff.manage', resource: { tenantId: input.actor.tenantId } });
    const user = await findUserById(db, input.actor.tenantId, input.userId);
    if (!user) throw new AppError('not_found', 'no such user');
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      await markUserDisabled(trx, { tenantId: user.tenant_id, userId: user.id, now });
      await revokeAllSessions(trx, user.id, now);
      await appendAudit(trx, {
        tenantId: input.actor.tenantId,
        actorId: input.actor.userId,
        action: 'user.disabled',
        subjectType: 'user',
        subjectId: user.id,
        occurredAt: now,
      });
    });
  }

  async function getUser(actor: Actor): Promise<User> {
    const user = await findUserById(db, actor.tenantId, actor.userId);
    if (!user) throw new AppError('unauthenticated', 'user vanished');
    return user;
  }

  /**
   * The signed-in person's own account as the profile page and GET /me show it: the NIK masked
   * (UU PDP: never shown in full once entered), and whether the contact still needs its code.
   */
  async function getProfile(actor: Actor): Promise<Profile> {
    const user = await getUser(actor);
    const nik = user.nik_encrypted ? decryptField(deps.dataKey, user.nik_encrypted) : null;
    const opened = (sealed: string | null) => (sealed ? maskDocumentNumber(decryptField(deps.dataKey, sealed)) : null);
    const unverified = [user.phone_verified_at ? null : user.phone, user.email_verified_at ? null : user.email].filter((a): a is string => a !== null);
    const live = unverified.length ? await liveVerificationAddress(db, { userId: user.id, now: isoNow(clock) }) : null;
    return {
      id: user.id,
      name: user.name,
      role: user.role as Role,
      email: user.email,
      phone: user.phone,
      nikMasked: nik ? maskNik(nik) : null,
      identityKind: user.identity_kind,
      passportMasked: opened(user.passport_encrypted),
      stayPermitMasked: opened(user.stay_permit_encrypted),
      nationality: user.nationality,
      consent: user.consent_at ? { at: user.consent_at, version: user.consent_version ?? '' } : null,
      emailVerified: user.email_verified_at !== null,
      phoneVerified: user.phone_verified_at !== null,
      contactVerified: someContactVerified(user),
      // Applicants prove each email and number with a code sent to it; staff accounts are made by an admin.
      contactToVerify: user.role === 'applicant' && unverified.length > 0,
      addressToVerify: user.role === 'applicant' && unverified.length > 0 ? (unverified.find((a) => a === live) ?? unverified[0]!) : null,
      codeSent: live !== null && unverified.includes(live),
    };
  }

  /** Sends a fresh code to the account's email or WhatsApp number (through the outbox). */
  async function requestContactVerification(actor: Actor): Promise<void> {
    await sendCode({ tenantId: actor.tenantId, userId: actor.userId, purpose: 'verify_contact' });
  }

  /**
   * Queues a one-time code for the account, at most one a minute whatever address asks (an attacker
   * cannot flood a citizen's inbox or WhatsApp). Within the minute nothing more is sent; the code
   * already sent keeps working for its ten minutes.
   */
  async function sendCode(q: { tenantId: string; userId: string; purpose: 'verify_contact' | 'reset_password' }): Promise<void> {
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      if (!(await claimCodeRequest(trx, { tenantId: q.tenantId, userId: q.userId, now, since: addMinutes(now, -CODE_COOLDOWN_MINUTES) }))) return;
      // A verification code without a named address goes to the first unverified one the account's
      // route reaches (notifications.handlers.ts); a reset code only to a verified one.
      await enqueue(trx, { tenantId: q.tenantId, message: { topic: 'notify.one_time_code', userId: q.userId, purpose: q.purpose }, now });
    });
  }

  async function verifyContact(input: { actor: Actor; code: string }): Promise<void> {
    const now = isoNow(clock);
    const wrong = () =>
      new AppError('invalid_input', 'wrong or expired code', { fields: [{ field: 'code', code: 'invalid_code', message: 'wrong or expired code' }] });
    // The try is counted before, and apart from, the transaction: a refused one stays counted.
    const checked = await checkCode(db, deps.dataKey, { userId: input.actor.userId, purpose: 'verify_contact', code: input.code, now });
    if (!checked) throw wrong();
    // The code proves the one address it was sent to, and only while the account still has it.
    const user = await getUser(input.actor);
    const address: ContactAddress | null =
      checked.address === null ? null : checked.address === user.email ? 'email' : checked.address === user.phone ? 'phone' : null;
    await db.transaction().execute(async (trx) => {
      if (!(await useCheckedCode(trx, { id: checked.id, now }))) throw wrong();
      if (!address || !checked.address) throw wrong();
      const value = checked.address;
      if (!(await markAddressVerified(trx, { tenantId: input.actor.tenantId, userId: input.actor.userId, address, value, now }))) throw wrong();
      await appendAudit(trx, {
        tenantId: input.actor.tenantId,
        actorId: input.actor.userId,
        action: 'user.contact_verified',
        subjectType: 'user',
        subjectId: input.actor.userId,
        data: { address },
        occurredAt: now,
      });
    });
  }

  /**
   * Starts a password reset. Says nothing about whether the account exists (the page shows the same
   * message either way); a code goes out only when it does.
   */
  async function requestPasswordReset(input: { tenantId: string; login: string }): Promise<void> {
    const user = await findUserByLogin(db, input.tenantId, normaliseLogin(input.login));
    if (!user || user.disabled_at) return;
    await sendCode({ tenantId: input.tenantId, userId: user.id, purpose: 'reset_password' });
  }

  /** Sets a new password with a reset code; every existing session of the account ends. */
  async function resetPassword(input: { tenantId: string; login: string; code: string; password: string }): Promise<void> {
    const user = await findUserByLogin(db, input.tenantId, normaliseLogin(input.login));
    const bad = () =>
      new AppError('invalid_input', 'wrong or expired code', { fields: [{ field: 'code', code: 'invalid_code', message: 'wrong or expired code' }] });
    if (!user || user.disabled_at) throw bad();
    const pw = passwordProblem(input.password, user.role as Role, [user.name, user.email?.split('@')[0] ?? '']);
    if (pw)
      throw new AppError('invalid_input', 'password not accepted', {
        fields: [{ field: 'password', code: pw.code, message: 'password not accepted', ...(pw.params ? { params: pw.params } : {}) }],
      });
    const hash = await hashPassword(input.password);
    const now = isoNow(clock);
    const checked = await checkCode(db, deps.dataKey, { userId: user.id, purpose: 'reset_password', code: input.code, now });
    if (!checked) throw bad();
    await db.transaction().execute(async (trx) => {
      if (!(await useCheckedCode(trx, { id: checked.id, now }))) throw bad();
      await setPasswordHash(trx, { tenantId: user.tenant_id, userId: user.id, passwordHash: hash, now });
      await revokeAllSessions(trx, user.id, now);
      await appendAudit(trx, {
        tenantId: input.tenantId,
        actorId: user.id,
        action: 'user.password_reset',
        subjectType: 'user',
        subjectId: user.id,
        occurredAt: now,
      });
    });
  }

  /**
   * Changes name, email or WhatsApp number. Changing the email or number (what one signs in with and
   * where reset codes go) needs the current password (wrong tries are throttled like sign-in), tells
   * the old contact, ends the account's other sessions (the one making the change stays) and must be
   * verified again. Name-only changes need no password.
   */
  async function updateProfile(input: {
    actor: Actor;
    name: string;
    email?: string | undefined;
    phone?: string | undefined;
    /** Needed when the email or number changes. */
    currentPassword?: string | undefined;
    /** The session making the change (its token), kept when the others end. */
    sessionToken?: string | undefined;
    clientIp?: string | undefined;
  }): Promise<{ changedContact: boolean; sessionsEnded: number }> {
    const user = await getUser(input.actor);
    const problems: FieldProblem[] = [];
    const email = input.email?.trim().toLowerCase() || null;
    const phone = input.phone?.trim() ? normalisePhone(input.phone) : null;
    if (input.phone?.trim() && !phone) problems.push({ field: 'phone', code: 'invalid_phone', message: 'not an Indonesian mobile number' });
    if (email && !isEmail(email)) problems.push({ field: 'email', code: 'invalid_email', message: 'not an email address' });
    if (!email && !input.phone?.trim()) problems.push({ field: 'email', code: 'required', message: 'give an email address or a WhatsApp number' });
    if (!input.name.trim()) problems.push({ field: 'name', code: 'required', message: 'required' });
    if (input.name.length > 120) problems.push({ field: 'name', code: 'too_long', message: 'too long', params: { max: 120 } });
    if (problems.length) throw new AppError('invalid_input', 'profile input invalid', { fields: problems });
    const emailChanged = email !== user.email;
    const phoneChanged = phone !== user.phone;
    const changedContact = emailChanged || phoneChanged;
    if (changedContact) {
      await checkCurrentPassword(user, input.currentPassword ?? '', input.clientIp ?? 'unknown');
      const conflict = await findConflictingUser(db, input.actor.tenantId, {
        email: email !== user.email ? email : null,
        phone: phone !== user.phone ? phone : null,
        nikIndex: null,
      });
      if (conflict)
        throw new AppError('already_registered', `${conflict} already registered`, { params: { field: conflict === 'email' ? 'Email' : 'WhatsApp' } });
    }
    const now = isoNow(clock);
    let sessionsEnded = 0;
    await db.transaction().execute(async (trx) => {
      await updateUserProfile(trx, { tenantId: user.tenant_id, userId: user.id, name: input.name.trim(), email, phone, emailChanged, phoneChanged, now });
      if (changedContact) {
        // Someone who learnt the password or holds another session loses it; this one stays.
        sessionsEnded = await revokeOtherSessions(trx, { userId: user.id, keepId: input.sessionToken ? sha256Hex(input.sessionToken) : null, now });
        // The old email or number hears of it, so a take-over does not go unnoticed.
        const old = { email: email !== user.email ? user.email : null, phone: phone !== user.phone ? user.phone : null };
        if (old.email || old.phone)
          await enqueue(trx, { tenantId: user.tenant_id, message: { topic: 'notify.contact_changed', userId: user.id, ...old }, now });
      }
      await appendAudit(trx, {
        tenantId: input.actor.tenantId,
        actorId: user.id,
        action: changedContact ? 'user.contact_changed' : 'user.profile_updated',
        subjectType: 'user',
        subjectId: user.id,
        data: changedContact ? { changedContact, email: email !== user.email, phone: phone !== user.phone, sessionsEnded } : { changedContact },
        occurredAt: now,
      });
      // The new address gets the code that verifies it, and only that address (the other one, or the
      // preferred channel, proves nothing about it). Both new: the number first; the page's "send a
      // new code" then reaches the email.
      const fresh: ContactAddress | null = phoneChanged && phone ? 'phone' : emailChanged && email ? 'email' : null;
      if (fresh)
        await enqueue(trx, {
          tenantId: input.actor.tenantId,
          message: { topic: 'notify.one_time_code', userId: user.id, purpose: 'verify_contact', address: fresh },
          now,
        });
    });
    return { changedContact, sessionsEnded };
  }

  /**
   * The signed-in person's password, asked again before a sensitive change. Wrong tries count like
   * sign-in failures for this account (5 in 15 minutes, then 429), so a stolen session cannot guess it.
   */
  async function checkCurrentPassword(user: User, password: string, clientIp: string): Promise<void> {
    const now = isoNow(clock);
    const subject = `reauth:${user.id}`;
    const attempt = await beginLoginAttempt(db, { tenantId: user.tenant_id, subject, clientIp, now });
    const failures = await countFailuresUpTo(db, {
      tenantId: user.tenant_id,
      subject,
      clientIp,
      since: addMinutes(now, -LOGIN_THROTTLE.windowMinutes),
      upTo: attempt,
    });
    if (failures.bySubject > LOGIN_THROTTLE.perAccountAndAddress) {
      await forgetLoginAttempt(db, attempt);
      throw new AppError('too_many_attempts', 'password re-check throttled', {
        params: { minutes: LOGIN_THROTTLE.windowMinutes },
        retryAfterSeconds: LOGIN_THROTTLE.windowMinutes * 60,
      });
    }
    if (!(await verifyPassword(user.password_hash, password))) {
      await appendAuditStandalone(user.tenant_id, user.id, 'auth.reauth_failed', {});
      throw new AppError('invalid_input', 'current password wrong', {
        fields: [{ field: 'currentPassword', code: password ? 'wrong_password' : 'required', message: 'the current password is needed' }],
      });
    }
    await markLoginSucceeded(db, attempt);
  }

  /** First step of setting up an officer's authenticator: a new secret, kept but not yet trusted. */
  async function startSecondFactorSetup(actor: Actor): Promise<{ secret: string; uri: string }> {
    const user = await getUser(actor);
    if (user.totp_enabled_at) throw new AppError('invalid_state', 'second factor already set up');
    const secret = generateTotpSecret();
    await setTotpSecret(db, { tenantId: user.tenant_id, userId: user.id, secretEncrypted: encryptField(deps.dataKey, secret), now: isoNow(clock) });
    return { secret, uri: otpauthUri({ secret, account: user.email ?? user.name, issuer: 'Izol' }) };
  }

  /** The secret being set up (to show it again after a wrong code), or null. */
  async function pendingSecondFactorSecret(actor: Actor): Promise<{ secret: string; uri: string } | null> {
    const user = await getUser(actor);
    if (user.totp_enabled_at || !user.totp_secret_encrypted) return null;
    const secret = decryptField(deps.dataKey, user.totp_secret_encrypted);
    return { secret, uri: otpauthUri({ secret, account: user.email ?? user.name, issuer: 'Izol' }) };
  }

  /**
   * Checks an officer's code: confirms a new authenticator (first set-up) or completes sign-in.
   * Either way the page session stops waiting for the second factor and gets a fresh token.
   */
  async function completeSecondFactor(input: { actor: Actor; token: string; code: string; clientIp: string }): Promise<{ token: string }> {
    const user = await getUser(input.actor);
    if (!user.totp_secret_encrypted) throw new AppError('invalid_state', 'no authenticator being set up');
    const now = isoNow(clock);
    // Wrong codes count per account, like the password (from any address, across instances); after
    // the fifth the waiting session ends and the officer signs in again from the password.
    const subject = `totp:${user.id}`;
    const since = addMinutes(now, -LOGIN_THROTTLE.windowMinutes);
    const attempt = await beginLoginAttempt(db, { tenantId: user.tenant_id, subject, clientIp: input.clientIp, now });
    const failures = await countFailuresUpTo(db, { tenantId: user.tenant_id, subject, clientIp: input.clientIp, since, upTo: attempt });
    if (failures.bySubject > LOGIN_THROTTLE.secondFactorPerAccount) {
      await forgetLoginAttempt(db, attempt);
      await revokeSession(db, sha256Hex(input.token), now);
      await appendAuditStandalone(user.tenant_id, user.id, 'auth.second_factor_throttled', {});
      throw new AppError('unauthenticated', 'too many wrong authenticator codes: sign in again');
    }
    const step = verifyTotp(decryptField(deps.dataKey, user.totp_secret_encrypted), input.code, clock.now(), user.totp_last_step);
    if (step === null) {
      if (failures.bySubject >= LOGIN_THROTTLE.secondFactorPerAccount) await revokeSession(db, sha256Hex(input.token), now);
      await appendAuditStandalone(user.tenant_id, user.id, 'auth.second_factor_failed', {});
      throw new AppError('bad_second_factor', 'wrong or used authenticator code', {
        fields: [{ field: 'code', code: 'invalid_code', message: 'wrong or used code' }],
      });
    }
    const fresh = newToken();
    await db.transaction().execute(async (trx) => {
      await markLoginSucceeded(trx, attempt);
      if (!(await confirmTotp(trx, { tenantId: user.tenant_id, userId: user.id, step, enabledAt: user.totp_enabled_at ?? now, now }))) {
        throw new AppError('bad_second_factor', 'authenticator code used by a concurrent request', {
          fields: [{ field: 'code', code: 'invalid_code', message: 'wrong or used code' }],
        });
      }
      await revokeSession(trx, sha256Hex(input.token), now);
      await insertSession(trx, {
        id: sha256Hex(fresh),
        tenantId: user.tenant_id,
        userId: user.id,
        kind: 'cookie',
        now,
        expiresAt: addMinutes(now, SESSION_POLICY.cookie.absoluteMinutes),
      });
      await appendAudit(trx, {
        tenantId: user.tenant_id,
        actorId: user.id,
        action: user.totp_enabled_at ? 'auth.second_factor_ok' : 'auth.second_factor_enrolled',
        subjectType: 'user',
        subjectId: user.id,
        occurredAt: now,
      });
    });
    return { token: fresh };
  }

  /** An admin clears an officer's authenticator (lost phone); the officer sets up a new one at next sign-in. */
  async function resetSecondFactor(input: { actor: Actor; userId: string }): Promise<void> {
    requireAccess({ actor: input.actor, permission: 'staff.manage', resource: { tenantId: input.actor.tenantId } });
    const user = await findUserById(db, input.actor.tenantId, input.userId);
    if (!user) throw new AppError('not_found', 'no such user');
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      await clearTotp(trx, { tenantId: user.tenant_id, userId: user.id, now });
      await revokeAllSessions(trx, user.id, now);
      await appendAudit(trx, {
        tenantId: input.actor.tenantId,
        actorId: input.actor.userId,
        action: 'user.second_factor_reset',
        subjectType: 'user',
        subjectId: user.id,
        occurredAt: now,
      });
    });
  }

  return {
    startSecondFactorSetup,
    pendingSecondFactorSecret,
    completeSecondFactor,
    resetSecondFactor,
    registerApplicant,
    resolveNikClaim,
    createUser,
    login,
    authenticate,
    logout,
    disableUser,
    getUser,
    getProfile,
    requestContactVerification,
    verifyContact,
    requestPasswordReset,
    resetPassword,
    updateProfile,
    /** The person's password asked again before a sensitive step elsewhere (erasure, src/data-rights/): throttled like sign-in. */
    confirmPassword: checkCurrentPassword,
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
