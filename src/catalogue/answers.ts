import { z } from 'zod';
import type { FieldProblem } from '../shared/errors.js';
import { blindIndex, decryptField, encryptField } from '../shared/crypto.js';
import { isEmail, isValidKbli, isValidNib, isValidNpwp, maskNik, nikProblem, normaliseNpwp, normalisePhone } from '../shared/identifiers.js';
import { isCalendarDate } from '../shared/time.js';
import type { AnswerCheck, FieldDefinition } from './catalogue.schema.js';
import { fillTemplate } from '../shared/messages.js';
import { parseJsonColumn } from '../shared/json.js';

export type AnswerValue = string | number | boolean;
export type Answers = Record<string, AnswerValue>;

/**
 * A NIK typed as a form answer, as it is stored (ARCHITECTURE decision 10, like the account NIK):
 * AES-256-GCM ciphertext, the HMAC blind index (purpose 'nik', the account NIK's, so the two can be
 * matched without decrypting) and the masked form every view shows. The plain NIK is never stored.
 */
const sealedNikSchema = z.strictObject({ nik: z.strictObject({ masked: z.string(), index: z.string(), encrypted: z.string() }) });
export type SealedNik = z.infer<typeof sealedNikSchema>;
export type StoredAnswers = Record<string, AnswerValue | SealedNik>;

const storedAnswersSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), sealedNikSchema]));

/** The answers column as stored, NIK answers still sealed: for the writers that merge into it. */
export function storedAnswersOf(app: { id: string; answers: string }): StoredAnswers {
  const parsed = storedAnswersSchema.safeParse(parseJsonColumn(app.answers));
  if (!parsed.success) throw new Error(`application ${app.id} has unreadable answers`);
  return parsed.data;
}

/**
 * An application's answers as every view, API response and check reads them: read through a schema
 * (a broken row fails loudly), a NIK answer as its masked form (3573••••••••••02), never in full.
 */
export function answersOf(app: { id: string; answers: string }): Answers {
  return Object.fromEntries(Object.entries(storedAnswersOf(app)).map(([k, v]) => [k, typeof v === 'object' ? v.nik.masked : v]));
}

/** A NIK as views show it: the region and the last two digits (maskNik's form). */
export function isMaskedNik(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}•{10}\d{2}$/.test(value);
}

export function sealNik(key: Buffer, nik: string): SealedNik {
  return { nik: { masked: maskNik(nik), index: blindIndex(key, 'nik', nik), encrypted: encryptField(key, nik) } };
}

/** The full NIK of a sealed answer: for code that must have it (none shows it; see ARCHITECTURE decision 10). */
export function openNik(key: Buffer, sealed: SealedNik): string {
  return decryptField(key, sealed.nik.encrypted);
}

/**
 * Turns checked answers into what is stored: each NIK answer sealed. A NIK answer given in its masked
 * form (a form or an API client sending back what it was shown) keeps the NIK already stored under
 * that masked form in `previous` (the application's own answers, or for a renewal those of the file
 * it renews); a masked form that matches nothing is refused, since the full NIK cannot be recovered.
 */
export function sealAnswers(
  key: Buffer,
  fields: readonly FieldDefinition[],
  answers: Answers,
  previous: StoredAnswers,
): { answers: StoredAnswers; problems: FieldProblem[] } {
  const nikFields = new Set(fields.filter((f) => f.type === 'nik').map((f) => f.name));
  const out: StoredAnswers = {};
  const problems: FieldProblem[] = [];
  for (const [name, value] of Object.entries(answers)) {
    if (!nikFields.has(name) || typeof value !== 'string') {
      out[name] = value;
      continue;
    }
    if (!isMaskedNik(value)) {
      out[name] = sealNik(key, value);
      continue;
    }
    const kept = previous[name];
    if (typeof kept === 'object' && kept.nik.masked === value) out[name] = kept;
    else problems.push({ field: `answers.${name}`, code: 'invalid_nik', message: 'type the full NIK again' });
  }
  return { answers: out, problems };
}

type Checked = { value: AnswerValue } | { problem: Omit<FieldProblem, 'field'> };

const problem = (code: string, message: string, params?: Record<string, string | number>): Checked => ({
  problem: params ? { code, message, params } : { code, message },
});

function asText(raw: unknown): string | null {
  if (typeof raw === 'string') return raw.trim();
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  return null;
}

/** What a number answer may carry after it, as people type it: "120 m2", "120 m²", "2 lantai". */
const UNIT_SUFFIX: Record<'area' | 'floors' | 'plain', RegExp> = {
  area: /\s*(m2|m²|m\^2|meter persegi|square met(er|re)s?|sq\.? ?m|meter|m)\.?$/i,
  floors: /\s*(lantai|tingkat|floors?|storeys?|stories)\.?$/i,
  plain: /\s*(m2|m²)$/i,
};

/** The longest text read as a number answer. */
const MAX_NUMBER_TEXT = 40;

