import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../access/actor.js';
import { MAX_PASSWORD_LENGTH } from '../../auth/passwords.js';
import { STAFF_EMAIL_MAX, STAFF_NAME_MAX, STAFF_POSITION_MAX, type StaffMember } from '../../auth/staff.service.js';
import type { HolidaysTable } from '../../db/schema.js';
import { AppError, type FieldProblem } from '../../shared/errors.js';
import { FIELD_MESSAGES, fillTemplate, type Lang } from '../../shared/messages.js';
import type { Services } from '../../services.js';
import { localDate } from '../../sla/calendar.js';
import { type OfficeSettings, SETTINGS_LIMITS } from '../../tenants/settings.service.js';
import { STAFF_ROLES, type Role } from '../../workflow/workflow.schema.js';
import { banner, button, csrfField, errorFor, type FieldError, linkButton, radios, summaryList, tag, textarea, textInput } from '../components.js';
import { html, type SafeHtml } from '../html.js';
import { formatDate, loc, t } from '../i18n.js';
import { sendPage } from '../layout.js';
import { checkCsrf, field, requiredMessage } from '../pages/helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const PERMIT_CODE = /^[A-Z][A-Z0-9]{1,11}$/;
const HOLIDAY_KINDS = ['national', 'cuti_bersama', 'local'] as const;
type HolidayKind = HolidaysTable['kind'];
/** Permit type definitions are a few kilobytes; the form body limit (64 KB) is the real cap. */
const DEFINITION_MAX = 60_000;

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
function isCalendarDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

const roleLabel = (lang: Lang, role: Role) => t(lang, `admin.role.${role}`);
const kindLabel = (lang: Lang, kind: HolidayKind) => t(lang, `admin.holidays.kind.${kind}`);
const dateLabel = (lang: Lang, date: string) => formatDate(lang, `${date}T12:00:00Z`, 'UTC');
const sectionLink = (href: string, title: string, hint: string) => html`<li><h2><a href="${href}">${title}</a></h2><p class="muted">${hint}</p></li>`;

/**
 * The admin pages of the back office (/kantor/admin): staff accounts, the permit catalogue, the
 * holiday calendar and the office's settings. Admins only: anyone else signed in gets the 403 page,
 * someone not signed in goes to sign-in. Every change goes through a service that checks the role
 * again, works in the admin's own office only and writes an audit row.
 */
