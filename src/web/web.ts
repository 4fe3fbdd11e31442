import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.js';
import type { Services } from '../services.js';
import { assetRoutes } from './assets.js';
import { html } from './html.js';
import { t } from './i18n.js';
import { sendPage } from './layout.js';
import { accountPages } from '../auth/account.pages.js';
import { secondFactorPages } from '../auth/second-factor.pages.js';
import { signInPages } from '../auth/sign-in.pages.js';
import { privacyPages } from '../auth/privacy.pages.js';
import { staffPages } from '../auth/staff.pages.js';
import { catalogueAdminPages } from '../catalogue/catalogue-admin.pages.js';
import { holidayPages } from '../sla/holidays.pages.js';
import { contactPages } from '../contacts/contacts.pages.js';
import { dataRightsPages } from '../data-rights/data-rights.pages.js';
import { settingsPages } from '../tenants/settings.pages.js';
import { applyPages } from '../applications/pages/apply.pages.js';
import { claimPages } from '../applications/pages/claim.pages.js';
import { myApplicationsPages } from '../applications/pages/my-applications.pages.js';
import { cataloguePages } from '../catalogue/catalogue.pages.js';
import { mailboxPages } from '../notifications/mailbox.pages.js';
import { trackingPages } from '../tracking/tracking.pages.js';
import { languagePages } from './language.pages.js';
import { CsrfError, redirectToSignIn, requirePageKit } from './page-route.js';
import { registryPages } from '../permits/registry.pages.js';
import { verifyPages } from '../permits/verify.pages.js';
import { sealPages } from '../permits/seal.pages.js';
import { offlineVerifierPages } from '../permits/offline-verifier.pages.js';
import { parcelPages } from '../parcels/parcels.pages.js';
import { officeApplicationPages } from '../applications/pages/office-application.pages.js';
import { workQueuePages } from '../applications/work-queue.pages.js';
import { intakePages } from '../applications/pages/intake.pages.js';
import { helpdeskPages } from '../helpdesk/helpdesk.pages.js';
import { appointmentCitizenPages } from '../appointments/pages/citizen.pages.js';
import { appointmentOfficePages } from '../appointments/pages/office.pages.js';
import { queuePublicPages } from '../queue/pages/public.pages.js';
import { queueOfficePages } from '../queue/pages/office.pages.js';
import { feePages } from '../fees/fees.pages.js';
import { billPages } from '../payments/bills.pages.js';
import { paymentSettingsPages } from '../payments/payment-settings.pages.js';
import { demoBankPages } from '../payments/demo-bank/demo-bank.pages.js';
import { reconciliationPages } from '../payments/reconciliation.pages.js';
import { revenuePages } from '../revenue/revenue.pages.js';
import { surveyPages } from '../survey/survey.pages.js';
import { dashboardPages } from '../dashboard/dashboard.pages.js';
import { transparencyPages } from '../transparency/transparency.pages.js';
import { screenPages } from '../screens/screens.pages.js';
import { isPageRequest, registerWebContext } from './web-context.js';
import { createPageCache } from './page-cache.js';

/** The citizen portal: server-rendered pages that work without JavaScript. */
export async function registerWeb(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await registerWebContext(app, services);
  app.decorate('pageCache', createPageCache({ generations: services.cacheGenerations }));
  app.decorateRequest('pageCacheSlot', null);
  // From here on a page form route registered without the kit stops the start (no route may skip anti-forgery).
  requirePageKit(app, isPageRequest);
  assetRoutes(app);
  languagePages(app);
  cataloguePages(app, services);
  trackingPages(app, services);
  mailboxPages(app, services);
  verifyPages(app, services);
  sealPages(app, services);
  offlineVerifierPages(app);
  registryPages(app, services);
  accountPages(app, services);
  signInPages(app, services);
  privacyPages(app, services);
  applyPages(app, services);
  myApplicationsPages(app, services);
  secondFactorPages(app, services);
  workQueuePages(app, services);
  intakePages(app, services);
  helpdeskPages(app, services);
  parcelPages(app, services);
  claimPages(app, services);
  officeApplicationPages(app, services);
  settingsPages(app, services);
  staffPages(app, services);
  catalogueAdminPages(app, services);
  holidayPages(app, services);
  contactPages(app, services);
  dataRightsPages(app, services);
  queuePublicPages(app, services);
  queueOfficePages(app, services);
  feePages(app, services);
  billPages(app, services);
  paymentSettingsPages(app, services);
  demoBankPages(app, services);
  reconciliationPages(app, services);
  revenuePages(app, services);
  surveyPages(app, services);
  dashboardPages(app, services);
  transparencyPages(app, services);
  screenPages(app, services);
  appointmentCitizenPages(app, services);
  appointmentOfficePages(app, services);
}

/** Errors on pages become pages: 404, 403, "page expired" (anti-forgery), 413/415 and a generic 500. */
export function renderPageError(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply | null {
  if (!isPageRequest(request.url) || request.url.startsWith('/assets/') || !request.tenant) return null;
  const lang = request.lang;
  const page = (status: number, title: string, text: string) =>
    sendPage(request, reply, { status, title, body: html`<h1>${title}</h1><p>${text}</p><p><a href="/">${t(lang, 'nav.home')}</a></p>` });
  if (err instanceof CsrfError) return page(403, t(lang, 'page.expired'), t(lang, 'page.expired.text'));
  if (err instanceof AppError) {
    if (err.code === 'unauthenticated') return redirectToSignIn(request, reply);
    if (err.code === 'not_found') return page(404, t(lang, 'page.notfound'), t(lang, 'page.notfound.text'));
    if (err.code === 'forbidden')
      return page(403, t(lang, 'page.forbidden'), t(lang, err.details.params?.reason === 'nik_required' ? 'foreign.not.accepted' : 'page.error.text'));
    return page(err.status, t(lang, 'page.error'), t(lang, 'page.error.text'));
  }
  const status = (err as FastifyError).statusCode ?? 500;
  if (status >= 400 && status < 500) return page(status, t(lang, 'page.error'), t(lang, 'page.error.text'));
  request.log.error({ err }, 'page failed');
  return page(500, t(lang, 'page.error'), t(lang, 'page.error.text'));
}
