import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import { CACHE_SCOPES } from '../cache/cache-generations.js';
import type { Lang } from '../shared/messages.js';
import type { Services } from '../services.js';
import { officeBaseUrl } from '../tenants/office-url.js';
import { linkButton, summaryList } from '../web/components.js';
import { html, raw } from '../web/html.js';
import { formatRupiah, loc, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import type { PermitTypeDefinition } from './catalogue.schema.js';
import type { PermitTypeVersion } from './catalogue.service.js';
import { journeySteps } from './journey.js';
import { requirementHelp } from './requirement.views.js';

const permitTypeParams = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z0-9]{2,12}$/)
    .transform((s) => s.toUpperCase()),
});
const searchQuery = z.object({
  q: z
    .string()
    .default('')
    .transform((s) => s.trim().slice(0, 100)),
});

/** The catalogue pages are kept for anonymous visitors until the catalogue (or the office) changes: web/page-cache.ts. */
const PUBLIC_CATALOGUE = [CACHE_SCOPES.catalogue] as const;

function validityText(lang: Lang, def: PermitTypeDefinition): string {
  if (!def.validity) return t(lang, 'guide.validity.none');
  const parts: string[] = [];
  if (def.validity.years) parts.push(t(lang, 'guide.validity.years', { n: def.validity.years }));
  if (def.validity.months) parts.push(t(lang, 'guide.validity.months', { n: def.validity.months }));
  return parts.join(' ');
}

