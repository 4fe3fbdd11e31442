import type { Lang } from '../shared/messages.js';
import { fillTemplate } from '../shared/messages.js';

import { COMMON_MESSAGES } from './common.i18n.js';
import { CATALOGUE_MESSAGES } from '../catalogue/catalogue.i18n.js';
import { AUTH_MESSAGES } from '../auth/auth.i18n.js';
import { APPLICATIONS_MESSAGES } from '../applications/applications.i18n.js';
import { TRACKING_MESSAGES } from '../tracking/tracking.i18n.js';
import { NOTIFICATIONS_MESSAGES } from '../notifications/notifications.i18n.js';
import { FEES_MESSAGES } from '../fees/fees.i18n.js';
import { PERMITS_MESSAGES } from '../permits/permits.i18n.js';
import { SEAL_MESSAGES } from '../permits/seal.i18n.js';
import { SETTINGS_MESSAGES } from '../tenants/settings.i18n.js';
import { STAFF_MESSAGES } from '../auth/staff.i18n.js';
import { HOLIDAYS_MESSAGES } from '../sla/holidays.i18n.js';
import { SETUP_LINK_MESSAGES } from '../auth/setup-link.i18n.js';
import { CONTACTS_MESSAGES } from '../contacts/contacts.i18n.js';
import { DATA_RIGHTS_MESSAGES } from '../data-rights/data-rights.i18n.js';
import { HELPDESK_MESSAGES } from '../helpdesk/helpdesk.i18n.js';
import { PARCELS_MESSAGES } from '../parcels/parcels.i18n.js';
import { APPOINTMENTS_MESSAGES } from '../appointments/appointments.i18n.js';
import { QUEUE_MESSAGES } from '../queue/queue.i18n.js';
import { RECONCILIATION_MESSAGES } from '../payments/reconciliation.i18n.js';
import { PAYMENT_SETTINGS_MESSAGES } from '../payments/payment-settings.i18n.js';
import { BILLS_MESSAGES } from '../payments/bills.i18n.js';
import { REVENUE_MESSAGES } from '../revenue/revenue.i18n.js';
import { SURVEY_MESSAGES } from '../survey/survey.i18n.js';
import { DASHBOARD_MESSAGES } from '../dashboard/dashboard.i18n.js';
import { CONSENT_MESSAGES } from '../auth/consent.i18n.js';
import { MY_APPLICATIONS_MESSAGES } from '../applications/my-applications.i18n.js';
import { SCREENS_MESSAGES } from '../screens/screens.i18n.js';
import { TRANSPARENCY_MESSAGES } from '../transparency/transparency.i18n.js';
import { OFFLINE_VERIFIER_MESSAGES } from '../permits/offline-verifier.i18n.js';
/**
 * One entry: the same text in both languages; a message with a count may give plural forms
 * (Intl.PluralRules), chosen by `params.n`, or by the param `by` names when the noun follows another
 * count ("{used} of {allowed} working days": `by: 'allowed'`).
 */
export type Text = string | { one?: string; other: string; by?: string };
export type Catalogue = Record<string, Record<Lang, Text>>;

/**
 * Every string the pages show, merged from each feature's `<feature>.i18n.ts` (a key appears in one
 * of them only: test/unit/i18n.test.ts). `{name}` placeholders are filled by `t`.
 */
