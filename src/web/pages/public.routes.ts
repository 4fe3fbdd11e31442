import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import type { PermitTypeDefinition } from '../../catalogue/catalogue.schema.js';
import { AppError } from '../../shared/errors.js';
import type { Services } from '../../services.js';
import { button, linkButton, summaryList, tag, textInput } from '../components.js';
import { html, raw, type SafeHtml } from '../html.js';
import { formatDateTime, loc, t } from '../i18n.js';
import { sendPage } from '../layout.js';
import { setLangCookie } from '../web-context.js';
import { checkCsrf, field, requiredMessage, safeReturn } from './helpers.js';
import { officeBaseUrl } from '../../tenants/office-url.js';

const STATE_COLOURS: Record<string, 'blue' | 'green' | 'red' | 'yellow' | 'grey'> = { draft: 'grey', office: 'blue', applicant: 'yellow', final: 'green' };
export function stateTag(kind: string, code: string, label: string): SafeHtml {
  const colour = code === 'rejected' || code === 'withdrawn' || code === 'cancelled' ? 'red' : (STATE_COLOURS[kind] ?? 'blue');
  return tag(label, colour);
}

function validityText(lang: 'id' | 'en', def: PermitTypeDefinition): string {
  if (!def.validity) return t(lang, 'guide.validity.none');
  const parts: string[] = [];
  if (def.validity.years) parts.push(t(lang, 'guide.validity.years', { n: def.validity.years }));
  if (def.validity.months) parts.push(t(lang, 'guide.validity.months', { n: def.validity.months }));
  return parts.join(' ');
}

export function acceptList(types: readonly string[]): string {
  return types.map((k) => (k === 'jpeg' ? '.jpg,.jpeg' : `.${k}`)).join(',');
}

