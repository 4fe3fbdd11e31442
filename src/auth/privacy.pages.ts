import type { FastifyInstance } from 'fastify';
import { processingRecordSection } from '../privacy/privacy-notice.view.js';
import type { Services } from '../services.js';
import { html } from '../web/html.js';
import { formatDate, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { CONSENT_NOTICES } from './consent.js';
import { CONSENT_VERSION } from './auth.service.js';

/**
 * The personal-data notice applicants agree to when registering, on its own page, linked from the
 * profile's consent and every page's footer; below it, the record of processing activities
 * (docs/privacy/processing-record.json), rendered from the record itself (UU PDP art. 31, LAW-1).
 */
export function privacyPages(app: FastifyInstance, services: Pick<Services, 'processingRecord'>): void {
  const page = pageKit(app);

  page.get('/privasi', { access: 'anyone' }, ({ req, reply, lang }) => {
    const notice = CONSENT_NOTICES[CONSENT_VERSION]!;
    return sendPage(req, reply, {
      title: notice.title[lang],
      body: html`<h1>${notice.title[lang]}</h1>
<p class="muted">${t(lang, 'consent.page.effective', { date: formatDate(lang, `${notice.effectiveOn}T12:00:00Z`, req.tenant.time_zone) })}</p>
<p>${t(lang, 'register.privacy.text')}</p>
<p>${t(lang, 'consent.page.law')}</p>
${processingRecordSection(lang, services.processingRecord)}`,
    });
  });
}
