import type { Actor } from './actor.js';
import { type AccessResource, type Permission, requireAccess } from './access.js';
import { AppError } from '../shared/errors.js';

/**
 * The access table in machine-readable form (ASVS v5.0.0-8.1.1): for every API operation (by its
 * OpenAPI operationId) and every other route the app registers (by `METHOD /url` as Fastify has it),
 * who may call it, in terms of the one access policy (`access.ts`). ARCHITECTURE.md's "Access policy"
 * table is the same rules in words.
 *
 * test/integration/access-matrix.test.ts holds the three together: every route in Fastify's route
 * table and every operation in the served OpenAPI document must have a line here (a new route
 * without one fails that test), a page's line must match the gate the page kit records for it,
 * an API line must match the operation's `security`, the docs table must say the same where it says
 * it plainly, and every cell (route × anonymous, the owning applicant, another applicant, each staff
 * role, another office's people) must answer as this table, judged by `can`, says.
 *
 * The rules:
 * - `ANYONE`: no sign-in needed (capability links and codes carry their own secret).
 * - `SIGNED_IN`: any signed-in person of the office.
 * - `office(p…)`: an office-level permission (all of them), judged on the request's office;
 *   `anyOf(p…)`: at least one of them (a hub page listing the sections one may open).
 * - `file(p, q…)`: on the application the route names (by its id, or the permit, bill or document
 *   of it): the policy's verdict for that file is allow, or allow-but-not-in-this-state (409); `q…`
 *   are office-level permissions needed besides.
 * - `WORKFLOW`: a workflow action on the file the route names: whoever sees the file reaches the
 *   workflow engine, which answers a wrong state 409 for everyone before a wrong role 403
 *   (action-plan.ts); which role may take which action from which state is workflow data, checked
 *   by access-control.test.ts's role × action × state matrix.
 * - `OWNER`: only the applicant whose file it is.
 * - `citizenOr(p)`: anonymous visitors and applicants; of the staff, those with `p`.
 * - `BANK`: the office's bank over SNAP, with its own credentials; no Izol session is one.
 * - `DEVICE`: a kiosk the admin enrolled (its device cookie, src/queue/), whoever stands at it; no
 *   person's session opens it. `deviceOr(p)`: such a kiosk, or a person with `p`.
 */
export type RouteRule =
  | { who: 'anyone' }
  | { who: 'signed-in' }
  | { who: 'office'; permissions: readonly Permission[] }
  | { who: 'office-any'; permissions: readonly Permission[] }
  | { who: 'file'; permission: Permission; office: readonly Permission[] }
  | { who: 'workflow' }
  | { who: 'owner' }
  | { who: 'citizen-or'; permission: Permission }
  | { who: 'bank' }
  | { who: 'device' }
  | { who: 'device-or'; permission: Permission };

export const ANYONE: RouteRule = { who: 'anyone' };
export const SIGNED_IN: RouteRule = { who: 'signed-in' };
export const OWNER: RouteRule = { who: 'owner' };
export const WORKFLOW: RouteRule = { who: 'workflow' };
export const BANK: RouteRule = { who: 'bank' };
export const DEVICE: RouteRule = { who: 'device' };
export const deviceOr = (permission: Permission): RouteRule => ({ who: 'device-or', permission });
export const anyOf = (...permissions: Permission[]): RouteRule => ({ who: 'office-any', permissions });
export const office = (...permissions: Permission[]): RouteRule => ({ who: 'office', permissions: permissions.length ? permissions : ['office.enter'] });
export const file = (permission: Permission, ...officePermissions: Permission[]): RouteRule => ({ who: 'file', permission, office: officePermissions });
export const citizenOr = (permission: Permission): RouteRule => ({ who: 'citizen-or', permission });

