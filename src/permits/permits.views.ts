import type { Lang } from '../shared/messages.js';
import { tag } from '../web/components.js';
import type { SafeHtml } from '../web/html.js';
import { t } from '../web/i18n.js';
import { dateText } from './permit.document.js';
import type { PublicPermitStatus } from './registry.schema.js';

/** Views of a permit that pages of several features share (the verification page, the registry, application pages). */

const STATUS_COLOUR: Record<PublicPermitStatus, 'green' | 'yellow' | 'red' | 'grey'> = {
  valid: 'green',
  expired: 'yellow',
  revoked: 'red',
  superseded: 'grey',
};

/** A permit's status today as a tag; the words say it, the colour only repeats it. */
export function permitStatusTag(lang: Lang, status: PublicPermitStatus): SafeHtml {
  return tag(t(lang, `permit.status.${status}`), STATUS_COLOUR[status]);
}

/** "28 November 2026 to 27 November 2027", or "from …, with no expiry". Dates are YYYY-MM-DD. */
export function validityText(lang: Lang, from: string, until: string | null): string {
  const f = dateText(from)[lang];
  return until ? t(lang, 'permit.validity.range', { from: f, until: dateText(until)[lang] }) : t(lang, 'permit.validity.open', { from: f });
}
