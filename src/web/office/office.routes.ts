import type { FastifyInstance } from 'fastify';
import { AppError } from '../../shared/errors.js';
import type { Services } from '../../services.js';
import { actionsFor, stateOf } from '../../workflow/workflow.engine.js';
import { button, csrfField, fieldId, tag, textInput } from '../components.js';
import { html } from '../html.js';
import { formatDate, loc, t } from '../i18n.js';
import { sendPage } from '../layout.js';
import { checkCsrf, redirectToSignIn } from '../pages/helpers.js';

const SLA_TAG = {
  on_track: { colour: 'green', id: 'Sesuai jadwal', en: 'On track' },
  due_soon: { colour: 'yellow', id: 'Segera jatuh tempo', en: 'Due soon' },
  overdue: { colour: 'red', id: 'Terlambat', en: 'Overdue' },
  paused: { colour: 'grey', id: 'Di pemohon', en: 'With applicant' },
  not_started: { colour: 'grey', id: 'Belum diajukan', en: 'Not filed' },
  closed: { colour: 'grey', id: 'Selesai', en: 'Closed' },
} as const;

/**
 * The back office's work queue (the officers' second factor is in auth/second-factor.pages.ts). Every
 * back-office page needs a staff session that has passed the second factor.
 */
export function officePages(app: FastifyInstance, services: Services): void {
  /**
   * The work queue: files waiting for this officer's role (or held by them), with filters (type,
   * channel, state, SLA status), search by number or name, soonest SLA due first, and a button to
   * take a file.
   */
  app.get<{ Querystring: Record<string, string | undefined> }>('/kantor', { schema: { hide: true } }, async (req, reply) => {
    const actor = req.actor;
    if (!actor) return redirectToSignIn(req, reply);
    if (actor.role === 'applicant') throw new AppError('forbidden', 'back office is for staff');
    const lang = req.lang;
    const q = (k: string, max = 60) => (typeof req.query[k] === 'string' ? req.query[k].trim().slice(0, max) : '');
    const filters = { jenis: q('jenis', 12), saluran: q('saluran', 12), tahap: q('tahap', 40), sla: q('sla', 12), cari: q('cari', 100), milik: q('milik', 5) };
    const channel = (['online', 'courier', 'walk_in', 'assisted'] as const).find((c) => c === filters.saluran);
    const { rows } = await services.applications.listApplications({
      actor,
      filters: {
        limit: 300,
        offset: 0,
        permitCode: filters.jenis || undefined,
        channel,
        state: /^[a-z_]+$/.test(filters.tahap) ? filters.tahap : undefined,
        q: filters.cari || undefined,
      },
    });
    const waiting = [];
    for (const row of rows) {
      const { workflow } = await services.catalogue.getVersion(row.permit_type_version_id);
      const mine = row.assigned_to === actor.userId;
      if (row.number === null || (!mine && actionsFor(workflow, row.state, actor.role).length === 0)) continue;
      if (filters.milik === 'saya' && !mine) continue;
      const view = await services.applications.getApplication({ actor, applicationId: row.id });
      if (filters.sla && view.sla.status !== filters.sla) continue;
      waiting.push(view);
    }
    waiting.sort((a, b) => (a.sla.dueDate ?? '9999').localeCompare(b.sla.dueDate ?? '9999'));
    const types = await services.catalogue.listPermitTypes({ tenantId: req.tenant.id, includeDisabled: true });
    const states = [
      ...new Map(
        types.flatMap((pt) => pt.workflow.states.filter((st) => st.kind === 'office' || st.kind === 'applicant').map((st) => [st.code, st] as const)),
      ).values(),
    ];
    const select = (name: string, label: string, value: string, options: { value: string; label: string }[]) => html`<div class="form-group filter">
  <label class="label" for="${fieldId(name)}">${label}</label>
  <select class="input" id="${fieldId(name)}" name="${name}"><option value="">${t(lang, 'office.filter.all')}</option>${options.map((o) => html`<option value="${o.value}"${o.value === value ? html` selected` : ''}>${o.label}</option>`)}</select>
</div>`;
    return sendPage(req, reply, {
      title: t(lang, 'office.queue.title'),
      body: html`<h1>${t(lang, 'office.queue.title')}</h1>
${actor.role === 'front_desk' ? html`<p><a href="/kantor/loket">${t(lang, 'office.link.intake')}</a></p>` : ''}
${actor.role === 'admin' ? html`<p><a href="/kantor/admin">${t(lang, 'office.link.admin')}</a></p>` : ''}
<form method="get" action="/kantor" class="filters">
  ${textInput({ lang, name: 'cari', label: t(lang, 'office.filter.search'), value: filters.cari, maxlength: 100, spellcheck: false })}
  ${select(
    'jenis',
    t(lang, 'office.filter.type'),
    filters.jenis,
    types.map((pt) => ({ value: pt.definition.code, label: loc(lang, pt.definition.name) })),
  )}
  ${select(
    'saluran',
    t(lang, 'detail.channel'),
    filters.saluran,
    (['online', 'walk_in', 'courier', 'assisted'] as const).map((c) => ({ value: c, label: t(lang, `channel.${c}`) })),
  )}
  ${select(
    'tahap',
    t(lang, 'detail.status'),
    filters.tahap,
    states.map((st) => ({ value: st.code, label: loc(lang, st.label) })),
  )}
  ${select(
    'sla',
    'SLA',
    filters.sla,
    (['on_track', 'due_soon', 'overdue', 'paused'] as const).map((k) => ({ value: k, label: SLA_TAG[k][lang] })),
  )}
  ${select('milik', t(lang, 'office.filter.holder'), filters.milik, [{ value: 'saya', label: t(lang, 'office.filter.mine') }])}
  ${button(t(lang, 'office.filter.apply'), { secondary: true })}
</form>
<p>${t(lang, 'office.queue.lead', { n: waiting.length })}</p>
<ul class="card-list">${waiting.map((v) => {
        const badge = SLA_TAG[v.sla.status];
        const mine = v.app.assigned_to === actor.userId;
        return html`<li><h2><a href="/kantor/berkas/${v.app.id}">${v.app.number}</a></h2>
  <p>${loc(lang, v.definition.name)} · ${v.app.applicant_name} · ${t(lang, `channel.${v.app.channel}`)}</p>
  <p>${loc(lang, stateOf(v.workflow, v.app.state).label)} · ${tag(badge[lang], badge.colour)}${v.sla.dueDate ? html` <span class="muted">${t(lang, 'office.queue.due', { date: formatDate(lang, `${v.sla.dueDate}T12:00:00Z`, 'UTC') })}</span>` : ''}</p>
  <p>${mine ? html`<strong>${t(lang, 'office.queue.yours')}</strong>` : v.app.assigned_to ? html`<span class="muted">${t(lang, 'office.queue.taken')}</span>` : ''}</p>
  ${mine ? '' : html`<form method="post" action="/kantor/berkas/${v.app.id}/ambil">${csrfField(req)}<button type="submit" class="button button--secondary">${t(lang, 'office.queue.take')}<span class="visually-hidden"> ${v.app.number}</span></button></form>`}</li>`;
      })}</ul>`,
    });
  });

  /** Take a file: it shows as yours in the queue (audited). */
  app.post<{ Params: { id: string } }>('/kantor/berkas/:id/ambil', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = req.actor;
    if (!actor) return redirectToSignIn(req, reply);
    if (actor.role === 'applicant') throw new AppError('forbidden', 'back office is for staff');
    if (!/^[0-9a-f-]{36}$/.test(req.params.id)) throw new AppError('not_found', 'bad id');
    await services.casework.assign({ actor, applicationId: req.params.id, assigneeId: actor.userId });
    return reply.redirect('/kantor', 303);
  });
}