export function adminPages(app: FastifyInstance, services: Services): void {
  /** The signed-in admin, or null after answering with a redirect to sign-in (back here after a GET). */
  function admin(req: FastifyRequest, reply: FastifyReply): Actor | null {
    if (!req.actor) {
      const back = req.method === 'GET' ? req.url : '/kantor/admin';
      void reply.redirect(`/akun/masuk?kembali=${encodeURIComponent(back)}`, 303);
      return null;
    }
    // Function-level access (ASVS v5.0.0-8.2.1); the services check the role again.
    if (req.actor.role !== 'admin') throw new AppError('forbidden', `role ${req.actor.role} may not open the admin pages`);
    return req.actor;
  }

  /** A service's field problem in the admin's language, naming the field (the error summary lists it alone). */
  function problemMessage(lang: Lang, p: FieldProblem, label: string): string {
    const params = p.params ?? {};
    switch (p.code) {
      case 'required':
        return p.field === 'role' ? t(lang, 'admin.staff.role.choose') : requiredMessage(lang, label);
      case 'invalid_option':
        return p.field === 'role' ? t(lang, 'admin.staff.role.choose') : `${label}: ${p.message}`;
      case 'email_taken':
        return t(lang, 'admin.staff.email.taken');
      case 'own_account':
        return t(lang, 'admin.staff.own.error');
      case 'invalid_time_zone':
        return t(lang, 'admin.settings.timeZone.invalid', params);
      case 'invalid_host_name':
        return t(lang, 'admin.settings.host.invalid', params);
      case 'host_name_taken':
        return t(lang, 'admin.settings.host.taken', params);
      case 'too_many_host_names':
        return t(lang, 'admin.settings.host.tooMany', params);
      case 'invalid_office_phone':
        return t(lang, 'admin.settings.phone.invalid');
      case 'invalid_json':
        return t(lang, 'admin.catalogue.error.json', params);
      // The zod issue as written, after its JSON path: the admin is editing that JSON.
      case 'schema_issue':
        return p.message;
      case 'code_changed':
        return t(lang, 'admin.catalogue.error.code', params);
      case 'workflow_changed':
        return t(lang, 'admin.catalogue.error.workflow', params);
      case 'stale_version':
        return t(lang, 'admin.catalogue.error.stale', params);
      default: {
        const template = FIELD_MESSAGES[p.code]?.[lang];
        return `${label}: ${template ? fillTemplate(template, params) : p.message}`;
      }
    }
  }

  /** Field problems of a refused change, or null when the error is not one a form can show (then it goes to the error pages). */
  function formErrors(req: FastifyRequest, err: unknown, labels: Record<string, string>, hrefs: Record<string, string> = {}): FieldError[] | null {
    if (!(err instanceof AppError) || !err.details.fields?.length) return null;
    return err.details.fields.map((p) => ({
      field: p.field,
      message: problemMessage(req.lang, p, labels[p.field] ?? p.field),
      ...(hrefs[p.field] ? { href: hrefs[p.field] } : {}),
    }));
  }

  // ---------------------------------------------------------------- Index
  app.get('/kantor/admin', { schema: { hide: true } }, async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    const lang = req.lang;
    const sections = services.settings.adminHome({ actor });
    return sendPage(req, reply, {
      title: t(lang, 'admin.title'),
      back: '/kantor',
      body: html`<h1>${t(lang, 'admin.title')}</h1>
<p>${t(lang, 'admin.lead')}</p>
<ul class="card-list">
  ${sections.staff ? sectionLink('/kantor/admin/staf', t(lang, 'admin.staff'), t(lang, 'admin.staff.hint')) : ''}
  ${sections.catalogue ? sectionLink('/kantor/admin/izin', t(lang, 'admin.catalogue'), t(lang, 'admin.catalogue.hint')) : ''}
  ${sections.holidays ? sectionLink('/kantor/admin/libur', t(lang, 'admin.holidays'), t(lang, 'admin.holidays.hint')) : ''}
  ${sections.settings ? sectionLink('/kantor/admin/pengaturan', t(lang, 'admin.settings'), t(lang, 'admin.settings.hint')) : ''}
</ul>`,
    });
  });

  // ---------------------------------------------------------------- Staff accounts
  app.get('/kantor/admin/staf', { schema: { hide: true } }, async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    const lang = req.lang;
    const staff = await services.staff.listStaff({ actor });
    return sendPage(req, reply, {
      title: t(lang, 'admin.staff'),
      back: '/kantor/admin',
      body: html`<h1>${t(lang, 'admin.staff')}</h1>
${linkButton('/kantor/admin/staf/baru', t(lang, 'admin.staff.new'))}
<div class="table-wrap"><table class="table">
  <caption class="table__caption">${t(lang, 'admin.staff.caption', { office: req.tenant.name })}</caption>
  <thead><tr><th scope="col">${t(lang, 'admin.staff.col.name')}</th><th scope="col">${t(lang, 'admin.staff.col.email')}</th><th scope="col">${t(lang, 'admin.staff.col.role')}</th><th scope="col">${t(lang, 'admin.staff.col.factor')}</th><th scope="col">${t(lang, 'admin.staff.col.status')}</th></tr></thead>
  <tbody>${staff.map(
    (m) => html`<tr data-staff="${m.id}">
    <th scope="row"><a href="/kantor/admin/staf/${m.id}">${m.name}</a>${m.id === actor.userId ? html` <span class="muted">${t(lang, 'admin.staff.you')}</span>` : ''}</th>
    <td>${m.email ?? ''}</td>
    <td>${roleLabel(lang, m.role)}</td>
    <td>${m.secondFactor ? tag(t(lang, 'admin.staff.factor.on'), 'green') : tag(t(lang, 'admin.staff.factor.off'), 'yellow')}</td>
    <td>${m.disabled ? tag(t(lang, 'admin.staff.disabled'), 'red') : tag(t(lang, 'admin.staff.active'), 'green')}</td>
  </tr>`,
  )}</tbody>
</table></div>
${staff.length === 0 ? html`<p>${t(lang, 'admin.staff.none')}</p>` : ''}`,
    });
  });

  const staffLabels = (lang: Lang): Record<string, string> => ({
    name: t(lang, 'admin.staff.name'),
    email: t(lang, 'admin.staff.email'),
    role: t(lang, 'admin.staff.role'),
    password: t(lang, 'admin.staff.password'),
  });
  const roleOptions = (lang: Lang) => STAFF_ROLES.map((r) => ({ value: r, label: roleLabel(lang, r) }));

  function newStaffPage(req: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors: FieldError[] = []): FastifyReply {
    const lang = req.lang;
    const labels = staffLabels(lang);
    return sendPage(req, reply, {
      title: t(lang, 'admin.staff.new'),
      back: '/kantor/admin/staf',
      errors,
      body: html`<h1>${t(lang, 'admin.staff.new')}</h1>
<form method="post" action="/kantor/admin/staf/baru" novalidate>
  ${csrfField(req)}
  ${textInput({ lang, name: 'name', label: labels.name!, value: values.name, error: errorFor(errors, 'name'), autocomplete: 'off', maxlength: STAFF_NAME_MAX })}
  ${textInput({ lang, name: 'email', type: 'email', label: labels.email!, hint: t(lang, 'admin.staff.email.hint'), value: values.email, error: errorFor(errors, 'email'), autocomplete: 'off', maxlength: STAFF_EMAIL_MAX, spellcheck: false })}
  ${radios({ lang, name: 'role', label: labels.role!, value: values.role, error: errorFor(errors, 'role'), options: roleOptions(lang) })}
  ${textInput({ lang, name: 'password', type: 'password', label: labels.password!, hint: t(lang, 'admin.staff.password.hint'), error: errorFor(errors, 'password'), autocomplete: 'new-password', maxlength: MAX_PASSWORD_LENGTH })}
  ${button(t(lang, 'admin.staff.create'))}
</form>`,
    });
  }

  app.get('/kantor/admin/staf/baru', { schema: { hide: true } }, async (req, reply) => {
    if (!admin(req, reply)) return reply;
    return newStaffPage(req, reply);
  });

  app.post('/kantor/admin/staf/baru', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = admin(req, reply);
    if (!actor) return reply;
    const values = { name: field(req.body, 'name', 200), email: field(req.body, 'email', 300), role: field(req.body, 'role', 20) };
    const password = field(req.body, 'password', MAX_PASSWORD_LENGTH + 1);
    try {
      const { userId } = await services.staff.createStaff({ actor, ...values, password });
      return reply.redirect(`/kantor/admin/staf/${userId}?ok=dibuat`, 303);
    } catch (err) {
      const errors = formErrors(req, err, staffLabels(req.lang));
      if (!errors) throw err;
      return newStaffPage(req, reply, values, errors);
    }
  });

  const STAFF_NOTICES = {
    dibuat: 'admin.staff.created',
    jabatan: 'admin.staff.position.changed',
    'jabatan-sama': 'admin.staff.position.same',
    peran: 'admin.staff.role.changed',
    'peran-sama': 'admin.staff.role.same',
    'faktor-kedua': 'admin.staff.reset.done',
    nonaktif: 'admin.staff.disable.done',
  } as const;

  function staffPage(
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    m: StaffMember,
    opts: { errors?: FieldError[]; status?: number; ok?: string; role?: string; position?: string } = {},
  ): FastifyReply {
    const lang = req.lang;
    const own = m.id === actor.userId;
    const noticeKey = opts.ok && opts.ok in STAFF_NOTICES ? STAFF_NOTICES[opts.ok as keyof typeof STAFF_NOTICES] : null;
    return sendPage(req, reply, {
      title: m.name,
      back: '/kantor/admin/staf',
      errors: opts.errors,
      ...(opts.status ? { status: opts.status } : {}),
      notice: noticeKey ? banner(t(lang, noticeKey), 'success') : null,
      body: html`<p class="caption">${t(lang, 'admin.staff')}</p>
<h1>${m.name}</h1>
${summaryList([
  { key: t(lang, 'admin.staff.col.email'), value: m.email ?? '' },
  { key: t(lang, 'admin.staff.col.role'), value: roleLabel(lang, m.role) },
  { key: t(lang, 'admin.staff.position'), value: m.position ?? t(lang, 'admin.staff.position.none') },
  {
    key: t(lang, 'admin.staff.col.factor'),
    value: m.secondFactor ? tag(t(lang, 'admin.staff.factor.on'), 'green') : tag(t(lang, 'admin.staff.factor.off'), 'yellow'),
  },
  { key: t(lang, 'admin.staff.col.status'), value: m.disabled ? tag(t(lang, 'admin.staff.disabled'), 'red') : tag(t(lang, 'admin.staff.active'), 'green') },
])}
<h2 id="jabatan">${t(lang, 'admin.staff.position.change')}</h2>
<form method="post" action="/kantor/admin/staf/${m.id}/jabatan" novalidate>
  ${csrfField(req)}
  ${textInput({ lang, name: 'position', label: t(lang, 'admin.staff.position'), hint: t(lang, 'admin.staff.position.hint'), value: opts.position ?? m.position ?? '', error: errorFor(opts.errors, 'position'), maxlength: STAFF_POSITION_MAX })}
  ${button(t(lang, 'admin.staff.position.change'), { secondary: true })}
</form>
${
  own
    ? html`<p id="akun-sendiri">${t(lang, 'admin.staff.own')}</p>`
    : m.disabled
      ? html`<p id="akun-sendiri">${t(lang, 'admin.staff.disabled.text')}</p>`
      : html`<h2 id="ubah-peran">${t(lang, 'admin.staff.role.change')}</h2>
<form method="post" action="/kantor/admin/staf/${m.id}/peran" novalidate>
  ${csrfField(req)}
  ${radios({ lang, name: 'role', label: t(lang, 'admin.staff.role.legend'), value: opts.role ?? m.role, error: errorFor(opts.errors, 'role'), options: roleOptions(lang) })}
  ${button(t(lang, 'admin.staff.role.change'), { secondary: true })}
</form>
<h2 id="atur-ulang">${t(lang, 'admin.staff.reset')}</h2>
<p>${t(lang, 'admin.staff.reset.hint')}</p>
<form method="post" action="/kantor/admin/staf/${m.id}/faktor-kedua">
  ${csrfField(req)}
  ${button(t(lang, 'admin.staff.reset'), { secondary: true })}
</form>
<h2 id="nonaktifkan">${t(lang, 'admin.staff.disable')}</h2>
<p>${t(lang, 'admin.staff.disable.hint')}</p>
<form method="post" action="/kantor/admin/staf/${m.id}/nonaktifkan">
  ${csrfField(req)}
  ${button(t(lang, 'admin.staff.disable'), { warning: true })}
</form>`
}`,
    });
  }

  async function loadStaff(actor: Actor, id: string): Promise<StaffMember> {
    if (!UUID.test(id)) throw new AppError('not_found', 'bad id');
    return services.staff.getStaffMember({ actor, userId: id });
  }

  app.get<{ Params: { id: string }; Querystring: { ok?: string } }>('/kantor/admin/staf/:id', { schema: { hide: true } }, async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    return staffPage(req, reply, actor, await loadStaff(actor, req.params.id), { ...(req.query.ok ? { ok: req.query.ok } : {}) });
  });

  /** One button (or one radio group) on the account page: run it, then show the result or the problem on the same page. */
  const staffAction = (path: string, run: (actor: Actor, id: string, req: FastifyRequest) => Promise<string>) =>
    app.post<{ Params: { id: string } }>(`/kantor/admin/staf/:id/${path}`, { schema: { hide: true } }, async (req, reply) => {
      checkCsrf(req, req.body);
      const actor = admin(req, reply);
      if (!actor) return reply;
      const member = await loadStaff(actor, req.params.id);
      try {
        const ok = await run(actor, member.id, req);
        return reply.redirect(`/kantor/admin/staf/${member.id}?ok=${ok}`, 303);
      } catch (err) {
        const hrefs = { role: member.id === actor.userId ? '#akun-sendiri' : '#f-role', reset: '#akun-sendiri', disable: '#akun-sendiri' };
        const errors = formErrors(req, err, { role: t(req.lang, 'admin.staff.role'), position: t(req.lang, 'admin.staff.position') }, hrefs);
        if (!errors) throw err;
        return staffPage(req, reply, actor, member, {
          errors,
          status: (err as AppError).status,
          role: field(req.body, 'role', 20),
          position: field(req.body, 'position', 1000),
        });
      }
    });

  staffAction('jabatan', async (actor, userId, req) =>
    (await services.staff.changePosition({ actor, userId, position: field(req.body, 'position', 1000) ?? '' })).changed ? 'jabatan' : 'jabatan-sama',
  );

  staffAction('peran', async (actor, userId, req) => {
    const role = field(req.body, 'role', 20);
    if (!role) throw new AppError('invalid_input', 'no role chosen', { fields: [{ field: 'role', code: 'required', message: 'choose a role' }] });
    return (await services.staff.changeRole({ actor, userId, role })).changed ? 'peran' : 'peran-sama';
  });
  staffAction('faktor-kedua', async (actor, userId) => {
    await services.staff.resetSecondFactor({ actor, userId });
    return 'faktor-kedua';
  });
  staffAction('nonaktifkan', async (actor, userId) => {
    await services.staff.disableStaff({ actor, userId });
    return 'nonaktif';
  });

  // ---------------------------------------------------------------- Permit catalogue
  app.get<{ Querystring: { ok?: string; kode?: string; versi?: string } }>('/kantor/admin/izin', { schema: { hide: true } }, async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    const lang = req.lang;
    const types = await services.catalogueAdmin.listTypes({ actor });
    const code = req.query.kode && PERMIT_CODE.test(req.query.kode) ? req.query.kode : '';
    const version = /^\d{1,6}$/.test(req.query.versi ?? '') ? req.query.versi! : '';
    const notice =
      req.query.ok === 'aktif' && code
        ? t(lang, 'admin.catalogue.enabled.done', { code })
        : req.query.ok === 'nonaktif' && code
          ? t(lang, 'admin.catalogue.disabled.done', { code })
          : req.query.ok === 'terbit' && code && version
            ? t(lang, 'admin.catalogue.published', { code, version })
            : req.query.ok === 'sama'
              ? t(lang, 'admin.catalogue.unchanged')
              : null;
    return sendPage(req, reply, {
      title: t(lang, 'admin.catalogue'),
      back: '/kantor/admin',
      notice: notice ? banner(notice, 'success') : null,
      body: html`<h1>${t(lang, 'admin.catalogue')}</h1>
<div class="table-wrap"><table class="table">
  <caption class="table__caption">${t(lang, 'admin.catalogue.caption')}</caption>
  <thead><tr><th scope="col">${t(lang, 'admin.catalogue.col.code')}</th><th scope="col">${t(lang, 'admin.catalogue.col.name')}</th><th scope="col">${t(lang, 'admin.catalogue.col.version')}</th><th scope="col">${t(lang, 'admin.catalogue.col.status')}</th><th scope="col">${t(lang, 'admin.catalogue.col.actions')}</th></tr></thead>
  <tbody>${types.map((pt) => {
    const c = pt.definition.code;
    return html`<tr data-permit-type="${c}">
    <th scope="row">${c}</th>
    <td>${loc(lang, pt.definition.name)}</td>
    <td>${pt.version}</td>
    <td>${pt.enabled ? tag(t(lang, 'admin.catalogue.enabled'), 'green') : tag(t(lang, 'admin.catalogue.disabled'), 'grey')}</td>
    <td><form method="post" action="/kantor/admin/izin/${c}/status" class="inline-form">${csrfField(req)}<input type="hidden" name="enabled" value="${pt.enabled ? '0' : '1'}"><button type="submit" class="button button--secondary button--small">${
      pt.enabled ? t(lang, 'admin.catalogue.disable') : t(lang, 'admin.catalogue.enable')
    }<span class="visually-hidden"> ${c}</span></button></form>
      <a href="/kantor/admin/izin/${c}/ubah">${t(lang, 'admin.catalogue.edit')}<span class="visually-hidden"> ${c}</span></a></td>
  </tr>`;
  })}</tbody>
</table></div>`,
    });
  });

  function permitCode(raw: string): string {
    const code = raw.toUpperCase();
    if (!PERMIT_CODE.test(code)) throw new AppError('not_found', 'bad permit type code');
    return code;
  }

  app.post<{ Params: { code: string } }>('/kantor/admin/izin/:code/status', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = admin(req, reply);
    if (!actor) return reply;
    const code = permitCode(req.params.code);
    const enabled = field(req.body, 'enabled', 1);
    if (enabled !== '0' && enabled !== '1') throw new AppError('invalid_input', 'enabled must be 0 or 1');
    await services.catalogueAdmin.setEnabled({ actor, code, enabled: enabled === '1' });
    return reply.redirect(`/kantor/admin/izin?ok=${enabled === '1' ? 'aktif' : 'nonaktif'}&kode=${code}`, 303);
  });

  function editPage(
    req: FastifyRequest,
    reply: FastifyReply,
    code: string,
    version: number,
    text: string,
    errors: FieldError[] = [],
    status?: number,
  ): FastifyReply {
    const lang = req.lang;
    const title = t(lang, 'admin.catalogue.edit.title', { code, version });
    return sendPage(req, reply, {
      title,
      back: '/kantor/admin/izin',
      errors,
      ...(status ? { status } : {}),
      body: html`<h1>${title}</h1>
<p>${t(lang, 'admin.catalogue.edit.lead')}</p>
<form method="post" action="/kantor/admin/izin/${code}/ubah" novalidate>
  ${csrfField(req)}
  <input type="hidden" name="version" value="${version}">
  <div class="json-editor">
  ${textarea({ lang, name: 'definition', label: t(lang, 'admin.catalogue.definition'), hint: t(lang, 'admin.catalogue.definition.hint'), value: text, error: errorFor(errors, 'definition'), maxlength: DEFINITION_MAX })}
  </div>
  ${button(t(lang, 'admin.catalogue.publish'))}
</form>`,
    });
  }

  app.get<{ Params: { code: string } }>('/kantor/admin/izin/:code/ubah', { schema: { hide: true } }, async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    const type = await services.catalogueAdmin.getType({ actor, code: permitCode(req.params.code) });
    return editPage(req, reply, type.definition.code, type.version, JSON.stringify(type.definition, null, 2));
  });

  app.post<{ Params: { code: string } }>('/kantor/admin/izin/:code/ubah', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = admin(req, reply);
    if (!actor) return reply;
    const type = await services.catalogueAdmin.getType({ actor, code: permitCode(req.params.code) });
    const code = type.definition.code;
    const text = field(req.body, 'definition', DEFINITION_MAX);
    const baseVersion = Number(field(req.body, 'version', 10)) || type.version;
    if (!text.trim()) return editPage(req, reply, code, baseVersion, text, [{ field: 'definition', message: t(req.lang, 'admin.catalogue.error.required') }]);
    try {
      const { version, published } = await services.catalogueAdmin.publishDefinition({ actor, code, baseVersion, text });
      return reply.redirect(published ? `/kantor/admin/izin?ok=terbit&kode=${code}&versi=${version}` : '/kantor/admin/izin?ok=sama', 303);
    } catch (err) {
      const errors = formErrors(req, err, { definition: t(req.lang, 'admin.catalogue.definition') });
      if (!errors) throw err;
      return editPage(req, reply, code, baseVersion, text, errors, (err as AppError).status);
    }
  });

  // ---------------------------------------------------------------- Holiday calendar
  app.get<{ Querystring: { tahun?: string; ok?: string; tanggal?: string } }>('/kantor/admin/libur', { schema: { hide: true } }, async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    const lang = req.lang;
    const thisYear = Number(localDate(services.clock.now().toISOString(), req.tenant.time_zone).slice(0, 4));
    const year = /^\d{4}$/.test(req.query.tahun ?? '') ? Number(req.query.tahun) : thisYear;
    const all = await services.holidays.list(actor.tenantId);
    const years = [...new Set([...all.map((h) => Number(h.date.slice(0, 4))), thisYear, thisYear + 1, year])].sort((a, b) => a - b);
    const days = all.filter((h) => h.date.startsWith(`${year}-`));
    const date = isCalendarDate(req.query.tanggal ?? '') ? req.query.tanggal! : '';
    const notice =
      req.query.ok === 'disimpan' && date
        ? t(lang, 'admin.holidays.saved', { date: dateLabel(lang, date) })
        : req.query.ok === 'dihapus' && date
          ? t(lang, 'admin.holidays.removed', { date: dateLabel(lang, date) })
          : null;
    return sendPage(req, reply, {
      title: `${t(lang, 'admin.holidays')} ${year}`,
      back: '/kantor/admin',
      notice: notice ? banner(notice, 'success') : null,
      body: html`<h1>${t(lang, 'admin.holidays')} ${year}</h1>
<p>${t(lang, 'admin.holidays.lead')}</p>
<nav aria-label="${t(lang, 'admin.holidays.years')}"><ul class="inline-list">${years.map(
        (y) =>
          html`<li>${y === year ? html`<a href="/kantor/admin/libur?tahun=${y}" aria-current="page"><strong>${y}</strong></a>` : html`<a href="/kantor/admin/libur?tahun=${y}">${y}</a>`}</li>`,
      )}</ul></nav>
${linkButton('/kantor/admin/libur/simpan', t(lang, 'admin.holidays.add'))}
${
  days.length === 0
    ? html`<p>${t(lang, 'admin.holidays.none', { year })}</p>`
    : html`<div class="table-wrap"><table class="table">
  <caption class="table__caption">${t(lang, 'admin.holidays.caption', { year })}</caption>
  <thead><tr><th scope="col">${t(lang, 'admin.holidays.col.date')}</th><th scope="col">${t(lang, 'admin.holidays.col.name')}</th><th scope="col">${t(lang, 'admin.holidays.col.kind')}</th><th scope="col">${t(lang, 'admin.holidays.col.decree')}</th><th scope="col">${t(lang, 'admin.holidays.col.actions')}</th></tr></thead>
  <tbody>${days.map(
    (h) => html`<tr data-holiday="${h.date}">
    <th scope="row"><time datetime="${h.date}">${dateLabel(lang, h.date)}</time></th>
    <td>${h.name}</td>
    <td>${kindLabel(lang, h.kind)}</td>
    <td>${h.decree}</td>
    <td><a href="/kantor/admin/libur/simpan?tanggal=${h.date}">${t(lang, 'admin.holidays.correct')}<span class="visually-hidden"> ${h.date}</span></a>
      <a href="/kantor/admin/libur/${h.date}/hapus">${t(lang, 'admin.holidays.remove')}<span class="visually-hidden"> ${h.date}</span></a></td>
  </tr>`,
  )}</tbody>
</table></div>`
}`,
    });
  });

  const holidayLabels = (lang: Lang): Record<string, string> => ({
    date: t(lang, 'admin.holidays.date'),
    kind: t(lang, 'admin.holidays.kind'),
    name: t(lang, 'admin.holidays.name'),
    decree: t(lang, 'admin.holidays.decree'),
  });

  function holidayForm(
    req: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, string> = {},
    errors: FieldError[] = [],
    status?: number,
  ): FastifyReply {
    const lang = req.lang;
    const labels = holidayLabels(lang);
    return sendPage(req, reply, {
      title: t(lang, 'admin.holidays.form.title'),
      back: '/kantor/admin/libur',
      errors,
      ...(status ? { status } : {}),
      body: html`<h1>${t(lang, 'admin.holidays.form.title')}</h1>
<p>${t(lang, 'admin.holidays.form.lead')}</p>
<form method="post" action="/kantor/admin/libur/simpan" novalidate>
  ${csrfField(req)}
  ${textInput({ lang, name: 'date', label: labels.date!, hint: t(lang, 'admin.holidays.date.hint'), value: values.date, error: errorFor(errors, 'date'), width: 'short', maxlength: 10, autocomplete: 'off', spellcheck: false })}
  ${radios({ lang, name: 'kind', label: labels.kind!, value: values.kind, error: errorFor(errors, 'kind'), options: HOLIDAY_KINDS.map((k) => ({ value: k, label: kindLabel(lang, k) })) })}
  ${textInput({ lang, name: 'name', label: labels.name!, value: values.name, error: errorFor(errors, 'name'), maxlength: 120 })}
  ${textInput({ lang, name: 'decree', label: labels.decree!, hint: t(lang, 'admin.holidays.decree.hint'), value: values.decree, error: errorFor(errors, 'decree'), maxlength: 200 })}
  ${button(t(lang, 'admin.holidays.save'))}
</form>`,
    });
  }

  app.get<{ Querystring: { tanggal?: string } }>('/kantor/admin/libur/simpan', { schema: { hide: true } }, async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    const date = req.query.tanggal ?? '';
    const existing = isCalendarDate(date) ? (await services.holidays.list(actor.tenantId)).find((h) => h.date === date) : undefined;
    return holidayForm(req, reply, existing ? { date: existing.date, kind: existing.kind, name: existing.name, decree: existing.decree } : {});
  });

  app.post('/kantor/admin/libur/simpan', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = admin(req, reply);
    if (!actor) return reply;
    const lang = req.lang;
    const labels = holidayLabels(lang);
    const values = {
      date: field(req.body, 'date', 20).trim(),
      kind: field(req.body, 'kind', 20),
      name: field(req.body, 'name', 120).trim(),
      decree: field(req.body, 'decree', 200).trim(),
    };
    const errors: FieldError[] = [];
    if (!values.date) errors.push({ field: 'date', message: requiredMessage(lang, labels.date!) });
    else if (!isCalendarDate(values.date)) errors.push({ field: 'date', message: t(lang, 'admin.holidays.date.invalid') });
    if (!(HOLIDAY_KINDS as readonly string[]).includes(values.kind)) errors.push({ field: 'kind', message: t(lang, 'admin.holidays.kind.choose') });
    if (!values.name) errors.push({ field: 'name', message: requiredMessage(lang, labels.name!) });
    if (!values.decree) errors.push({ field: 'decree', message: requiredMessage(lang, labels.decree!) });
    if (errors.length) return holidayForm(req, reply, values, errors);
    try {
      await services.holidays.upsert({ actor, date: values.date, kind: values.kind as HolidayKind, name: values.name, decree: values.decree });
    } catch (err) {
      const problems = formErrors(req, err, labels);
      if (!problems) throw err;
      return holidayForm(req, reply, values, problems);
    }
    return reply.redirect(`/kantor/admin/libur?tahun=${values.date.slice(0, 4)}&ok=disimpan&tanggal=${values.date}`, 303);
  });

  async function findHoliday(actor: Actor, date: string): Promise<HolidaysTable> {
    const h = isCalendarDate(date) ? (await services.holidays.list(actor.tenantId)).find((x) => x.date === date) : undefined;
    if (!h) throw new AppError('not_found', 'no such holiday');
    return h;
  }

  function removePage(req: FastifyRequest, reply: FastifyReply, h: HolidaysTable, values: { reason?: string } = {}, errors: FieldError[] = []): FastifyReply {
    const lang = req.lang;
    const title = t(lang, 'admin.holidays.remove.title', { date: dateLabel(lang, h.date) });
    return sendPage(req, reply, {
      title,
      back: `/kantor/admin/libur?tahun=${h.date.slice(0, 4)}`,
      errors,
      body: html`<h1>${title}</h1>
${summaryList([
  { key: t(lang, 'admin.holidays.col.name'), value: h.name },
  { key: t(lang, 'admin.holidays.col.kind'), value: kindLabel(lang, h.kind) },
  { key: t(lang, 'admin.holidays.col.decree'), value: h.decree },
])}
<form method="post" action="/kantor/admin/libur/${h.date}/hapus" novalidate>
  ${csrfField(req)}
  ${textInput({ lang, name: 'reason', label: t(lang, 'admin.holidays.remove.reason'), hint: t(lang, 'admin.holidays.remove.reason.hint'), value: values.reason, error: errorFor(errors, 'reason'), maxlength: 200 })}
  ${button(t(lang, 'admin.holidays.remove.confirm'), { warning: true })}
</form>`,
    });
  }

  app.get<{ Params: { date: string } }>('/kantor/admin/libur/:date/hapus', { schema: { hide: true } }, async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    return removePage(req, reply, await findHoliday(actor, req.params.date));
  });

  app.post<{ Params: { date: string } }>('/kantor/admin/libur/:date/hapus', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = admin(req, reply);
    if (!actor) return reply;
    const h = await findHoliday(actor, req.params.date);
    const reason = field(req.body, 'reason', 200).trim();
    if (!reason)
      return removePage(req, reply, h, { reason }, [{ field: 'reason', message: requiredMessage(req.lang, t(req.lang, 'admin.holidays.remove.reason')) }]);
    await services.holidays.remove({ actor, date: h.date, decree: reason });
    return reply.redirect(`/kantor/admin/libur?tahun=${h.date.slice(0, 4)}&ok=dihapus&tanggal=${h.date}`, 303);
  });

  // ---------------------------------------------------------------- Office settings
  const settingsLabels = (lang: Lang): Record<string, string> => ({
    name: t(lang, 'admin.settings.name'),
    timeZone: t(lang, 'admin.settings.timeZone'),
    hostnames: t(lang, 'admin.settings.hostnames'),
    logoText: t(lang, 'admin.settings.logoText'),
    address: t(lang, 'admin.settings.address'),
    phone: t(lang, 'admin.settings.phone'),
    email: t(lang, 'admin.settings.email'),
  });

  /** Field names are spelt as the settings service spells them, so its problems land on the right field. */
  function settingsPage(
    req: FastifyRequest,
    reply: FastifyReply,
    s: OfficeSettings & { hostnamesText?: string },
    opts: { errors?: FieldError[]; notice?: SafeHtml | null } = {},
  ): FastifyReply {
    const lang = req.lang;
    const labels = settingsLabels(lang);
    const errors = opts.errors ?? [];
    return sendPage(req, reply, {
      title: t(lang, 'admin.settings'),
      back: '/kantor/admin',
      errors,
      notice: opts.notice ?? null,
      body: html`<h1>${t(lang, 'admin.settings')}</h1>
<p>${t(lang, 'admin.settings.lead')}</p>
<form method="post" action="/kantor/admin/pengaturan" novalidate>
  ${csrfField(req)}
  ${textInput({ lang, name: 'name', label: labels.name!, value: s.name, error: errorFor(errors, 'name'), maxlength: SETTINGS_LIMITS.name })}
  ${textInput({ lang, name: 'timeZone', label: labels.timeZone!, hint: t(lang, 'admin.settings.timeZone.hint'), value: s.timeZone, error: errorFor(errors, 'timeZone'), width: 'medium', maxlength: 60, autocomplete: 'off', spellcheck: false })}
  ${textarea({ lang, name: 'hostnames', label: labels.hostnames!, hint: t(lang, 'admin.settings.hostnames.hint'), value: s.hostnamesText ?? s.hostnames.join('\n'), error: errorFor(errors, 'hostnames'), maxlength: 6000 })}
  <fieldset class="fieldset">
    <legend class="fieldset__legend fieldset__legend--m">${t(lang, 'admin.settings.branding')}</legend>
    ${textInput({ lang, name: 'logoText', label: labels.logoText!, value: s.branding.logoText, error: errorFor(errors, 'logoText'), optional: true, maxlength: SETTINGS_LIMITS.logoText })}
    ${textarea({ lang, name: 'address', label: labels.address!, value: s.branding.address, error: errorFor(errors, 'address'), optional: true, maxlength: SETTINGS_LIMITS.address })}
    ${textInput({ lang, name: 'phone', type: 'tel', label: labels.phone!, value: s.branding.phone, error: errorFor(errors, 'phone'), optional: true, width: 'medium', autocomplete: 'off', maxlength: SETTINGS_LIMITS.phone })}
    ${textInput({ lang, name: 'email', type: 'email', label: labels.email!, value: s.branding.email, error: errorFor(errors, 'email'), optional: true, autocomplete: 'off', maxlength: SETTINGS_LIMITS.email, spellcheck: false })}
  </fieldset>
  ${button(t(lang, 'admin.settings.save'))}
</form>`,
    });
  }

  app.get<{ Querystring: { ok?: string } }>('/kantor/admin/pengaturan', { schema: { hide: true } }, async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    const lang = req.lang;
    const notice = req.query.ok === 'disimpan' ? t(lang, 'admin.settings.saved') : req.query.ok === 'sama' ? t(lang, 'admin.settings.unchanged') : null;
    return settingsPage(req, reply, await services.settings.getSettings({ actor }), { notice: notice ? banner(notice, 'success') : null });
  });

  app.post('/kantor/admin/pengaturan', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = admin(req, reply);
    if (!actor) return reply;
    const hostnamesText = field(req.body, 'hostnames', 6000);
    const settings: OfficeSettings = {
      name: field(req.body, 'name', 200),
      timeZone: field(req.body, 'timeZone', 100),
      hostnames: hostnamesText.split(/\r?\n/),
      branding: {
        logoText: field(req.body, 'logoText', 200),
        address: field(req.body, 'address', 500),
        phone: field(req.body, 'phone', 60),
        email: field(req.body, 'email', 300),
      },
    };
    try {
      const { changed } = await services.settings.updateSettings({ actor, settings });
      return reply.redirect(`/kantor/admin/pengaturan?ok=${changed.length ? 'disimpan' : 'sama'}`, 303);
    } catch (err) {
      const errors = formErrors(req, err, settingsLabels(req.lang));
      if (!errors) throw err;
      return settingsPage(req, reply, { ...settings, hostnamesText }, { errors });
    }
  });
}