/** The API, by OpenAPI operationId. */
export const API_POLICY: Record<string, RouteRule> = {
  getHealth: ANYONE,
  getReadiness: ANYONE,
  listPermitTypes: ANYONE,
  getPermitType: ANYONE,
  registerApplicant: ANYONE,
  login: ANYONE,
  logout: SIGNED_IN,
  getCurrentUser: SIGNED_IN,
  createApplication: office('application.create'),
  listApplications: SIGNED_IN,
  claimApplication: office('application.claim'),
  updateApplication: file('application.edit'),
  getApplication: file('application.read'),
  listWorkQueue: office(),
  submitApplication: WORKFLOW,
  withdrawApplication: WORKFLOW,
  performApplicationAction: WORKFLOW,
  uploadDocument: file('application.edit'),
  downloadDocument: file('application.read'),
  reviewDocument: file('document.review'),
  listApplicationNotes: file('application.read'),
  addApplicationNote: file('note.add'),
  assignApplication: file('application.assign'),
  scheduleInspection: file('inspection.schedule'),
  uploadInspectionPhoto: file('inspection.record'),
  recordInspection: file('inspection.record'),
  getFeeAssessment: file('fee.assess'),
  estimateFee: ANYONE,
  listRetributionCoefficients: office('fees.read'),
  saveRetributionCoefficients: office('fees.manage'),
  trackApplication: ANYONE,
  listAppointmentSlots: ANYONE,
  requestAppointmentCode: ANYONE,
  bookAppointment: citizenOr('appointment.bookFor'),
  getAppointment: ANYONE,
  rescheduleAppointment: ANYONE,
  cancelAppointment: ANYONE,
  issueQueueTicket: deviceOr('queue.serve'),
  getQueueTicket: ANYONE,
  callNextTicket: office('queue.serve'),
  updateQueueTicket: office('queue.serve'),
  getQueueDisplay: ANYONE,
  getChannelHistory: office('contacts.view'),
  getMyChannelHistory: SIGNED_IN,
  getMyPersonalData: office('personalData.own'),
  listMyDataRequests: office('personalData.own'),
  getMyDataRequest: office('personalData.own'),
  createCorrectionRequest: office('personalData.own'),
  eraseMyAccount: office('personalData.own'),
  listDataRequests: office('dataRequests.manage'),
  getDataRequest: office('dataRequests.manage'),
  resolveDataRequest: office('dataRequests.manage'),
  getSigningKeys: ANYONE,
  getSigningCertificates: ANYONE,
  verifyPermit: ANYONE,
  verifyPermitPdf: ANYONE,
  listPermits: file('application.read'),
  listReceipts: file('application.read'),
  getPermit: file('permit.read'),
  downloadPermitPdf: file('permit.read'),
  revokePermit: file('permit.revoke'),
  reissuePermit: file('permit.reissue'),
  renewPermit: file('permit.renew'),
  searchRegistry: ANYONE,
  exportRegistryJson: ANYONE,
  exportRegistryCsv: ANYONE,
  getRegistrySchema: ANYONE,
  getRevocationList: ANYONE,
  getAuditCheckpoints: ANYONE,
  logParcel: office('parcels.manage'),
  listParcels: office('parcels.manage'),
  getParcelReport: office('parcels.manage'),
  recordParcelShipment: office('parcels.manage'),
  getParcel: office('parcels.manage'),
  linkParcel: office('parcels.manage'),
  uploadParcelPhoto: office('parcels.manage'),
  listFailedMessages: office('messages.manage'),
  resendMessage: office('messages.manage'),
  listApplicationMessages: file('application.read'),
  createHelpRequest: ANYONE,
  listHelpRequests: office('helpdesk.manage'),
  getHelpRequest: office('helpdesk.manage'),
  updateHelpRequest: office('helpdesk.manage'),
  replyToHelpRequest: office('helpdesk.manage'),
  addHelpRequestNote: office('helpdesk.manage'),
  assistHelpRequest: office('helpdesk.manage', 'application.intake'),
  claimApplicationByLink: office('application.claim'),
  listApplicationBills: file('application.read'),
  reissueApplicationBill: file('application.read', 'payments.manage'),
  requestNewBillCode: OWNER,
  getPaymentSettings: office('payments.settings'),
  savePaymentSettings: office('payments.settings'),
  listHeldPayments: office('payments.manage'),
  getHeldPayment: office('payments.manage'),
  acceptHeldPayment: office('payments.manage'),
  closeHeldPayment: office('payments.manage'),
  listReconciliationDays: office('payments.manage'),
  importBankStatement: office('payments.manage'),
  getReconciliationDay: office('payments.manage'),
  resolveReconciliationLine: office('payments.manage'),
  closeReconciliationDay: office('payments.manage'),
  getRevenue: office('revenue.read'),
  exportRevenueCsv: office('revenue.read'),
  setRevenueTarget: office('revenue.manage'),
  getSurveyInvitation: ANYONE,
  answerSurvey: ANYONE,
  getSkmReport: office('survey.read'),
  getDashboard: office('dashboard.read'),
  exportDashboardCsv: office('dashboard.read'),
  getTransparency: ANYONE,
  exportTransparencyJson: ANYONE,
  exportTransparencyCsv: ANYONE,
  getTransparencySchema: ANYONE,
  getScreenPlaylist: office('screens.manage'),
  addScreenSlide: office('screens.manage'),
  updateScreenSlide: office('screens.manage'),
  removeScreenSlide: office('screens.manage'),
  reorderScreenSlides: office('screens.manage'),
  snapAccessTokenB2b: BANK,
  snapVaInquiry: BANK,
  snapVaPayment: BANK,
  snapQrisNotify: BANK,
};

