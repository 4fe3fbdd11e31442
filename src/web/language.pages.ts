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

/** The header's language switch (a form, so it works without JavaScript): remembered, then back to the page. */
export function languagePages(app: FastifyInstance): void {
  const page = pageKit(app);
  page.post('/bahasa', { access: 'anyone', form: languageForm }, ({ reply, form }) => {
    const { lang, kembali } = form.ok ? form.data : { lang: 'id' as const, kembali: '' };
    setLangCookie(reply, lang);
    return reply.redirect(safeReturn(kembali, '/'), 303);
  });
}
