import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Answers } from '../catalogue/answers.js';
import type { FieldDefinition } from '../catalogue/catalogue.schema.js';
import type { StateSummary } from '../catalogue/journey.js';
import { AppError, type FieldProblem } from '../shared/errors.js';
import { maskNik } from '../shared/identifiers.js';
import { ERROR_MESSAGES, FIELD_MESSAGES, fillTemplate, type Lang, missingText } from '../shared/messages.js';
import { type FieldError, radios, tag, textarea, textInput } from './components.js';
import type { SafeHtml } from './html.js';
import { formatDate, loc, t } from './i18n.js';

/** Views that pages of several features share: workflow states, catalogue answers, error messages. */

const STATE_COLOURS = { draft: 'grey', office: 'blue', applicant: 'yellow' } as const;

/**
 * A workflow state as a tag: grey before filing, blue while the office works, yellow while it waits on
 * the applicant; once closed, green if the permit was issued and red otherwise.
 */
export function stateTag(lang: Lang, state: Pick<StateSummary, 'kind' | 'outcome' | 'label'>): SafeHtml {
  const colour = state.kind === 'final' ? (state.outcome === 'permit' ? 'green' : 'red') : STATE_COLOURS[state.kind];
  return tag(loc(lang, state.label), colour);
}

/** How an answer reads back on "check your answers" and the detail pages. */
export function displayAnswer(lang: Lang, f: FieldDefinition, value: Answers[string] | undefined): string {
  if (value === undefined || value === '') return t(lang, 'check.notanswered');
  switch (f.type) {
    case 'select':
      return loc(lang, f.options.find((o) => o.value === value)?.label ?? { id: String(value), en: String(value) });
    case 'yes_no':
      return value ? t(lang, 'yes') : t(lang, 'no');
    case 'area_m2':
      return `${String(value).replace('.', lang === 'id' ? ',' : '.')} m²`;
    case 'date':
      return formatDate(lang, `${String(value)}T12:00:00Z`, 'UTC');
    case 'nik':
      // UU PDP: a NIK is never shown in full once entered, not even to its owner.
      return maskNik(String(value));
    default:
      return String(value);
  }
}

/** An answer as the input shows it again: yes/no as the radio's value, everything else as text. */
export function answerInputValue(f: FieldDefinition, value: Answers[string] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return f.type === 'yes_no' ? (value ? 'yes' : 'no') : String(value);
}

/** The input for one form field; on question pages its label is the page heading. */
export function fieldInput(lang: Lang, f: FieldDefinition, value: string | undefined, error: string | undefined, asHeading = true): SafeHtml {
  const common = {
    lang,
    name: f.name,
    label: loc(lang, f.label),
    hint: f.hint ? loc(lang, f.hint) : undefined,
    error,
    isPageHeading: asHeading,
    optional: !f.required,
  };
  switch (f.type) {
    case 'select':
      return radios({ ...common, value, options: f.options.map((o) => ({ value: o.value, label: loc(lang, o.label) })) });
    case 'yes_no':
      return radios({
        ...common,
        value,
        options: [
          { value: 'yes', label: t(lang, 'yes') },
          { value: 'no', label: t(lang, 'no') },
        ],
      });
    case 'textarea':
      return textarea({ ...common, value, maxlength: f.maxLength });
    case 'date':
      return textInput({ ...common, value, type: 'date', width: 'medium' });
    case 'number':
    case 'area_m2':
    case 'floor_count':
      return textInput({ ...common, value, inputmode: f.type === 'floor_count' ? 'numeric' : 'decimal', width: 'short', maxlength: 20 });
    case 'nik':
    case 'nib':
    case 'npwp':
    case 'kbli':
      return textInput({ ...common, value, inputmode: 'numeric', width: 'medium', maxlength: 25, spellcheck: false, autocomplete: 'off' });
    case 'email':
      return textInput({ ...common, value, type: 'email', autocomplete: 'email', maxlength: 254, spellcheck: false });
    case 'phone':
      return textInput({ ...common, value, type: 'tel', autocomplete: 'tel', width: 'medium', maxlength: 20 });
    case 'vehicle_plate':
      return textInput({ ...common, value, width: 'short', maxlength: 12, spellcheck: false });
    case 'text':
      return textInput({ ...common, value, maxlength: f.maxLength });
    case 'address':
      return textInput({ ...common, value, autocomplete: 'street-address', maxlength: 300 });
    default: {
      const unreachable: never = f;
      return unreachable;
    }
  }
}

/** The file input's `accept` list for a requirement's kinds of file. */
export function acceptList(types: readonly string[]): string {
  return types.map((k) => (k === 'jpeg' ? '.jpg,.jpeg' : `.${k}`)).join(',');
}

/** Turns a service's field problems into messages in the visitor's language, keyed by form field name. */
export function fieldErrors(req: FastifyRequest, problems: readonly FieldProblem[] | undefined, rename: (field: string) => string = (f) => f): FieldError[] {
  return (problems ?? []).map((p) => {
    const template = FIELD_MESSAGES[p.code]?.[req.lang];
    return { field: rename(p.field), message: template ? fillTemplate(template, p.params) : p.message };
  });
}

/** A page-level message for an AppError without field problems. */
export function errorMessage(req: FastifyRequest, err: AppError): string {
  const text = ERROR_MESSAGES[err.code][req.lang];
  const params = { ...(err.details.params ?? {}) };
  if (err.code === 'precondition_failed' && typeof params.missing === 'string') {
    params.missing = missingText(params.missing, req.lang, params);
  }
  return fillTemplate(text.detail, params);
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** "Label: this is required." in the visitor's language. */
export function requiredMessage(lang: Lang, label: string): string {
  return t(lang, 'field.required', { label });
}

/** A local path to return to (after signing in, switching language); anything else (other sites, //host) becomes the fallback. */
export function safeReturn(path: string | undefined, fallback = '/permohonan'): string {
  return path && /^\/(?![/\\])[\w\-./?=&%]*$/.test(path) ? path : fallback;
}

/** A text field of a form: missing reads as empty, text past the input's `maxlength` is cut, spaces around are trimmed. */
export function formText(max: number) {
  return boundedText(max).transform((s) => s.trim());
}

/** What was typed, cut to `max` characters and otherwise as typed (a service checks it and names every problem). */
export function boundedText(max: number) {
  return z
    .string()
    .default('')
    .transform((s) => s.slice(0, max));
}

/** A text field that must be filled in, with "Label: this is required." in the visitor's language. */
export function requiredText(lang: Lang, label: string, max: number) {
  return formText(max).pipe(z.string().min(1, requiredMessage(lang, label)));
}
