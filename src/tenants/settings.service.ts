import { can, requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { Db } from '../db/database.js';
import { z } from 'zod';
import { isEmail } from '../shared/identifiers.js';
import { AppError, type FieldProblem } from '../shared/errors.js';
import { canonicalJson } from '../shared/json.js';
import { type Clock, isoNow } from '../shared/time.js';
import { officeChannelOrder, setOfficeChannelOrder } from '../notifications/deliveries.repository.js';
import { CHANNELS, type Channel, DEFAULT_CHANNEL_ORDER } from '../notifications/messages.js';
import { otherOfficesHostnames, updateTenantSettings } from './settings.repository.js';
import { bumpGeneration, CACHE_SCOPES } from '../cache/cache-generations.js';
import { findTenantById, type TenantBranding, tenantBranding, tenantHostnames } from './tenants.repository.js';
import type { TenantResolver } from './tenants.service.js';

/** What an office's admin may change about the office. */
export type OfficeSettings = {
  name: string;
  timeZone: string;
  hostnames: string[];
  /** The contacts after `email` are the public help contacts (footer, error pages); a missing one counts as empty. */
  branding: { logoText: string; address: string; phone: string; email: string } & { [K in keyof HelpContactsInput]?: string };
  /** The order messages try a recipient's channels in (notifications/): a list of distinct channels. */
  channelOrder: Channel[];
};

/** The sections of the office's administration, each true when this person may open it. */
/** `retribution`: the PBG retribution coefficients (src/fees/), which the admin changes and the head reads. */
export type AdminSections = {
  staff: boolean;
  catalogue: boolean;
  holidays: boolean;
  settings: boolean;
  messages: boolean;
  appointments: boolean;
  retribution: boolean;
  /** The office's payment settings (src/payments/payment-settings.*): the admin. */
  payments: boolean;
  /** The videotron and kiosk playlist (src/screens/): the admin. */
  screens: boolean;
};

export const SETTINGS_LIMITS = { name: 120, logoText: 60, address: 300, phone: 30, email: 254, hostnames: 20, hours: 120 } as const;

/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens; no port, no scheme. */
const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
export function isHostName(host: string): boolean {
  return host.length > 0 && host.length <= 253 && host.split('.').every((label) => HOST_LABEL.test(label));
}

/** The IANA name of a time zone this runtime knows (canonical spelling), or null. */
export function canonicalTimeZone(zone: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(zone)) return null;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const PHONE = /^\+?[0-9][0-9 ().-]{4,28}$/;

/**
 * An Indonesian mobile number as typed (0812-3456-7890, +62 812 3456 7890, 62812…) in the 628… form
 * wa.me wants, or null when it is not one: 08 then 8 to 11 digits.
 */
export function normaliseWhatsApp(typed: string): string | null {
  const compact = typed.replace(/[\s().-]/g, '');
  if (!/^\+?[0-9]+$/.test(compact)) return null;
  const digits = compact.replace(/^\+/, '');
  const national = digits.startsWith('62') ? digits.slice(2) : digits.startsWith('0') ? digits.slice(1) : null;
  if (national === null || !/^8[1-9][0-9]{7,10}$/.test(national)) return null;
  return `62${national}`;
}

/** A 628… number as Indonesians write it: 0812-3456-7890. */
export function localWhatsApp(normalised: string): string {
  const local = `0${normalised.slice(2)}`;
  return [local.slice(0, 4), local.slice(4, 8), local.slice(8)].filter(Boolean).join('-');
}

/** Instagram: letters, digits, dots and underscores, at most 30, no dot at either end or twice in a row. */
const INSTAGRAM = /^(?!\.)(?!.*\.\.)[A-Za-z0-9._]{1,30}(?<!\.)$/;
/** Facebook page or profile name: letters, digits and dots, 5 to 50. */
const FACEBOOK = /^[A-Za-z0-9.]{5,50}$/;
const handle = (s: string) => s.trim().replace(/^@/, '');

/** The help contacts as typed, each optional (empty means not set); the codes name what the citizen-readable message says. */
const helpContactsSchema = z.object({
  whatsapp: z
    .string()
    .trim()
    .transform((s, c) => {
      if (!s) return '';
      const n = normaliseWhatsApp(s);
      if (!n) c.addIssue({ code: 'custom', message: 'invalid_whatsapp' });
      return n ?? '';
    }),
  instagram: z
    .string()
    .transform(handle)
    .refine((s) => !s || INSTAGRAM.test(s), { message: 'invalid_instagram' }),
  facebook: z
    .string()
    .transform(handle)
    .refine((s) => !s || FACEBOOK.test(s), { message: 'invalid_facebook' }),
  hours: z
    .string()
    .transform((s) => s.replace(/\s+/g, ' ').trim())
    .refine((s) => s.length <= SETTINGS_LIMITS.hours, { message: 'too_long' }),
});
export type HelpContactsInput = z.input<typeof helpContactsSchema>;

function checkHelpContacts(b: OfficeSettings['branding'], problems: FieldProblem[]): z.output<typeof helpContactsSchema> {
  const parsed = helpContactsSchema.safeParse({ whatsapp: b.whatsapp ?? '', instagram: b.instagram ?? '', facebook: b.facebook ?? '', hours: b.hours ?? '' });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0]);
    const code = issue.message;
    problems.push({ field, code, message: code, ...(code === 'too_long' ? { params: { max: SETTINGS_LIMITS.hours } } : {}) });
  }
  return { whatsapp: '', instagram: '', facebook: '', hours: '' };
}

