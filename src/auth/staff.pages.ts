import { uuidParam } from '../http/common.schemas.js';
import { boundedText } from '../web/views.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../access/actor.js';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/messages.js';
import type { Services } from '../services.js';
import { adminFormErrors, type ProblemWording } from '../tenants/admin-forms.js';
import { banner, button, csrfField, errorFor, type FieldError, linkButton, radios, summaryList, tag, textInput } from '../web/components.js';
import { html } from '../web/html.js';
import { t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { STAFF_ROLES, type Role } from '../workflow/workflow.schema.js';
import { formPassword } from './auth.forms.js';
import { MAX_PASSWORD_LENGTH } from './passwords.js';
import { STAFF_EMAIL_MAX, STAFF_NAME_MAX, STAFF_POSITION_MAX, type StaffMember } from './staff.service.js';

const staffParams = z.object({ id: uuidParam });

const roleLabel = (lang: Lang, role: Role) => t(lang, `admin.role.${role}`);
const roleOptions = (lang: Lang) => STAFF_ROLES.map((r) => ({ value: r, label: roleLabel(lang, r) }));
const factorTag = (lang: Lang, m: StaffMember) =>
  m.secondFactor ? tag(t(lang, 'admin.staff.factor.on'), 'green') : tag(t(lang, 'admin.staff.factor.off'), 'yellow');
const statusTag = (lang: Lang, m: StaffMember) => (m.disabled ? tag(t(lang, 'admin.staff.disabled'), 'red') : tag(t(lang, 'admin.staff.active'), 'green'));

const staffLabels = (lang: Lang): Record<string, string> => ({
  name: t(lang, 'admin.staff.name'),
  email: t(lang, 'admin.staff.email'),
  role: t(lang, 'admin.staff.role'),
  password: t(lang, 'admin.staff.password'),
  position: t(lang, 'admin.staff.position'),
});

const staffWording: ProblemWording = (lang, p, label) => {
  switch (p.code) {
    case 'required':
    case 'invalid_option':
      return p.field === 'role' ? t(lang, 'admin.staff.role.choose') : p.code === 'invalid_option' ? `${label}: ${p.message}` : undefined;
    case 'email_taken':
      return t(lang, 'admin.staff.email.taken');
    case 'own_account':
      return t(lang, 'admin.staff.own.error');
    default:
      return undefined;
  }
};

/** What was typed, bounded; the service checks it and names every problem at once. */
const text = boundedText;
const newStaffForm = () => z.object({ name: text(200), email: text(300), role: text(20), password: formPassword() });

const STAFF_NOTICES = {
  dibuat: 'admin.staff.created',
  jabatan: 'admin.staff.position.changed',
  'jabatan-sama': 'admin.staff.position.same',
  peran: 'admin.staff.role.changed',
  'peran-sama': 'admin.staff.role.same',
  'faktor-kedua': 'admin.staff.reset.done',
  nonaktif: 'admin.staff.disable.done',
} as const;
type StaffNotice = keyof typeof STAFF_NOTICES;

/**
 * The office's staff accounts (/kantor/admin/staf): list, create, change the role or the position
 * printed on permits, reset the second factor, disable. Every page needs 'staff.manage'; the staff
 * service checks it again, keeps to the admin's own office and audits each change.
 */
export function staffPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  const admin = { access: 'office', permission: 'staff.manage' } as const;
  /** A signed-out visitor's post returns to the admin home after signing in (the form is gone). */
  const adminPost = { ...admin, returnTo: () => '/kantor/admin' } as const;

  page.get('/kantor/admin/staf', admin, async ({ req, reply, actor }) => {
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
    <th scope="row"><a href="/kantor/admin/staf/${m.id}">${m.name}</a>${m.own ? html` <span class="muted">${t(lang, 'admin.staff.you')}</span>` : ''}</th>
    <td>${m.email ?? ''}</td>
    <td>${roleLabel(lang, m.role)}</td>
    <td>${factorTag(lang, m)}</td>
    <td>${statusTag(lang, m)}</td>
  </tr>`,
  )}</tbody>
</table></div>
${staff.length === 0 ? html`<p>${t(lang, 'admin.staff.none')}</p>` : ''}`,
    });
  });

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

  page.get('/kantor/admin/staf/baru', admin, ({ req, reply }) => newStaffPage(req, reply));

  page.post('/kantor/admin/staf/baru', { ...adminPost, form: newStaffForm }, async ({ req, reply, actor, form }) => {
    if (!form.ok) throw new AppError('invalid_input', 'staff form unreadable');
    const { password, ...values } = form.data;
    try {
      const { userId } = await services.staff.createStaff({ actor, ...values, password });
      return reply.redirect(`/kantor/admin/staf/${userId}?ok=dibuat`, 303);
    } catch (err) {
      const errors = adminFormErrors(req.lang, err, { labels: staffLabels(req.lang), wording: staffWording });
      if (!errors) throw err;
      return newStaffPage(req, reply, values, errors);
    }
  });

  function staffPage(
    req: FastifyRequest,
    reply: FastifyReply,
    m: StaffMember,
    opts: { errors?: FieldError[]; status?: number; ok?: StaffNotice | undefined; role?: string; position?: string } = {},
  ): FastifyReply {
    const lang = req.lang;
    return sendPage(req, reply, {
      title: m.name,
      back: '/kantor/admin/staf',
      errors: opts.errors,
      ...(opts.status ? { status: opts.status } : {}),
      notice: opts.ok ? banner(t(lang, STAFF_NOTICES[opts.ok]), 'success') : null,
      body: html`<p class="caption">${t(lang, 'admin.staff')}</p>
<h1>${m.name}</h1>
${summaryList([
  { key: t(lang, 'admin.staff.col.email'), value: m.email ?? '' },
  { key: t(lang, 'admin.staff.col.role'), value: roleLabel(lang, m.role) },
  { key: t(lang, 'admin.staff.position'), value: m.position ?? t(lang, 'admin.staff.position.none') },
  { key: t(lang, 'admin.staff.col.factor'), value: factorTag(lang, m) },
  { key: t(lang, 'admin.staff.col.status'), value: statusTag(lang, m) },
])}
${
  m.can.changePosition
    ? html`<h2 id="jabatan">${t(lang, 'admin.staff.position.change')}</h2>
<form method="post" action="/kantor/admin/staf/${m.id}/jabatan" novalidate>
  ${csrfField(req)}
  ${textInput({ lang, name: 'position', label: t(lang, 'admin.staff.position'), hint: t(lang, 'admin.staff.position.hint'), value: opts.position ?? m.position ?? '', error: errorFor(opts.errors, 'position'), maxlength: STAFF_POSITION_MAX })}
  ${button(t(lang, 'admin.staff.position.change'), { secondary: true })}
</form>`
    : ''
}
${m.own ? html`<p id="akun-sendiri">${t(lang, 'admin.staff.own')}</p>` : m.disabled ? html`<p id="akun-sendiri">${t(lang, 'admin.staff.disabled.text')}</p>` : ''}
${
  m.can.changeRole
    ? html`<h2 id="ubah-peran">${t(lang, 'admin.staff.role.change')}</h2>
<form method="post" action="/kantor/admin/staf/${m.id}/peran" novalidate>
  ${csrfField(req)}
  ${radios({ lang, name: 'role', label: t(lang, 'admin.staff.role.legend'), value: opts.role ?? m.role, error: errorFor(opts.errors, 'role'), options: roleOptions(lang) })}
  ${button(t(lang, 'admin.staff.role.change'), { secondary: true })}
</form>`
    : ''
}
${
  m.can.resetSecondFactor
    ? html`<h2 id="atur-ulang">${t(lang, 'admin.staff.reset')}</h2>
<p>${t(lang, 'admin.staff.reset.hint')}</p>
<form method="post" action="/kantor/admin/staf/${m.id}/faktor-kedua">
  ${csrfField(req)}
  ${button(t(lang, 'admin.staff.reset'), { secondary: true })}
</form>`
    : ''
}
${
  m.can.disable
    ? html`<h2 id="nonaktifkan">${t(lang, 'admin.staff.disable')}</h2>
<p>${t(lang, 'admin.staff.disable.hint')}</p>
<form method="post" action="/kantor/admin/staf/${m.id}/nonaktifkan">
  ${csrfField(req)}
  ${button(t(lang, 'admin.staff.disable'), { warning: true })}
</form>`
    : ''
}`,
    });
  }

  page.get(
    '/kantor/admin/staf/:id',
    {
      ...admin,
      params: staffParams,
      query: z.object({
        ok: z
          .enum(Object.keys(STAFF_NOTICES) as [StaffNotice, ...StaffNotice[]])
          .optional()
          .catch(undefined),
      }),
    },
    async ({ req, reply, actor, params, query }) => staffPage(req, reply, await services.staff.getStaffMember({ actor, userId: params.id }), { ok: query.ok }),
  );

  const actionForm = () => z.object({ role: text(20), position: text(1000) });

  /** One button (or one radio group) on the account page: run it, then show the result or the problem on the same page. */
  type ActionInput = { actor: Actor; userId: string; form: z.output<ReturnType<typeof actionForm>> };
  const staffAction = (path: string, run: (input: ActionInput) => Promise<StaffNotice>) =>
    page.post(`/kantor/admin/staf/:id/${path}`, { ...adminPost, params: staffParams, form: actionForm }, async ({ req, reply, actor, params, form }) => {
      if (!form.ok) throw new AppError('invalid_input', 'staff form unreadable');
      const member = await services.staff.getStaffMember({ actor, userId: params.id });
      try {
        const ok = await run({ actor, userId: member.id, form: form.data });
        return reply.redirect(`/kantor/admin/staf/${member.id}?ok=${ok}`, 303);
      } catch (err) {
        const hrefs = { role: member.own ? '#akun-sendiri' : '#f-role', reset: '#akun-sendiri', disable: '#akun-sendiri' };
        const errors = adminFormErrors(req.lang, err, { labels: staffLabels(req.lang), wording: staffWording, hrefs });
        if (!errors) throw err;
        return staffPage(req, reply, member, { errors, status: (err as AppError).status, role: form.data.role, position: form.data.position });
      }
    });

  staffAction('jabatan', async ({ actor, userId, form }) =>
    (await services.staff.changePosition({ actor, userId, position: form.position })).changed ? 'jabatan' : 'jabatan-sama',
  );
  staffAction('peran', async ({ actor, userId, form }) =>
    (await services.staff.changeRole({ actor, userId, role: form.role })).changed ? 'peran' : 'peran-sama',
  );
  staffAction('faktor-kedua', async ({ actor, userId }) => {
    await services.staff.resetSecondFactor({ actor, userId });
    return 'faktor-kedua';
  });
  staffAction('nonaktifkan', async ({ actor, userId }) => {
    await services.staff.disableStaff({ actor, userId });
    return 'nonaktif';
  });
}
