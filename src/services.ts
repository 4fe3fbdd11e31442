import type { Config } from './config.js';
import { recordComputedFee } from './applications/action-effects.js';
import { createApplicationService } from './applications/applications.service.js';
import { createAppointmentHandlers } from './appointments/appointments.handlers.js';
import { appointmentRemindersJob } from './appointments/appointments.jobs.js';
import { createAppointmentService } from './appointments/appointments.service.js';
import { createQueueService } from './queue/queue.service.js';
import { createContactService } from './contacts/contacts.service.js';
import { createDataRightsService } from './data-rights/data-rights.service.js';
import { auditCheckpointsJob } from './audit/audit.jobs.js';
import { createAuditService } from './audit/audit.service.js';
import { createRefusalLog } from './audit/refusals.js';
import { createCacheGenerations } from './cache/cache-generations.js';
import { createSharedStore } from './http/shared-store.js';
import { createAssignmentService } from './applications/assignment.service.js';
import { createIntakeService } from './applications/intake.service.js';
import { createNoteService } from './applications/notes.service.js';
import { createOfficeApplicationService } from './applications/office-application.service.js';
import { createAuthService } from './auth/auth.service.js';
import { createStaffService } from './auth/staff.service.js';
import { createCatalogueAdminService } from './catalogue/catalogue-admin.service.js';
import { createCatalogueService } from './catalogue/catalogue.service.js';
import type { Db } from './db/database.js';
import { createDocumentService } from './documents/documents.service.js';
import { createFileSweepJob } from './documents/file-sweep.job.js';
import { createClamdScanner } from './documents/clamd-scanner.js';
import { createSignatureScanner, type VirusScanner } from './documents/scanner.js';
import type { FileStorage } from './documents/storage.js';
import { createFileStorage } from './documents/storage-driver.js';
import { createFeeService } from './fees/fees.service.js';
import { createHealthService } from './http/health.service.js';
import { createInspectionService } from './inspections/inspections.service.js';
import { loadRetributionTable } from './fees/retribution.loader.js';
import type { RetributionTable } from './fees/retribution.schema.js';
import { createNotificationHandlers } from './notifications/notifications.handlers.js';
import { createNotificationService } from './notifications/notifications.service.js';
import { createChannelAdapters } from './notifications/adapters.js';
import { createDeliveryWorker } from './notifications/delivery.worker.js';
import { permitEffects } from './permits/permits.effects.js';
import { billOnAssessment, paymentOnRecord } from './payments/payments.effects.js';
import { createPaymentService } from './payments/payments.service.js';
import { createSnapService } from './payments/snap.service.js';
import { createReconciliationService } from './payments/reconciliation.service.js';
import { createPaymentSettingsService } from './payments/payment-settings.service.js';
import { createDemoBankService } from './payments/demo-bank/demo-bank.service.js';
import { createBillService } from './payments/bills.service.js';
import { createRevenueService } from './revenue/revenue.service.js';
import { createDashboardService } from './dashboard/dashboard.service.js';
import { createTransparencyService } from './transparency/transparency.service.js';
import { createPermitIssuer } from './permits/permits.issuer.js';
import { expiryRemindersJob } from './permits/permits.jobs.js';
import { createPermitService } from './permits/permits.service.js';
import { createParcelService } from './parcels/parcels.service.js';
import { createOutboxWorker } from './outbox/outbox.worker.js';
import type { Job } from './jobs/jobs.js';
import type { Clock } from './shared/time.js';
import { createSigner } from './signing/signing.js';
import { createHolidayService } from './sla/holidays.service.js';
import { createOverdueJob } from './sla/overdue.job.js';
import { createSettingsService } from './tenants/settings.service.js';
import { createOfficeSetupService } from './tenants/office-setup.service.js';
import { createTenantResolver } from './tenants/tenants.service.js';
import { createTrackingService } from './tracking/tracking.service.js';
import { createWhatsAppHandlers } from './whatsapp/whatsapp.handlers.js';
import { createWhatsAppService } from './whatsapp/whatsapp.service.js';
import { createHelpdeskHandlers } from './helpdesk/helpdesk.handlers.js';
import { createHelpdeskService } from './helpdesk/helpdesk.service.js';
import { createCitizenPathService } from './applications/citizen-path.service.js';
import { surveyOnPermitIssued } from './survey/survey.effects.js';
import { createSurveyService } from './survey/survey.service.js';
import { createScreensService } from './screens/screens.service.js';
import { loadProcessingRecord } from './privacy/processing-record.js';
import type { ProcessingRecord } from './privacy/processing-record.schema.js';

