import type { Lang } from '../shared/messages.js';
import { html, type SafeHtml } from '../web/html.js';
import { formatDateTime, t } from '../web/i18n.js';

/** A parcel as the applicant sees it (tracking, the case pages): no sender details. */
export type ParcelLine = { direction: 'in' | 'out'; company: string; trackingNumber: string; at: string; contents: 'permit' | 'returned_papers' | null };

/** What happened, in the applicant's words: "Parcel received", "Permit sent" … */
export function parcelEvent(lang: Lang, p: Pick<ParcelLine, 'direction' | 'contents'>): string {
  if (p.direction === 'in') return t(lang, 'parcels.event.in');
  return t(lang, p.contents === 'permit' ? 'parcels.event.out.permit' : 'parcels.event.out.returned_papers');
}

/** The "Parcels" section of the tracking page and the case pages; nothing when the file has none. */
export function parcelsSection(lang: Lang, parcels: readonly ParcelLine[], timeZone: string): SafeHtml | '' {
  if (parcels.length === 0) return '';
  return html`<h2>${t(lang, 'parcels.section')}</h2>
<ul class="list">${parcels.map(
    (p) =>
      html`<li><strong>${parcelEvent(lang, p)}</strong>: ${p.company}, ${t(lang, 'parcels.tracking').toLowerCase()} ${p.trackingNumber}<br><span class="muted">${formatDateTime(lang, p.at, timeZone)}</span></li>`,
  )}</ul>`;
}