/** The public front: the home page, the permit catalogue with search, each permit type's guide and its poster. */
export function cataloguePages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  const officeAddress = { baseUrl: services.config.baseUrl, defaultTenant: services.config.defaultTenant };

  page.get('/', { access: 'anyone', cache: [] }, ({ req, reply, lang }) =>
    sendPage(req, reply, {
      title: t(lang, 'home.title'),
      body: html`<h1>${t(lang, 'home.title')}</h1>
<p class="lead">${t(lang, 'home.lead')}</p>
<ul class="card-list">
  <li><h2><a href="/izin">${t(lang, 'home.apply')}</a></h2><p>${t(lang, 'home.apply.hint')}</p></li>
  <li><h2><a href="/lacak">${t(lang, 'home.track')}</a></h2><p>${t(lang, 'home.track.hint')}</p></li>
  <li><h2><a href="/janji-temu">${t(lang, 'apt.home')}</a></h2><p>${t(lang, 'apt.home.hint')}</p></li>
  <li><h2><a href="/permohonan">${t(lang, 'home.mine')}</a></h2><p>${t(lang, 'home.mine.hint')}</p></li>
  <li><h2><a href="/verifikasi">${t(lang, 'home.verify')}</a></h2><p>${t(lang, 'home.verify.hint')}</p></li>
  <li><h2><a href="/registri">${t(lang, 'home.registry')}</a></h2><p>${t(lang, 'home.registry.hint')}</p></li>
  <li><h2><a href="/transparansi">${t(lang, 'transparency.title')}</a></h2><p>${t(lang, 'transparency.home.hint')}</p></li>
</ul>`,
    }),
  );

  page.get('/izin', { access: 'anyone', query: searchQuery, cache: PUBLIC_CATALOGUE }, async ({ req, reply, lang, query }) => {
    const { q } = query;
    const { results, groups } = await services.catalogue.browsePermitTypes({ tenantId: req.tenant.id, q });
    const card = (pt: PermitTypeVersion, h: 'h2' | 'h3') => html`<li><${h}><a href="/izin/${pt.definition.code}">${loc(lang, pt.definition.name)}</a></${h}>
  <p>${loc(lang, pt.definition.description)}</p>
  <p class="muted">${t(lang, 'catalogue.days', { n: pt.definition.slaWorkingDays })} · ${pt.definition.feeRule.kind === 'free' ? t(lang, 'catalogue.free') : t(lang, 'catalogue.fee')}</p></li>`;
    const grouped = html`${groups.map(
      (g) => html`<section aria-labelledby="topic-${g.code}"><h2 id="topic-${g.code}">${loc(lang, g.name)}</h2>
<ul class="card-list">${g.types.map((pt) => card(pt, 'h3'))}</ul></section>`,
    )}`;
    return sendPage(req, reply, {
      title: t(lang, 'catalogue.title'),
      body: html`<h1>${t(lang, 'catalogue.title')}</h1>
<form method="get" action="/izin" role="search" class="search">
  <label for="q" class="visually-hidden">${t(lang, 'catalogue.search')}</label>
  <input class="input" id="q" name="q" type="search" value="${q}" maxlength="100">
  <button class="button" type="submit">${t(lang, 'catalogue.search.button')}</button>
</form>
${
  results === null
    ? grouped
    : results.length === 0
      ? html`<p>${t(lang, 'catalogue.none', { q })}</p>
<p>${t(lang, 'catalogue.none.help')} <a href="/bantuan">${t(lang, 'catalogue.none.ask')}</a> · <a href="/janji-temu">${t(lang, 'catalogue.none.visit')}</a></p>
<p>${t(lang, 'catalogue.none.all')}</p>
${grouped}`
      : html`<p>${t(lang, 'catalogue.results', { n: results.length, q })}</p>
<ul class="card-list">${results.map((pt) => card(pt, 'h2'))}</ul>
<p><a href="/izin">${t(lang, 'catalogue.results.all')}</a></p>`
}`,
    });
  });

  page.get('/izin/:code', { access: 'anyone', params: permitTypeParams, cache: PUBLIC_CATALOGUE }, async ({ req, reply, lang, params }) => {
    const { permitType: pt, example, fixed, linkedTypes } = await services.citizenPath.guide({ tenantId: req.tenant.id, code: params.code });
    const def = pt.definition;
    const start = linkButton(`/izin/${def.code}/mulai`, t(lang, 'guide.start'), true);
    const exampleQuery = example ? new URLSearchParams({ hitung: '1', ...example.answers }).toString() : '';
    const fee =
      def.feeRule.kind === 'free'
        ? html`<span data-fee-free>${t(lang, 'guide.fee.free')}</span>`
        : fixed
          ? html`<span data-fee-fixed>${t(lang, 'guide.fee.fixed', { amount: formatRupiah(fixed.amount) })}</span>`
          : html`${t(lang, def.feeRule.kind === 'pbg_retribution' ? 'guide.fee.pbg' : 'guide.fee.rule')}${
              example
                ? html`<br><strong data-fee-example>${t(lang, 'guide.fee.example', {
                    floors: example.answers.floorCount ?? '',
                    area: example.answers.floorArea ?? '',
                    amount: formatRupiah(example.estimate.amount),
                  })}</strong>
<br><span class="muted">${t(lang, 'guide.fee.example.caveat', { year: example.estimate.year })}</span> <a href="/izin/${def.code}/perkiraan?${exampleQuery}">${t(lang, 'guide.fee.example.detail')}</a><br>`
                : ' '
            }<a href="/izin/${def.code}/perkiraan">${t(lang, 'fees.estimate.link')}</a>`;
    return sendPage(req, reply, {
      title: loc(lang, def.name),
      back: '/izin',
      body: html`<h1>${loc(lang, def.name)}</h1>
<h2>${t(lang, 'guide.what')}</h2><p>${loc(lang, def.description)}</p>
${start}
<h2>${t(lang, 'guide.who')}</h2><p>${loc(lang, def.audience)}</p><p data-foreign-residents>${t(lang, def.foreignResidents ? 'foreign.accepted' : 'foreign.not.accepted.short')}</p>
<h2>${t(lang, 'guide.documents')}</h2><p class="hint">${t(lang, 'guide.documents.hint')}</p>
<ul>${def.requirements.map((r) => {
        const help = requirementHelp(lang, r, linkedTypes);
        return html`<li data-requirement="${r.code}"><strong>${loc(lang, r.name)}</strong> (${r.required ? t(lang, 'guide.required') : t(lang, 'guide.optional')})${
          help ? html`<br>${help}` : ''
        }<br><span class="muted">${t(lang, 'guide.types', { types: r.acceptedTypes.map((k) => k.toUpperCase()).join(', '), mb: r.maxSizeMb })}</span></li>`;
      })}</ul>
<h2>${t(lang, 'guide.steps')}</h2>
<ol>${journeySteps(pt.workflow).map((s) => html`<li>${loc(lang, s.label)}</li>`)}</ol>
${summaryList([
  { key: t(lang, 'guide.fee'), value: fee },
  { key: t(lang, 'guide.sla'), value: t(lang, 'guide.sla.text', { n: def.slaWorkingDays }) },
  { key: t(lang, 'guide.validity'), value: validityText(lang, def) },
])}
<h2>${t(lang, 'guide.legal')}</h2>
<ul>${def.legalBasis.map((l) => html`<li>${l}</li>`)}</ul>
${start}
<p><a href="/izin/${def.code}/poster">${t(lang, 'guide.poster')}</a></p>`,
    });
  });

  page.get('/izin/:code/poster', { access: 'anyone', params: permitTypeParams, cache: PUBLIC_CATALOGUE }, async ({ req, reply, lang, params }) => {
    const pt = await services.catalogue.getPermitType({ tenantId: req.tenant.id, code: params.code });
    const url = `${officeBaseUrl(officeAddress, req.tenant)}/izin/${pt.definition.code}`;
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
}
