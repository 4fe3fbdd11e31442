import type { FastifyRequest } from 'fastify';
import type { Lang } from '../../shared/messages.js';
import { localDate } from '../../shared/time.js';
import { errorFor, type FieldError, fieldId, tag } from '../../web/components.js';
import { html, type SafeHtml } from '../../web/html.js';
import { t } from '../../web/i18n.js';
import { formatDay, formatTime } from '../appointments.format.js';
import type { Slot } from '../appointments.service.js';

/** Hidden fields carrying the earlier steps' answers (no session: the form is the state). */
export function hidden(fields: Record<string, string | undefined>): SafeHtml {
  return html`${Object.entries(fields).map(([k, v]) => (v === undefined ? '' : html`<input type="hidden" name="${k}" value="${v}">`))}`;
}

/** A query string of the answers given so far (for GET steps and "change" links). */
export function qs(fields: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/**
 * The free slots as one radio group (the page's question as its legend), a heading per day; a slot
 * without a free place is listed as full, without a radio.
 */
export function slotRadios(
  req: FastifyRequest,
  c: { slots: Slot[]; timeZone: string; value?: string | undefined; errors: readonly FieldError[]; legend: string; asHeading?: boolean },
): SafeHtml {
  const lang: Lang = req.lang;
  const error = errorFor(c.errors, 'mulai');
  const id = fieldId('mulai');
  const days = new Map<string, Slot[]>();
  for (const s of c.slots) {
    const day = localDate(s.start, c.timeZone);
    days.set(day, [...(days.get(day) ?? []), s]);
  }
  let first = true;
  const radio = (s: Slot) => {
    const time = formatTime(s.start, c.timeZone, lang);
    if (s.free === 0) return html`<p class="muted">${time} – ${t(lang, 'apt.slot.full')}</p>`;
    const inputId = first ? id : `${id}-${s.start.replace(/[^0-9]/g, '')}`;
    first = false;
    return html`<div class="radios__item">
    <input class="radios__input" id="${inputId}" name="mulai" type="radio" value="${s.start}"${s.start === c.value ? html` checked` : ''}>
    <label class="radios__label" for="${inputId}">${time} <span class="muted">(${t(lang, 'apt.slot.free', { n: s.free })})</span></label>
  </div>`;
  };
  return html`<div class="form-group${error ? ' form-group--error' : ''}">
<fieldset class="fieldset"${error ? html` aria-describedby="${id}-error"` : ''}>
  <legend class="fieldset__legend${c.asHeading === false ? '' : ' fieldset__legend--l'}">${
    c.asHeading === false ? c.legend : html`<h1 class="fieldset__heading">${c.legend}</h1>`
  }</legend>
  <div class="hint">${t(lang, 'apt.slot.zone', { zone: c.timeZone })}</div>
  ${error ? html`<p id="${id}-error" class="error-message"><span class="visually-hidden">${t(lang, 'error.prefix')}</span> ${error}</p>` : ''}
  ${days.size === 0 ? html`<p>${t(lang, 'apt.slot.none')}</p>` : ''}
  ${[...days].map(([day, slots]) => html`<h2 class="heading-s">${formatDay(day, lang)}</h2><div class="radios">${slots.map(radio)}</div>`)}
</fieldset>
</div>`;
}

export function statusTag(lang: Lang, status: 'booked' | 'cancelled' | 'checked_in'): SafeHtml {
  return tag(t(lang, `apt.status.${status}`), status === 'booked' ? 'blue' : status === 'checked_in' ? 'green' : 'grey');
}
