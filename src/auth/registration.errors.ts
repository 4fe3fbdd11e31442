import type { FieldProblem } from '../shared/errors.js';
import { FIELD_MESSAGES, fillTemplate, type Lang } from '../shared/messages.js';
import type { FieldError } from '../web/components.js';
import { type MessageKey, t } from '../web/i18n.js';

/** An error on the registration form; `taken` puts the sign-in and reset links under its field. */
export type RegisterError = FieldError & { taken?: boolean };

/** The field label each registration field's fallback message starts with. */
const LABEL: Record<string, MessageKey> = {
  name: 'register.name',
  nik: 'register.nik',
  passportNumber: 'register.passport',
  stayPermitNumber: 'register.staypermit',
  nationality: 'register.nationality',
  email: 'register.email',
  phone: 'register.phone',
  password: 'register.password',
  consent: 'register.privacy',
};

/** Messages that say which field and what to do ("Enter your full name"), by field and problem code. */
const MESSAGE: Record<string, MessageKey> = {
  'name.required': 'register.error.name.required',
  'nik.required': 'register.error.nik.required',
  'nik.invalid_nik': 'register.error.nik.invalid',
  'nik.nik_region': 'register.error.nik.region',
  'nik.nik_birth_date': 'register.error.nik.birth',
  'passportNumber.required': 'register.error.passport.required',
  'passportNumber.invalid_passport': 'register.error.passport.invalid',
  'stayPermitNumber.required': 'register.error.staypermit.required',
  'stayPermitNumber.invalid_stay_permit': 'register.error.staypermit.invalid',
  'nationality.required': 'register.error.nationality.required',
  'nationality.invalid_nationality': 'register.error.nationality.invalid',
  'email.required': 'register.error.contact.required',
  'email.invalid_email': 'register.error.email.invalid',
  'phone.invalid_phone': 'register.error.phone.invalid',
  'password.too_short': 'register.error.password.short',
  'password.too_long': 'register.error.password.long',
  'password.weak_password': 'register.error.password.weak',
  'consent.required': 'register.error.consent.required',
};

/** The service's field problems as the form shows them: each names its field. */
export function registrationErrors(lang: Lang, problems: readonly FieldProblem[]): RegisterError[] {
  return problems.map((p) => {
    const key = MESSAGE[`${p.field}.${p.code}`];
    if (key) return { field: p.field, message: t(lang, key, p.params) };
    // Any other problem: the field's label, then the general message for the code.
    const general = FIELD_MESSAGES[p.code]?.[lang];
    const label = LABEL[p.field];
    const text = general ? fillTemplate(general, p.params) : p.message;
    return { field: p.field, message: label ? `${t(lang, label)}: ${text}` : text };
  });
}

/** "This WhatsApp number is already registered", on its own field, with the links to sign in and to reset. */
export function takenError(lang: Lang, field: string): RegisterError {
  return { field, taken: true, message: t(lang, field === 'phone' ? 'register.error.phone.taken' : 'register.error.email.taken') };
}