const M = {
  ...COMMON_MESSAGES,
  ...CATALOGUE_MESSAGES,
  ...AUTH_MESSAGES,
  ...APPLICATIONS_MESSAGES,
  ...TRACKING_MESSAGES,
  ...NOTIFICATIONS_MESSAGES,
  ...FEES_MESSAGES,
  ...PERMITS_MESSAGES,
  ...SEAL_MESSAGES,
  ...SETTINGS_MESSAGES,
  ...STAFF_MESSAGES,
  ...HOLIDAYS_MESSAGES,
  ...SETUP_LINK_MESSAGES,
  ...CONTACTS_MESSAGES,
  ...DATA_RIGHTS_MESSAGES,
  ...HELPDESK_MESSAGES,
  ...PARCELS_MESSAGES,
  ...APPOINTMENTS_MESSAGES,
  ...QUEUE_MESSAGES,
  ...RECONCILIATION_MESSAGES,
  ...PAYMENT_SETTINGS_MESSAGES,
  ...BILLS_MESSAGES,
  ...REVENUE_MESSAGES,
  ...SURVEY_MESSAGES,
  ...DASHBOARD_MESSAGES,
  ...CONSENT_MESSAGES,
  ...MY_APPLICATIONS_MESSAGES,
  ...SCREENS_MESSAGES,
  ...TRANSPARENCY_MESSAGES,
  ...OFFLINE_VERIFIER_MESSAGES,
} as const satisfies Catalogue;
export const CATALOGUES: Readonly<Record<string, Catalogue>> = {
  'web/common': COMMON_MESSAGES,
  'catalogue/catalogue': CATALOGUE_MESSAGES,
  'auth/auth': AUTH_MESSAGES,
  'applications/applications': APPLICATIONS_MESSAGES,
  'tracking/tracking': TRACKING_MESSAGES,
  'notifications/notifications': NOTIFICATIONS_MESSAGES,
  'fees/fees': FEES_MESSAGES,
  'permits/permits': PERMITS_MESSAGES,
  'permits/seal': SEAL_MESSAGES,
  'tenants/settings': SETTINGS_MESSAGES,
  'auth/staff': STAFF_MESSAGES,
  'sla/holidays': HOLIDAYS_MESSAGES,
  'auth/setup-link': SETUP_LINK_MESSAGES,
  'contacts/contacts': CONTACTS_MESSAGES,
  'data-rights/data-rights': DATA_RIGHTS_MESSAGES,
  'helpdesk/helpdesk': HELPDESK_MESSAGES,
  'parcels/parcels': PARCELS_MESSAGES,
  'appointments/appointments': APPOINTMENTS_MESSAGES,
  'queue/queue': QUEUE_MESSAGES,
  'payments/reconciliation': RECONCILIATION_MESSAGES,
  'payments/payment-settings': PAYMENT_SETTINGS_MESSAGES,
  'payments/bills': BILLS_MESSAGES,
  'revenue/revenue': REVENUE_MESSAGES,
  'survey/survey': SURVEY_MESSAGES,
  'dashboard/dashboard': DASHBOARD_MESSAGES,
  'auth/consent': CONSENT_MESSAGES,
  'applications/my-applications': MY_APPLICATIONS_MESSAGES,
  'screens/screens': SCREENS_MESSAGES,
  'transparency/transparency': TRANSPARENCY_MESSAGES,
  'permits/offline-verifier': OFFLINE_VERIFIER_MESSAGES,
};

export type MessageKey = keyof typeof M;

const PLURALS: Record<Lang, Intl.PluralRules> = { id: new Intl.PluralRules('id-ID'), en: new Intl.PluralRules('en-GB') };

/** The text for one key in one language; a message with plural forms is chosen by `params.n`. */
export function t(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  const text: Text = M[key][lang];
  if (typeof text === 'string') return fillTemplate(text, params);
  const n = Number(params?.[text.by ?? 'n']);
  const form = Number.isFinite(n) && PLURALS[lang].select(n) === 'one' ? (text.one ?? text.other) : text.other;
  return fillTemplate(form, params);
}

/**
 * A count with its noun, for texts built outside the catalogue (messages): `plural('en', 1, 'working
 * day', 'working days')` is "1 working day". Indonesian nouns do not change ("1 hari", "3 hari").
 */
export function plural(lang: Lang, n: number, one: string, other: string): string {
  return `${n} ${PLURALS[lang].select(n) === 'one' ? one : other}`;
}

/** Localised text from catalogue data ({ id, en }). */
export function loc(lang: Lang, text: { id: string; en: string }): string {
  return text[lang];
}

export function formatDate(lang: Lang, iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone }).format(new Date(iso));
}

export function formatDateTime(lang: Lang, iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(new Date(iso));
}

/** A decimal as the reader writes it: 0,005 and 1.234,5 in Indonesian; 0.005 and 1,234.5 in English. */
export function formatDecimal(lang: Lang, value: number): string {
  return new Intl.NumberFormat(lang === 'id' ? 'id-ID' : 'en-GB', { maximumFractionDigits: 6 }).format(value);
}

/** Rupiah as Indonesians write it: Rp 6.176.270 (whole rupiah, no decimals). */
export function formatRupiah(amount: number): string {
  return `Rp ${new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 }).format(amount)}`;
}