/** Every other route: the pages, the API's documentation and the static assets, by `METHOD /url`. */
export const ROUTE_POLICY: Record<string, RouteRule> = {
  'GET /api/docs': ANYONE,
  'GET /api/docs/static/index.html': ANYONE,
  'GET /api/docs/static/swagger-initializer.js': ANYONE,
  'GET /api/docs/json': ANYONE,
  'GET /api/docs/yaml': ANYONE,
  'GET /api/docs/static/*': ANYONE,
  'GET /api/openapi.json': ANYONE,
  'GET /assets/:hash/:name': ANYONE,
  'GET /verifikasi/luring/aset/:hash/:name': ANYONE,
  'GET /verifikasi/luring/sw.js': ANYONE,
  'GET /antrian/aset/:hash/:name': ANYONE,
  'GET /layar/aset/:hash/:name': ANYONE,
  // The pages (their gate is what the page kit records; `file` and `OWNER` lines add the data-level rule).
  'GET /bahasa': ANYONE,
  'POST /bahasa': ANYONE,
  'GET /': ANYONE,
  'GET /izin': ANYONE,
  'GET /izin/:code': ANYONE,
  'GET /izin/:code/poster': ANYONE,
  'GET /lacak': ANYONE,
  'POST /lacak': ANYONE,
  'GET /lacak/t/:id/:expires/:signature': ANYONE,
  'GET /dev/kotak-surat': ANYONE,
  'GET /verifikasi': ANYONE,
  'GET /v/:code': ANYONE,
  'POST /verifikasi/pdf': ANYONE,
  'GET /V/*': ANYONE,
  'GET /v/*': ANYONE,
  'GET /verifikasi/luring': ANYONE,
  'GET /registri': ANYONE,
  'GET /akun/daftar': ANYONE,
  'POST /akun/daftar': ANYONE,
  'GET /akun/verifikasi': SIGNED_IN,
  'POST /akun/verifikasi': SIGNED_IN,
  'POST /akun/verifikasi/kirim-ulang': SIGNED_IN,
  'GET /akun/profil': SIGNED_IN,
  'POST /akun/profil': SIGNED_IN,
  'GET /kantor/nik': office('account.resolveNik'),
  'POST /kantor/nik': office('account.resolveNik'),
  'GET /akun/data-pribadi': office('personalData.own'),
  'GET /akun/data-pribadi/unduh': office('personalData.own'),
  'GET /akun/data-pribadi/pembetulan': office('personalData.own'),
  'POST /akun/data-pribadi/pembetulan': office('personalData.own'),
  'GET /akun/data-pribadi/permintaan/:id': office('personalData.own'),
  'GET /akun/data-pribadi/hapus': office('personalData.own'),
  'POST /akun/data-pribadi/hapus': office('personalData.own'),
  'GET /kantor/data-pribadi': office('dataRequests.manage'),
  'GET /kantor/data-pribadi/:id': office('dataRequests.manage'),
  'POST /kantor/data-pribadi/:id': office('dataRequests.manage'),
  'GET /akun/masuk': ANYONE,
  'POST /akun/masuk': ANYONE,
  'POST /akun/keluar': ANYONE,
  'POST /akun/keluar-semua': SIGNED_IN,
  'GET /akun/lupa-sandi': ANYONE,
  'POST /akun/lupa-sandi': ANYONE,
  'POST /akun/atur-ulang-sandi': ANYONE,
  'GET /privasi': ANYONE,
  'GET /izin/:code/mulai': ANYONE,
  'POST /izin/:code/mulai': office('application.create'),
  'GET /permohonan/:id/isian/:field': file('application.edit'),
  'POST /permohonan/:id/isian/:field': file('application.edit'),
  'GET /permohonan/:id/dokumen': file('application.edit'),
  'GET /permohonan/:id/dokumen/:req': file('application.edit'),
  'POST /permohonan/:id/dokumen/:req': file('application.edit'),
  'GET /permohonan/:id/periksa': file('application.edit'),
  'POST /permohonan/:id/ajukan': WORKFLOW,
  'GET /permohonan/:id/terkirim': file('application.read'),
  'GET /permohonan/:id/dokumen/:req/bantuan': file('application.edit'),
  'POST /permohonan/:id/dokumen/:req/bantuan': file('application.edit'),
  'GET /permohonan': SIGNED_IN,
  'GET /permohonan/:id': file('application.read'),
  'GET /permohonan/:id/tanda-terima': file('application.read'),
  'GET /permohonan/:id/izin/:permitId.pdf': file('permit.read'),
  'POST /permohonan/:id/izin/:permitId/perpanjang': file('permit.renew'),
  'GET /permohonan/:id/tarik': WORKFLOW,
  'POST /permohonan/:id/tarik': WORKFLOW,
  'GET /permohonan/:id/hapus': file('application.edit'),
  'POST /permohonan/:id/hapus': file('application.edit'),
  'GET /kantor/atur-autentikator': ANYONE,
  'POST /kantor/atur-autentikator': ANYONE,
  'GET /kantor/kode': ANYONE,
  'POST /kantor/kode': ANYONE,
  'GET /kantor': office(),
  'POST /kantor/berkas/:id/ambil': file('application.assign', 'office.enter'),
  'GET /kantor/loket': office('office.enter', 'application.intake'),
  'POST /kantor/loket': office('office.enter', 'application.intake'),
  'GET /kantor/loket/:id': file('application.edit', 'office.enter'),
  'POST /kantor/loket/:id/isian': file('application.edit', 'office.enter'),
  'POST /kantor/loket/:id/dokumen/:req': file('application.edit', 'office.enter'),
  'POST /kantor/loket/:id/ajukan': file('application.edit', 'office.enter'),
  'GET /bantuan': ANYONE,
  'POST /bantuan': ANYONE,
  'GET /kantor/bantuan': office('helpdesk.manage'),
  'GET /kantor/bantuan/baru': office('helpdesk.manage'),
  'POST /kantor/bantuan/baru': office('helpdesk.manage'),
  'GET /kantor/bantuan/:id': office('helpdesk.manage'),
  'POST /kantor/bantuan/:id/balas': office('helpdesk.manage'),
  'POST /kantor/bantuan/:id/catatan': office('helpdesk.manage'),
  'POST /kantor/bantuan/:id/ubah': office('helpdesk.manage'),
  'POST /kantor/bantuan/:id/bantu': office('helpdesk.manage', 'application.intake'),
  'GET /kantor/kiriman': office('parcels.manage'),
  'GET /kantor/kiriman/baru': office('parcels.manage'),
  'POST /kantor/kiriman/baru': office('parcels.manage'),
  'GET /kantor/kiriman/:id': office('parcels.manage'),
  'POST /kantor/kiriman/:id/hubungkan': office('parcels.manage'),
  'POST /kantor/kiriman/:id/permohonan-baru': office('parcels.manage'),
  'POST /kantor/kiriman/:id/foto': office('parcels.manage'),
  'GET /kantor/kiriman/:id/foto/:photoId': office('parcels.manage'),
  'GET /kantor/kiriman/keluar': office('parcels.manage'),
  'POST /kantor/kiriman/keluar': office('parcels.manage'),
  'GET /kantor/kiriman/laporan': office('parcels.manage'),
  'GET /permohonan/klaim': SIGNED_IN,
  'POST /permohonan/klaim': SIGNED_IN,
  'GET /kantor/berkas/:id': file('application.read', 'office.enter'),
  'GET /kantor/berkas/:id/dokumen/:docId': file('document.openAudited', 'office.enter'),
  'POST /kantor/berkas/:id/dokumen/:docId/periksa': file('document.review', 'office.enter'),
  'POST /kantor/berkas/:id/tindakan': file('application.read', 'office.enter'),
  'GET /kantor/berkas/:id/izin/:permitId.pdf': file('permit.read', 'office.enter'),
  'POST /kantor/berkas/:id/izin/:permitId/cabut': file('permit.revoke', 'office.enter'),
  'POST /kantor/berkas/:id/izin/:permitId/terbitkan-ulang': file('permit.reissue', 'office.enter'),
  'POST /kantor/berkas/:id/inspeksi': file('inspection.record', 'office.enter'),
  'POST /kantor/berkas/:id/foto-inspeksi': file('inspection.record', 'office.enter'),
  'POST /kantor/berkas/:id/jadwal-inspeksi': file('inspection.schedule', 'office.enter'),
  'POST /kantor/berkas/:id/catatan': file('note.add', 'office.enter'),
  'POST /kantor/berkas/:id/pegang': file('application.assign', 'office.enter'),
  'GET /kantor/admin': anyOf(
    'staff.manage',
    'catalogue.manage',
    'holidays.manage',
    'settings.manage',
    'messages.manage',
    'appointments.manage',
    'fees.read',
    'payments.settings',
    'screens.manage',
  ),
  'GET /kantor/admin/pengaturan': office('settings.manage'),
  'POST /kantor/admin/pengaturan': office('settings.manage'),
  'GET /kantor/admin/staf': office('staff.manage'),
  'GET /kantor/admin/staf/baru': office('staff.manage'),
  'POST /kantor/admin/staf/baru': office('staff.manage'),
  'GET /kantor/admin/staf/:id': office('staff.manage'),
  'POST /kantor/admin/staf/:id/jabatan': office('staff.manage'),
  'POST /kantor/admin/staf/:id/peran': office('staff.manage'),
  'POST /kantor/admin/staf/:id/faktor-kedua': office('staff.manage'),
  'POST /kantor/admin/staf/:id/nonaktifkan': office('staff.manage'),
  'GET /kantor/admin/izin': office('catalogue.manage'),
  'POST /kantor/admin/izin/:code/status': office('catalogue.manage'),
  'GET /kantor/admin/izin/:code/ubah': office('catalogue.manage'),
  'POST /kantor/admin/izin/:code/ubah': office('catalogue.manage'),
  'GET /kantor/admin/libur': office('holidays.manage'),
  'GET /kantor/admin/libur/simpan': office('holidays.manage'),
  'POST /kantor/admin/libur/simpan': office('holidays.manage'),
  'GET /kantor/admin/libur/:date/hapus': office('holidays.manage'),
  'POST /kantor/admin/libur/:date/hapus': office('holidays.manage'),
  'GET /kantor/warga': office('contacts.view'),
  'GET /kantor/warga/:userId': office('contacts.view'),
  'GET /akun/riwayat': SIGNED_IN,
  'GET /antrian': DEVICE,
  'POST /antrian/tiket': DEVICE,
  'GET /antrian/kios/:id': ANYONE,
  'GET /antrian/tiket/:id': ANYONE,
  'GET /antrian/lapor': ANYONE,
  'POST /antrian/lapor': ANYONE,
  'GET /antrian/layar': ANYONE,
  'GET /antrian/layar/peristiwa': ANYONE,
  'GET /kantor/antrian': office('queue.serve'),
  'POST /kantor/antrian/tiket': office('queue.serve'),
  'GET /kantor/antrian/loket': office('queue.serve'),
  'POST /kantor/antrian/loket/panggil': office('queue.serve'),
  'POST /kantor/antrian/tiket/:id/aksi': office('queue.serve'),
  'GET /kantor/antrian/laporan': office('queue.serve'),
  'GET /kantor/admin/antrian': office('settings.manage'),
  'POST /kantor/admin/antrian/kios': office('settings.manage'),
  'POST /kantor/admin/antrian/kios/hapus': office('settings.manage'),
  'POST /kantor/admin/antrian': office('settings.manage'),
  'GET /izin/:code/perkiraan': ANYONE,
  'GET /kantor/admin/retribusi': office('fees.read'),
  'GET /kantor/admin/retribusi/:year': office('fees.read'),
  'POST /kantor/admin/retribusi/:year': office('fees.manage'),
  'GET /permohonan/:id/tagihan': file('application.read'),
  'POST /permohonan/:id/tagihan/kode-baru': OWNER,
  'POST /kantor/berkas/:id/tagihan/terbit-ulang': file('application.read', 'payments.manage'),
  'GET /kantor/admin/pembayaran': office('payments.settings'),
  'POST /kantor/admin/pembayaran': office('payments.settings'),
  'GET /bank-demo': ANYONE,
  'GET /bank-demo/va': ANYONE,
  'POST /bank-demo/va': ANYONE,
  'POST /bank-demo/qris': ANYONE,
  'POST /bank-demo/qris/bayar': ANYONE,
  'GET /kantor/bendahara/pembayaran': office('payments.manage'),
  'GET /kantor/bendahara/pembayaran/:id': office('payments.manage'),
  'POST /kantor/bendahara/pembayaran/:id': office('payments.manage'),
  'GET /kantor/bendahara/rekonsiliasi': office('payments.manage'),
  'POST /kantor/bendahara/rekonsiliasi': office('payments.manage'),
  'GET /kantor/bendahara/rekonsiliasi/:day': office('payments.manage'),
  'POST /kantor/bendahara/rekonsiliasi/:day/tutup': office('payments.manage'),
  'GET /kantor/bendahara/rekonsiliasi/:day/baris/:lineId': office('payments.manage'),
  'POST /kantor/bendahara/rekonsiliasi/:day/baris/:lineId': office('payments.manage'),
  'GET /kantor/pendapatan': office('revenue.read'),
  'GET /kantor/pendapatan.csv': office('revenue.read'),
  'POST /kantor/pendapatan/:year/target': office('revenue.manage'),
  'GET /survei/kios': DEVICE,
  'POST /survei/kios': DEVICE,
  'GET /survei/:token': ANYONE,
  'POST /survei/:token': ANYONE,
  'GET /kantor/skm': office('survey.read'),
  'GET /kantor/skm.csv': office('survey.read'),
  'GET /kantor/dasbor': office('dashboard.read'),
  'GET /kantor/dasbor/:table.csv': office('dashboard.read'),
  'GET /transparansi': ANYONE,
  'GET /layar': ANYONE,
  'GET /kantor/admin/layar': office('screens.manage'),
  'POST /kantor/admin/layar/tambah': office('screens.manage'),
  'GET /kantor/admin/layar/:id': office('screens.manage'),
  'POST /kantor/admin/layar/:id': office('screens.manage'),
  'POST /kantor/admin/layar/:id/naik': office('screens.manage'),
  'POST /kantor/admin/layar/:id/turun': office('screens.manage'),
  'POST /kantor/admin/layar/:id/hapus': office('screens.manage'),
  'GET /janji-temu': ANYONE,
  'GET /janji-temu/layanan': ANYONE,
  'GET /janji-temu/izin': ANYONE,
  'GET /janji-temu/waktu': ANYONE,
  'GET /janji-temu/data': ANYONE,
  'POST /janji-temu/data': ANYONE,
  'POST /janji-temu/periksa': ANYONE,
  'POST /janji-temu/pesan': ANYONE,
  'GET /janji-temu/lihat': ANYONE,
  'GET /janji-temu/tiket': ANYONE,
  'GET /janji-temu/batal': ANYONE,
  'POST /janji-temu/batal': ANYONE,
  'GET /janji-temu/pindah': ANYONE,
  'POST /janji-temu/pindah': ANYONE,
  'GET /kantor/janji-temu': office('appointment.bookFor'),
  'POST /kantor/janji-temu': office('appointment.bookFor'),
  'GET /kantor/admin/janji-temu': office('appointments.manage'),
  'POST /kantor/admin/janji-temu': office('appointments.manage'),
  'GET /kantor/admin/pesan-gagal': office('messages.manage'),
  'POST /kantor/admin/pesan-gagal/:id/kirim-lagi': office('messages.manage'),
  'GET /akun/pemberitahuan': SIGNED_IN,
  'POST /akun/pemberitahuan': SIGNED_IN,
  'GET /akun/atur-kantor/:token': ANYONE,
  'POST /akun/atur-kantor/:token': ANYONE,
  'GET /klaim/:token': ANYONE,
  'POST /klaim/:token': office('application.claim'),
};