/**
 * An office's settings (name, time zone, host names, branding), kept in its tenants row. Only the
 * office's admins read or change them; a change is audited and the host-name cache is dropped so
 * the next request to this instance already finds its office by the new names (other instances
 * refresh their cache within a minute).
 */
export function createSettingsService(deps: { db: Db; clock: Clock; tenants: TenantResolver }) {
  const { db, clock } = deps;

  function requireManager(actor: Actor): void {
    requireAccess({ actor, permission: 'settings.manage', resource: { tenantId: actor.tenantId } });
  }

  /** Which parts of the office's administration this person may open (links on the back-office pages). */
  function adminSections(input: { actor: Actor }): AdminSections {
    const office = { tenantId: input.actor.tenantId };
    return {
      staff: can(input.actor, 'staff.manage', office),
      catalogue: can(input.actor, 'catalogue.manage', office),
      holidays: can(input.actor, 'holidays.manage', office),
      settings: can(input.actor, 'settings.manage', office),
      messages: can(input.actor, 'messages.manage', office),
      appointments: can(input.actor, 'appointments.manage', office),
      retribution: can(input.actor, 'fees.read', office),
      payments: can(input.actor, 'payments.settings', office),
      screens: can(input.actor, 'screens.manage', office),
    };
  }

  /** The administration home: the sections this person may open; forbidden for someone who may open none. */
  function adminHome(input: { actor: Actor }): AdminSections {
    const sections = adminSections(input);
    if (!Object.values(sections).some(Boolean)) throw new AppError('forbidden', `${input.actor.role} administers nothing in this office`);
    return sections;
  }

  async function getSettings(input: { actor: Actor }): Promise<OfficeSettings> {
    requireManager(input.actor);
    const tenant = await findTenantById(db, input.actor.tenantId);
    if (!tenant) throw new AppError('not_found', 'office vanished');
    const branding = tenantBranding(tenant);
    return {
      name: tenant.name,
      timeZone: tenant.time_zone,
      hostnames: tenantHostnames(tenant),
      branding: {
        logoText: branding.logoText ?? '',
        address: branding.address ?? '',
        phone: branding.phone ?? '',
        email: branding.email ?? '',
        whatsapp: branding.whatsapp ? localWhatsApp(branding.whatsapp) : '',
        instagram: branding.instagram ?? '',
        facebook: branding.facebook ?? '',
        hours: branding.hours ?? '',
      },
      channelOrder: (await officeChannelOrder(db, tenant.id)) ?? [...DEFAULT_CHANNEL_ORDER],
    };
  }

  /**
   * Validates everything first and reports every problem at once (field `hostnames` names the bad
   * line); saves nothing unless all is well. Branding keys the form does not show (the colour) are kept.
   */
  async function updateSettings(input: { actor: Actor; settings: OfficeSettings }): Promise<{ changed: string[] }> {
    requireManager(input.actor);
    const s = input.settings;
    const problems: FieldProblem[] = [];
    const name = s.name.trim();
    if (!name) problems.push({ field: 'name', code: 'required', message: 'required' });
    else if (name.length > SETTINGS_LIMITS.name) problems.push({ field: 'name', code: 'too_long', message: 'too long', params: { max: SETTINGS_LIMITS.name } });

    const timeZone = s.timeZone.trim() ? canonicalTimeZone(s.timeZone.trim()) : null;
    if (!s.timeZone.trim()) problems.push({ field: 'timeZone', code: 'required', message: 'required' });
    else if (!timeZone)
      problems.push({ field: 'timeZone', code: 'invalid_time_zone', message: 'not an IANA time zone', params: { value: s.timeZone.trim().slice(0, 60) } });

    const hostnames = [...new Set(s.hostnames.map((h) => h.trim().toLowerCase()).filter(Boolean))];
    if (hostnames.length === 0) problems.push({ field: 'hostnames', code: 'required', message: 'at least one host name' });
    else if (hostnames.length > SETTINGS_LIMITS.hostnames)
      problems.push({ field: 'hostnames', code: 'too_many_host_names', message: 'too many host names', params: { max: SETTINGS_LIMITS.hostnames } });
    for (const host of hostnames.filter((h) => !isHostName(h)).slice(0, 5)) {
      problems.push({ field: 'hostnames', code: 'invalid_host_name', message: `not a host name: ${host}`, params: { value: host.slice(0, 80) } });
    }

    const b = {
      logoText: s.branding.logoText.trim(),
      address: s.branding.address.trim(),
      phone: s.branding.phone.trim(),
      email: s.branding.email.trim().toLowerCase(),
    };
    for (const key of ['logoText', 'address', 'phone', 'email'] as const) {
      if (b[key].length > SETTINGS_LIMITS[key]) problems.push({ field: key, code: 'too_long', message: 'too long', params: { max: SETTINGS_LIMITS[key] } });
    }
    if (b.phone && b.phone.length <= SETTINGS_LIMITS.phone && !PHONE.test(b.phone))
      problems.push({ field: 'phone', code: 'invalid_office_phone', message: 'not a phone number' });
    if (b.email && b.email.length <= SETTINGS_LIMITS.email && !isEmail(b.email))
      problems.push({ field: 'email', code: 'invalid_email', message: 'not an email address' });
    const contacts = checkHelpContacts(s.branding, problems);
    // An empty order (a form without the field) keeps the office's order as it is.
    const channelOrder = [...new Set(s.channelOrder)];
    if (channelOrder.length !== s.channelOrder.length || !channelOrder.every((c) => (CHANNELS as readonly string[]).includes(c)))
      problems.push({ field: 'channelOrder', code: 'invalid_channel_order', message: 'a list of distinct channels' });
    if (problems.length) throw new AppError('invalid_input', 'office settings invalid', { fields: problems });

    const now = isoNow(clock);
    let changed: string[] = [];
    await db.transaction().execute(async (trx) => {
      // A host name selects one office: refuse one that another office already answers to.
      const taken = new Map<string, string>();
      for (const other of await otherOfficesHostnames(trx, input.actor.tenantId)) {
        for (const h of other.hostnames) taken.set(h, other.code);
      }
      const clashes = hostnames.filter((h) => taken.has(h));
      if (clashes.length) {
        throw new AppError('invalid_input', 'host name used by another office', {
          fields: clashes.map((h) => ({ field: 'hostnames', code: 'host_name_taken', message: `${h} belongs to another office`, params: { value: h } })),
        });
      }
      const tenant = await findTenantById(trx, input.actor.tenantId);
      if (!tenant) throw new AppError('not_found', 'office vanished');
      const kept = tenantBranding(tenant);
      const branding: TenantBranding = { ...(kept.primaryColour ? { primaryColour: kept.primaryColour } : {}) };
      if (b.logoText) branding.logoText = b.logoText;
      if (b.address) branding.address = b.address;
      if (b.phone) branding.phone = b.phone;
      if (b.email) branding.email = b.email;
      for (const key of ['whatsapp', 'instagram', 'facebook', 'hours'] as const) if (contacts[key]) branding[key] = contacts[key];
      const next = { name, timeZone: timeZone!, hostnames: JSON.stringify(hostnames), branding: JSON.stringify(branding) };
      changed = [
        ...(next.name !== tenant.name ? ['name'] : []),
        ...(next.timeZone !== tenant.time_zone ? ['timeZone'] : []),
        ...(next.hostnames !== tenant.hostnames ? ['hostnames'] : []),
        ...(canonicalJson(branding) !== canonicalJson(kept) ? ['branding'] : []),
        ...(channelOrder.length > 0 && JSON.stringify(channelOrder) !== JSON.stringify((await officeChannelOrder(trx, tenant.id)) ?? DEFAULT_CHANNEL_ORDER)
          ? ['channelOrder']
          : []),
      ];
      if (changed.length === 0) return;
      await updateTenantSettings(trx, { tenantId: tenant.id, ...next });
      if (changed.includes('channelOrder')) await setOfficeChannelOrder(trx, { tenantId: tenant.id, order: channelOrder });
      await appendAudit(trx, {
        tenantId: tenant.id,
        actorId: input.actor.userId,
        action: 'tenant.settings_updated',
        subjectType: 'tenant',
        subjectId: tenant.id,
        data: { changed, name, timeZone: next.timeZone, hostnames, branding, channelOrder },
        occurredAt: now,
      });
      // Every instance's host-name cache follows within about a second (src/cache/cache-generations.ts).
      await bumpGeneration(trx, CACHE_SCOPES.tenants, now);
    });
    if (changed.length) deps.tenants.invalidate();
    // The office's days are counted in its time zone: the open files' due dates follow a new one.
    if (changed.includes('timeZone')) for (const listener of timeZoneListeners) await listener({ actor: input.actor });
    return { changed };
  }

  /** Told after a time-zone change commits (services.ts: the open files' stored due dates are worked out again). */
  const timeZoneListeners: ((input: { actor: Actor }) => Promise<unknown>)[] = [];
  function onTimeZoneChange(listener: (input: { actor: Actor }) => Promise<unknown>): void {
    timeZoneListeners.push(listener);
  }

  return { adminSections, adminHome, getSettings, updateSettings, onTimeZoneChange };
}
export type SettingsService = ReturnType<typeof createSettingsService>;
