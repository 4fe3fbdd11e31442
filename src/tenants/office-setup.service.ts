import type { FeeService } from '../fees/fees.service.js';
import { bumpGeneration, CACHE_SCOPES } from '../cache/cache-generations.js';
import type { PaymentSettingsService } from '../payments/payment-settings.service.js';
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit.repository.js';
import { SESSION_POLICY } from '../auth/auth.service.js';
import { hashPassword, passwordProblem } from '../auth/passwords.js';
import { insertSession, revokeAllSessions } from '../auth/sessions.repository.js';
import { findSetupLink, insertSetupLink, listSetupLinks, revokeOpenSetupLinks, useSetupLink } from '../auth/setup-links.repository.js';
import { insertUser, setPasswordHash } from '../auth/users.repository.js';
import type { CatalogueRelease } from '../catalogue/catalogue.loader.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';
import type { Tenant } from '../db/schema.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { newToken, sha256Hex } from '../shared/crypto.js';
import { AppError, type FieldProblem } from '../shared/errors.js';
import { isEmail } from '../shared/identifiers.js';
import { type Clock, addMinutes, isoNow } from '../shared/time.js';
import type { ManagedSigner } from '../signing/signer.js';
import type { HolidayService } from '../sla/holidays.service.js';
import { type OfficeAddress, officeBaseUrl } from './office-url.js';
import { canonicalTimeZone, isHostName, SETTINGS_LIMITS } from './settings.service.js';
import { findTenantByCode, findTenantById, insertTenantRows, listOfficesWithStaffCount, officeUsingHost, tenantHostnames } from './tenants.repository.js';
import type { TenantResolver } from './tenants.service.js';

/** How long a set-up link stays open (the issue: 24 hours, single use). */
export const SETUP_LINK_HOURS = 24;

/** Where a set-up link points, on the office's own host: `<office address>/akun/atur-kantor/<token>`. */
export const SETUP_PATH = '/akun/atur-kantor/';

/**
 * The password hash of an admin who has not chosen a password yet. It is no argon2 hash, so no
 * password ever verifies against it (argon2.verify refuses it): the account cannot be signed in to
 * until the set-up link sets a real one.
 */
export const NO_PASSWORD_YET = '!set-up-link-pending';

/** What `npm run office:create` is given (as typed; the service trims, checks and normalises). */
export type NewOffice = { code: string; name: string; host: string; timeZone: string; adminEmail: string; adminName?: string | undefined };

/** A set-up link's state, as the page shows it: open (with whom it is for), or closed and why. */
export type SetupLinkState =
  { state: 'open'; userId: string; email: string; name: string; expiresAt: string } | { state: 'unknown' | 'expired' | 'used' | 'ended' };

export type OfficeSummary = { code: string; name: string; hosts: string[]; timeZone: string; staff: number; catalogueRelease: number | null };

const CODE = /^[A-Z]{2,8}$/;
/** The token newToken() makes (32 random bytes, base64url); anything else is unknown without a query. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Every problem with the arguments at once, each named by its field (code, name, host, timeZone, adminEmail, adminName). */
export function officeProblems(input: NewOffice): { problems: FieldProblem[]; office: Required<NewOffice> } {
  const problems: FieldProblem[] = [];
  const code = input.code.trim();
  const name = input.name.trim();
  const host = input.host.trim().toLowerCase();
  const zone = input.timeZone.trim();
  const adminEmail = input.adminEmail.trim().toLowerCase();
  const adminName = (input.adminName ?? '').trim() || `Admin ${name}`.slice(0, SETTINGS_LIMITS.name);
  if (!CODE.test(code)) problems.push({ field: 'code', code: 'invalid_office_code', message: `"${code}" must be 2 to 8 capital letters, e.g. SBY` });
  if (!name) problems.push({ field: 'name', code: 'required', message: 'the office name is required, e.g. "DPMPTSP Kota Surabaya"' });
  else if (name.length > SETTINGS_LIMITS.name) problems.push({ field: 'name', code: 'too_long', message: `at most ${SETTINGS_LIMITS.name} characters` });
  if (!isHostName(host))
    problems.push({
      field: 'host',
      code: 'invalid_host_name',
      message: `"${host}" is not a host name (no https://, no port, no path), e.g. izin.surabaya.go.id`,
    });
  const timeZone = zone ? canonicalTimeZone(zone) : null;
  if (!timeZone)
    problems.push({
      field: 'timeZone',
      code: 'invalid_time_zone',
      message: `"${zone}" is not an IANA time zone: Asia/Jakarta, Asia/Makassar or Asia/Jayapura`,
    });
  if (!isEmail(adminEmail)) problems.push({ field: 'adminEmail', code: 'invalid_email', message: `"${adminEmail}" is not an email address` });
  if (adminName.length > SETTINGS_LIMITS.name) problems.push({ field: 'adminName', code: 'too_long', message: `at most ${SETTINGS_LIMITS.name} characters` });
  return { problems, office: { code, name, host, timeZone: timeZone ?? zone, adminEmail, adminName } };
}