/**
 * True when the rule lets `actor` (null: not signed in) call the route in the office the request is
 * for. `resource` is the application a `file`/`owner` rule is judged on. Another office's people never
 * reach this office's routes other than `ANYONE`'s; the caller passes only this office's actors.
 */
export function allows(rule: RouteRule, actor: Actor | null, resource: AccessResource): boolean {
  if (rule.who === 'anyone') return true;
  if (rule.who === 'bank' || rule.who === 'device') return false;
  if (!actor) return rule.who === 'citizen-or';
  const ok = (permission: Permission, on: AccessResource): boolean => {
    try {
      requireAccess({ actor, permission, resource: on });
      return true;
    } catch (err) {
      // Allowed, but not in the file's current state: the route is open to this person (409, not 403).
      if (err instanceof AppError && err.code === 'invalid_state') return true;
      return false;
    }
  };
  const officeOnly = { tenantId: actor.tenantId };
  switch (rule.who) {
    case 'signed-in':
      return true;
    case 'office':
      return rule.permissions.every((p) => ok(p, officeOnly));
    case 'office-any':
      return ok('office.enter', officeOnly) && rule.permissions.some((p) => ok(p, officeOnly));
    case 'citizen-or':
      return actor.role === 'applicant' || ok(rule.permission, officeOnly);
    case 'device-or':
      return ok(rule.permission, officeOnly);
    case 'workflow':
      return 'application' in resource && ok('application.read', resource);
    case 'owner':
      return 'application' in resource && actor.role === 'applicant' && ok('application.read', resource);
    case 'file':
      return 'application' in resource && ok(rule.permission, resource) && rule.office.every((p) => ok(p, officeOnly));
  }
}
