import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { pageKit } from './page-route.js';
import { formText, safeReturn } from './views.js';
import { setLangCookie } from './web-context.js';

const languageForm = () => z.object({ lang: z.enum(['id', 'en']).catch('id'), kembali: formText(300) });

/**
 * Where the language switch returns to: this page's path, without its query (which may hold a
 * tracking code), except the return path `kembali` of the sign-in, registration and verification
 * pages (in the address, or in the form just posted), so switching language on the way does not
 * lose the permit the citizen chose.
 */
export function languageReturnPath(req: FastifyRequest): string {
  const path = req.url.split('?')[0] ?? '/';
  const fromQuery = (req.query as Record<string, unknown> | undefined)?.kembali;
  const fromForm = req.method === 'POST' ? (req.body as Record<string, unknown> | undefined)?.kembali : undefined;
  const kembali = typeof fromQuery === 'string' ? fromQuery : typeof fromForm === 'string' ? fromForm : '';
  return kembali && safeReturn(kembali, '') ? `${path}?kembali=${encodeURIComponent(kembali)}` : path;
}

const languageQuery = z.object({ lang: z.enum(['id', 'en']).catch('id'), kembali: z.string().max(300).catch('') });

/**
 * The header's language switch: a GET form (a button, so it works without JavaScript and needs no
 * anti-forgery token), remembered in a cookie, then back to the page. A GET that sets a cookie is
 * allowed here because the language is a display preference kept in the visitor's own browser: it
 * changes no row, no account and nothing anyone else sees (ASVS v5.0.0-3.5.3 is about state changes;
 * a link elsewhere that switches a visitor's language does no harm, and `kembali` is a same-site path
 * only). Without a per-visitor token in the header, a page with no form of its own is the same for
 * every anonymous visitor, so it can be kept (web/page-cache.ts). The earlier POST form still works
 * for a page open in a browser since before (anti-forgery checked, as every page form).
 */
export function languagePages(app: FastifyInstance): void {
  const page = pageKit(app);
  page.get('/bahasa', { access: 'anyone', query: languageQuery }, ({ reply, query }) => {
    setLangCookie(reply, query.lang);
    return reply.header('cache-control', 'no-store').redirect(safeReturn(query.kembali, '/'), 303);
  });
  page.post('/bahasa', { access: 'anyone', form: languageForm }, ({ reply, form }) => {
    const { lang, kembali } = form.ok ? form.data : { lang: 'id' as const, kembali: '' };
    setLangCookie(reply, lang);
    return reply.redirect(safeReturn(kembali, '/'), 303);
  });
}
