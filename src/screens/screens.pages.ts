import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Actor } from '../access/actor.js';
import type { Services } from '../services.js';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/messages.js';
import { banner, button, checkbox, csrfField, errorFor, type FieldError, linkButton, radios, textInput } from '../web/components.js';
import { html, raw, type SafeHtml } from '../web/html.js';
import { loc, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { screenAsset, screenAssetUrl } from './screens.assets.js';
import { SLIDE_KINDS, type ScreenView, type Slide, type SlideInput, type SlideView } from './screens.service.js';

/** How many required documents a how-to slide lists before "and N more (see the guide)". */
const DOCUMENTS_SHOWN = 5;

const screenQuery = z.object({
  slide: z.coerce.number().int().min(0).max(10_000).optional().catch(undefined),
  orientasi: z.enum(['potret', 'lanskap']).optional().catch(undefined),
});
const slideParams = z.object({ id: z.uuid() });
const savedQuery = z.object({ disimpan: z.literal('1').optional().catch(undefined) });

/** The next slide's address, keeping a forced orientation. */
function nextUrl(view: ScreenView, orientation: 'potret' | 'lanskap' | undefined): string {
  return `/layar?slide=${view.next}${orientation ? `&orientasi=${orientation}` : ''}`;
}

async function slideBody(lang: Lang, s: SlideView): Promise<SafeHtml> {
  switch (s.kind) {
    case 'how_to_apply': {
      const svg = await QRCode.toString(s.guideUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      const shown = s.documents.slice(0, DOCUMENTS_SHOWN);
      const more = s.documents.length - shown.length;
      return html`<div class="layar__slide layar__howto">
<div>
  <p class="layar__kicker">${t(lang, 'screens.howto.heading')}</p>
  <h1>${loc(lang, s.name)}</h1>
  <ol class="layar__steps">
    <li>${t(lang, 'screens.howto.step1', { url: s.guideUrl.replace(/^https?:\/\//, '') })}</li>
    <li>${t(lang, 'screens.howto.step2')}</li>
    <li>${t(lang, 'screens.howto.step3', { n: s.slaWorkingDays })}</li>
  </ol>
  <h2>${t(lang, 'screens.howto.prepare')}</h2>
  <ul data-documents>${shown.map((d) => html`<li>${loc(lang, d)}</li>`)}${more > 0 ? html`<li>${t(lang, 'screens.howto.more', { n: more })}</li>` : ''}</ul>
</div>
<figure class="layar__qr" data-qr="${s.guideUrl}">${raw(svg.replace('<svg ', `<svg role="img" aria-label="${t(lang, 'screens.howto.scan')}: ${s.guideUrl}" `))}<figcaption>${t(
        lang,
        'screens.howto.scan',
      )}<br>${s.guideUrl.replace(/^https?:\/\//, '')}</figcaption></figure>
</div>`;
    }
    case 'digital_take_up':
      return html`<div class="layar__slide">
<h1>${t(lang, 'screens.takeup.heading')}</h1>
${
  s.total === 0
    ? html`<p class="layar__announce" data-take-up="none">${t(lang, 'screens.takeup.none')}</p>`
    : html`<p class="layar__figure" data-take-up="${s.online}/${s.total}">${Math.round((s.online * 100) / s.total)}%</p>
<p>${t(lang, 'screens.takeup.figure', { n: s.online, total: s.total })}</p>`
}
</div>`;
    case 'now_serving':
      return html`<div class="layar__slide">
<h1>${t(lang, 'screens.serving.heading')}</h1>
${
  s.nowServing.length
    ? html`<table class="layar__serving"><thead><tr><th scope="col">${t(lang, 'screens.serving.number')}</th><th scope="col">${t(lang, 'screens.serving.counter')}</th></tr></thead>
<tbody>${s.nowServing.slice(0, 6).map((x) => html`<tr><td>${x.number}</td><td>${x.counter}</td></tr>`)}</tbody></table>`
    : html`<p>${t(lang, 'screens.serving.none')}</p>`
}
</div>`;
    case 'announcement':
      return html`<div class="layar__slide">
<h1 class="layar__kicker">${t(lang, 'screens.announcement.heading')}</h1>
<p class="layar__announce">${loc(lang, s.text)}</p>
</div>`;
  }
}

const kindLabel = (lang: Lang, kind: string) => t(lang, `screens.kind.${kind as (typeof SLIDE_KINDS)[number]}`);

/** The page's field names for the service's (durationSeconds → duration, text.id → textId …), with the message in the visitor's language. */
function fieldErrors(lang: Lang, err: AppError): FieldError[] {
  const out: FieldError[] = [];
  for (const f of err.details.fields ?? []) {
    if (f.field === 'kind') out.push({ field: 'kind', message: t(lang, f.code === 'too_many_slides' ? 'screens.bad.full' : 'screens.bad.kind') });
    else if (f.field === 'durationSeconds') out.push({ field: 'duration', message: t(lang, 'screens.bad.duration') });
    else if (f.field === 'permitCode') out.push({ field: 'permitCode', message: t(lang, 'screens.bad.permit') });
    else if (f.field === 'text.id') out.push({ field: 'textId', message: t(lang, 'screens.bad.textId') });
    else if (f.field === 'text.en') out.push({ field: 'textEn', message: t(lang, 'screens.bad.textEn') });
  }
  return out.length ? out : [{ field: 'kind', message: t(lang, 'screens.bad.kind') }];
}

/** A whole number typed as such ("20", " 20 "); anything else (20.5, "dua puluh") is NaN and refused by the service. */
function wholeNumber(text: string | undefined): number {
  const s = (text ?? '').trim();
  return /^\d{1,4}$/.test(s) ? Number(s) : Number.NaN;
}

function formInput(v: Record<string, string>): SlideInput {
  return {
    kind: v.kind ?? '',
    permitCode: v.permitCode,
    text: { id: v.textId, en: v.textEn },
    durationSeconds: wholeNumber(v.duration),
    enabled: v.enabled === 'yes',
  };
}

/**
 * The videotron and kiosk screen (`/layar`, public, no sign-in: a plain page a signage player opens)
 * and the admin's playlist (`/kantor/admin/layar`). The screen shows one slide per page load; a meta
 * refresh (in <noscript>) or, with JavaScript, a script that first checks the server answers, loads
 * `/layar?slide={next}` after the slide's duration.
 */
export function screenPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);

  app.get<{ Params: { hash: string; name: string } }>('/layar/aset/:hash/:name', { schema: { hide: true } }, async (request, reply) => {
    const a = screenAsset(request.params.name);
    if (!a) return reply.code(404).type('text/plain').send('Not found');
    return reply
      .type(a.type)
      .header('cache-control', a.hash === request.params.hash ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(a.body);
  });

  page.get('/layar', { access: 'anyone', query: screenQuery, rateLimit: { max: 600, timeWindow: '1 minute' } }, async ({ req, reply, lang, query }) => {
    const view = await services.screens.show({ tenant: req.tenant, index: query.slide ?? 0, lang });
    const next = nextUrl(view, query.orientasi);
    const body = await slideBody(lang, view.slide);
    const cls = query.orientasi === 'potret' ? 'layar layar--potret' : query.orientasi === 'lanskap' ? 'layar layar--lanskap' : 'layar';
    const position = view.count ? t(lang, 'screens.slide.of', { n: view.index + 1, count: view.count }) : '';
    const doc = html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t(lang, 'screens.title')} – ${view.office}</title>
<noscript><meta http-equiv="refresh" content="${view.durationSeconds};url=${next}"></noscript>
<link rel="stylesheet" href="${screenAssetUrl('layar.css')}">
<script src="${screenAssetUrl('layar.js')}" defer></script>
</head>
<body class="${cls}" data-next="${next}" data-duration="${view.durationSeconds}">
<main id="main" data-slide="${view.slideId ?? 'none'}" data-slide-kind="${view.slide.kind}" data-slide-index="${view.index}">
${body}
</main>
<footer class="layar__foot"><span>${view.office}</span><span>${position}</span></footer>
</body>
</html>`.value;
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(doc);
  });

  const admin = { access: 'office', permission: 'screens.manage' } as const;

  const slideForm = (
    req: FastifyRequest,
    action: string,
    permitTypes: { code: string; name: { id: string; en: string } }[],
    v: Record<string, string>,
    e: FieldError[],
    submit: string,
  ) => {
    const lang = req.lang;
    const permitError = errorFor(e, 'permitCode');
    return html`<form method="post" action="${action}" novalidate data-slide-form>${csrfField(req)}
${radios({ lang, name: 'kind', label: t(lang, 'screens.admin.kind'), value: v.kind, error: errorFor(e, 'kind'), options: SLIDE_KINDS.map((k) => ({ value: k, label: kindLabel(lang, k) })) })}
<div class="form-group${permitError ? ' form-group--error' : ''}">
  <label class="label" for="f-permitCode">${t(lang, 'screens.admin.permit')}</label>
  ${permitError ? html`<p id="f-permitCode-error" class="error-message"><span class="visually-hidden">${t(lang, 'error.prefix')}</span> ${permitError}</p>` : ''}
  <select class="input" id="f-permitCode" name="permitCode"${permitError ? html` aria-describedby="f-permitCode-error"` : ''}><option value=""></option>${permitTypes.map(
    (p) => html`<option value="${p.code}"${p.code === v.permitCode ? html` selected` : ''}>${loc(lang, p.name)}</option>`,
  )}</select>
</div>
${textInput({ lang, name: 'textId', label: t(lang, 'screens.admin.textId'), hint: t(lang, 'screens.admin.text.hint'), value: v.textId, error: errorFor(e, 'textId'), maxlength: 280 })}
${textInput({ lang, name: 'textEn', label: t(lang, 'screens.admin.textEn'), hint: t(lang, 'screens.admin.text.hint'), value: v.textEn, error: errorFor(e, 'textEn'), maxlength: 280 })}
${textInput({ lang, name: 'duration', label: t(lang, 'screens.admin.duration'), hint: t(lang, 'screens.admin.duration.hint'), value: v.duration, error: errorFor(e, 'duration'), inputmode: 'numeric', width: 'short', maxlength: 4 })}
${checkbox({ lang, name: 'enabled', label: t(lang, 'screens.admin.enabled'), checked: v.enabled === 'yes' })}
${button(submit)}
</form>`;
  };

  const content = (lang: Lang, s: Slide, names: Map<string, { id: string; en: string }>) =>
    s.kind === 'how_to_apply'
      ? names.get(s.permitCode ?? '')
        ? loc(lang, names.get(s.permitCode ?? '')!)
        : (s.permitCode ?? '')
      : s.kind === 'announcement' && s.text
        ? loc(lang, s.text)
        : '';

  const render = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    opts: { values?: Record<string, string>; errors?: FieldError[]; saved?: boolean } = {},
  ) => {
    const lang = req.lang;
    const p = await services.screens.playlist({ actor });
    const names = new Map(p.permitTypes.map((x) => [x.code, x.name]));
    const e = opts.errors ?? [];
    const last = p.slides.length - 1;
    const rows = p.slides.map(
      (s, i) => html`<tr data-slide-row="${s.id}">
  <td class="table__cell--numeric">${i + 1}</td>
  <td>${kindLabel(lang, s.kind)}</td>
  <td>${content(lang, s, names)}</td>
  <td class="table__cell--numeric" data-duration>${s.durationSeconds}</td>
  <td>${t(lang, s.enabled ? 'screens.admin.shown.yes' : 'screens.admin.shown.no')}</td>
  <td><ul class="inline-list">
    <li><a href="/kantor/admin/layar/${s.id}">${t(lang, 'screens.admin.edit')}<span class="visually-hidden"> ${i + 1}</span></a></li>
    ${i > 0 ? html`<li><form method="post" action="/kantor/admin/layar/${s.id}/naik" class="inline-form">${csrfField(req)}<button type="submit" class="link-button">${t(lang, 'screens.admin.up')}<span class="visually-hidden"> ${i + 1}</span></button></form></li>` : ''}
    ${i < last ? html`<li><form method="post" action="/kantor/admin/layar/${s.id}/turun" class="inline-form">${csrfField(req)}<button type="submit" class="link-button">${t(lang, 'screens.admin.down')}<span class="visually-hidden"> ${i + 1}</span></button></form></li>` : ''}
    <li><form method="post" action="/kantor/admin/layar/${s.id}/hapus" class="inline-form">${csrfField(req)}<button type="submit" class="link-button">${t(lang, 'screens.admin.remove')}<span class="visually-hidden"> ${i + 1}</span></button></form></li>
  </ul></td>
</tr>`,
    );
    const table = p.slides.length
      ? html`<div class="table-wrap" role="region" aria-labelledby="slides-caption" tabindex="0"><table class="table" data-playlist>
<caption class="table__caption" id="slides-caption">${t(lang, 'screens.admin.caption')}</caption>
<thead><tr><th scope="col">${t(lang, 'screens.admin.position')}</th><th scope="col">${t(lang, 'screens.admin.kind')}</th><th scope="col">${t(lang, 'screens.admin.content')}</th><th scope="col">${t(lang, 'screens.admin.duration')}</th><th scope="col">${t(lang, 'screens.admin.shown')}</th><th scope="col">${t(lang, 'screens.admin.actions')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
      : html`<p data-playlist-empty>${t(lang, 'screens.admin.empty')}</p>`;
    const values = opts.values ?? { kind: 'announcement', duration: '10', enabled: 'yes' };
    return sendPage(req, reply, {
      title: t(lang, 'screens.admin.title'),
      errors: e,
      back: '/kantor/admin',
      notice: opts.saved ? banner(t(lang, 'screens.admin.saved'), 'success') : null,
      body: html`<h1>${t(lang, 'screens.admin.title')}</h1>
<p>${t(lang, 'screens.admin.lead')}</p>
<p>${linkButton('/layar', t(lang, 'screens.admin.open'))}</p>
${table}
<h2>${t(lang, 'screens.admin.add')}</h2>
${slideForm(req, '/kantor/admin/layar/tambah', p.permitTypes, values, e, t(lang, 'screens.admin.add'))}`,
    });
  };

  page.get('/kantor/admin/layar', { ...admin, query: savedQuery }, async ({ req, reply, actor, query }) =>
    render(req, reply, actor, { saved: query.disimpan === '1' }),
  );

  page.post('/kantor/admin/layar/tambah', { ...admin, maxFieldLength: 2000 }, async ({ req, reply, lang, actor, form }) => {
    try {
      await services.screens.addSlide({ actor, slide: formInput(form.values) });
      return reply.redirect('/kantor/admin/layar?disimpan=1', 303);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'invalid_input') throw err;
      return render(req, reply, actor, { values: form.values, errors: fieldErrors(lang, err) });
    }
  });

  const editPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    id: string,
    opts: { values?: Record<string, string>; errors?: FieldError[] } = {},
  ) => {
    const lang = req.lang;
    const p = await services.screens.playlist({ actor });
    const i = p.slides.findIndex((s) => s.id === id);
    const s = p.slides[i];
    if (!s) throw new AppError('not_found', 'no such slide');
    const values = opts.values ?? {
      kind: s.kind,
      permitCode: s.permitCode ?? '',
      textId: s.text?.id ?? '',
      textEn: s.text?.en ?? '',
      duration: String(s.durationSeconds),
      enabled: s.enabled ? 'yes' : '',
    };
    const title = t(lang, 'screens.admin.editTitle', { n: i + 1 });
    return sendPage(req, reply, {
      title,
      errors: opts.errors,
      back: '/kantor/admin/layar',
      body: html`<h1>${title}</h1>${slideForm(req, `/kantor/admin/layar/${s.id}`, p.permitTypes, values, opts.errors ?? [], t(lang, 'screens.admin.save'))}`,
    });
  };

  page.get('/kantor/admin/layar/:id', { ...admin, params: slideParams }, async ({ req, reply, actor, params }) => editPage(req, reply, actor, params.id));

  page.post('/kantor/admin/layar/:id', { ...admin, params: slideParams, maxFieldLength: 2000 }, async ({ req, reply, lang, actor, params, form }) => {
    try {
      await services.screens.editSlide({ actor, id: params.id, slide: formInput(form.values) });
      return reply.redirect('/kantor/admin/layar?disimpan=1', 303);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'invalid_input') throw err;
      return editPage(req, reply, actor, params.id, { values: form.values, errors: fieldErrors(lang, err) });
    }
  });

  for (const [path, direction] of [
    ['naik', 'up'],
    ['turun', 'down'],
  ] as const) {
    page.post(`/kantor/admin/layar/:id/${path}`, { ...admin, params: slideParams }, async ({ reply, actor, params }) => {
      await services.screens.move({ actor, id: params.id, direction });
      return reply.redirect('/kantor/admin/layar?disimpan=1', 303);
    });
  }

  page.post('/kantor/admin/layar/:id/hapus', { ...admin, params: slideParams }, async ({ reply, actor, params }) => {
    await services.screens.removeSlide({ actor, id: params.id });
    return reply.redirect('/kantor/admin/layar?disimpan=1', 303);
  });
}