/**
 * Setting up a real office (issue 10, item 3): the operator creates it from the command line
 * (npm run office:create) with its catalogue, holidays, signing key and a first admin who has no
 * password yet; the admin opens a one-time link, chooses a password and goes on to the usual
 * second-factor set-up. The operator's shell is the authority for creating an office (no actor);
 * the link's token is the authority for the admin's first password (a 256-bit secret, hashed).
 */
export function createOfficeSetupService(deps: {
  db: Db;
  clock: Clock;
  catalogue: CatalogueService;
  holidays: HolidayService;
  signer: ManagedSigner;
  tenants: TenantResolver;
  address: OfficeAddress;
  /** The PBG retribution coefficients: the seed file's years for an office that has none (src/fees/). */
  fees?: Pick<FeeService, 'seedIfEmpty'>;
  /** The office's first payment settings, when it has none (src/payments/payment-settings.service.ts). */
  paymentSettings?: Pick<PaymentSettingsService, 'ensureDefaultSettings'>;
}) {
  const { db, clock } = deps;

  /** A fresh link for the account, replacing (ending) any link of it still open; inside the caller's transaction. */
  async function issueLink(trx: Db, tenant: Tenant, userId: string, now: string): Promise<{ url: string; expiresAt: string; replaced: number }> {
    const replaced = await revokeOpenSetupLinks(trx, { tenantId: tenant.id, userId, now });
    const token = newToken();
    const expiresAt = addMinutes(now, SETUP_LINK_HOURS * 60);
    await insertSetupLink(trx, {
      id: randomUUID(),
      tenant_id: tenant.id,
      user_id: userId,
      token_hash: sha256Hex(token),
      created_at: now,
      expires_at: expiresAt,
    });
    await appendAudit(trx, {
      tenantId: tenant.id,
      actorId: null,
      action: 'office.setup_link_issued',
      subjectType: 'user',
      subjectId: userId,
      data: { expiresAt, replaced, by: 'operator' },
      occurredAt: now,
    });
    return { url: `${officeBaseUrl(deps.address, tenant)}${SETUP_PATH}${token}`, expiresAt, replaced };
  }

  /**
   * What every office needs before it serves: the seed catalogue (adopted by release, never over an
   * admin's edits), the holiday table (when empty) and a signing key. Safe at every start, and run
   * at every start for every office, so an office whose creation stopped half-way is completed then.
   */
  async function prepareOffice(input: { tenantId: string; release: CatalogueRelease }) {
    const catalogue = await deps.catalogue.adoptRelease({ tenantId: input.tenantId, release: input.release });
    const holidays = await deps.holidays.seedIfEmpty(input.tenantId);
    const keyId = await deps.signer.ensureKey(input.tenantId);
    await deps.fees?.seedIfEmpty(input.tenantId);
    await deps.paymentSettings?.ensureDefaultSettings(input.tenantId);
    return { catalogue, holidays, keyId };
  }

  /**
   * Creates an office with its first admin and returns the admin's set-up link. Refused with nothing
   * written: bad arguments (invalid_input, every problem named), a code another office has, a host
   * name another office answers to (conflict). The office, its admin (no usable password) and the
   * link are written in one transaction; the catalogue, holidays and key follow (prepareOffice).
   */
  async function createOffice(input: NewOffice & { release: CatalogueRelease }) {
    const { problems, office } = officeProblems(input);
    if (problems.length) throw new AppError('invalid_input', 'office arguments invalid', { fields: problems });
    const taken = (): AppError =>
      new AppError('conflict', `an office with code ${office.code} exists already`, {
        fields: [{ field: 'code', code: 'office_code_taken', message: `an office with code ${office.code} exists already (npm run office:list)` }],
      });
    if (await findTenantByCode(db, office.code)) throw taken();
    const other = await officeUsingHost(db, office.host);
    if (other)
      throw new AppError('conflict', `host ${office.host} belongs to office ${other}`, {
        fields: [{ field: 'host', code: 'host_name_taken', message: `office ${other} already answers to ${office.host}`, params: { value: office.host } }],
      });
    const now = isoNow(clock);
    const adminId = randomUUID();
    let created: { tenant: Tenant; link: { url: string; expiresAt: string } };
    try {
      created = await db.transaction().execute(async (trx) => {
        const tenant = await insertTenantRows(trx, {
          code: office.code,
          name: office.name,
          timeZone: office.timeZone,
          hostnames: [office.host],
          branding: {},
          now,
        });
        await insertUser(trx, {
          id: adminId,
          tenant_id: tenant.id,
          role: 'admin',
          name: office.adminName,
          email: office.adminEmail,
          phone: null,
          nik_encrypted: null,
          nik_index: null,
          password_hash: NO_PASSWORD_YET,
          consent_version: null,
          consent_at: null,
          disabled_at: null,
          created_at: now,
          updated_at: now,
        });
        await appendAudit(trx, {
          tenantId: tenant.id,
          actorId: null,
          action: 'office.created',
          subjectType: 'tenant',
          subjectId: tenant.id,
          data: { code: office.code, name: office.name, hostnames: [office.host], timeZone: office.timeZone, by: 'operator' },
          occurredAt: now,
        });
        await bumpGeneration(trx, CACHE_SCOPES.tenants, now);
        await appendAudit(trx, {
          tenantId: tenant.id,
          actorId: null,
          action: 'user.created',
          subjectType: 'user',
          subjectId: adminId,
          data: { role: 'admin', by: 'operator' },
          occurredAt: now,
        });
        return { tenant, link: await issueLink(trx, tenant, adminId, now) };
      });
    } catch (err) {
      // Another run created the same code at the same moment: the unique code decides.
      if (isUniqueViolation(err) && (await findTenantByCode(db, office.code))) throw taken();
      throw err;
    }
    deps.tenants.invalidate();
    const prepared = await prepareOffice({ tenantId: created.tenant.id, release: input.release });
    const tenant = (await findTenantById(db, created.tenant.id)) ?? created.tenant;
    return { tenant, admin: { userId: adminId, email: office.adminEmail }, link: created.link, release: input.release.release, ...prepared };
  }

  /**
   * A new set-up link for an office whose first admin never used theirs (lost, expired); the old link
   * ends. Refused for an unknown office, and once the admin has set up (then: sign in, or another
   * admin resets the second factor; a forgotten password has its own reset).
   */
  async function renewSetupLink(input: { code: string }): Promise<{ tenant: Tenant; email: string; url: string; expiresAt: string; replaced: number }> {
    const tenant = await findTenantByCode(db, input.code.trim());
    if (!tenant) throw new AppError('not_found', `no office with code ${input.code} (npm run office:list)`);
    const links = await listSetupLinks(db, tenant.id);
    const latest = links[0];
    if (!latest)
      throw new AppError('invalid_state', `office ${tenant.code} was not created by npm run office:create: it has no first admin waiting for a set-up link`);
    const used = links.find((l) => l.used_at !== null);
    if (used)
      throw new AppError(
        'invalid_state',
        `the first admin of ${tenant.code} (${used.email ?? '?'}) finished setting up on ${used.used_at}: they sign in at the office's address; a forgotten password is reset from the sign-in page`,
      );
    if (latest.disabled_at) throw new AppError('invalid_state', `the first admin account of ${tenant.code} is disabled`);
    const now = isoNow(clock);
    const link = await db.transaction().execute((trx) => issueLink(trx, tenant, latest.user_id, now));
    return { tenant, email: latest.email ?? '', ...link };
  }

  /** Every office, for npm run office:list. */
  async function listOffices(): Promise<OfficeSummary[]> {
    return (await listOfficesWithStaffCount(db)).map((t) => ({
      code: t.code,
      name: t.name,
      hosts: tenantHostnames(t),
      timeZone: t.time_zone,
      staff: t.staff,
      catalogueRelease: t.catalogue_release,
    }));
  }

  /** What a set-up link is, without changing anything: the page shows the office and email, or why it is closed. */
  async function openSetupLink(input: { tenantId: string; token: string }): Promise<SetupLinkState> {
    if (!TOKEN.test(input.token)) return { state: 'unknown' };
    const link = await findSetupLink(db, { tenantId: input.tenantId, tokenHash: sha256Hex(input.token) });
    if (!link) return { state: 'unknown' };
    if (link.used_at) return { state: 'used' };
    if (link.revoked_at || link.disabled_at) return { state: 'ended' };
    if (link.expires_at <= isoNow(clock)) return { state: 'expired' };
    return { state: 'open', userId: link.user_id, email: link.email ?? '', name: link.name, expiresAt: link.expires_at };
  }

  /**
   * The admin's first password, from an open link: the staff policy (12+ characters, not common, not
   * the name or email), typed twice. In one transaction the link is used up (a conditional update: of
   * two submissions one wins), the password set, and a page session opened that waits for the second
   * factor, exactly as a password sign-in opens one: the existing set-up page takes it from there.
   * Returns the session token, or the link's closed state (nothing changed).
   */
  async function completeSetup(input: {
    tenantId: string;
    token: string;
    password: string;
    passwordAgain: string;
  }): Promise<{ ok: true; sessionToken: string } | { ok: false; state: Exclude<SetupLinkState['state'], 'open'> }> {
    const link = await openSetupLink(input);
    if (link.state !== 'open') return { ok: false, state: link.state };
    const problems: FieldProblem[] = [];
    const pw = passwordProblem(input.password, 'admin', [link.name, link.email.split('@')[0] ?? '']);
    if (pw) problems.push({ field: 'password', code: pw.code, message: 'password not accepted', ...(pw.params ? { params: pw.params } : {}) });
    else if (input.password !== input.passwordAgain) problems.push({ field: 'passwordAgain', code: 'passwords_differ', message: 'the two passwords differ' });
    if (problems.length) throw new AppError('invalid_input', 'set-up password refused', { fields: problems });
    const hash = await hashPassword(input.password);
    const now = isoNow(clock);
    const sessionToken = newToken();
    const done = await db.transaction().execute(async (trx) => {
      const found = await findSetupLink(trx, { tenantId: input.tenantId, tokenHash: sha256Hex(input.token) });
      if (!found || !(await useSetupLink(trx, { id: found.id, now }))) return false;
      await setPasswordHash(trx, { tenantId: input.tenantId, userId: link.userId, passwordHash: hash, now });
      await revokeAllSessions(trx, link.userId, now);
      await insertSession(trx, {
        id: sha256Hex(sessionToken),
        tenantId: input.tenantId,
        userId: link.userId,
        kind: 'cookie',
        now,
        expiresAt: addMinutes(now, SESSION_POLICY.cookie.absoluteMinutes),
        mfaPending: true,
      });
      await appendAudit(trx, {
        tenantId: input.tenantId,
        actorId: link.userId,
        action: 'office.admin_password_set',
        subjectType: 'user',
        subjectId: link.userId,
        data: { via: 'setup_link' },
        occurredAt: now,
      });
      return true;
    });
    if (!done) return { ok: false, state: (await openSetupLink(input)).state === 'expired' ? 'expired' : 'used' };
    return { ok: true, sessionToken };
  }

  return { createOffice, prepareOffice, renewSetupLink, listOffices, openSetupLink, completeSetup };
}
export type OfficeSetupService = ReturnType<typeof createOfficeSetupService>;
