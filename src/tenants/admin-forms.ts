import { AppError, type FieldProblem } from '../shared/errors.js';
import { FIELD_MESSAGES, fillTemplate, type Lang } from '../shared/messages.js';
import type { FieldError } from '../web/components.js';
import { requiredMessage } from '../web/views.js';

/**
 * What the office administration pages (staff, catalogue, holidays, settings) share: a service's
 * field problems as messages in the admin's language, each naming its field, since the error
 * summary lists it alone.
 */

/** A page's own wording for some problem codes; undefined falls back to the shared wording. */
export type ProblemWording = (lang: Lang, problem: FieldProblem, label: string) => string | undefined;

function problemMessage(lang: Lang, p: FieldProblem, label: string, wording?: ProblemWording): string {
  const own = wording?.(lang, p, label);
  if (own !== undefined) return own;
  if (p.code === 'required') return requiredMessage(lang, label);
  const template = FIELD_MESSAGES[p.code]?.[lang];
  return `${label}: ${template ? fillTemplate(template, p.params ?? {}) : p.message}`;
}

/**
 * The field problems of a refused change, or null when the error is not one a form can show (then
 * it goes on to the error pages).
 */
export function adminFormErrors(
  lang: Lang,
  err: unknown,
  opts: { labels: Record<string, string>; wording?: ProblemWording; hrefs?: Record<string, string> },
): FieldError[] | null {
  if (!(err instanceof AppError) || !err.details.fields?.length) return null;
  return err.details.fields.map((p) => {
    const href = opts.hrefs?.[p.field];
    return { field: p.field, message: problemMessage(lang, p, opts.labels[p.field] ?? p.field, opts.wording), ...(href ? { href } : {}) };
  });
}
