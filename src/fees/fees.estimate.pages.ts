import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../services.js';
import { banner, button, summaryList } from '../web/components.js';
import { html } from '../web/html.js';
import { formatRupiah, loc, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { errorMessage, fieldErrors, fieldInput, requiredMessage } from '../web/views.js';
import { feeBreakdownRows } from './fees.views.js';

const permitTypeParams = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z0-9]{2,12}$/)
    .transform((s) => s.toUpperCase()),
});

/** The query as the form sent it: each parameter one bounded string (a repeated one takes the first). */
function queryStrings(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!query || typeof query !== 'object') return out;
  for (const [k, v] of Object.entries(query as Record<string, unknown>)) {
    const s = Array.isArray(v) ? (v[0] as unknown) : v;
    if (typeof s === 'string') out[k] = s.slice(0, 100);
  }
  return out;
}

/**
 * The citizen's fee calculator (/izin/{code}/perkiraan, linked from the permit's guide): a GET form with
 * the questions the permit type's fee rule reads (for PBG: floor area, floors, function, complexity,
 * permanence, ownership, type of work, the MBR question), and, once sent, the estimate with every step
 * of the calculation and any waiver, under the office's coefficients in force now for this year. Works
 * without JavaScript; bad answers give the form again with an error summary (400). Always labelled as an
 * estimate: the bill after the technical review is what counts.
 */
export function feeEstimatePages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);

  page.get(
    '/izin/:code/perkiraan',
    { access: 'anyone', params: permitTypeParams, query: z.record(z.string(), z.unknown()).catch({}) },
    async ({ req, reply, lang, params, query }) => {
      const sent = queryStrings(query);
      const submitted = sent.hitung === '1';
      const { definition, fields, estimate, refusal } = await services.fees.estimateForm({
        tenantId: req.tenant.id,
        permitTypeCode: params.code,
        answers: submitted ? sent : null,
      });
      const title = t(lang, 'fees.estimate.title', { permit: loc(lang, definition.name) });
      // Each message names its question, as the summary lists them out of the form's context.
      const labelOf = (name: string) => loc(lang, fields.find((f) => f.name === name)?.label ?? { id: name, en: name });
      const errors =
        refusal?.code === 'invalid_input'
          ? fieldErrors(req, refusal.details.fields, (f) => f.replace(/^answers\./, '')).map((e) => ({
              ...e,
              message:
                refusal.details.fields?.find((p) => p.field === `answers.${e.field}`)?.code === 'required'
                  ? requiredMessage(lang, labelOf(e.field))
                  : `${labelOf(e.field)}: ${e.message}`,
            }))
          : [];
      const errorFor = (name: string) => errors.find((e) => e.field === name)?.message;
      // What was typed stays in the form; after an estimate, the answers as they were read.
      const valueOf = (name: string): string | undefined => {
        const typed = sent[name];
        return typed === undefined || typed === '' ? undefined : typed;
      };
      const result = estimate
        ? html`<section class="fee-estimate" id="perkiraan" aria-labelledby="perkiraan-title">
  <h2 id="perkiraan-title">${t(lang, 'fees.estimate.result')}</h2>
  <p class="lead"><strong data-estimate-amount>${t(lang, 'fees.estimate.amount', { amount: formatRupiah(estimate.amount) })}</strong></p>
  <p><strong>${t(lang, 'fees.estimate.caveat')}</strong></p>
  ${summaryList([...feeBreakdownRows(lang, estimate, definition.fields), { key: t(lang, 'fees.estimate.result'), value: html`<strong>${formatRupiah(estimate.amount)}</strong>` }])}
  ${estimate.coefficientsVersion !== undefined ? html`<p class="muted">${t(lang, 'fees.estimate.coefficients', { year: estimate.year, version: estimate.coefficientsVersion })}</p>` : ''}
  <p><a href="/izin/${definition.code}/mulai">${t(lang, 'fees.estimate.apply')}</a></p>
</section>`
        : '';
      const unavailable =
        refusal && refusal.code !== 'invalid_input' ? banner(t(lang, 'fees.estimate.unavailable', { reason: errorMessage(req, refusal) })) : '';
      const form =
        fields.length === 0 && definition.feeRule.kind === 'free'
          ? html`<p>${t(lang, 'fees.estimate.none')}</p>`
          : html`<form method="get" action="/izin/${definition.code}/perkiraan" novalidate>
  <input type="hidden" name="hitung" value="1">
  ${fields.map((f) => fieldInput(lang, f, valueOf(f.name), errorFor(f.name), false))}
  ${button(estimate ? t(lang, 'fees.estimate.again') : t(lang, 'fees.estimate.submit'))}
</form>`;
      return sendPage(req, reply, {
        title,
        back: `/izin/${definition.code}`,
        errors,
        ...(refusal && refusal.code !== 'invalid_input' ? { status: refusal.status } : {}),
        body: html`<h1>${title}</h1>
<p class="lead">${t(lang, 'fees.estimate.lead')}</p>
${unavailable}
${result}
${form}`,
      });
    },
  );
}
