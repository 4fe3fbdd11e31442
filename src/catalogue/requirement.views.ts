import type { Lang } from '../shared/messages.js';
import { html, type SafeHtml } from '../web/html.js';
import { loc, t } from '../web/i18n.js';
import type { PermitTypeDefinition, Requirement } from './catalogue.schema.js';

/** Names of the permit types documents are obtained by, by code (the guide's and the help page's). */
export type LinkedTypes = Readonly<Record<string, PermitTypeDefinition['name']>>;

/**
 * Where a document that is itself another permit or letter is obtained: its guide in this catalogue
 * (/izin/{CODE}) or the page the catalogue names. The label is the catalogue's, else the permit type's
 * name, else a plain "how to get it".
 */
export function obtainedByLink(lang: Lang, r: Requirement, linked: LinkedTypes = {}): SafeHtml | '' {
  const o = r.obtainedBy;
  if (!o) return '';
  if (o.permitType) {
    const name = o.label ? loc(lang, o.label) : linked[o.permitType] ? loc(lang, linked[o.permitType]!) : o.permitType;
    return html`<a href="/izin/${o.permitType}" data-obtained-by>${t(lang, 'req.obtain.permit', { name })}</a>`;
  }
  if (o.url) {
    const label = o.label ? loc(lang, o.label) : t(lang, 'req.obtain.url', { host: new URL(o.url).host });
    return html`<a href="${o.url}" rel="noopener" data-obtained-by>${label}</a>`;
  }
  return '';
}

/** The requirement's plain line (what, who makes it, where to get it) and its link, or nothing. */
export function requirementHelp(lang: Lang, r: Requirement, linked: LinkedTypes = {}): SafeHtml | '' {
  const link = obtainedByLink(lang, r, linked);
  if (!r.explanation && !link) return '';
  return html`<span class="requirement-help" data-explanation>${r.explanation ? loc(lang, r.explanation) : ''}${r.explanation && link ? ' ' : ''}${link}</span>`;
}
