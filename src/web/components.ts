import type { FastifyRequest } from 'fastify';
import { html, type SafeHtml } from './html.js';
import { t } from './i18n.js';

/** Form components after the GOV.UK Design System patterns, rebranded; every value escaped. */

/** A problem to show: `href` overrides the default link to the field on this page. */
export type FieldError = { field: string; message: string; href?: string };

export const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

export function errorFor(errors: readonly FieldError[] | undefined, name: string): string | undefined {
  return errors?.find((e) => e.field === name)?.message;
}

/** Lists every problem, each linking to its field; takes focus when the page loads (app.js, and autofocus without JS). */
export function errorSummary(req: FastifyRequest, errors: readonly FieldError[] | undefined): SafeHtml | null {
  if (!errors || errors.length === 0) return null;
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus data-error-summary>
  <h2 class="error-summary__title" id="error-summary-title">${t(req.lang, 'error.summary')}</h2>
  <ul class="error-summary__list">${errors.map((e) => html`<li><a href="${e.href ?? `#${fieldId(e.field)}`}">${e.message}</a></li>`)}</ul>
</div>`;
}

export function csrfField(req: FastifyRequest): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${req.csrfToken}">`;
}

type Common = {
  name: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  isPageHeading?: boolean;
  optional?: boolean;
  lang: 'id' | 'en';
};

function labelHtml(c: Common, id: string): SafeHtml {
  const text = html`${c.label}${c.optional ? html` <span class="muted">${t(c.lang, 'optional')}</span>` : ''}`;
  const label = html`<label class="label${c.isPageHeading ? ' label--l' : ''}" for="${id}">${text}</label>`;
  return c.isPageHeading ? html`<h1 class="label-wrapper">${label}</h1>` : label;
}

function hintAndError(c: Common, id: string): { html: SafeHtml; describedBy: string } {
  const ids: string[] = [];
  if (c.hint) ids.push(`${id}-hint`);
  if (c.error) ids.push(`${id}-error`);
  return {
    html: html`${c.hint ? html`<div id="${id}-hint" class="hint">${c.hint}</div>` : ''}${
      c.error ? html`<p id="${id}-error" class="error-message"><span class="visually-hidden">${t(c.lang, 'error.prefix')}</span> ${c.error}</p>` : ''
    }`,
    describedBy: ids.join(' '),
  };
}

export function textInput(
  c: Common & {
    value?: string | number | undefined;
    type?: 'text' | 'email' | 'tel' | 'password' | 'date' | 'number';
    autocomplete?: string;
    inputmode?: 'numeric' | 'decimal' | 'tel' | 'email' | 'text';
    width?: 'short' | 'medium' | 'full';
    maxlength?: number;
    spellcheck?: boolean;
    /** A password field re-rendered after another field's error keeps what was typed (registration, issue 16). */
    keepValue?: boolean;
  },
): SafeHtml {
  const id = fieldId(c.name);
  const extra = hintAndError(c, id);
  return html`<div class="form-group${c.error ? ' form-group--error' : ''}">
  ${labelHtml(c, id)}
  ${extra.html}
  <input class="input input--${c.width ?? 'full'}${c.error ? ' input--error' : ''}" id="${id}" name="${c.name}" type="${c.type ?? 'text'}"${
    c.value !== undefined && c.value !== '' && (c.type !== 'password' || c.keepValue) ? html` value="${String(c.value)}"` : ''
  }${extra.describedBy ? html` aria-describedby="${extra.describedBy}"` : ''}${c.autocomplete ? html` autocomplete="${c.autocomplete}"` : ''}${
    c.inputmode ? html` inputmode="${c.inputmode}"` : ''
  }${c.maxlength ? html` maxlength="${c.maxlength}"` : ''}${c.spellcheck === false ? html` spellcheck="false"` : ''}>
</div>`;
}

export function textarea(c: Common & { value?: string | undefined; maxlength?: number }): SafeHtml {
  const id = fieldId(c.name);
  const extra = hintAndError(c, id);
  return html`<div class="form-group${c.error ? ' form-group--error' : ''}">
  ${labelHtml(c, id)}
  ${extra.html}
  <textarea class="textarea${c.error ? ' input--error' : ''}" id="${id}" name="${c.name}" rows="5"${extra.describedBy ? html` aria-describedby="${extra.describedBy}"` : ''}${
    c.maxlength ? html` maxlength="${c.maxlength}"` : ''
  }>${c.value ?? ''}</textarea>
</div>`;
}

export function radios(c: Common & { value?: string | undefined; options: { value: string; label: string }[] }): SafeHtml {
  const id = fieldId(c.name);
  const extra = hintAndError(c, id);
  const legendText = html`${c.label}${c.optional ? html` <span class="muted">${t(c.lang, 'optional')}</span>` : ''}`;
  return html`<div class="form-group${c.error ? ' form-group--error' : ''}">
<fieldset class="fieldset"${extra.describedBy ? html` aria-describedby="${extra.describedBy}"` : ''}>
  <legend class="fieldset__legend${c.isPageHeading ? ' fieldset__legend--l' : ''}">${c.isPageHeading ? html`<h1 class="fieldset__heading">${legendText}</h1>` : legendText}</legend>
  ${extra.html}
  <div class="radios">
  ${c.options.map(
    (o, i) => html`<div class="radios__item">
    <input class="radios__input" id="${i === 0 ? id : `${id}-${i}`}" name="${c.name}" type="radio" value="${o.value}"${o.value === c.value ? html` checked` : ''}>
    <label class="radios__label" for="${i === 0 ? id : `${id}-${i}`}">${o.label}</label>
  </div>`,
  )}
  </div>
</fieldset>
</div>`;
}

export function checkbox(c: { name: string; label: string; checked?: boolean; error?: string | undefined; lang: 'id' | 'en' }): SafeHtml {
  const id = fieldId(c.name);
  return html`<div class="form-group${c.error ? ' form-group--error' : ''}">
  ${c.error ? html`<p id="${id}-error" class="error-message"><span class="visually-hidden">${t(c.lang, 'error.prefix')}</span> ${c.error}</p>` : ''}
  <div class="checkboxes__item">
    <input class="checkboxes__input" id="${id}" name="${c.name}" type="checkbox" value="yes"${c.checked ? html` checked` : ''}${c.error ? html` aria-describedby="${id}-error"` : ''}>
    <label class="checkboxes__label" for="${id}">${c.label}</label>
  </div>
</div>`;
}

export function fileUpload(c: Common & { accept: string; maxBytes: number }): SafeHtml {
  const id = fieldId(c.name);
  const extra = hintAndError(c, id);
  return html`<div class="form-group${c.error ? ' form-group--error' : ''}">
  ${labelHtml(c, id)}
  ${extra.html}
  <input class="file-upload${c.error ? ' input--error' : ''}" id="${id}" name="${c.name}" type="file" accept="${c.accept}" data-max-bytes="${c.maxBytes}"${
    extra.describedBy ? html` aria-describedby="${extra.describedBy}"` : ''
  }>
  <progress class="upload-progress" max="100" value="0" hidden></progress>
</div>`;
}

export function button(text: string, opts: { secondary?: boolean; warning?: boolean; name?: string; value?: string } = {}): SafeHtml {
  const cls = opts.warning ? 'button button--warning' : opts.secondary ? 'button button--secondary' : 'button';
  return html`<button type="submit" class="${cls}"${opts.name ? html` name="${opts.name}" value="${opts.value ?? ''}"` : ''}>${text}</button>`;
}

export function linkButton(href: string, text: string, start = false): SafeHtml {
  return html`<a href="${href}" role="button" draggable="false" class="button${start ? ' button--start' : ''}">${text}${start ? html` <span aria-hidden="true">→</span>` : ''}</a>`;
}

export function summaryList(rows: { key: string; value: SafeHtml | string; change?: { href: string; label: string } }[]): SafeHtml {
  return html`<dl class="summary-list">${rows.map(
    (r) => html`<div class="summary-list__row">
    <dt class="summary-list__key">${r.key}</dt>
    <dd class="summary-list__value">${r.value}</dd>
    ${r.change ? html`<dd class="summary-list__actions"><a href="${r.change.href}">${'' + r.change.label}<span class="visually-hidden"> ${r.key}</span></a></dd>` : ''}
  </div>`,
  )}</dl>`;
}

export function tag(text: string, colour: 'blue' | 'green' | 'red' | 'yellow' | 'grey' = 'blue'): SafeHtml {
  return html`<strong class="tag tag--${colour}">${text}</strong>`;
}

export function banner(text: string, kind: 'success' | 'info' = 'info'): SafeHtml {
  return html`<div class="banner banner--${kind}" role="${kind === 'success' ? 'alert' : 'status'}"><p class="banner__text">${text}</p></div>`;
}

export function backLink(href: string, text: string): SafeHtml {
  return html`<a href="${href}" class="back-link">${text}</a>`;
}
