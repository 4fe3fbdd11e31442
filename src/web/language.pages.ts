import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { pageKit } from './page-route.js';
import { formText, safeReturn } from './views.js';
import { setLangCookie } from './web-context.js';

const languageForm = () => z.object({ lang: z.enum(['id', 'en']).catch('id'), kembali: formText(300) });

/** The header's language switch (a form, so it works without JavaScript): remembered, then back to the page. */
export function languagePages(app: FastifyInstance): void {
  const page = pageKit(app);
  page.post('/bahasa', { access: 'anyone', form: languageForm }, ({ reply, form }) => {
    const { lang, kembali } = form.ok ? form.data : { lang: 'id' as const, kembali: '' };
    setLangCookie(reply, lang);
    return reply.redirect(safeReturn(kembali, '/'), 303);
  });
}