/**
 * A number as people type it. The Indonesian decimal comma (85,5) and the dot (85.5) both mean 85.5,
 * and a unit after it is dropped (UNIT_SUFFIX). A single separator followed by exactly three digits is
 * ambiguous (1.200 is a thousand two hundred to an Indonesian, 1.2 to an English reader): for a floor
 * area or a floor count, where 1.2 cannot be meant, a dot there is the Indonesian thousands separator
 * (1.200 → 1200); otherwise it is refused (the message asks for a plain number) rather than guessed.
 * Grouped forms are read when nothing else is possible: 1.200,5 and 1,200.5 are 1200.5; 1.200.000 and
 * 1,200,000 are 1200000 (a capital in rupiah as people write it: 25.000.000).
 */
function asNumber(raw: unknown, kind: 'area' | 'floors' | 'plain' = 'plain'): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (typeof raw !== 'string') return null;
  const typed = raw.trim();
  // No number is typed this long ("1.234.567,25 meter persegi" is 26): such text is not read, so the unit
  // patterns (which try every run of spaces) cannot be made to take seconds by an answer of 5000 characters.
  if (typed.length > MAX_NUMBER_TEXT) return null;
  let s = typed.replace(UNIT_SUFFIX[kind], '');
  if (kind === 'floors') s = s.replace(/^(lantai|tingkat)\s+/i, '');
  s = s.trim();
  const counted = kind !== 'plain';
  if (/^-?\d+$/.test(s)) return Number(s);
  if (/^-?\d{1,3}[.,]\d{3}$/.test(s)) return counted && s.includes('.') ? Number(s.replace('.', '')) : null;
  if (/^-?\d+[.,]\d+$/.test(s)) return Number(s.replace(',', '.'));
  if (/^\d{1,3}(\.\d{3})+,\d+$/.test(s)) return Number(s.replace(/\./g, '').replace(',', '.'));
  if (/^\d{1,3}(,\d{3})+\.\d+$/.test(s)) return Number(s.replace(/,/g, ''));
  if (/^\d{1,3}(\.\d{3}){2,}$/.test(s)) return Number(s.replace(/\./g, ''));
  if (/^\d{1,3}(,\d{3}){2,}$/.test(s)) return Number(s.replace(/,/g, ''));
  return null;
}

function checkField(field: FieldDefinition, raw: unknown, today: string): Checked {
  switch (field.type) {
    case 'text':
    case 'textarea':
    case 'address': {
      const text = asText(raw);
      if (text === null) return problem('invalid_value', 'must be text');
      const max = field.type === 'address' ? 300 : field.maxLength;
      const min = field.type === 'text' ? (field.minLength ?? 0) : field.type === 'address' ? 5 : 0;
      if (text.length > max) return problem('too_long', `at most ${max} characters`, { max });
      if (text.length < min) return problem('too_short', `at least ${min} characters`, { min });
      return { value: text };
    }
    case 'number':
    case 'area_m2':
    case 'floor_count': {
      const n = asNumber(raw, field.type === 'area_m2' ? 'area' : field.type === 'floor_count' ? 'floors' : 'plain');
      if (n === null) return problem('not_a_number', 'must be a number');
      const integer = field.type === 'floor_count' || (field.type === 'number' && field.integer);
      if (integer && !Number.isInteger(n)) return problem('not_an_integer', 'must be a whole number');
      const min = field.type === 'floor_count' ? 1 : field.min;
      const max = field.max;
      if (min !== undefined && n < min) return problem('too_small', `must be at least ${min}`, { min });
      if (max !== undefined && n > max) return problem('too_big', `must be at most ${max}`, { max });
      // Past 2^53 a number is not kept as typed (12345678901234567890 would be stored as …567000).
      if (!Number.isSafeInteger(Math.trunc(n))) return problem('too_big', 'too large to keep exactly', { max: Number.MAX_SAFE_INTEGER });
      return { value: n };
    }
    case 'date': {
      const text = asText(raw);
      if (text === null || !isCalendarDate(text)) return problem('invalid_date', 'must be a date as YYYY-MM-DD');
      if (field.notBefore === 'today' && text < today) return problem('date_in_past', 'must not be before today');
      if (field.notAfter === 'today' && text > today) return problem('date_in_future', 'must not be after today');
      return { value: text };
    }
    case 'select': {
      const text = asText(raw);
      if (text === null || !field.options.some((o) => o.value === text)) return problem('invalid_option', 'must be one of the options');
      return { value: text };
    }
    case 'yes_no': {
      if (raw === true || raw === 'yes' || raw === 'true') return { value: true };
      if (raw === false || raw === 'no' || raw === 'false') return { value: false };
      return problem('invalid_yes_no', 'must be yes or no');
    }
    case 'nik': {
      const text = asText(raw)?.replace(/\s/g, '') ?? '';
      // The masked form stands for the NIK already stored (sealAnswers keeps it, or refuses it).
      if (isMaskedNik(text)) return { value: text };
      return nikProblem(text) === null ? { value: text } : problem('invalid_nik', 'must be a valid 16-digit NIK');
    }
    case 'nib': {
      const text = asText(raw)?.replace(/\s/g, '') ?? '';
      return isValidNib(text) ? { value: text } : problem('invalid_nib', 'must be 13 digits');
    }
    case 'npwp': {
      const text = asText(raw) ?? '';
      return isValidNpwp(text) ? { value: normaliseNpwp(text) } : problem('invalid_npwp', 'must be 15 or 16 digits');
    }
    case 'kbli': {
      const text = asText(raw) ?? '';
      return isValidKbli(text) ? { value: text } : problem('invalid_kbli', 'must be 5 digits');
    }
    case 'email': {
      const text = asText(raw)?.toLowerCase() ?? '';
      return isEmail(text) ? { value: text } : problem('invalid_email', 'must be an email address');
    }
    case 'phone': {
      const phone = normalisePhone(asText(raw) ?? '');
      return phone ? { value: phone } : problem('invalid_phone', 'must be an Indonesian mobile number');
    }
    case 'vehicle_plate': {
      const text = (asText(raw) ?? '').toUpperCase().replace(/\s+/g, ' ');
      return /^[A-Z]{1,2} ?\d{1,4} ?[A-Z]{0,3}$/.test(text) ? { value: text } : problem('invalid_plate', 'must be a number plate like N 1234 AB');
    }
    default: {
      const unreachable: never = field;
      throw new Error(`unhandled field type ${JSON.stringify(unreachable)}`);
    }
  }
}