/** The composition root: every service wired by hand, in dependency order (STYLE.md §10). */
export function createServices(input: {
  config: Config;
  db: Db;
  clock: Clock;
  storage?: FileStorage;
  scanner?: VirusScanner;
  /** The PBG retribution coefficients; by default seed-data/retribution.json, validated now (a bad file stops the start). */
  retribution?: RetributionTable;
  /** The record of processing (UU PDP); by default docs/privacy/processing-record.json, validated now (a bad file stops the start). */
  processingRecord?: ProcessingRecord;
}) {
  const { config, db, clock } = input;
  const storage = input.storage ?? createFileStorage(config.storage);
  /** Counters shared by every instance (Redis when RATE_LIMIT_REDIS_URL is set, else this process's memory). */
  const shared = createSharedStore({ url: config.rateLimitRedisUrl, prefix: config.rateLimitRedisPrefix });
  /** What this instance knows of the shared caches' generations (the 'cache-generations' job refreshes it every second). */
  const cacheGenerations = createCacheGenerations({ db });
  const catalogue = createCatalogueService({ db, clock, generations: cacheGenerations });
  const auth = createAuthService({ db, clock, dataKey: config.dataEncryptionKey });
  const holidays = createHolidayService({ db, clock, generations: cacheGenerations });
  const signer = createSigner({ config, db, clock });
  const address = { baseUrl: config.baseUrl, defaultTenant: config.defaultTenant };
  const issuer = createPermitIssuer({ storage, address, dataKey: config.dataEncryptionKey });
  const fees = createFeeService({ db, catalogue, clock, generations: cacheGenerations, retribution: input.retribution ?? loadRetributionTable() });
  const applications = createApplicationService({ db, clock, catalogue, holidays, dataKey: config.dataEncryptionKey });
  applications.registerEffects(recordComputedFee(fees));
  // A holiday added or removed moves the due dates of the open files whose clock runs over it.
  holidays.onChange(({ actor }) => applications.recomputeDueDates({ actor }));
  // Money (src/payments/): the bill on the fee assessment, the payment row on the payment action; before the receipt.
  applications.registerEffects(billOnAssessment({ db, signer, fees }), paymentOnRecord({ db }));
  applications.registerEffects(...permitEffects({ signer, issuer }));
  // The SKM survey's invitation (src/survey/), in the issuing transaction.
  applications.registerEffects(surveyOnPermitIssued);
  const payments = createPaymentService({ db, clock, catalogue, applications });
  // In production the demo adapter and the public demo bank key are refused (src/payments/demo-bank/demo-keys.ts).
  const snap = createSnapService({ db, clock, payments, dataKey: config.dataEncryptionKey, production: config.env === 'production' });
  const reconciliation = createReconciliationService({ db, clock, catalogue, applications });
  /** The office's payment settings (adapter, biller code, SNAP keys): read at each use, so a save needs no restart. */
  const paymentSettings = createPaymentSettingsService({ db, clock, dataKey: config.dataEncryptionKey, production: config.env === 'production' });
  /** The built-in demo bank (development and tests): calls the office's SNAP endpoints over HTTP, as a bank does. */
  const demoBank = createDemoBankService({ db, clock, dataKey: config.dataEncryptionKey, address, production: config.env === 'production' });
  const bills = createBillService({ db, clock, catalogue, signer, fees, address });
  const revenue = createRevenueService({ db, clock, catalogue });
  /** The head's dashboard (issue 13, item 1). */
  const dashboard = createDashboardService({ db, clock, catalogue, holidays });
  /** The public transparency page and its open data (issue 13, item 3). */
  const transparency = createTransparencyService({ db, clock, catalogue });
  const scanner =
    input.scanner ??
    (config.virusScanner.kind === 'clamd'
      ? createClamdScanner({ address: config.virusScanner.address, timeoutMs: config.virusScanner.timeoutMs })
      : createSignatureScanner());
  // The readiness probe checks the bucket and clamd only where they are services of their own.
  const health = createHealthService({
    db,
    storage: config.storage.driver === 's3' ? storage : null,
    scanner: config.virusScanner.kind === 'clamd' ? scanner : null,
  });
  const documents = createDocumentService({ db, clock, storage, scanner, catalogue, maxUploadBytes: config.maxUploadBytes, uploadCounter: shared.counter });
  const inspections = createInspectionService({ db, clock, storage, scanner, catalogue, maxUploadBytes: config.maxUploadBytes });
  const tracking = createTrackingService({ db, catalogue, clock, holidays, dataKey: config.dataEncryptionKey });
  const appointments = createAppointmentService({ db, clock, holidays, catalogue, dataKey: config.dataEncryptionKey });
  const queue = createQueueService({ db, clock, holidays, appointments });
  const contacts = createContactService({ db });
  /** The data subject's rights (UU PDP, LAW-5): access, correction, erasure. */
  const dataRights = createDataRightsService({ db, clock, dataKey: config.dataEncryptionKey, auth });
  /** The videotron and kiosk playlist and the public screen /layar (issue 13, item 4). */
  const screens = createScreensService({ db, clock, catalogue, queue, address });
  const notifications = createNotificationService({ db, clock, developmentMailbox: config.env !== 'production' });
  const notes = createNoteService({ db, clock });
  /** The SKM satisfaction survey (issue 13, item 2): answers by invitation, the report. */
  const survey = createSurveyService({ db, clock, catalogue, kiosks: queue });
  const assignment = createAssignmentService({ db, clock, catalogue });
  const intake = createIntakeService({ catalogue, applications, documents });
  const helpdesk = createHelpdeskService({ db, clock, holidays, catalogue, applications, address });
  /** The citizen's path (issue 16): the pages that need the fee estimate, the help desk or the booking beside the file. */
  const citizenPath = createCitizenPathService({ catalogue, fees, applications, helpdesk, appointments });
  const overdue = createOverdueJob({ db, clock, catalogue, holidays });
  const tenants = createTenantResolver({ db, defaultTenant: config.defaultTenant, generations: cacheGenerations });
  const staff = createStaffService({ db, clock, auth });
  const catalogueAdmin = createCatalogueAdminService({ catalogue });
  const settings = createSettingsService({ db, clock, tenants });
  settings.onTimeZoneChange(({ actor }) => applications.recomputeDueDates({ actor }));
  const officeSetup = createOfficeSetupService({ db, clock, catalogue, holidays, signer, tenants, address, fees, paymentSettings });
  const parcels = createParcelService({ db, clock, catalogue, intake, holidays, storage, scanner, maxUploadBytes: config.maxUploadBytes });
  const permits = createPermitService({
    db,
    clock,
    catalogue,
    applications,
    storage,
    signer,
    issuer,
    address,
    dataKey: config.dataEncryptionKey,
    registryCopyBytes: config.registryExportCacheBytes,
  });
  const officeApplications = createOfficeApplicationService({ db, applications, notes, permits, fees });
  const audit = createAuditService({ db, signer });
  const outbox = createOutboxWorker({
    db,
    clock,
    handlers: {
      ...createNotificationHandlers({ catalogue, address, dataKey: config.dataEncryptionKey, clock }),
      ...createWhatsAppHandlers({ catalogue, address, clock }),
      ...createHelpdeskHandlers({ catalogue, address, clock }),
      ...createAppointmentHandlers({ address, dataKey: config.dataEncryptionKey, clock }),
    },
    pollMs: config.outboxPollMs,
  });
  /** Stage two of delivery: the gateways, outside any transaction (notifications/delivery.worker.ts). */
  const deliveries = createDeliveryWorker({
    db,
    clock,
    adapters: createChannelAdapters(config.channels),
    production: config.env === 'production',
    pollMs: config.outboxPollMs,
  });
  /** The jobs loop's work (server.ts): every instance runs each of them; each is safe beside another instance's run. */
  const jobs: readonly Job[] = [
    cacheGenerations.job,
    outbox.job,
    deliveries.job,
    overdue,
    expiryRemindersJob(permits),
    auditCheckpointsJob(audit),
    createFileSweepJob({ db, storage }),
    appointmentRemindersJob(appointments),
  ];
  return {
    /** The record of processing activities (src/privacy/): the privacy notice page and the breach report read it. */
    processingRecord: input.processingRecord ?? loadProcessingRecord(),
    jobs,
    shared,
    cacheGenerations,
    config,
    db,
    clock,
    holidays,
    storage,
    catalogue,
    auth,
    fees,
    payments,
    snap,
    reconciliation,
    paymentSettings,
    demoBank,
    bills,
    revenue,
    dashboard,
    transparency,
    applications,
    notes,
    assignment,
    inspections,
    intake,
    helpdesk,
    citizenPath,
    survey,
    officeApplications,
    documents,
    tracking,
    appointments,
    queue,
    screens,
    contacts,
    dataRights,
    notifications,
    tenants,
    staff,
    catalogueAdmin,
    settings,
    officeSetup,
    parcels,
    health,
    outbox,
    deliveries,
    overdue,
    signer,
    permits,
    audit,
    /** The office's WhatsApp number, inbound (null: WHATSAPP_* not configured, no webhook). */
    whatsapp: config.channels.whatsapp ? createWhatsAppService({ db, clock, whatsapp: config.channels.whatsapp, helpdesk }) : null,
    /** Refused requests, audited a few a minute (the error handler's hook). */
    refusals: createRefusalLog({ db, clock }),
  };
}
export type Services = ReturnType<typeof createServices>;
