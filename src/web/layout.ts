import type { FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../access/access.js';
import { assetUrl } from './assets.js';
import type { Tenant } from '../db/schema.js';
import type { Lang } from '../shared/messages.js';
import { localWhatsApp } from '../tenants/settings.service.js';
import { tenantBranding } from '../tenants/tenants.repository.js';
import { SESSION_COOKIE } from './web-context.js';
import { backLink, csrfField, errorSummary, type FieldError } from './components.js';
import { html, type SafeHtml } from './html.js';
import { t } from './i18n.js';
import { languageReturnPath } from './language.pages.js';

export type PageOptions = {
  title: string;
  body: SafeHtml;
  errors?: FieldError[] | undefined;
  back?: string | undefined;
  /** A flash message shown above the content (e.g. "saved"). */
  notice?: SafeHtml | null;
  status?: number;
};

/**
 * The office's help contacts (office settings) for the footer of every page, error pages included:
 * only those set, and nothing at all (no heading) when none is. External links carry rel="noopener".
 */
export function officeContacts(lang: Lang, tenant: Pick<Tenant, 'branding'>): SafeHtml | '' {
  const b = tenantBranding(tenant);
  const items = [
    b.whatsapp &&
      html`<li><a href="https://wa.me/${b.whatsapp.replace(/[^0-9]/g, '')}" rel="noopener">${t(lang, 'footer.whatsapp', { number: localWhatsApp(b.whatsapp) })}</a></li>`,
    b.instagram &&
      html`<li><a href="https://www.instagram.com/${encodeURIComponent(b.instagram)}" rel="noopener">${t(lang, 'footer.instagram', { handle: b.instagram })}</a></li>`,
    b.facebook &&
      html`<li><a href="https://www.facebook.com/${encodeURIComponent(b.facebook)}" rel="noopener">${t(lang, 'footer.facebook', { handle: b.facebook })}</a></li>`,
    b.address &&
      html`<li>${t(lang, 'footer.address')}: ${b.address} (<a href="https://www.openstreetmap.org/search?query=${encodeURIComponent(b.address)}" rel="noopener">${t(lang, 'footer.map')}</a>)</li>`,
    b.hours && html`<li>${t(lang, 'footer.hours')}: ${b.hours}</li>`,
  ].filter((item): item is SafeHtml => Boolean(item));
  if (!items.length) return '';
  return html`<section aria-labelledby="footer-contacts"><h2 id="footer-contacts">${t(lang, 'footer.contacts')}</h2><ul class="footer__contacts">${items}</ul></section>`;
}

/** The page shell: skip link, header with office and language switch, navigation, main, footer. */
export function renderPage(req: FastifyRequest, opts: PageOptions): string {
  const lang = req.lang;
  const signedIn = req.actor !== null;
  // Staff find their work in the back office; everyone else their own applications.
  const staff = req.actor !== null && can(req.actor, 'office.enter', { tenantId: req.tenant.id });
  // The help desk: citizens ask for help; the officers who answer find their list there instead.
  const staffHelpdesk = req.actor !== null && can(req.actor, 'helpdesk.manage', { tenantId: req.tenant.id });
  const office = req.tenant.name;
  const title = `${opts.errors?.length ? `${t(lang, 'error.prefix')} ` : ''}${opts.title} – Izol ${office}`;
  const returnTo = languageReturnPath(req);
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="${assetUrl('app.css')}">
<script src="${assetUrl('app.js')}" defer></script>
</head>
<body>
<a href="#main" class="skip-link">${t(lang, 'skip')}</a>
<header class="header">
  <div class="container header__inner">
    <a href="/" class="header__brand"><span class="header__logo">Izol</span> <span class="header__office">${office}</span></a>
    <form method="get" action="/bahasa" class="header__lang">
      <input type="hidden" name="kembali" value="${returnTo}"><input type="hidden" name="lang" value="${lang === 'id' ? 'en' : 'id'}">
      <button type="submit" class="link-button"><span class="visually-hidden">${t(lang, 'lang.switch.label')}: </span><span lang="${lang === 'id' ? 'en' : 'id'}">${t(lang, 'lang.switch')}</span></button>
    </form>
  </div>
  <nav class="nav" aria-label="Menu">
    <ul class="container nav__list">
      <li><a href="/izin">${t(lang, 'nav.permits')}</a></li>
      <li><a href="/lacak">${t(lang, 'nav.track')}</a></li>
      ${
        signedIn
          ? html`<li>${staff ? html`<a href="/kantor">${t(lang, 'nav.office')}</a>` : html`<a href="/permohonan">${t(lang, 'nav.mine')}</a>`}</li><li><a href="/akun/profil">${t(lang, 'nav.profile')}</a></li>
      <li><form method="post" action="/akun/keluar">${csrfField(req)}<button type="submit" class="link-button">${t(lang, 'nav.signout')}</button></form></li>`
          : html`<li><a href="/akun/masuk">${t(lang, 'nav.signin')}</a></li><li><a href="/akun/daftar">${t(lang, 'nav.register')}</a></li>`
      }
    </ul>
  </nav>
</header>
<div class="container">
${opts.back ? backLink(opts.back, t(lang, 'back')) : ''}
<main id="main" class="main" tabindex="-1">
${opts.notice ?? ''}
${errorSummary(req, opts.errors)}
${opts.body}
</main>
</div>
<footer class="footer"><div class="container">
  ${officeContacts(lang, req.tenant)}
  <p>${t(lang, 'footer.help')}</p>
  <p><a href="${staffHelpdesk ? '/kantor/bantuan' : '/bantuan'}">${t(lang, staffHelpdesk ? 'helpdesk.title' : 'help.ask.link')}</a></p>
  <p><a href="/transparansi">${t(lang, 'transparency.title')}</a></p>
  <p><a href="/privasi">${t(lang, 'register.privacy')}</a></p>
  <p><a href="/api/docs">${t(lang, 'footer.api')}</a></p>
</div></footer>
</body>
</html>`.value;
}

/**
 * Sends a page; personal pages are never cached (ASVS v5.0.0-14.3.2): every page for someone with a
 * session, including one still waiting for the second factor (the set-up page shows the TOTP secret).
 */
export function sendPage(req: FastifyRequest, reply: FastifyReply, opts: PageOptions): FastifyReply {
  const status = opts.status ?? (opts.errors?.length ? 400 : 200);
  const page = renderPage(req, opts);
  // A page the kit may keep (web/page-cache.ts): kept only if it holds nothing of this visitor's.
  const slot = req.pageCacheSlot;
  if (slot && status === 200 && !req.csrfUsed && !req.actor && !req.cookies[SESSION_COOKIE]) {
    return req.server.pageCache.send(req, reply, req.server.pageCache.store(slot, page));
  }
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', req.actor || req.cookies[SESSION_COOKIE] ? 'no-store' : 'no-cache')
    .send(page);
}