function isBlank(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
}

/**
 * Checks answers against a permit type's fields. `complete: false` (drafts) checks only what was
 * given; `complete: true` (submission) also requires every required field. Unknown keys are refused.
 * Returns the normalised answers (numbers as numbers, NPWP without dots, phones as +62…), or problems.
 *
 * With `checks` (the type's answerChecks), answers that contradict each other are problems too, once
 * every answer is valid: read over `stored` (the draft's answers so far) with the given ones on top.
 * A draft's save is refused only for a check touching an answer it gives, and the problem sits on that
 * answer; on submission (`complete`) it sits on the check's `change`, the answer to change.
 */
export function validateAnswers(
  fields: readonly FieldDefinition[],
  answers: Record<string, unknown>,
  options: { complete: boolean; today: string; checks?: readonly AnswerCheck[] | undefined; stored?: Answers | undefined },
): { answers: Answers; problems: FieldProblem[] } {
  const out: Answers = {};
  const problems: FieldProblem[] = [];
  const known = new Set(fields.map((f) => f.name));
  for (const key of Object.keys(answers)) {
    if (!known.has(key)) problems.push({ field: `answers.${key}`, code: 'unknown_field', message: 'unknown field' });
  }
  for (const field of fields) {
    const raw = answers[field.name];
    if (isBlank(raw)) {
      if (options.complete && field.required) problems.push({ field: `answers.${field.name}`, code: 'required', message: 'required' });
      continue;
    }
    const checked = checkField(field, raw, options.today);
    if ('problem' in checked) problems.push({ field: `answers.${field.name}`, ...checked.problem });
    else out[field.name] = checked.value;
  }
  if (problems.length === 0 && options.checks?.length) {
    const merged: Answers = { ...(options.stored ?? {}) };
    for (const [k, v] of Object.entries(answers)) if (isBlank(v)) delete merged[k];
    Object.assign(merged, out);
    const given = options.complete ? null : new Set(Object.keys(out));
    problems.push(...contradictions(options.checks, merged, given));
  }
  return { answers: out, problems };
}

/** A number as the applicant reads it in her language: 120,5 in Indonesian, 120.5 in English. */
const shown = (n: number, lang: 'id' | 'en') => (lang === 'id' ? String(n).replace('.', ',') : String(n));

/**
 * The answer checks these answers fail. `given` (a draft's save): only checks touching an answer in it
 * count, reported on that answer (on `change` when it gives both); null (submission): every check,
 * reported on `change`.
 */
export function contradictions(checks: readonly AnswerCheck[], answers: Answers, given: ReadonlySet<string> | null): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const c of checks) {
    const option = answers[c.when.field];
    const value = answers[c.field];
    if (typeof option !== 'string' || !c.when.in.includes(option) || typeof value !== 'number') continue;
    const limit = c.max !== undefined && value > c.max ? c.max : c.min !== undefined && value < c.min ? c.min : undefined;
    if (limit === undefined) continue;
    let at = c.change;
    if (given) {
      const touched = [c.field, c.when.field].filter((f) => given.has(f));
      if (touched.length === 0) continue;
      if (touched.length === 1) at = touched[0]!;
    }
    const text = (lang: 'id' | 'en') => fillTemplate(c.message[lang], { value: shown(value, lang), limit: shown(limit, lang) });
    out.push({
      field: `answers.${at}`,
      code: 'answers_contradict',
      message: text('en'),
      params: { value, limit, other: at === c.field ? c.when.field : c.field, text_id: text('id'), text_en: text('en') },
    });
  }
  return out;
}
