import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../shared/errors.js';
import type { Services } from '../services.js';
import { adminFormErrors, type ProblemWording } from '../tenants/admin-forms.js';
import { banner, button, csrfField, errorFor, type FieldError, tag, textarea } from '../web/components.js';
import { html } from '../web/html.js';
import { loc, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';

const PERMIT_CODE = /^[A-Z][A-Z0-9]{1,11}$/;
/** Permit type definitions are a few kilobytes (PBG, the longest, about 11 000 characters); the form body limit (64 KB) is the real cap. */
const DEFINITION_MAX = 60_000;

/** A permit type's code in a URL, in any case. */
const typeParams = z.object({
  code: z
    .string()
    .transform((c) => c.toUpperCase())
    .pipe(z.string().regex(PERMIT_CODE)),
});

const catalogueWording: ProblemWording = (lang, p) => {
  const params = p.params ?? {};
  switch (p.code) {
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
    default:
      return undefined;
  }
};

/** The definition exactly as typed (JSON: spaces are the admin's), and the version the edit began on. */
const editForm = () =>
  z.object({
    definition: z
      .string()
      .default('')
      .transform((s) => s.slice(0, DEFINITION_MAX)),
    version: z
      .string()
      .default('')
      .transform((s) => Number(s.slice(0, 10)) || null),
  });

/**
 * The permit catalogue's admin pages (/kantor/admin/izin): every type of the office with its version,
 * opening or closing a type for applications, and publishing an edited definition as a new version.
 * Every page needs 'catalogue.manage'; the catalogue admin service checks it again and audits.
 */
export function catalogueAdminPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  const admin = { access: 'office', permission: 'catalogue.manage' } as const;
  const adminPost = { ...admin, returnTo: () => '/kantor/admin' } as const;

  page.get(
    '/kantor/admin/izin',
    {
      ...admin,
      query: z.object({
        ok: z.enum(['aktif', 'nonaktif', 'terbit', 'sama']).optional().catch(undefined),
        kode: z.string().regex(PERMIT_CODE).optional().catch(undefined),
        versi: z
          .string()
          .regex(/^\d{1,6}$/)
          .optional()
          .catch(undefined),
      }),
    },
    async ({ req, reply, actor, query }) => {
      const lang = req.lang;
      const types = await services.catalogueAdmin.listTypes({ actor });
      const { ok, kode: code, versi: version } = query;
      const notice =
        ok === 'aktif' && code
          ? t(lang, 'admin.catalogue.enabled.done', { code })
          : ok === 'nonaktif' && code
            ? t(lang, 'admin.catalogue.disabled.done', { code })
            : ok === 'terbit' && code && version
              ? t(lang, 'admin.catalogue.published', { code, version })
              : ok === 'sama'
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
    },
  );

  page.post(
    '/kantor/admin/izin/:code/status',
    { ...adminPost, params: typeParams, form: () => z.object({ enabled: z.enum(['0', '1']) }) },
    async ({ reply, actor, params, form }) => {
      // The buttons send 0 or 1; anything else is a hand-made post.
      if (!form.ok) throw new AppError('invalid_input', 'enabled must be 0 or 1');
      const enabled = form.data.enabled === '1';
      await services.catalogueAdmin.setEnabled({ actor, code: params.code, enabled });
      return reply.redirect(`/kantor/admin/izin?ok=${enabled ? 'aktif' : 'nonaktif'}&kode=${params.code}`, 303);
    },
  );

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

  page.get('/kantor/admin/izin/:code/ubah', { ...admin, params: typeParams }, async ({ req, reply, actor, params }) => {
    const type = await services.catalogueAdmin.getType({ actor, code: params.code });
    return editPage(req, reply, type.definition.code, type.version, JSON.stringify(type.definition, null, 2));
  });

  page.post(
    '/kantor/admin/izin/:code/ubah',
    { ...adminPost, params: typeParams, form: editForm, maxFieldLength: DEFINITION_MAX },
    async ({ req, reply, actor, params, form }) => {
      if (!form.ok) throw new AppError('invalid_input', 'catalogue form unreadable');
      const type = await services.catalogueAdmin.getType({ actor, code: params.code });
      const code = type.definition.code;
      const text = form.data.definition;
      const baseVersion = form.data.version ?? type.version;
      if (!text.trim()) return editPage(req, reply, code, baseVersion, text, [{ field: 'definition', message: t(req.lang, 'admin.catalogue.error.required') }]);
      try {
        const { version, published } = await services.catalogueAdmin.publishDefinition({ actor, code, baseVersion, text });
        return reply.redirect(published ? `/kantor/admin/izin?ok=terbit&kode=${code}&versi=${version}` : '/kantor/admin/izin?ok=sama', 303);
      } catch (err) {
        const errors = adminFormErrors(req.lang, err, { labels: { definition: t(req.lang, 'admin.catalogue.definition') }, wording: catalogueWording });
        if (!errors) throw err;
        return editPage(req, reply, code, baseVersion, text, errors, (err as AppError).status);
      }
    },
  );
}