export function publicPages(app: FastifyInstance, services: Services): void {
  app.get('/', { schema: { hide: true } }, async (req, reply) => {
    const lang = req.lang;
    return sendPage(req, reply, {
      title: t(lang, 'home.title'),
      body: html`<h1>${t(lang, 'home.title')}</h1>
<p class="lead">${t(lang, 'home.lead')}</p>
<ul class="card-list">
  <li><h2><a href="/izin">${t(lang, 'home.apply')}</a></h2><p>${t(lang, 'home.apply.hint')}</p></li>
  <li><h2><a href="/lacak">${t(lang, 'home.track')}</a></h2><p>${t(lang, 'home.track.hint')}</p></li>
  <li><h2><a href="/permohonan">${t(lang, 'home.mine')}</a></h2><p>${t(lang, 'home.mine.hint')}</p></li>
  <li><h2><a href="/verifikasi">${t(lang, 'home.verify')}</a></h2><p>${t(lang, 'home.verify.hint')}</p></li>
  <li><h2><a href="/registri">${t(lang, 'home.registry')}</a></h2><p>${t(lang, 'home.registry.hint')}</p></li>
</ul>`,
    });
  });

  app.post('/bahasa', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    setLangCookie(reply, field(req.body, 'lang') === 'en' ? 'en' : 'id');
    return reply.redirect(safeReturn(field(req.body, 'kembali', 300), '/'), 303);
  });

  app.get<{ Querystring: { q?: string } }>('/izin', { schema: { hide: true } }, async (req, reply) => {
    const lang = req.lang;
    const q = (typeof req.query.q === 'string' ? req.query.q : '').trim().slice(0, 100);
    const types = (await services.catalogue.listPermitTypes({ tenantId: req.tenant.id })).filter(
      (pt) =>
        !q ||
        [pt.definition.code, pt.definition.name.id, pt.definition.name.en, pt.definition.description[lang]].some((s) =>
          s.toLowerCase().includes(q.toLowerCase()),
        ),
    );
    return sendPage(req, reply, {
      title: t(lang, 'catalogue.title'),
      body: html`<h1>${t(lang, 'catalogue.title')}</h1>
<form method="get" action="/izin" role="search" class="search">
  <label for="q" class="visually-hidden">${t(lang, 'catalogue.search')}</label>
  <input class="input" id="q" name="q" type="search" value="${q}" maxlength="100">
  <button class="button" type="submit">${t(lang, 'catalogue.search.button')}</button>
</form>
${types.length === 0 ? html`<p>${t(lang, 'catalogue.none', { q })}</p>` : ''}
<ul class="card-list">${types.map(
        (pt) => html`<li><h2><a href="/izin/${pt.definition.code}">${loc(lang, pt.definition.name)}</a></h2>
  <p>${loc(lang, pt.definition.description)}</p>
  <p class="muted">${t(lang, 'catalogue.days', { n: pt.definition.slaWorkingDays })} · ${pt.definition.feeRule.kind === 'free' ? t(lang, 'catalogue.free') : t(lang, 'catalogue.fee')}</p></li>`,
      )}</ul>`,
    });
  });

  app.get<{ Params: { code: string } }>('/izin/:code', { schema: { hide: true } }, async (req, reply) => {
    const lang = req.lang;
    const pt = await services.catalogue.getPermitType({ tenantId: req.tenant.id, code: String(req.params.code).toUpperCase().slice(0, 12) });
    const def = pt.definition;
    const steps = pt.workflow.states.filter((s) => s.kind === 'office' && s.code !== 'resubmitted');
    return sendPage(req, reply, {
      title: loc(lang, def.name),
      back: '/izin',
      body: html`<h1>${loc(lang, def.name)}</h1>
<h2>${t(lang, 'guide.what')}</h2><p>${loc(lang, def.description)}</p>
<h2>${t(lang, 'guide.who')}</h2><p>${loc(lang, def.audience)}</p>
<h2>${t(lang, 'guide.documents')}</h2><p class="hint">${t(lang, 'guide.documents.hint')}</p>
<ul>${def.requirements.map(
        (r) =>
          html`<li><strong>${loc(lang, r.name)}</strong> (${r.required ? t(lang, 'guide.required') : t(lang, 'guide.optional')})<br><span class="muted">${t(
            lang,
            'guide.types',
            {
              types: r.acceptedTypes.map((k) => k.toUpperCase()).join(', '),
              mb: r.maxSizeMb,
            },
          )}</span></li>`,
      )}</ul>
<h2>${t(lang, 'guide.steps')}</h2>
<ol>${steps.map((s) => html`<li>${loc(lang, s.label)}</li>`)}<li>${loc(lang, pt.workflow.states.find((s) => s.code === 'issued')?.label ?? { id: 'Terbit', en: 'Issued' })}</li></ol>
${summaryList([
  { key: t(lang, 'guide.fee'), value: def.feeRule.kind === 'free' ? t(lang, 'guide.fee.free') : t(lang, 'guide.fee.pbg') },
  { key: t(lang, 'guide.sla'), value: t(lang, 'guide.sla.text', { n: def.slaWorkingDays }) },
  { key: t(lang, 'guide.validity'), value: validityText(lang, def) },
])}
<h2>${t(lang, 'guide.legal')}</h2>
<ul>${def.legalBasis.map((l) => html`<li>${l}</li>`)}</ul>
${linkButton(`/izin/${def.code}/mulai`, t(lang, 'guide.start'), true)}
<p><a href="/izin/${def.code}/poster">${t(lang, 'guide.poster')}</a></p>`,
    });
  });

  app.get<{ Params: { code: string } }>('/izin/:code/poster', { schema: { hide: true } }, async (req, reply) => {
    const lang = req.lang;
    const pt = await services.catalogue.getPermitType({ tenantId: req.tenant.id, code: String(req.params.code).toUpperCase().slice(0, 12) });
    const url = `${officeBaseUrl({ baseUrl: services.config.baseUrl, defaultTenant: services.config.defaultTenant }, req.tenant)}/izin/${pt.definition.code}`;
    const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return sendPage(req, reply, {
      title: `${t(lang, 'guide.poster')}: ${loc(lang, pt.definition.name)}`,
      body: html`<div class="poster">
<h1>${loc(lang, pt.definition.name)}</h1>
<p class="lead">${t(lang, 'poster.noqueue')}</p>
<figure class="qr">${raw(svg.replace('<svg ', `<svg role="img" aria-label="${t(lang, 'poster.scan')}: ${url}" `))}<figcaption><strong>${t(lang, 'poster.scan')}</strong><br>${url}</figcaption></figure>
<p>${req.tenant.name}</p>
<button type="button" class="button no-print" data-print hidden>${t(lang, 'print')}</button>
</div>`,
    });
  });

  const trackForm = (
    lang: 'id' | 'en',
    values: { number?: string; code?: string },
    errors: { field: string; message: string }[] = [],
  ) => html`<h1>${t(lang, 'track.title')}</h1>
<p>${t(lang, 'track.lead')}</p>
<form method="post" action="/lacak" novalidate>
  ${textInput({ lang, name: 'number', label: t(lang, 'track.number'), hint: t(lang, 'track.number.hint'), value: values.number, error: errors.find((e) => e.field === 'number')?.message, width: 'medium', spellcheck: false, maxlength: 40 })}
  ${textInput({ lang, name: 'code', label: t(lang, 'track.code'), hint: t(lang, 'track.code.hint'), value: values.code, error: errors.find((e) => e.field === 'code')?.message, width: 'short', spellcheck: false, maxlength: 20, autocomplete: 'off' })}
  ${button(t(lang, 'track.submit'))}
</form>`;

  app.get('/lacak', { schema: { hide: true } }, async (req, reply) => {
    return sendPage(req, reply, { title: t(req.lang, 'track.title'), body: html`${trackForm(req.lang, {})}` });
  });

  app.post('/lacak', { schema: { hide: true }, config: { rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (req, reply) => {
    const lang = req.lang;
    const number = field(req.body, 'number', 40).trim();
    const code = field(req.body, 'code', 20).trim();
    const errors: { field: string; message: string }[] = [];
    if (!number) errors.push({ field: 'number', message: requiredMessage(lang, t(lang, 'track.number')) });
    if (!code) errors.push({ field: 'code', message: requiredMessage(lang, t(lang, 'track.code')) });
    if (errors.length === 0) {
      try {
        const r = await services.tracking.trackApplication({ tenantId: req.tenant.id, number, trackingCode: code });
        return sendPage(req, reply, {
          title: `${t(lang, 'track.title')}: ${r.number}`,
          back: '/lacak',
          body: html`<h1>${r.number}</h1>
<p class="lead">${loc(lang, r.permitType.name)}</p>
${summaryList([
  { key: t(lang, 'detail.status'), value: stateTag(r.state.kind, r.state.code, loc(lang, r.state.label)) },
  { key: t(lang, 'detail.next'), value: loc(lang, r.state.nextStep) },
  ...(r.submittedAt ? [{ key: t(lang, 'detail.submitted'), value: formatDateTime(lang, r.submittedAt, req.tenant.time_zone) }] : []),
])}
${r.documentsToReplace.length ? html`<h2>${t(lang, 'track.replace')}</h2><ul>${r.documentsToReplace.map((d) => html`<li>${loc(lang, d.name)}</li>`)}</ul>` : ''}
<h2>${t(lang, 'detail.timeline')}</h2>
<ol class="timeline">${r.timeline.map((e) => html`<li><strong>${loc(lang, e.label)}</strong><br><span class="muted">${formatDateTime(lang, e.at, req.tenant.time_zone)}</span></li>`)}</ol>`,
        });
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'not_found') throw err;
        errors.push({ field: 'number', message: t(lang, 'track.notfound') });
      }
    }
    return sendPage(req, reply, { title: t(lang, 'track.title'), errors, body: trackForm(lang, { number, code }, errors) });
  });

  if (services.config.env !== 'production') {
    app.get('/dev/kotak-surat', { schema: { hide: true } }, async (req, reply) => {
      const lang = req.lang;
      const mails = await services.db
        .selectFrom('notifications')
        .selectAll()
        .where('tenant_id', '=', req.tenant.id)
        .orderBy('created_at', 'desc')
        .orderBy('outbox_id', 'desc')
        .limit(30)
        .execute();
      return sendPage(req, reply, {
        title: t(lang, 'mailbox.title'),
        body: html`<h1>${t(lang, 'mailbox.title')}</h1><p>${t(lang, 'mailbox.lead')}</p>
${mails.length === 0 ? html`<p>${t(lang, 'mailbox.empty')}</p>` : ''}
<ul class="card-list">${mails.map(
          (m) =>
            html`<li><h2>${m.subject}</h2><p class="muted">${m.channel} → ${m.recipient} · ${formatDateTime(lang, m.created_at, req.tenant.time_zone)}</p><p data-mail-body>${m.body
              .split('\n')
              .map((line, i) => html`${i ? html`<br>` : ''}${line}`)}</p></li>`,
        )}</ul>`,
      });
    });
  }
}
