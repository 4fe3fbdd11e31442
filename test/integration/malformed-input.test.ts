/**
 * Malformed input on every operation of the OpenAPI document, on SQLite and PostgreSQL
 * (ASVS v5.0.0-2.2.1/2.2.2 allow-list validation, 16.5.1 generic errors, 2.3.3 nothing half-written).
 *
 * Every case in CASES is sent once and must come back as a 4xx RFC 9457 problem (application/problem+json
 * with a `code` and a readable `detail`, Indonesian unless English is asked for), with no stack trace or
 * internal names, without echoing an oversized input, and without anything written: no application, document,
 * timeline event, account, session, outbox row, permit, receipt or stored file appears or changes. (Failed sign-ins do write a
 * login attempt and an audit row by design; those two tables are left out of the comparison.)
 *
 * The SNAP operations (a bank's calls, src/payments/snap.routes.ts) answer as SNAP requires, not with
 * problem+json: their cases carry `snap: true` and must come back as a 4xx whose JSON body is
 * `{ responseCode, responseMessage }` with a seven-digit responseCode starting with the HTTP status
 * (e.g. 400 → 4002400), in English, with no stack trace, not echoing an oversized input, and nothing
 * written. "(signed)" cases are sent as the office's bank sends them (a live SNAP access token, the
 * HMAC-SHA512 signature, a fresh X-EXTERNAL-ID) so that only the body is wrong. A signed request's
 * X-EXTERNAL-ID is recorded before its body is read (the replay guard, by design): snap_external_ids is
 * left out of the comparison like the login attempts; refusals are audited by design too.
 *
 * To extend: add rows to CASES. Each row names the operation, what is wrong, the request, and optionally the
 * exact status and the field error codes a citizen's form would show.
 */
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { Actor } from '../../src/access/actor.js';
import { DEMO_PDF, DEMO_PNG } from '../../src/demo/demo-files.js';
import { loadRetributionTable } from '../../src/fees/retribution.loader.js';
import { upsertPaymentSettings } from '../../src/payments/payments.repository.js';
import { SNAP_PATHS } from '../../src/payments/snap-client.js';
import { formatSnapTimestamp, signAccessTokenRequest, signSymmetric } from '../../src/payments/snap-signature.js';
import { encryptField } from '../../src/shared/crypto.js';
import { ERROR_CODES, type ErrorCode } from '../../src/shared/errors.js';
import { ERROR_MESSAGES, FIELD_MESSAGES } from '../../src/shared/messages.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { WORKED_EXAMPLE_FORM } from '../helpers/fees.js';
import { auth, createTestContext, json, multipartFile, type TestContext, uniqueNik } from '../helpers/context.js';
import { staffOtp } from '../helpers/context.js';
import { issuedPermit, validAnswers } from '../helpers/journeys.js';
import { carryToIssued } from '../helpers/permits.js';

const OPERATIONS = [
  'listPermitTypes',
  'getPermitType',
  'registerApplicant',
  'login',
  'logout',
  'getCurrentUser',
  'createApplication',
  'updateApplication',
  'uploadDocument',
  'downloadDocument',
  'reviewDocument',
  'recordInspection',
  'submitApplication',
  'withdrawApplication',
  'getApplication',
  'listApplications',
  'listWorkQueue',
  'performApplicationAction',
  'trackApplication',
  'getHealth',
  'getReadiness',
  'claimApplication',
  'listApplicationNotes',
  'addApplicationNote',
  'getFeeAssessment',
  'assignApplication',
  'scheduleInspection',
  'uploadInspectionPhoto',
  'getSigningKeys',
  'getSigningCertificates',
  'verifyPermit',
  'verifyPermitPdf',
  'listPermits',
  'listReceipts',
  'getPermit',
  'downloadPermitPdf',
  'revokePermit',
  'reissuePermit',
  'renewPermit',
  'searchRegistry',
  'exportRegistryJson',
  'exportRegistryCsv',
  'getRegistrySchema',
  'getAuditCheckpoints',
  'getTransparency',
  'exportTransparencyJson',
  'exportTransparencyCsv',
  'getTransparencySchema',
  'getRevocationList',
  'listApplicationMessages',
  'listFailedMessages',
  'resendMessage',
  'listAppointmentSlots',
  'bookAppointment',
  'getAppointment',
  'cancelAppointment',
  'requestAppointmentCode',
  'rescheduleAppointment',
  'issueQueueTicket',
  'getQueueTicket',
  'callNextTicket',
  'updateQueueTicket',
  'getQueueDisplay',
  'getChannelHistory',
  'getMyChannelHistory',
  'getMyPersonalData',
  'listMyDataRequests',
  'getMyDataRequest',
  'createCorrectionRequest',
  'eraseMyAccount',
  'listDataRequests',
  'getDataRequest',
  'resolveDataRequest',
  'logParcel',
  'listParcels',
  'getParcel',
  'linkParcel',
  'uploadParcelPhoto',
  'recordParcelShipment',
  'getParcelReport',
  'createHelpRequest',
  'listHelpRequests',
  'getHelpRequest',
  'replyToHelpRequest',
  'addHelpRequestNote',
  'updateHelpRequest',
  'assistHelpRequest',
  'claimApplicationByLink',
  'listRetributionCoefficients',
  'saveRetributionCoefficients',
  'listApplicationBills',
  'reissueApplicationBill',
  'requestNewBillCode',
  'getPaymentSettings',
  'savePaymentSettings',
  'listHeldPayments',
  'getHeldPayment',
  'acceptHeldPayment',
  'closeHeldPayment',
  'listReconciliationDays',
  'importBankStatement',
  'getReconciliationDay',
  'resolveReconciliationLine',
  'closeReconciliationDay',
  'getRevenue',
  'exportRevenueCsv',
  'setRevenueTarget',
  'getSurveyInvitation',
  'answerSurvey',
  'getSkmReport',
  'getDashboard',
  'exportDashboardCsv',
  'getScreenPlaylist',
  'addScreenSlide',
  'updateScreenSlide',
  'removeScreenSlide',
  'reorderScreenSlides',
  'estimateFee',
  'snapAccessTokenB2b',
  'snapVaInquiry',
  'snapVaPayment',
  'snapQrisNotify',
] as const;
type Op = (typeof OPERATIONS)[number];

/** Routes with a per-address rate limit: their cases are spread over fresh app instances, under the limit each. */
const RATE_LIMIT: Partial<Record<Op, number>> = {
  login: 10,
  registerApplicant: 10,
  trackApplication: 20,
  claimApplication: 10,
  verifyPermit: 60,
  verifyPermitPdf: 20,
  getRevocationList: 60,
  searchRegistry: 60,
  exportRegistryJson: 10,
  exportRegistryCsv: 10,
  getTransparency: 60,
  exportTransparencyJson: 10,
  exportTransparencyCsv: 10,
  bookAppointment: 10,
  getAppointment: 30,
  cancelAppointment: 30,
  requestAppointmentCode: 5,
  rescheduleAppointment: 30,
  issueQueueTicket: 60,
  createHelpRequest: 10,
  claimApplicationByLink: 10,
  createCorrectionRequest: 10,
  eraseMyAccount: 5,
};

type Person = { token: string; userId: string; email: string; password: string; actor: Actor };
/** What the cases point at: set up once per database in beforeAll. */
type Fixtures = {
  applicant: Person;
  verifier: Person;
  technical: Person;
  /** Head of office: revokes and re-issues permits. */
  head: Person;
  /** Used only where a mistake could sign someone out. */
  leaver: Person;
  /** The office's admin: the failed-messages operations. */
  admin: Person;
  /** The applicant's draft, complete, with every required document: an accepted request would change it. */
  draftId: string;
  draftDocId: string;
  /** The applicant's draft with no documents. */
  bareDraftId: string;
  /** A draft only the cases that could withdraw it, if wrongly accepted, point at. */
  spareDraftId: string;
  verificationId: string;
  verificationDocId: string;
  technicalId: string;
  number: string;
  trackingCode: string;
  /** The applicant's REKLAME file, carried to `issued` (a renewable permit, so a wrongly accepted renewal would open a draft). */
  permitAppId: string;
  /** Its valid permit: a wrongly accepted revoke, re-issue or renewal would change it or add a row. */
  permitId: string;
  verificationCode: string;
  /** The signed PDF of that permit, exactly as issued. */
  permitPdf: Buffer;
  /** A courier parcel logged by the admin and not linked yet: a wrongly accepted link or photo would change it. */
  parcelId: string;
  /** A slide of the office's videotron playlist (the default playlist, made before the cases run): a wrongly accepted change or removal would change it. */
  screenSlideId: string;
  /** The office's treasurer: bills, the money desk. */
  treasurer: Person;
  /** A correction request the applicant filed (src/data-rights/), still open: a wrongly accepted answer would close it. */
  dataRequestId: string;
  /** The applicant's PBG file waiting for payment, with its open bill (a wrongly accepted re-issue, new code or payment would change it). */
  billAppId: string;
  bill: SnapBill;
  /** A payment of the wrong amount held for the treasurer (amount_mismatch): a wrongly accepted accept or close would change it. */
  heldPaymentId: string;
  /** Today in the office's time zone: the open statement day the treasurer imported, with a line still to resolve (lineId). */
  statementDay: string;
  lineId: string;
  /** The office's bank as SNAP sees it: its client id, and requests signed as the bank signs them. */
  snap: {
    clientId: string;
    timestamp: () => string;
    /** A transaction request signed with the bank's live access token (or `token`), a fresh X-EXTERNAL-ID each time. */
    signed: (path: string, body: unknown, token?: string) => Req;
    /** An access-token request signed with the bank's RSA key. */
    token: (body: unknown) => Req;
  };
};
type SnapBill = { customer_no: string; number: string; amount: number };

type Who = 'anonymous' | 'applicant' | 'verifier' | 'technical' | 'head' | 'leaver' | 'admin' | 'treasurer';
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Req = { method: Method; url: string; headers?: Record<string, string>; payload?: string | Buffer | Record<string, unknown> | unknown[] };
type Case = {
  op: Op;
  name: string;
  send: (f: Fixtures) => Req;
  /** Whose token goes with the request; by default the role that could use the operation. */
  who?: Who;
  /** The exact status expected; otherwise any 4xx. */
  status?: number | readonly number[];
  /** Field → field error code the response must carry (what the form shows next to that field). */
  fields?: Record<string, string>;
  /** Operations without input (health checks) ignore what they do not read: 200 and their usual answer. */
  /** The operation reads no input: junk is ignored and the normal body (at least these fields) comes back. */
  ignored?: Record<string, unknown>;
  /**
   * A public check that answers what it found rather than failing: 200 with (at least) this body, e.g.
   * `{ status: 'not_found' }` for a code that fits the syntax but names nothing. Nothing may be written either.
   */
  answer?: Record<string, unknown>;
  /** The operation answers PEM text (not JSON): a 200 whose body starts with a certificate. */
  pem?: true;
  /** A SNAP operation: a 4xx SNAP JSON body (responseCode starting with the status, responseMessage), not problem+json. */
  snap?: boolean;
};

const DEFAULT_WHO: Record<Op, Who> = {
  listPermitTypes: 'anonymous',
  getPermitType: 'anonymous',
  registerApplicant: 'anonymous',
  login: 'anonymous',
  logout: 'leaver',
  getCurrentUser: 'applicant',
  createApplication: 'applicant',
  updateApplication: 'applicant',
  uploadDocument: 'applicant',
  downloadDocument: 'applicant',
  reviewDocument: 'verifier',
  recordInspection: 'technical',
  submitApplication: 'applicant',
  withdrawApplication: 'applicant',
  getApplication: 'applicant',
  listApplications: 'applicant',
  listWorkQueue: 'verifier',
  performApplicationAction: 'applicant',
  trackApplication: 'anonymous',
  getHealth: 'anonymous',
  getReadiness: 'anonymous',
  claimApplication: 'applicant',
  listApplicationNotes: 'verifier',
  addApplicationNote: 'verifier',
  getFeeAssessment: 'verifier',
  assignApplication: 'verifier',
  scheduleInspection: 'technical',
  uploadInspectionPhoto: 'technical',
  getSigningKeys: 'anonymous',
  getSigningCertificates: 'anonymous',
  verifyPermit: 'anonymous',
  verifyPermitPdf: 'anonymous',
  listPermits: 'applicant',
  listReceipts: 'applicant',
  getPermit: 'applicant',
  downloadPermitPdf: 'applicant',
  revokePermit: 'head',
  reissuePermit: 'head',
  renewPermit: 'applicant',
  searchRegistry: 'anonymous',
  exportRegistryJson: 'anonymous',
  exportRegistryCsv: 'anonymous',
  getRegistrySchema: 'anonymous',
  getAuditCheckpoints: 'anonymous',
  getTransparency: 'anonymous',
  exportTransparencyJson: 'anonymous',
  exportTransparencyCsv: 'anonymous',
  getTransparencySchema: 'anonymous',
  getRevocationList: 'anonymous',
  listApplicationMessages: 'applicant',
  listFailedMessages: 'admin',
  resendMessage: 'admin',
  listAppointmentSlots: 'anonymous',
  bookAppointment: 'anonymous',
  getAppointment: 'anonymous',
  cancelAppointment: 'anonymous',
  requestAppointmentCode: 'anonymous',
  rescheduleAppointment: 'anonymous',
  // As front-desk staff, who need no kiosk (an anonymous device that is no enrolled kiosk gets 403 queue_kiosk_required for a well-formed body).
  issueQueueTicket: 'admin',
  getQueueTicket: 'anonymous',
  callNextTicket: 'admin',
  updateQueueTicket: 'admin',
  getQueueDisplay: 'anonymous',
  getChannelHistory: 'verifier',
  getMyChannelHistory: 'applicant',
  getMyPersonalData: 'applicant',
  listMyDataRequests: 'applicant',
  getMyDataRequest: 'applicant',
  createCorrectionRequest: 'applicant',
  // The account a wrongly accepted erasure would close is the one kept for such mistakes.
  eraseMyAccount: 'leaver',
  listDataRequests: 'admin',
  getDataRequest: 'admin',
  resolveDataRequest: 'admin',
  logParcel: 'admin',
  listParcels: 'admin',
  getParcel: 'admin',
  linkParcel: 'admin',
  uploadParcelPhoto: 'admin',
  recordParcelShipment: 'admin',
  getParcelReport: 'admin',
  createHelpRequest: 'anonymous',
  listHelpRequests: 'admin',
  getHelpRequest: 'admin',
  replyToHelpRequest: 'admin',
  addHelpRequestNote: 'admin',
  updateHelpRequest: 'admin',
  assistHelpRequest: 'admin',
  claimApplicationByLink: 'applicant',
  listRetributionCoefficients: 'admin',
  saveRetributionCoefficients: 'admin',
  listApplicationBills: 'applicant',
  reissueApplicationBill: 'treasurer',
  requestNewBillCode: 'applicant',
  getPaymentSettings: 'admin',
  savePaymentSettings: 'admin',
  listHeldPayments: 'treasurer',
  getHeldPayment: 'treasurer',
  acceptHeldPayment: 'treasurer',
  closeHeldPayment: 'treasurer',
  listReconciliationDays: 'treasurer',
  importBankStatement: 'treasurer',
  getReconciliationDay: 'treasurer',
  resolveReconciliationLine: 'treasurer',
  closeReconciliationDay: 'treasurer',
  getRevenue: 'head',
  exportRevenueCsv: 'head',
  setRevenueTarget: 'admin',
  getSurveyInvitation: 'anonymous',
  answerSurvey: 'anonymous',
  getSkmReport: 'head',
  getDashboard: 'head',
  exportDashboardCsv: 'head',
  getScreenPlaylist: 'admin',
  addScreenSlide: 'admin',
  updateScreenSlide: 'admin',
  removeScreenSlide: 'admin',
  reorderScreenSlides: 'admin',
  estimateFee: 'anonymous',
  // A bank, not an Izol account: the cases send the SNAP headers themselves.
  snapAccessTokenB2b: 'anonymous',
  snapVaInquiry: 'anonymous',
  snapVaPayment: 'anonymous',
  snapQrisNotify: 'anonymous',
};

const HUGE = 'x'.repeat(100_000);
const MISSING_ID = '6f1c2a4e-9b8d-4c3e-a1f2-0d9e8c7b6a54';
/** A survey token of the right form that names no invitation, and an answer that would be accepted. */
const SURVEY_TOKEN = 't'.repeat(43);
const SURVEY_ANSWER = { requirements: 4, procedure: 3, time: 3, fee: 4, product: 3, competence: 4, behaviour: 4, complaints: 2, facilities: 3 };

const asJson = (payload: unknown): Pick<Req, 'payload' | 'headers'> => ({ payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
const rawBody = (payload: string | Buffer, contentType = 'application/json'): Pick<Req, 'payload' | 'headers'> => ({
  payload,
  headers: { 'content-type': contentType },
});

/** The body-level mistakes every JSON operation must turn away; `valid` is a body that would otherwise be accepted. */
function jsonBodyCases(op: Op, method: Method, url: (f: Fixtures) => string, valid: (f: Fixtures) => Record<string, unknown>): Case[] {
  const c = (
    name: string,
    body: (f: Fixtures) => Pick<Req, 'payload' | 'headers'>,
    status?: number | readonly number[],
    fields?: Record<string, string>,
  ): Case => ({ op, name, send: (f) => ({ method, url: url(f), ...body(f) }), ...(status ? { status } : {}), ...(fields ? { fields } : {}) });
  return [
    c('invalid JSON text', () => rawBody('{"a": '), 400),
    c('JSON with a trailing comma', (f) => rawBody(JSON.stringify(valid(f)).replace(/}$/, ',}')), 400),
    c('an array instead of an object', (f) => asJson([valid(f)]), 400),
    c('a null body', () => rawBody('null'), 400),
    c('a bare JSON string', () => rawBody('"hello"'), 400),
    c('a bare JSON number', () => rawBody('-1e400'), 400),
    c('an empty body declared as JSON', () => rawBody(''), 400),
    c('plain text instead of JSON', () => rawBody('hello', 'text/plain'), 400),
    c('XML instead of JSON', () => rawBody('<request><x>1</x></request>', 'application/xml'), 415),
    c('bytes that are not UTF-8', () => rawBody(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])), 400),
    c('a __proto__ key', (f) => rawBody(JSON.stringify(valid(f)).replace(/^{/, '{"__proto__":{"isAdmin":true},')), 400),
    c('an unknown field', (f) => asJson({ ...valid(f), isAdmin: true }), 400, { isAdmin: 'unknown_field' }),
    c('a 2 MB body', (f) => asJson({ ...valid(f), padding: 'x'.repeat(2_000_000) }), 413),
  ];
}

/** The id-level mistakes for an operation on /applications/:id. */
function idCases(op: Op, method: Method, url: (id: string, f: Fixtures) => string, body?: (f: Fixtures) => Pick<Req, 'payload' | 'headers'>): Case[] {
  const c = (name: string, id: (f: Fixtures) => string, status: number | readonly number[]): Case => ({
    op,
    name: `application id: ${name}`,
    send: (f) => ({ method, url: url(id(f), f), ...(body ? body(f) : {}) }),
    status,
  });
  return [
    c('not a UUID', () => 'abc', 400),
    c('a path traversal', () => '..%2F..%2Fetc%2Fpasswd', 400),
    c('a UUID that does not exist', () => MISSING_ID, 404),
    c('an SQL fragment', () => encodeURIComponent("1' OR '1'='1"), 400),
    c('a UUID with trailing junk', () => `${MISSING_ID}%20OR%201=1`, 400),
    c('a NUL byte', () => '%00', 400),
    c('broken percent-encoding', () => '%E0%A4%A', 400),
    c('100 000 characters', () => HUGE, [400, 404, 414]),
  ];
}

function documentIdCases(
  op: Op,
  method: Method,
  url: (docId: string, f: Fixtures) => string,
  body?: (f: Fixtures) => Pick<Req, 'payload' | 'headers'>,
): Case[] {
  const c = (name: string, id: (f: Fixtures) => string, status: number | readonly number[]): Case => ({
    op,
    name: `document id: ${name}`,
    send: (f) => ({ method, url: url(id(f), f), ...(body ? body(f) : {}) }),
    status,
  });
  return [
    c('not a UUID', () => 'abc', 400),
    c('a path traversal', () => '..%2F..%2Fetc%2Fpasswd', 400),
    c('a UUID that does not exist', () => MISSING_ID, 404),
    c('the id of another application’s document', (f) => (op === 'downloadDocument' ? f.verificationDocId : f.draftDocId), 404),
    c('broken percent-encoding', () => '%E0%A4%A', 400),
    c('100 000 characters', () => HUGE, [400, 404, 414]),
  ];
}

/** The id-level mistakes for an operation on /permits/:id. */
function permitIdCases(op: Op, method: Method, url: (id: string, f: Fixtures) => string, body?: (f: Fixtures) => Pick<Req, 'payload' | 'headers'>): Case[] {
  const c = (name: string, id: (f: Fixtures) => string, status: number | readonly number[]): Case => ({
    op,
    name: `permit id: ${name}`,
    send: (f) => ({ method, url: url(id(f), f), ...(body ? body(f) : {}) }),
    status,
  });
  return [
    c('not a UUID', () => 'abc', 400),
    c('a path traversal', () => '..%2F..%2Fetc%2Fpasswd', 400),
    c('a UUID that does not exist', () => MISSING_ID, 404),
    c('the id of the application instead of its permit', (f) => f.permitAppId, 404),
    c('an SQL fragment', () => encodeURIComponent("1' OR '1'='1"), 400),
    c('a UUID with trailing junk', () => `${MISSING_ID}%20OR%201=1`, 400),
    c('a NUL byte', () => '%00', 400),
    c('broken percent-encoding', () => '%E0%A4%A', 400),
    c('100 000 characters', () => HUGE, [400, 404, 414]),
  ];
}

function multipart(parts: string, boundary = 'izolboundary'): Pick<Req, 'payload' | 'headers'> {
  return rawBody(parts, `multipart/form-data; boundary=${boundary}`);
}
const filePart = (name: string, fileName: string | null, content: string) =>
  `--izolboundary\r\nContent-Disposition: form-data; name="${name}"${fileName === null ? '' : `; filename="${fileName}"`}\r\nContent-Type: application/pdf\r\n\r\n${content}\r\n`;
const pdfUpload = () => {
  const m = multipartFile('ktp.pdf', DEMO_PDF, 'application/pdf');
  return { payload: m.payload, headers: m.headers };
};

const app = (id: string) => `/api/v1/applications/${id}`;
const permitUrl = (id: string) => `/api/v1/permits/${id}`;
const REGISTRY_URL = {
  searchRegistry: '/api/v1/registry',
  exportRegistryJson: '/api/v1/registry/export.json',
  exportRegistryCsv: '/api/v1/registry/export.csv',
} as const;
const TRANSPARENCY_URL = {
  getTransparency: '/api/v1/transparency',
  exportTransparencyJson: '/api/v1/transparency/export.json',
  exportTransparencyCsv: '/api/v1/transparency/export.csv',
} as const;

/** A booking the appointment cases would otherwise make: Monday 23 November 2026, 08:00 in Malang. */
const APPOINTMENT = { service: 'KONSULTASI', start: '2026-11-23T01:00:00.000Z', name: 'Siti Rahayu', whatsapp: '0812 3456 7890', permitTypeCode: 'PBG' };

/** A payment settings save that would be accepted (the cases spoil one thing in it). */
const PAYMENT_SETTINGS = {
  adapter: 'snap',
  partnerServiceId: '88899',
  billExpiryDays: 7,
  legalBasis: 'Peraturan Daerah Kota Malang tentang Retribusi PBG',
  qrisMerchant: null,
  snapClientId: 'BANK-MALFORMED-01',
  snapBankPublicKey: null,
  snapSignatureEncoding: 'base64',
};

/** The fee estimate's worked example (test/integration/fees-estimate.test.ts), with `over` replacing answers. */
const estimate = (over: Record<string, string>) => new URLSearchParams({ permitType: 'PBG', ...WORKED_EXAMPLE_FORM, ...over }).toString();

const SNAP_PARTNER = '88899';
/** A bill for the SNAP cases that need a body before the fixtures exist (the unsigned ones: the body is refused before it is read). */
const FAKE_BILL: SnapBill = { customer_no: '2026000001', number: 'MLG-SKRD-2026-000001', amount: 150_000 };
const SNAP_SERVICES = [
  { op: 'snapAccessTokenB2b', path: SNAP_PATHS.accessToken, valid: (_b: SnapBill) => ({ grantType: 'client_credentials' }) },
  {
    op: 'snapVaInquiry',
    path: SNAP_PATHS.vaInquiry,
    valid: (b: SnapBill) => ({
      partnerServiceId: `   ${SNAP_PARTNER}`,
      customerNo: b.customer_no,
      virtualAccountNo: `   ${SNAP_PARTNER}${b.customer_no}`,
      inquiryRequestId: 'INQ-MALFORMED-1',
    }),
  },
  {
    op: 'snapVaPayment',
    path: SNAP_PATHS.vaPayment,
    valid: (b: SnapBill) => ({
      partnerServiceId: `   ${SNAP_PARTNER}`,
      customerNo: b.customer_no,
      virtualAccountNo: `   ${SNAP_PARTNER}${b.customer_no}`,
      paymentRequestId: 'PAY-MALFORMED-1',
      paidAmount: { value: `${b.amount}.00`, currency: 'IDR' },
      referenceNo: 'NTB-MALFORMED-1',
    }),
  },
  {
    op: 'snapQrisNotify',
    path: SNAP_PATHS.qrisNotify,
    valid: (b: SnapBill) => ({
      originalReferenceNo: 'QR-MALFORMED-1',
      latestTransactionStatus: '00',
      amount: { value: `${b.amount}.00`, currency: 'IDR' },
      additionalInfo: { billNumber: b.number },
    }),
  },
] as const satisfies readonly { op: Op; path: string; valid: (b: SnapBill) => Record<string, unknown> }[];
const LONG_ID: Record<Exclude<Op & `snap${string}`, 'snapAccessTokenB2b'>, Record<string, string>> = {
  snapVaInquiry: { inquiryRequestId: 'x'.repeat(200) },
  snapVaPayment: { paymentRequestId: 'x'.repeat(200) },
  snapQrisNotify: { originalReferenceNo: 'x'.repeat(200) },
};
const NUMBER_FIELD: Record<keyof typeof LONG_ID, Record<string, number>> = {
  snapVaInquiry: { customerNo: 2026000001 },
  snapVaPayment: { customerNo: 2026000001 },
  snapQrisNotify: { originalReferenceNo: 12345 },
};

/** A body each money POST would otherwise accept, for its unknown-query-parameter case. */
const QUERY_CASE_BODY: Partial<Record<Op, Record<string, unknown>>> = {
  reissueApplicationBill: { reason: 'Kode bayar hilang' },
  acceptHeldPayment: { note: 'Catatan bendahara' },
  closeHeldPayment: { note: 'Catatan bendahara' },
  importBankStatement: { format: 'csv', content: 'tanggal;referensi;va;jumlah' },
  resolveReconciliationLine: { note: 'Catatan bendahara' },
};

const CASES: Case[] = [
  // ── listPermitTypes ────────────────────────────────────────────────────────────────────────────
  {
    op: 'listPermitTypes',
    name: 'a 100 000-character search',
    send: () => ({ method: 'GET', url: `/api/v1/permit-types?q=${HUGE}` }),
    status: 400,
    fields: { 'querystring.q': 'too_long' },
  },
  {
    op: 'listPermitTypes',
    name: 'an unknown query parameter',
    send: () => ({ method: 'GET', url: '/api/v1/permit-types?enabled=false' }),
    status: 400,
    fields: { 'querystring.enabled': 'unknown_field' },
  },
  { op: 'listPermitTypes', name: 'the search given twice (an array)', send: () => ({ method: 'GET', url: '/api/v1/permit-types?q=a&q=b' }), status: 400 },
  { op: 'listPermitTypes', name: 'a __proto__ query parameter', send: () => ({ method: 'GET', url: '/api/v1/permit-types?__proto__[x]=1' }), status: 400 },
  { op: 'listPermitTypes', name: 'a NaN page the list does not take', send: () => ({ method: 'GET', url: '/api/v1/permit-types?q=a&page=NaN' }), status: 400 },

  // ── getPermitType ──────────────────────────────────────────────────────────────────────────────
  { op: 'getPermitType', name: 'a path traversal code', send: () => ({ method: 'GET', url: '/api/v1/permit-types/..%2F..%2Fetc%2Fpasswd' }), status: 400 },
  { op: 'getPermitType', name: 'a one-letter code', send: () => ({ method: 'GET', url: '/api/v1/permit-types/A' }), status: 400 },
  { op: 'getPermitType', name: 'a code that does not exist', send: () => ({ method: 'GET', url: '/api/v1/permit-types/ZZZZ' }), status: 404 },
  {
    op: 'getPermitType',
    name: 'an SQL fragment',
    send: () => ({ method: 'GET', url: `/api/v1/permit-types/${encodeURIComponent("PBG' OR '1'='1")}` }),
    status: 400,
  },
  { op: 'getPermitType', name: 'a NUL byte', send: () => ({ method: 'GET', url: '/api/v1/permit-types/PBG%00' }), status: 400 },
  { op: 'getPermitType', name: 'broken percent-encoding', send: () => ({ method: 'GET', url: '/api/v1/permit-types/%E0%A4%A' }), status: 400 },
  { op: 'getPermitType', name: 'a 100 000-character code', send: () => ({ method: 'GET', url: `/api/v1/permit-types/${HUGE}` }), status: [400, 404, 414] },
  { op: 'getPermitType', name: 'a blank code', send: () => ({ method: 'GET', url: '/api/v1/permit-types/%20' }), status: 400 },

  // ── registerApplicant ──────────────────────────────────────────────────────────────────────────
  ...jsonBodyCases(
    'registerApplicant',
    'POST',
    () => '/api/v1/auth/register',
    () => registration(),
  ),
  ...((): Case[] => {
    const reg = (name: string, patch: Record<string, unknown>, status: number, fields?: Record<string, string>): Case => ({
      op: 'registerApplicant',
      name,
      send: () => ({ method: 'POST', url: '/api/v1/auth/register', ...asJson({ ...registration(), ...patch }) }),
      status,
      ...(fields ? { fields } : {}),
    });
    return [
      {
        op: 'registerApplicant',
        name: 'no fields at all',
        send: () => ({ method: 'POST', url: '/api/v1/auth/register', ...asJson({}) }),
        status: 400,
        fields: { name: 'required', nik: 'required', password: 'required', consent: 'required' },
      },
      reg('the NIK as a number', { nik: 3573014506900002 }, 400, { nik: 'invalid_value' }),
      reg('the NIK as a NaN-like string', { nik: 'NaN' }, 400, { nik: 'invalid_nik' }),
      reg('a negative NIK', { nik: '-357301450690000' }, 400, { nik: 'invalid_nik' }),
      reg('consent as the string "yes"', { consent: 'yes' }, 400, { consent: 'invalid_value' }),
      reg('consent refused', { consent: false }, 400, { consent: 'required' }),
      reg('a 100 000-character name', { name: HUGE }, 400, { name: 'too_long' }),
      reg('a blank name', { name: '   ' }, 400, { name: 'required' }),
      reg('a 100 000-character password', { password: HUGE }, 400, { password: 'too_long' }),
      reg('a 100 000-character email', { email: HUGE }, 400, { email: 'too_long' }),
      reg('an email that is not one', { email: 'bukan-email' }, 400, { email: 'invalid_email' }),
      reg('a NaN-like phone number', { email: undefined, phone: 'NaN' }, 400, { phone: 'invalid_phone' }),
      reg('a role smuggled in', { role: 'admin' }, 400, { role: 'unknown_field' }),
      reg('a tenant smuggled in', { tenantId: MISSING_ID }, 400, { tenantId: 'unknown_field' }),
      reg('a NUL character in the name', { name: 'Sari\u0000Rahayu' }, 400),
      reg('a NIK whose region does not exist (35.99)', { nik: '3599014506900002' }, 400, { nik: 'nik_region' }),
      reg('a NIK whose birth date cannot be (month 13)', { nik: '3573014513900002' }, 400, { nik: 'nik_birth_date' }),
      reg('an identity kind that is not one', { identityKind: 'visa' }, 400, { identityKind: 'invalid_value' }),
      reg(
        'a foreign resident without a passport number',
        { identityKind: 'kitas', nik: undefined, stayPermitNumber: '2C21JE0123456', nationality: 'Belanda' },
        400,
      ),
      reg(
        'a 100 000-character passport number',
        { identityKind: 'kitas', nik: undefined, passportNumber: HUGE, stayPermitNumber: '2C21JE0123456', nationality: 'Belanda' },
        400,
        {
          passportNumber: 'too_long',
        },
      ),
      reg('a message language that is not offered', { language: 'fr' }, 400, { language: 'invalid_value' }),
    ];
  })(),

  // ── login ──────────────────────────────────────────────────────────────────────────────────────
  ...jsonBodyCases(
    'login',
    'POST',
    () => '/api/v1/auth/login',
    (f) => ({ login: f.leaver.email, password: f.leaver.password }),
  ),
  {
    op: 'login',
    name: 'no fields at all',
    send: () => ({ method: 'POST', url: '/api/v1/auth/login', ...asJson({}) }),
    status: 400,
    fields: { login: 'required', password: 'required' },
  },
  {
    op: 'login',
    name: 'the login as a number',
    send: () => ({ method: 'POST', url: '/api/v1/auth/login', ...asJson({ login: 81234567890, password: 'x' }) }),
    status: 400,
    fields: { login: 'invalid_value' },
  },
  {
    op: 'login',
    name: 'the login as an array',
    send: (f) => ({ method: 'POST', url: '/api/v1/auth/login', ...asJson({ login: [f.leaver.email], password: f.leaver.password }) }),
    status: 400,
  },
  {
    op: 'login',
    name: 'a 100 000-character login',
    send: () => ({ method: 'POST', url: '/api/v1/auth/login', ...asJson({ login: HUGE, password: 'x' }) }),
    status: 400,
    fields: { login: 'too_long' },
  },
  {
    op: 'login',
    name: 'a 100 000-character password',
    send: (f) => ({ method: 'POST', url: '/api/v1/auth/login', ...asJson({ login: f.leaver.email, password: HUGE }) }),
    status: 400,
    fields: { password: 'too_long' },
  },
  {
    op: 'login',
    name: 'an empty password',
    send: (f) => ({ method: 'POST', url: '/api/v1/auth/login', ...asJson({ login: f.leaver.email, password: '' }) }),
    status: 400,
    fields: { password: 'required' },
  },
  {
    op: 'login',
    name: 'a NUL character in the login',
    send: () => ({ method: 'POST', url: '/api/v1/auth/login', ...asJson({ login: 'sari\u0000@contoh.id', password: 'teh manis hangat' }) }),
    status: [400, 401],
  },
  {
    op: 'login',
    name: 'NaN-like credentials',
    send: () => ({ method: 'POST', url: '/api/v1/auth/login', ...asJson({ login: 'NaN', password: 'NaN' }) }),
    status: 401,
  },

  // ── logout (no body; the token is what counts) ─────────────────────────────────────────────────
  { op: 'logout', name: 'no token', who: 'anonymous', send: () => ({ method: 'POST', url: '/api/v1/auth/logout' }), status: 401 },
  {
    op: 'logout',
    name: 'a 100 000-character token',
    who: 'anonymous',
    send: () => ({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: `Bearer ${HUGE}` } }),
    status: 401,
  },
  {
    op: 'logout',
    name: 'a path traversal as token',
    who: 'anonymous',
    send: () => ({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: 'Bearer ../../../../etc/passwd' } }),
    status: 401,
  },
  {
    op: 'logout',
    name: 'a token with junk after it',
    who: 'anonymous',
    send: (f) => ({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: `Bearer ${f.leaver.token} x` } }),
    status: 401,
  },
  { op: 'logout', name: 'invalid JSON text', send: () => ({ method: 'POST', url: '/api/v1/auth/logout', ...rawBody('{"a": ') }), status: 400 },
  { op: 'logout', name: 'XML', send: () => ({ method: 'POST', url: '/api/v1/auth/logout', ...rawBody('<a/>', 'application/xml') }), status: 415 },
  {
    op: 'logout',
    name: 'a 2 MB body',
    send: () => ({ method: 'POST', url: '/api/v1/auth/logout', ...asJson({ padding: 'x'.repeat(2_000_000) }) }),
    status: 413,
  },

  // ── getCurrentUser ─────────────────────────────────────────────────────────────────────────────
  ...(
    [
      ['no token', {}],
      ['the word Bearer alone', { authorization: 'Bearer' }],
      ['a 100 000-character token', { authorization: `Bearer ${HUGE}` }],
      ['a path traversal as token', { authorization: 'Bearer ../../../../etc/passwd' }],
      ['an SQL fragment as token', { authorization: "Bearer ' OR '1'='1" }],
      ['Basic credentials', { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` }],
      ['two tokens', { authorization: 'Bearer aaaaaaaaaaaaaaaaaaaaaaaa, Bearer bbbbbbbbbbbbbbbbbbbbbbbb' }],
    ] as const
  ).map(([name, headers]): Case => ({
    op: 'getCurrentUser',
    name,
    who: 'anonymous',
    send: () => ({ method: 'GET', url: '/api/v1/me', headers: { ...headers } }),
    status: 401,
  })),

  // ── createApplication ──────────────────────────────────────────────────────────────────────────
  ...jsonBodyCases(
    'createApplication',
    'POST',
    () => '/api/v1/applications',
    () => ({ permitTypeCode: 'PBG' }),
  ),
  ...((): Case[] => {
    const create = (
      name: string,
      body: Record<string, unknown>,
      status: number,
      fields?: Record<string, string>,
      headers: Record<string, string> = {},
    ): Case => ({
      op: 'createApplication',
      name,
      send: () => ({ method: 'POST', url: '/api/v1/applications', ...asJson(body), headers: { 'content-type': 'application/json', ...headers } }),
      status,
      ...(fields ? { fields } : {}),
    });
    return [
      create('no permit type', {}, 400, { permitTypeCode: 'required' }),
      create('the permit type as a number', { permitTypeCode: 42 }, 400, { permitTypeCode: 'invalid_value' }),
      create('the permit type as null', { permitTypeCode: null }, 400),
      create('a path traversal permit type', { permitTypeCode: '../../etc/passwd' }, 400, { permitTypeCode: 'invalid_value' }),
      create('a 100 000-character permit type', { permitTypeCode: HUGE }, 400),
      create('a permit type that does not exist', { permitTypeCode: 'ZZZZ' }, 404),
      create('an unknown channel', { permitTypeCode: 'PBG', channel: 'teleport' }, 400, { channel: 'invalid_value' }),
      create('a 100 000-character applicant name', { permitTypeCode: 'PBG', applicantName: HUGE }, 400, { applicantName: 'too_long' }),
      create('a 100 000-character channel detail', { permitTypeCode: 'PBG', channelDetail: HUGE }, 400, { channelDetail: 'too_long' }),
      create('answers as a string', { permitTypeCode: 'PBG', answers: 'floorArea=100' }, 400, { answers: 'invalid_value' }),
      create('answers as an array', { permitTypeCode: 'PBG', answers: [100, 2] }, 400, { answers: 'invalid_value' }),
      create('an answer that is an object', { permitTypeCode: 'PBG', answers: { floorArea: { $gt: 0 } } }, 400),
      create('a 100 000-character answer', { permitTypeCode: 'PBG', answers: { landTitleNumber: HUGE } }, 400, { 'answers.landTitleNumber': 'too_long' }),
      create('an answer key of 100 000 characters', { permitTypeCode: 'PBG', answers: { [HUGE]: 1 } }, 400),
      create('61 answers', { permitTypeCode: 'PBG', answers: Object.fromEntries(Array.from({ length: 61 }, (_, i) => [`f${i}`, i])) }, 400),
      create('an answer for a field the form does not have', { permitTypeCode: 'PBG', answers: { isApproved: true } }, 422, {
        'answers.isApproved': 'unknown_field',
      }),
      create('a NaN-like floor area', { permitTypeCode: 'PBG', answers: { floorArea: 'NaN' } }, 422),
      create('an Infinity-like floor area', { permitTypeCode: 'PBG', answers: { floorArea: 'Infinity' } }, 422),
      create('a huge floor area', { permitTypeCode: 'PBG', answers: { floorArea: 1e308 } }, 422),
      create('a negative floor area', { permitTypeCode: 'PBG', answers: { floorArea: -120 } }, 422),
      create('a fractional floor count', { permitTypeCode: 'PBG', answers: { floorCount: 1.5 } }, 422),
      create('a path traversal Idempotency-Key', { permitTypeCode: 'PBG' }, 400, undefined, { 'idempotency-key': '../../../etc/passwd' }),
      create('a 100 000-character Idempotency-Key', { permitTypeCode: 'PBG' }, 400, undefined, { 'idempotency-key': HUGE }),
    ];
  })(),

  // ── updateApplication ──────────────────────────────────────────────────────────────────────────
  ...jsonBodyCases(
    'updateApplication',
    'PATCH',
    (f) => app(f.draftId),
    () => ({ answers: { floorCount: 5 } }),
  ),
  ...idCases(
    'updateApplication',
    'PATCH',
    (id) => app(id),
    () => asJson({ answers: { floorCount: 5 } }),
  ),
  ...((): Case[] => {
    const patch = (name: string, body: Record<string, unknown>, status: number, fields?: Record<string, string>): Case => ({
      op: 'updateApplication',
      name,
      send: (f) => ({ method: 'PATCH', url: app(f.draftId), ...asJson(body) }),
      status,
      ...(fields ? { fields } : {}),
    });
    return [
      patch('no answers', {}, 400, { answers: 'required' }),
      patch('answers as null', { answers: null }, 400),
      patch('answers as an array', { answers: [] }, 400, { answers: 'invalid_value' }),
      patch('an answer that is an object', { answers: { floorCount: { n: 5 } } }, 400),
      patch('a 100 000-character answer', { answers: { buildingAddress: HUGE } }, 400, { 'answers.buildingAddress': 'too_long' }),
      patch('a negative revision', { answers: { floorCount: 5 }, revision: -1 }, 400, { revision: 'too_small' }),
      patch('a fractional revision', { answers: { floorCount: 5 }, revision: 1.5 }, 400),
      patch('the revision as a string', { answers: { floorCount: 5 }, revision: '0' }, 400, { revision: 'invalid_value' }),
      patch('a revision that is not the current one', { answers: { floorCount: 5 }, revision: 999_999 }, 409),
      patch('an answer for a field the form does not have', { answers: { feeAmount: 0 } }, 422, { 'answers.feeAmount': 'unknown_field' }),
      patch('a NaN-like floor area', { answers: { floorArea: 'NaN' } }, 422),
      patch('a huge floor area', { answers: { floorArea: 1e308 } }, 422),
      patch('a negative floor count', { answers: { floorCount: -2 } }, 422),
      patch('an officer field next to the answers', { answers: {}, state: 'issued' }, 400, { state: 'unknown_field' }),
    ];
  })(),
  {
    op: 'updateApplication',
    name: 'an Infinity revision (1e400)',
    send: (f) => ({ method: 'PATCH', url: app(f.draftId), ...rawBody('{"answers":{"floorCount":5},"revision":1e400}') }),
    status: 400,
  },

  // ── uploadDocument ─────────────────────────────────────────────────────────────────────────────
  ...idCases('uploadDocument', 'PUT', (id) => `${app(id)}/documents/ktp`, pdfUpload),
  ...((): Case[] => {
    const up = (name: string, body: () => Pick<Req, 'payload' | 'headers'>, status: number | readonly number[], requirement = 'ktp'): Case => ({
      op: 'uploadDocument',
      name,
      send: (f) => ({ method: 'PUT', url: `${app(f.draftId)}/documents/${requirement}`, ...body() }),
      status,
    });
    return [
      up('JSON instead of multipart', () => asJson({ file: 'JVBERi0xLjQK' }), 400),
      up('plain text instead of multipart', () => rawBody('%PDF-1.4', 'text/plain'), [400, 415]),
      up('no body at all', () => ({}), [400, 415]),
      up('multipart without a boundary', () => rawBody('garbage', 'multipart/form-data'), 400),
      up('a multipart body that is not multipart', () => multipart('garbage that is not multipart'), 400),
      up(
        'a multipart body cut off in the middle of the file',
        () =>
          multipart(
            `--izolboundary\r\nContent-Disposition: form-data; name="file"; filename="ktp.pdf"\r\nContent-Type: application/pdf\r\n\r\n${DEMO_PDF.toString('latin1')}`,
          ),
        400,
      ),
      up('a multipart body with no parts', () => multipart('--izolboundary--\r\n'), 400),
      up('the file in a field not named "file"', () => multipart(`${filePart('document', 'ktp.pdf', '%PDF-1.4')}--izolboundary--\r\n`), 400),
      up('a "file" part without a file name', () => multipart(`${filePart('file', null, '%PDF-1.4')}--izolboundary--\r\n`), 400),
      up(
        'a file name that climbs directories',
        () => multipart(`${filePart('file', '../../../../etc/passwd', 'root:x:0:0:root:/root:/bin/bash')}--izolboundary--\r\n`),
        415,
      ),
      up('a 100 000-character file name', () => multipart(`${filePart('file', `${HUGE}.pdf`, 'not a pdf')}--izolboundary--\r\n`), [400, 415]),
      up(
        'an empty file',
        () => {
          const m = multipartFile('ktp.pdf', Buffer.alloc(0), 'application/pdf');
          return { payload: m.payload, headers: m.headers };
        },
        415,
      ),
      up(
        'a file larger than the requirement allows',
        () => {
          const m = multipartFile('ktp.pdf', Buffer.concat([DEMO_PDF, Buffer.alloc(2 * 1024 * 1024 + 1)]), 'application/pdf');
          return { payload: m.payload, headers: m.headers };
        },
        413,
      ),
      up('a requirement that does not exist', pdfUpload, 404, 'no_such_document'),
      up('a requirement code that climbs directories', pdfUpload, 400, '..%2F..%2Fetc%2Fpasswd'),
      up('a 100 000-character requirement code', pdfUpload, [400, 404, 414], HUGE),
    ];
  })(),

  // ── downloadDocument ───────────────────────────────────────────────────────────────────────────
  ...idCases('downloadDocument', 'GET', (id, f) => `${app(id)}/documents/${f.draftDocId}`),
  ...documentIdCases('downloadDocument', 'GET', (docId, f) => `${app(f.draftId)}/documents/${docId}`),
  {
    op: 'downloadDocument',
    name: 'an unknown query parameter with a traversal',
    send: (f) => ({ method: 'GET', url: `${app(f.draftId)}/documents/${f.draftDocId}%2F..%2F..%2Fetc%2Fpasswd` }),
    status: 400,
  },

  // ── reviewDocument ─────────────────────────────────────────────────────────────────────────────
  ...jsonBodyCases(
    'reviewDocument',
    'POST',
    (f) => `${app(f.verificationId)}/documents/${f.verificationDocId}/review`,
    () => ({ status: 'accepted' }),
  ),
  ...idCases(
    'reviewDocument',
    'POST',
    (id, f) => `${app(id)}/documents/${f.verificationDocId}/review`,
    () => asJson({ status: 'accepted' }),
  ),
  ...documentIdCases(
    'reviewDocument',
    'POST',
    (docId, f) => `${app(f.verificationId)}/documents/${docId}/review`,
    () => asJson({ status: 'accepted' }),
  ),
  ...((): Case[] => {
    const review = (name: string, body: Record<string, unknown>, status: number, fields?: Record<string, string>): Case => ({
      op: 'reviewDocument',
      name,
      send: (f) => ({ method: 'POST', url: `${app(f.verificationId)}/documents/${f.verificationDocId}/review`, ...asJson(body) }),
      status,
      ...(fields ? { fields } : {}),
    });
    return [
      review('no status', {}, 400, { status: 'required' }),
      review('an unknown status', { status: 'approved_by_me' }, 400, { status: 'invalid_value' }),
      review('the status as a number', { status: 1 }, 400, { status: 'invalid_value' }),
      review('a refusal without a reason', { status: 'refused' }, 400, { reason: 'required' }),
      review('a refusal with a blank reason', { status: 'refused', reason: '    ' }, 400, { reason: 'required' }),
      review('a 100 000-character reason', { status: 'refused', reason: HUGE }, 400, { reason: 'too_long' }),
      review('the reason as a number', { status: 'refused', reason: 404 }, 400, { reason: 'invalid_value' }),
    ];
  })(),

  // ── recordInspection ───────────────────────────────────────────────────────────────────────────
  ...jsonBodyCases(
    'recordInspection',
    'POST',
    (f) => `${app(f.technicalId)}/inspection`,
    () => ({ result: 'pass', findings: 'Sesuai gambar' }),
  ),
  ...idCases(
    'recordInspection',
    'POST',
    (id) => `${app(id)}/inspection`,
    () => asJson({ result: 'pass', findings: 'Sesuai gambar' }),
  ),
  ...((): Case[] => {
    const insp = (name: string, body: Record<string, unknown>, status: number, fields?: Record<string, string>): Case => ({
      op: 'recordInspection',
      name,
      send: (f) => ({ method: 'POST', url: `${app(f.technicalId)}/inspection`, ...asJson(body) }),
      status,
      ...(fields ? { fields } : {}),
    });
    return [
      insp('no fields', {}, 400, { result: 'required', findings: 'required' }),
      insp('an unknown result', { result: 'ok', findings: 'Sesuai' }, 400, { result: 'invalid_value' }),
      insp('the result as a boolean', { result: true, findings: 'Sesuai' }, 400, { result: 'invalid_value' }),
      insp('blank findings', { result: 'pass', findings: '     ' }, 400, { findings: 'required' }),
      insp('100 000-character findings', { result: 'pass', findings: HUGE }, 400, { findings: 'too_long' }),
      insp('the findings as a number', { result: 'pass', findings: 12 }, 400, { findings: 'invalid_value' }),
      insp('the inspection date smuggled in', { result: 'pass', findings: 'Sesuai', recordedAt: '1999-01-01' }, 400, { recordedAt: 'unknown_field' }),
    ];
  })(),

  // ── submitApplication (no body) ────────────────────────────────────────────────────────────────
  ...idCases('submitApplication', 'POST', (id) => `${app(id)}/submit`),
  {
    op: 'submitApplication',
    name: 'invalid JSON text',
    send: (f) => ({ method: 'POST', url: `${app(f.bareDraftId)}/submit`, ...rawBody('{"a": ') }),
    status: 400,
  },
  {
    op: 'submitApplication',
    name: 'XML',
    send: (f) => ({ method: 'POST', url: `${app(f.bareDraftId)}/submit`, ...rawBody('<submit/>', 'application/xml') }),
    status: 415,
  },
  {
    op: 'submitApplication',
    name: 'a __proto__ key',
    send: (f) => ({ method: 'POST', url: `${app(f.bareDraftId)}/submit`, ...rawBody('{"__proto__":{"state":"issued"}}') }),
    status: 400,
  },
  {
    op: 'submitApplication',
    name: 'a 2 MB body',
    send: (f) => ({ method: 'POST', url: `${app(f.bareDraftId)}/submit`, ...asJson({ padding: 'x'.repeat(2_000_000) }) }),
    status: 413,
  },

  // ── withdrawApplication ────────────────────────────────────────────────────────────────────────
  ...jsonBodyCases(
    'withdrawApplication',
    'POST',
    (f) => `${app(f.draftId)}/withdraw`,
    () => ({ reason: 'Tidak jadi' }),
  ),
  ...idCases(
    'withdrawApplication',
    'POST',
    (id) => `${app(id)}/withdraw`,
    () => asJson({}),
  ),
  {
    op: 'withdrawApplication',
    name: 'a 100 000-character reason',
    send: (f) => ({ method: 'POST', url: `${app(f.draftId)}/withdraw`, ...asJson({ reason: HUGE }) }),
    status: 400,
    fields: { reason: 'too_long' },
  },
  {
    op: 'withdrawApplication',
    name: 'the reason as a number',
    send: (f) => ({ method: 'POST', url: `${app(f.draftId)}/withdraw`, ...asJson({ reason: 1 }) }),
    status: 400,
    fields: { reason: 'invalid_value' },
  },
  {
    op: 'withdrawApplication',
    name: 'a NUL character in the reason',
    send: (f) => ({ method: 'POST', url: `${app(f.spareDraftId)}/withdraw`, ...asJson({ reason: 'Tidak jadi\u0000' }) }),
    status: 400,
  },
  {
    op: 'withdrawApplication',
    name: 'the reason as null',
    send: (f) => ({ method: 'POST', url: `${app(f.draftId)}/withdraw`, ...asJson({ reason: null }) }),
    status: 400,
  },

  // ── getApplication ─────────────────────────────────────────────────────────────────────────────
  ...idCases('getApplication', 'GET', (id) => app(id)),
  {
    op: 'getApplication',
    name: 'a trailing path traversal',
    send: (f) => ({ method: 'GET', url: `${app(f.draftId)}%2F..%2F..%2F..%2Fetc%2Fpasswd` }),
    status: 400,
  },

  // ── listApplications ───────────────────────────────────────────────────────────────────────────
  ...(
    [
      ['a NaN page', 'page=NaN', { 'querystring.page': 'invalid_value' }],
      ['a negative page', 'page=-1', { 'querystring.page': 'too_small' }],
      ['page zero', 'page=0', { 'querystring.page': 'too_small' }],
      ['a fractional page', 'page=1.5', undefined],
      ['an Infinity page (1e400)', 'page=1e400', undefined],
      ['a page beyond any number', `page=${'9'.repeat(400)}`, undefined],
      ['a page size of zero', 'pageSize=0', { 'querystring.pageSize': 'too_small' }],
      ['a page size of a million', 'pageSize=1000000', { 'querystring.pageSize': 'too_big' }],
      ['a page size that is a word', 'pageSize=all', { 'querystring.pageSize': 'invalid_value' }],
      ['an SQL fragment as state', `state=${encodeURIComponent("draft' OR '1'='1")}`, { 'querystring.state': 'invalid_value' }],
      ['a 100 000-character state', `state=${HUGE}`, undefined],
      ['a path traversal permit type', `permitType=${encodeURIComponent('../../etc/passwd')}`, { 'querystring.permitType': 'invalid_value' }],
      ['an unknown channel', 'channel=teleport', { 'querystring.channel': 'invalid_value' }],
      ['a 100 000-character search', `q=${HUGE}`, { 'querystring.q': 'too_long' }],
      ['a NUL character in the search', 'q=Sari%00', undefined],
      ['an unknown parameter', 'applicantId=someone-else', { 'querystring.applicantId': 'unknown_field' }],
      ['the state given twice (an array)', 'state=draft&state=issued', undefined],
      ['a __proto__ parameter', '__proto__[applicantId]=x', undefined],
    ] as const
  ).map(([name, query, fields]): Case => ({
    op: 'listApplications',
    name,
    send: () => ({ method: 'GET', url: `/api/v1/applications?${query}` }),
    status: 400,
    ...(fields ? { fields: { ...fields } } : {}),
  })),

  // ── listWorkQueue ──────────────────────────────────────────────────────────────────────────────
  ...(
    [
      ['a NaN page', 'page=NaN', { 'querystring.page': 'invalid_value' }],
      ['page zero', 'page=0', { 'querystring.page': 'too_small' }],
      ['a page beyond any number', `page=${'9'.repeat(400)}`, undefined],
      ['a page size of a million', 'pageSize=1000000', { 'querystring.pageSize': 'too_big' }],
      ['an SQL fragment as state', `state=${encodeURIComponent("draft' OR '1'='1")}`, { 'querystring.state': 'invalid_value' }],
      ['a path traversal permit type', `permitType=${encodeURIComponent('../../etc/passwd')}`, { 'querystring.permitType': 'invalid_value' }],
      ['an unknown channel', 'channel=teleport', { 'querystring.channel': 'invalid_value' }],
      ['an unknown SLA status', 'sla=late', { 'querystring.sla': 'invalid_value' }],
      ['"mine" as a word', 'mine=yes', { 'querystring.mine': 'invalid_value' }],
      ['a 100 000-character search', `q=${HUGE}`, { 'querystring.q': 'too_long' }],
      ['a NUL character in the search', 'q=Sari%00', undefined],
      ['an unknown parameter', 'role=head', { 'querystring.role': 'unknown_field' }],
      ['the SLA status given twice (an array)', 'sla=overdue&sla=paused', undefined],
    ] as const
  ).map(([name, query, fields]): Case => ({
    op: 'listWorkQueue',
    name,
    send: () => ({ method: 'GET', url: `/api/v1/work-queue?${query}` }),
    status: 400,
    ...(fields ? { fields: { ...fields } } : {}),
  })),

  // ── performApplicationAction ───────────────────────────────────────────────────────────────────
  ...jsonBodyCases(
    'performApplicationAction',
    'POST',
    (f) => `${app(f.draftId)}/actions`,
    () => ({ action: 'submit' }),
  ),
  ...idCases(
    'performApplicationAction',
    'POST',
    (id) => `${app(id)}/actions`,
    () => asJson({ action: 'submit' }),
  ),
  ...((): Case[] => {
    const act = (name: string, body: Record<string, unknown>, status: number, fields?: Record<string, string>): Case => ({
      op: 'performApplicationAction',
      name,
      send: (f) => ({ method: 'POST', url: `${app(f.draftId)}/actions`, ...asJson(body) }),
      status,
      ...(fields ? { fields } : {}),
    });
    return [
      act('no action', {}, 400, { action: 'required' }),
      act('the action as a number', { action: 42 }, 400, { action: 'invalid_value' }),
      act('a path traversal action', { action: '../../etc/passwd' }, 400, { action: 'invalid_value' }),
      act('a 100 000-character action', { action: HUGE }, 400),
      act('an action the workflow does not have', { action: 'approve_myself' }, 400, { action: 'unknown_action' }),
      act('a negative fee', { action: 'submit', feeAmount: -1 }, 400, { feeAmount: 'too_small' }),
      act('a fractional fee', { action: 'submit', feeAmount: 0.5 }, 400),
      act('a NaN-like fee', { action: 'submit', feeAmount: 'NaN' }, 400, { feeAmount: 'invalid_value' }),
      act('a fee in exponent notation as a string', { action: 'submit', feeAmount: '1e3' }, 400, { feeAmount: 'invalid_value' }),
      act('a fee above any real amount', { action: 'submit', feeAmount: 1e13 + 1 }, 400, { feeAmount: 'too_big' }),
      act('a 100 000-character reason', { action: 'submit', reason: HUGE }, 400, { reason: 'too_long' }),
      act('the reason as an object', { action: 'submit', reason: { text: 'x' } }, 400, { reason: 'invalid_value' }),
      act('a 100 000-character payment reference', { action: 'submit', paymentReference: HUGE }, 400, { paymentReference: 'too_long' }),
      act('the target state smuggled in', { action: 'submit', to: 'issued' }, 400, { to: 'unknown_field' }),
    ];
  })(),
  {
    op: 'performApplicationAction',
    name: 'an Infinity fee (1e400)',
    send: (f) => ({ method: 'POST', url: `${app(f.draftId)}/actions`, ...rawBody('{"action":"submit","feeAmount":1e400}') }),
    status: 400,
    fields: { feeAmount: 'invalid_value' },
  },

  // ── claimApplication ───────────────────────────────────────────────────────────────────────────
  ...jsonBodyCases(
    'claimApplication',
    'POST',
    () => '/api/v1/applications/claim',
    (f) => ({ number: f.number, claimCode: 'ABCD2345' }),
  ),
  ...((): Case[] => {
    const claim = (
      name: string,
      body: (f: Fixtures) => Record<string, unknown>,
      status: number | readonly number[],
      fields?: Record<string, string>,
    ): Case => ({
      op: 'claimApplication',
      name,
      send: (f) => ({ method: 'POST', url: '/api/v1/applications/claim', ...asJson(body(f)) }),
      status,
      ...(fields ? { fields } : {}),
    });
    return [
      claim('no fields', () => ({}), 400, { number: 'required', claimCode: 'required' }),
      claim('the code as a number', (f) => ({ number: f.number, claimCode: 12345678 }), 400, { claimCode: 'invalid_value' }),
      claim('a 100 000-character code', (f) => ({ number: f.number, claimCode: HUGE }), 400, { claimCode: 'too_long' }),
      claim('an online application that has no claim code', (f) => ({ number: f.number, claimCode: 'ABCD2345' }), 404),
    ];
  })(),

  // ── case work: notes, assignment, inspection schedule ────────────────────────────────────────────
  ...idCases('listApplicationNotes', 'GET', (id) => `${app(id)}/notes`),
  // ── getFeeAssessment ───────────────────────────────────────────────────────────────────────────
  ...idCases('getFeeAssessment', 'GET', (id) => `${app(id)}/fee`),
  { op: 'getFeeAssessment', name: 'a draft, not filed yet', send: (f) => ({ method: 'GET', url: `${app(f.draftId)}/fee` }), status: 409 },
  {
    op: 'getFeeAssessment',
    name: 'asked by the applicant',
    who: 'applicant',
    send: (f) => ({ method: 'GET', url: `${app(f.verificationId)}/fee` }),
    status: 403,
  },
  {
    op: 'getFeeAssessment',
    name: 'a trailing path traversal',
    send: (f) => ({ method: 'GET', url: `${app(f.verificationId)}%2F..%2F..%2Fetc%2Fpasswd/fee` }),
    status: 400,
  },
  ...jsonBodyCases(
    'addApplicationNote',
    'POST',
    (f) => `${app(f.verificationId)}/notes`,
    () => ({ kind: 'internal', body: 'Catatan' }),
  ),
  {
    op: 'addApplicationNote',
    name: 'an unknown kind',
    send: (f) => ({ method: 'POST', url: `${app(f.verificationId)}/notes`, ...asJson({ kind: 'public', body: 'x' }) }),
    status: 400,
    fields: { kind: 'invalid_value' },
  },
  {
    op: 'addApplicationNote',
    name: 'a blank body',
    send: (f) => ({ method: 'POST', url: `${app(f.verificationId)}/notes`, ...asJson({ kind: 'internal', body: '   ' }) }),
    status: 400,
    fields: { body: 'required' },
  },
  {
    op: 'addApplicationNote',
    name: 'a 100 000-character body',
    send: (f) => ({ method: 'POST', url: `${app(f.verificationId)}/notes`, ...asJson({ kind: 'internal', body: HUGE }) }),
    status: 400,
    fields: { body: 'too_long' },
  },
  ...jsonBodyCases(
    'assignApplication',
    'POST',
    (f) => `${app(f.verificationId)}/assign`,
    (f) => ({ assigneeId: f.verifier.userId }),
  ),
  {
    op: 'assignApplication',
    name: 'an assignee that is not a UUID',
    send: (f) => ({ method: 'POST', url: `${app(f.verificationId)}/assign`, ...asJson({ assigneeId: 'me' }) }),
    status: 400,
  },
  {
    op: 'assignApplication',
    name: 'an assignee that does not exist',
    send: (f) => ({ method: 'POST', url: `${app(f.verificationId)}/assign`, ...asJson({ assigneeId: MISSING_ID }) }),
    status: 404,
  },
  ...jsonBodyCases(
    'scheduleInspection',
    'POST',
    (f) => `${app(f.technicalId)}/inspection-schedule`,
    (f) => ({ date: '2026-12-01', officerId: f.technical.userId }),
  ),
  {
    op: 'scheduleInspection',
    name: 'a date that does not exist',
    send: (f) => ({ method: 'POST', url: `${app(f.technicalId)}/inspection-schedule`, ...asJson({ date: '2026-02-30', officerId: f.technical.userId }) }),
    status: 400,
  },
  {
    op: 'scheduleInspection',
    name: 'an officer that does not exist',
    send: (f) => ({ method: 'POST', url: `${app(f.technicalId)}/inspection-schedule`, ...asJson({ date: '2026-12-01', officerId: MISSING_ID }) }),
    status: 404,
  },

  // ── uploadInspectionPhoto ──────────────────────────────────────────────────────────────────────
  ...idCases('uploadInspectionPhoto', 'POST', (id) => `${app(id)}/inspection/photos`, pdfUpload),
  ...((): Case[] => {
    const up = (name: string, body: () => Pick<Req, 'payload' | 'headers'>, status: number | readonly number[]): Case => ({
      op: 'uploadInspectionPhoto',
      name,
      send: (f) => ({ method: 'POST', url: `${app(f.technicalId)}/inspection/photos`, ...body() }),
      status,
    });
    return [
      up('plain text instead of multipart', () => rawBody('%PDF-1.4', 'text/plain'), [400, 415]),
      up('multipart without a boundary', () => rawBody('garbage', 'multipart/form-data'), 400),
      up('a multipart body that is not multipart', () => multipart('garbage that is not multipart'), 400),
      up('a PDF instead of a photo', pdfUpload, 415),
    ];
  })(),

  // ── trackApplication ───────────────────────────────────────────────────────────────────────────
  ...jsonBodyCases(
    'trackApplication',
    'POST',
    () => '/api/v1/track',
    (f) => ({ number: f.number, trackingCode: f.trackingCode }),
  ),
  ...((): Case[] => {
    const track = (
      name: string,
      body: (f: Fixtures) => Record<string, unknown>,
      status: number | readonly number[],
      fields?: Record<string, string>,
    ): Case => ({
      op: 'trackApplication',
      name,
      send: (f) => ({ method: 'POST', url: '/api/v1/track', ...asJson(body(f)) }),
      status,
      ...(fields ? { fields } : {}),
    });
    return [
      track('no fields', () => ({}), 400, { number: 'required', trackingCode: 'required' }),
      track('the number as a number', (f) => ({ number: 2026000001, trackingCode: f.trackingCode }), 400, { number: 'invalid_value' }),
      track('the tracking code as null', (f) => ({ number: f.number, trackingCode: null }), 400),
      track('a 100 000-character number', (f) => ({ number: HUGE, trackingCode: f.trackingCode }), 400, { number: 'too_long' }),
      track('a 100 000-character tracking code', (f) => ({ number: f.number, trackingCode: HUGE }), 400, { trackingCode: 'too_long' }),
      track('a blank tracking code', (f) => ({ number: f.number, trackingCode: '   ' }), 400, { trackingCode: 'required' }),
      track('SQL fragments', () => ({ number: "' OR '1'='1' --", trackingCode: "' OR 1=1" }), 404),
      track('bidi and other control characters', () => ({ number: '\u202eMLG\uffff', trackingCode: '\u0007\u001b[2J' }), 404),
      track('a NUL character in the number', () => ({ number: 'MLG-PBG-2026-\u0000', trackingCode: 'ABCD1234' }), [400, 404]),
      track('the right number with the wrong code', (f) => ({ number: f.number, trackingCode: 'ZZZZZZZZ' }), 404),
    ];
  })(),

  // ── verifyPermit (public, rate-limited) ──────────────────────────────────────────────────────────
  ...((): Case[] => {
    const verify = (name: string, code: (f: Fixtures) => string, expect: Pick<Case, 'status' | 'fields' | 'answer'>): Case => ({
      op: 'verifyPermit',
      name,
      send: (f) => ({ method: 'GET', url: `/api/v1/verify/${code(f)}` }),
      ...expect,
    });
    const notFound = { answer: { status: 'not_found', kind: null } };
    return [
      verify('a 41-character code', () => 'A'.repeat(41), { status: 400, fields: { 'params.code': 'too_long' } }),
      verify('a 100 000-character code', () => HUGE, { status: [400, 404, 414] }),
      verify('a blank code', () => '', { status: 400, fields: { 'params.code': 'required' } }),
      verify('a NUL byte', (f) => `${f.verificationCode}%00`, { status: 400 }),
      verify('broken percent-encoding', () => '%E0%A4%A', { status: 400 }),
      verify('a path traversal (read as a code, found nowhere)', () => '..%2F..%2Fetc%2Fpasswd', notFound),
      verify('an SQL fragment (found nowhere)', () => encodeURIComponent("' OR '1'='1"), notFound),
      verify('a LIKE wildcard (found nowhere)', () => '%25%25%25%25%25%25%25%25%25%25', notFound),
      verify(
        'the permit’s code with one character changed',
        (f) => `${f.verificationCode.slice(0, -1)}${f.verificationCode.endsWith('Z') ? 'Y' : 'Z'}`,
        notFound,
      ),
      verify('bidi and control characters', () => encodeURIComponent('\u202eABCDE\u0007FGHIJ'), notFound),
      verify('the permit’s id instead of its code', (f) => f.permitId, notFound),
      { op: 'verifyPermit', name: 'the wrong method', send: (f) => ({ method: 'DELETE', url: `/api/v1/verify/${f.verificationCode}` }), status: [404, 405] },
    ];
  })(),

  // ── verifyPermitPdf (public multipart, rate-limited) ─────────────────────────────────────────────
  ...((): Case[] => {
    const check = (name: string, body: (f: Fixtures) => Pick<Req, 'payload' | 'headers'>, expect: Pick<Case, 'status' | 'fields' | 'answer'>): Case => ({
      op: 'verifyPermitPdf',
      name,
      send: (f) => ({ method: 'POST', url: '/api/v1/verify/pdf', ...body(f) }),
      ...expect,
    });
    const file = (content: Buffer, name = 'izin.pdf') => {
      const m = multipartFile(name, content, 'application/pdf');
      return { payload: m.payload, headers: m.headers };
    };
    const notAuthentic = { answer: { status: 'not_authentic', kind: null } };
    return [
      check('JSON instead of multipart', (f) => asJson({ file: f.permitPdf.toString('base64') }), { status: 400, fields: { file: 'required' } }),
      check('invalid JSON instead of multipart', () => rawBody('{"file": '), { status: 400 }),
      check('plain text instead of multipart', () => rawBody('%PDF-1.4', 'text/plain'), { status: [400, 415] }),
      check('XML instead of multipart', () => rawBody('<pdf/>', 'application/xml'), { status: 415 }),
      check('no body at all', () => ({}), { status: [400, 415] }),
      check('multipart without a boundary', () => rawBody('garbage', 'multipart/form-data'), { status: 400 }),
      check('a multipart body that is not multipart', () => multipart('garbage that is not multipart'), { status: 400 }),
      check('a multipart body with no parts', () => multipart('--izolboundary--\r\n'), { status: 400 }),
      check('the file in a field not named "file"', () => multipart(`${filePart('document', 'izin.pdf', '%PDF-1.4')}--izolboundary--\r\n`), {
        status: 400,
        fields: { file: 'required' },
      }),
      check('a "file" part without a file name (a plain field)', () => multipart(`${filePart('file', null, '%PDF-1.4')}--izolboundary--\r\n`), { status: 400 }),
      check('an empty file', () => file(Buffer.alloc(0)), { status: 400, fields: { file: 'required' } }),
      check('a file over 10 MB', () => file(Buffer.concat([DEMO_PDF, Buffer.alloc(10 * 1024 * 1024)])), { status: 413 }),
      check(
        'a multipart body cut off in the middle of the file',
        (f) =>
          multipart(
            `--izolboundary\r\nContent-Disposition: form-data; name="file"; filename="izin.pdf"\r\nContent-Type: application/pdf\r\n\r\n${f.permitPdf.toString('latin1')}`,
          ),
        { status: 400 },
      ),
      check('a PDF the office never issued', () => file(DEMO_PDF), notAuthentic),
      check(
        'the issued PDF with one byte changed',
        (f) => {
          const b = Buffer.from(f.permitPdf);
          const i = b.length >> 1;
          b[i] = b[i]! ^ 0x01;
          return file(b);
        },
        notAuthentic,
      ),
      check('the issued PDF with a byte added at the end', (f) => file(Buffer.concat([f.permitPdf, Buffer.from('\n')])), notAuthentic),
      check('a file name that climbs directories', () => file(DEMO_PDF, '../../../../etc/passwd'), notAuthentic),
    ];
  })(),

  // ── listPermits / listReceipts (on an application id) ─────────────────────────────────────────────
  ...idCases('listPermits', 'GET', (id) => `${app(id)}/permits`),
  { op: 'listPermits', name: 'the permit id instead of the application id', send: (f) => ({ method: 'GET', url: `${app(f.permitId)}/permits` }), status: 404 },
  { op: 'listPermits', name: 'another applicant’s file', who: 'leaver', send: (f) => ({ method: 'GET', url: `${app(f.permitAppId)}/permits` }), status: 404 },
  ...idCases('listReceipts', 'GET', (id) => `${app(id)}/receipts`),
  {
    op: 'listReceipts',
    name: 'the permit id instead of the application id',
    send: (f) => ({ method: 'GET', url: `${app(f.permitId)}/receipts` }),
    status: 404,
  },
  { op: 'listReceipts', name: 'another applicant’s file', who: 'leaver', send: (f) => ({ method: 'GET', url: `${app(f.permitAppId)}/receipts` }), status: 404 },

  // ── getPermit / downloadPermitPdf ─────────────────────────────────────────────────────────────────
  ...permitIdCases('getPermit', 'GET', (id) => permitUrl(id)),
  {
    op: 'getPermit',
    name: 'a trailing path traversal',
    send: (f) => ({ method: 'GET', url: `${permitUrl(f.permitId)}%2F..%2F..%2Fetc%2Fpasswd` }),
    status: 400,
  },
  { op: 'getPermit', name: 'another applicant’s permit', who: 'leaver', send: (f) => ({ method: 'GET', url: permitUrl(f.permitId) }), status: 404 },
  ...permitIdCases('downloadPermitPdf', 'GET', (id) => `${permitUrl(id)}/pdf`),
  {
    op: 'downloadPermitPdf',
    name: 'a path traversal instead of "pdf"',
    send: (f) => ({ method: 'GET', url: `${permitUrl(f.permitId)}/..%2F..%2F..%2Fetc%2Fpasswd` }),
    status: 404,
  },
  {
    op: 'downloadPermitPdf',
    name: 'another applicant’s permit',
    who: 'leaver',
    send: (f) => ({ method: 'GET', url: `${permitUrl(f.permitId)}/pdf` }),
    status: 404,
  },

  // ── revokePermit (head) ───────────────────────────────────────────────────────────────────────────
  ...jsonBodyCases(
    'revokePermit',
    'POST',
    (f) => `${permitUrl(f.permitId)}/revoke`,
    () => ({ reason: 'Reklame dipasang di luar titik yang diizinkan' }),
  ),
  ...permitIdCases(
    'revokePermit',
    'POST',
    (id) => `${permitUrl(id)}/revoke`,
    () => asJson({ reason: 'Reklame dipasang di luar titik yang diizinkan' }),
  ),
  ...((): Case[] => {
    const revoke = (name: string, body: Record<string, unknown>, status: number, fields?: Record<string, string>, who?: Who): Case => ({
      op: 'revokePermit',
      name,
      send: (f) => ({ method: 'POST', url: `${permitUrl(f.permitId)}/revoke`, ...asJson(body) }),
      status,
      ...(fields ? { fields } : {}),
      ...(who ? { who } : {}),
    });
    return [
      revoke('no reason', {}, 400, { reason: 'required' }),
      revoke('a reason that is too short', { reason: 'abc' }, 400, { reason: 'too_short' }),
      revoke('a blank reason', { reason: '          ' }, 400, { reason: 'too_short' }),
      revoke('a 100 000-character reason', { reason: HUGE }, 400, { reason: 'too_long' }),
      revoke('the reason as a number', { reason: 12345 }, 400, { reason: 'invalid_value' }),
      revoke('the reason as an array', { reason: ['Reklame dipasang di luar titik'] }, 400, { reason: 'invalid_value' }),
      revoke('the reason as null', { reason: null }, 400),
      revoke('a NUL character in the reason', { reason: 'Dicabut\u0000 karena pelanggaran' }, 400),
      revoke('the status smuggled in', { reason: 'Reklame dipasang di luar titik', status: 'valid' }, 400, { status: 'unknown_field' }),
      revoke('the revocation date smuggled in', { reason: 'Reklame dipasang di luar titik', revokedAt: '1999-01-01' }, 400, { revokedAt: 'unknown_field' }),
      revoke('a valid request from the holder', { reason: 'Saya ingin mencabut izin saya' }, 403, undefined, 'applicant'),
    ];
  })(),

  // ── reissuePermit (head) ──────────────────────────────────────────────────────────────────────────
  ...jsonBodyCases(
    'reissuePermit',
    'POST',
    (f) => `${permitUrl(f.permitId)}/reissue`,
    () => ({ reason: 'Nama pemegang izin salah ketik', holderName: 'Sari Rahayu' }),
  ),
  ...permitIdCases(
    'reissuePermit',
    'POST',
    (id) => `${permitUrl(id)}/reissue`,
    () => asJson({ reason: 'Nama pemegang izin salah ketik', holderName: 'Sari Rahayu' }),
  ),
  ...((): Case[] => {
    const reissue = (name: string, body: Record<string, unknown>, status: number, fields?: Record<string, string>, who?: Who): Case => ({
      op: 'reissuePermit',
      name,
      send: (f) => ({ method: 'POST', url: `${permitUrl(f.permitId)}/reissue`, ...asJson(body) }),
      status,
      ...(fields ? { fields } : {}),
      ...(who ? { who } : {}),
    });
    const reason = 'Data izin salah ketik';
    return [
      reissue('no reason', { holderName: 'Sari Rahayu' }, 400, { reason: 'required' }),
      reissue('a reason that is too short', { reason: 'typo' }, 400, { reason: 'too_short' }),
      reissue('a 100 000-character reason', { reason: HUGE }, 400, { reason: 'too_long' }),
      reissue('a blank holder name', { reason, holderName: '    ' }, 400, { holderName: 'required' }),
      reissue('a 100 000-character holder name', { reason, holderName: HUGE }, 400, { holderName: 'too_long' }),
      reissue('the holder name as a number', { reason, holderName: 42 }, 400, { holderName: 'invalid_value' }),
      reissue('answers as an array', { reason, answers: [1, 2] }, 400, { answers: 'invalid_value' }),
      reissue('answers as a string', { reason, answers: 'widthM=3' }, 400, { answers: 'invalid_value' }),
      reissue('an answer that is an object', { reason, answers: { widthM: { $gt: 0 } } }, 400),
      reissue('an answer that is null', { reason, answers: { widthM: null } }, 400),
      reissue('a 100 000-character answer', { reason, answers: { contentDescription: HUGE } }, 400, { 'answers.contentDescription': 'too_long' }),
      reissue('an answer key of 100 000 characters', { reason, answers: { [HUGE]: 1 } }, 400),
      reissue('an answer for a field the form does not have', { reason, answers: { isApproved: true } }, 422, { 'answers.isApproved': 'unknown_field' }),
      reissue('a NaN-like width', { reason, answers: { widthM: 'NaN' } }, 422),
      reissue('a width above the form’s maximum', { reason, answers: { widthM: 1e308 } }, 422),
      reissue('a negative face count', { reason, answers: { faceCount: -1 } }, 422),
      reissue('the new number smuggled in', { reason, number: 'REKLAME/99999/MLG/2026' }, 400, { number: 'unknown_field' }),
      reissue('the validity smuggled in', { reason, validUntil: '2099-12-31' }, 400, { validUntil: 'unknown_field' }),
      reissue('a valid request from a verifier', { reason, holderName: 'Sari Rahayu' }, 403, undefined, 'verifier'),
    ];
  })(),
  {
    op: 'reissuePermit',
    name: 'an Infinity answer (1e400)',
    send: (f) => ({ method: 'POST', url: `${permitUrl(f.permitId)}/reissue`, ...rawBody('{"reason":"Data izin salah ketik","answers":{"widthM":1e400}}') }),
    status: [400, 422],
  },

  // ── messages (notifications/): a file's deliveries, the admin's failed messages ──────────────────────
  ...idCases('listApplicationMessages', 'GET', (id) => `${app(id)}/messages`),
  ...(
    [
      ['an unknown parameter', 'status=dead', { 'querystring.status': 'unknown_field' }],
      ['an SQL fragment as a parameter', `q=${encodeURIComponent("x' OR '1'='1")}`, { 'querystring.q': 'unknown_field' }],
      ['a 100 000-character parameter', `q=${HUGE}`, undefined],
      ['a NUL character in a parameter', 'q=a%00b', undefined],
      ['a parameter given twice (an array)', 'tenant=MLG&tenant=BTU', undefined],
    ] as const
  ).map(([name, query, fields]): Case => ({
    op: 'listFailedMessages',
    name,
    send: () => ({ method: 'GET', url: `/api/v1/admin/failed-messages?${query}` }),
    status: [400, 414],
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  ...idCases('resendMessage', 'POST', (id) => `/api/v1/admin/failed-messages/${id}/resend`),
  {
    op: 'resendMessage',
    name: 'by an officer who is not the admin',
    who: 'verifier',
    send: () => ({ method: 'POST', url: `/api/v1/admin/failed-messages/${MISSING_ID}/resend` }),
    status: 403,
  },

  // ── renewPermit (the holder; no body) ─────────────────────────────────────────────────────────────
  ...permitIdCases('renewPermit', 'POST', (id) => `${permitUrl(id)}/renew`),
  { op: 'renewPermit', name: 'invalid JSON text', send: (f) => ({ method: 'POST', url: `${permitUrl(f.permitId)}/renew`, ...rawBody('{"a": ') }), status: 400 },
  {
    op: 'renewPermit',
    name: 'XML',
    send: (f) => ({ method: 'POST', url: `${permitUrl(f.permitId)}/renew`, ...rawBody('<renew/>', 'application/xml') }),
    status: 415,
  },
  {
    op: 'renewPermit',
    name: 'a __proto__ key',
    send: (f) => ({ method: 'POST', url: `${permitUrl(f.permitId)}/renew`, ...rawBody('{"__proto__":{"status":"valid"}}') }),
    status: 400,
  },
  {
    op: 'renewPermit',
    name: 'an unknown field',
    send: (f) => ({ method: 'POST', url: `${permitUrl(f.permitId)}/renew`, ...asJson({ answers: { x: 1 } }) }),
    status: 400,
    fields: { answers: 'unknown_field' },
  },
  {
    op: 'renewPermit',
    name: 'bytes that are not UTF-8',
    send: (f) => ({ method: 'POST', url: `${permitUrl(f.permitId)}/renew`, ...rawBody(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])) }),
    status: 400,
  },
  {
    op: 'renewPermit',
    name: 'a 2 MB body',
    send: (f) => ({ method: 'POST', url: `${permitUrl(f.permitId)}/renew`, ...asJson({ padding: 'x'.repeat(2_000_000) }) }),
    status: 413,
  },
  {
    op: 'renewPermit',
    name: 'another applicant’s permit',
    who: 'leaver',
    send: (f) => ({ method: 'POST', url: `${permitUrl(f.permitId)}/renew` }),
    status: 404,
  },
  {
    op: 'renewPermit',
    name: 'an officer asking for the holder',
    who: 'verifier',
    send: (f) => ({ method: 'POST', url: `${permitUrl(f.permitId)}/renew` }),
    status: 403,
  },

  // ── searchRegistry / exportRegistryJson / exportRegistryCsv (public query strings) ────────────────
  ...(
    [
      ['a date that does not exist', 'from=2026-02-30', { 'querystring.from': 'invalid_value' }],
      ['a date in another format', 'from=30-11-2026', { 'querystring.from': 'invalid_value' }],
      ['a date that is a word', 'to=yesterday', { 'querystring.to': 'invalid_value' }],
      ['a date with a time attached', `to=${encodeURIComponent('2026-11-20T00:00:00Z')}`, { 'querystring.to': 'invalid_value' }],
      ['an SQL fragment as date', `from=${encodeURIComponent("2026-01-01' OR '1'='1")}`, { 'querystring.from': 'invalid_value' }],
      ['an unknown status', 'status=cancelled', { 'querystring.status': 'invalid_value' }],
      ['a status in capitals', 'status=VALID', { 'querystring.status': 'invalid_value' }],
      ['a path traversal type', `type=${encodeURIComponent('../../etc/passwd')}`, { 'querystring.type': 'invalid_value' }],
      ['an SQL fragment as type', `type=${encodeURIComponent("PBG' OR '1'='1")}`, { 'querystring.type': 'invalid_value' }],
      ['a 100 000-character search', `q=${HUGE}`, { 'querystring.q': 'too_long' }],
      ['a 100 000-character type', `type=${HUGE}`, undefined],
      ['a NUL character in the search', 'q=REKLAME%00', undefined],
      ['an unknown parameter', 'nik=3573014506900002', { 'querystring.nik': 'unknown_field' }],
      ['the status given twice (an array)', 'status=valid&status=revoked', undefined],
      ['a __proto__ parameter', '__proto__[status]=valid', undefined],
    ] as const
  ).flatMap(([name, query, fields]): Case[] =>
    (['searchRegistry', 'exportRegistryJson', 'exportRegistryCsv'] as const).map((op) => ({
      op,
      name,
      send: () => ({ method: 'GET', url: `${REGISTRY_URL[op]}?${query}` }),
      status: 400,
      ...(fields ? { fields: { ...fields } } : {}),
    })),
  ),
  ...(
    [
      ['page size zero', 'pageSize=0', { 'querystring.pageSize': 'too_small' }],
      ['a page size of 1000', 'pageSize=1000', { 'querystring.pageSize': 'too_big' }],
      ['a page size that is a word', 'pageSize=all', { 'querystring.pageSize': 'invalid_value' }],
      ['a negative page', 'page=-1', { 'querystring.page': 'too_small' }],
      ['page zero', 'page=0', { 'querystring.page': 'too_small' }],
      ['a NaN page', 'page=NaN', { 'querystring.page': 'invalid_value' }],
      ['a fractional page', 'page=1.5', undefined],
      ['an Infinity page (1e400)', 'page=1e400', undefined],
      ['a page beyond any number', `page=${'9'.repeat(400)}`, undefined],
    ] as const
  ).map(([name, query, fields]): Case => ({
    op: 'searchRegistry',
    name,
    send: () => ({ method: 'GET', url: `/api/v1/registry?${query}` }),
    status: 400,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  // The exports are the whole registry: they take no paging.
  ...(['exportRegistryJson', 'exportRegistryCsv'] as const).map((op): Case => ({
    op,
    name: 'a page size (the export takes none)',
    send: () => ({ method: 'GET', url: `${REGISTRY_URL[op]}?pageSize=10` }),
    status: 400,
    fields: { 'querystring.pageSize': 'unknown_field' },
  })),

  // ── getHealth / getReadiness / getSigningKeys / getRegistrySchema / getAuditCheckpoints ────────────
  // (no input: what they do not read is ignored, and they never fail on it)
  ...(['getHealth', 'getReadiness', 'getSigningKeys', 'getRegistrySchema', 'getAuditCheckpoints', 'getRevocationList'] as const).flatMap((op): Case[] => {
    const [url, ignored] = {
      getHealth: ['/health', { status: 'ok' }],
      getReadiness: ['/ready', { status: 'ready' }],
      getSigningKeys: ['/.well-known/izol-signing-keys.json', { office: 'MLG' }],
      getRegistrySchema: ['/api/v1/registry/schema.json', { title: 'Izol permit registry record' }],
      getAuditCheckpoints: ['/.well-known/izol-audit-checkpoints.json', { office: 'MLG' }],
      getRevocationList: ['/.well-known/izol-revocations.json', { type: 'izol.revocations/1', office: 'MLG' }],
    }[op] as [string, Record<string, unknown>];
    return [
      { op, name: 'junk in the query string', send: () => ({ method: 'GET', url: `${url}?x=${HUGE}&__proto__[a]=1` }), ignored },
      { op, name: 'an invalid JSON body on a GET', send: () => ({ method: 'GET', url, ...rawBody('{"a": ') }), ignored },
      { op, name: 'a 100 000-character bearer token', send: () => ({ method: 'GET', url, headers: { authorization: `Bearer ${HUGE}` } }), ignored },
      { op, name: 'the wrong method', send: () => ({ method: 'DELETE', url }), status: [404, 405] },
      { op, name: 'a POST with invalid JSON', send: () => ({ method: 'POST', url, ...rawBody('{"a": ') }), status: [400, 404, 405] },
    ];
  }),

  // ── getTransparency / exportTransparencyJson / exportTransparencyCsv / getTransparencySchema (public) ──
  ...(
    [
      ['a year that is a word', 'year=tahun', undefined],
      ['a year of five digits', 'year=20261', undefined],
      ['a fractional year', 'year=2026.5', undefined],
      ['a negative year', 'year=-2026', undefined],
      ['a year in the future', 'year=2099', undefined],
      ['a year before any office', 'year=1999', undefined],
      ['an SQL fragment as year', `year=${encodeURIComponent("2026' OR '1'='1")}`, undefined],
      ['the year given twice (an array)', 'year=2025&year=2026', undefined],
      ['a __proto__ parameter', '__proto__[year]=2026', undefined],
      ['an unknown parameter', 'nik=3573014506900002', { 'querystring.nik': 'unknown_field' }],
    ] as const
  ).flatMap(([name, query, fields]): Case[] =>
    (['getTransparency', 'exportTransparencyJson', 'exportTransparencyCsv'] as const).map((op) => ({
      op,
      name,
      send: () => ({ method: 'GET', url: `${TRANSPARENCY_URL[op]}?${query}` }),
      status: 400,
      ...(fields ? { fields: { ...fields } } : {}),
    })),
  ),
  ...(['getTransparency', 'exportTransparencyJson', 'exportTransparencyCsv'] as const).map((op): Case => ({
    op,
    name: 'a 100 000-character year',
    send: () => ({ method: 'GET', url: `${TRANSPARENCY_URL[op]}?year=${HUGE}` }),
    status: [400, 414],
  })),
  // The page's JSON has no datasets: the exports and the schema do.
  {
    op: 'getTransparency',
    name: 'a dataset (only the exports take one)',
    send: () => ({ method: 'GET', url: '/api/v1/transparency?dataset=filed' }),
    status: 400,
    fields: { 'querystring.dataset': 'unknown_field' },
  },
  ...(
    [
      ['a dataset that does not exist', 'dataset=registry'],
      ['a dataset in capitals', 'dataset=FILED'],
      ['a path traversal as dataset', `dataset=${encodeURIComponent('../../etc/passwd')}`],
      ['an SQL fragment as dataset', `dataset=${encodeURIComponent("filed' OR '1'='1")}`],
      ['the dataset given twice (an array)', 'dataset=filed&dataset=sla'],
      ['a NUL byte as dataset', 'dataset=%00'],
    ] as const
  ).flatMap(([name, query]): Case[] =>
    (
      [
        ['exportTransparencyJson', TRANSPARENCY_URL.exportTransparencyJson],
        ['exportTransparencyCsv', TRANSPARENCY_URL.exportTransparencyCsv],
        ['getTransparencySchema', '/api/v1/transparency/schema.json'],
      ] as const
    ).map(([op, url]) => ({ op, name, send: () => ({ method: 'GET', url: `${url}?${query}` }), status: 400 })),
  ),
  {
    op: 'getTransparencySchema',
    name: 'a year (the schema takes none)',
    send: () => ({ method: 'GET', url: '/api/v1/transparency/schema.json?year=2026' }),
    status: 400,
    fields: { 'querystring.year': 'unknown_field' },
  },
  { op: 'getTransparencySchema', name: 'the wrong method', send: () => ({ method: 'DELETE', url: '/api/v1/transparency/schema.json' }), status: [404, 405] },
  {
    op: 'getTransparencySchema',
    name: 'a POST with invalid JSON',
    send: () => ({ method: 'POST', url: '/api/v1/transparency/schema.json', ...rawBody('{"a": ') }),
    status: [400, 404, 405],
  },
  {
    op: 'getTransparencySchema',
    name: 'a 100 000-character bearer token (public: ignored)',
    send: () => ({ method: 'GET', url: '/api/v1/transparency/schema.json', headers: { authorization: `Bearer ${HUGE}` } }),
    ignored: { title: 'Izol transparency: applications filed per month, permit type and channel' },
  },
  // ── getSigningCertificates (PEM, no input: junk is ignored) ──────────────────────────────────────
  ...((url: string): Case[] => [
    { op: 'getSigningCertificates', name: 'junk in the query string', send: () => ({ method: 'GET', url: `${url}?x=${HUGE}&__proto__[a]=1` }), pem: true },
    { op: 'getSigningCertificates', name: 'an invalid JSON body on a GET', send: () => ({ method: 'GET', url, ...rawBody('{"a": ') }), pem: true },
    {
      op: 'getSigningCertificates',
      name: 'a 100 000-character bearer token',
      send: () => ({ method: 'GET', url, headers: { authorization: `Bearer ${HUGE}` } }),
      pem: true,
    },
    { op: 'getSigningCertificates', name: 'the wrong method', send: () => ({ method: 'DELETE', url }), status: [404, 405] },
    { op: 'getSigningCertificates', name: 'a POST with invalid JSON', send: () => ({ method: 'POST', url, ...rawBody('{"a": ') }), status: [400, 404, 405] },
  ])('/.well-known/izol-certificates.pem'),

  // ── listAppointmentSlots / bookAppointment / getAppointment / cancelAppointment (public) ──────────
  ...(
    [
      ['no service group', 'from=2026-11-23', { 'querystring.service': 'required' }],
      ['no start date', 'service=KONSULTASI', { 'querystring.from': 'required' }],
      ['a date that does not exist', 'service=KONSULTASI&from=2026-02-30', undefined],
      ['an unknown service group', 'service=PIJAT&from=2026-11-23', { service: 'invalid_option' }],
      ['90 days at once', 'service=KONSULTASI&from=2026-11-23&days=90', { 'querystring.days': 'too_big' }],
      ['zero days', 'service=KONSULTASI&from=2026-11-23&days=0', { 'querystring.days': 'too_small' }],
      ['days that are a word', 'service=KONSULTASI&from=2026-11-23&days=many', undefined],
      ['an unknown parameter', 'service=KONSULTASI&from=2026-11-23&capacity=99', { 'querystring.capacity': 'unknown_field' }],
      ['a 100 000-character service', `service=${HUGE}&from=2026-11-23`, undefined],
      ['the service given twice (an array)', 'service=KONSULTASI&service=PENGAJUAN&from=2026-11-23', undefined],
    ] as const
  ).map(([name, query, fields]): Case => ({
    op: 'listAppointmentSlots',
    name,
    send: () => ({ method: 'GET', url: `/api/v1/appointments/slots?${query}` }),
    status: 400,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  ...jsonBodyCases(
    'bookAppointment',
    'POST',
    () => '/api/v1/appointments',
    () => APPOINTMENT,
  ),
  ...(
    [
      ['no name', { name: undefined }, 400, { name: 'required' }],
      ['a WhatsApp number that is no mobile number', { whatsapp: '021 555 1234' }, 400, { whatsapp: 'invalid_phone' }],
      ['an unknown service group', { service: 'PIJAT' }, 400, { service: 'invalid_option' }],
      ['an unknown permit type', { permitTypeCode: 'NOPE' }, 400, { permitTypeCode: 'invalid_option' }],
      ['a start that is not a time', { start: 'besok pagi' }, 400, undefined],
      ['a slot in the past', { start: '2026-11-19T01:00:00.000Z' }, 422, undefined],
      ['a Saturday', { start: '2026-11-21T01:00:00.000Z' }, 422, undefined],
      ['a holiday', { start: '2026-12-25T01:00:00.000Z' }, 422, undefined],
      ['a time that is not a slot start', { start: '2026-11-23T01:10:00.000Z' }, 422, undefined],
      ['a 100 000-character name', { name: HUGE }, 400, { name: 'too_long' }],
    ] as const
  ).map(([name, over, status, fields]): Case => ({
    op: 'bookAppointment',
    name,
    send: () => ({ method: 'POST', url: '/api/v1/appointments', ...asJson({ ...APPOINTMENT, ...over }) }),
    status,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  ...(
    [
      ['a number in the wrong form', '/api/v1/appointments/12345?code=ABCD2345', 400],
      ['a path traversal number', '/api/v1/appointments/..%2F..%2Fetc%2Fpasswd?code=ABCD2345', [400, 404]],
      ['a number that does not exist', '/api/v1/appointments/MLG-APT-20261123-9999?code=ABCD2345', 404],
      ['no code', '/api/v1/appointments/MLG-APT-20261123-0001', 400],
      ['a 100 000-character code', `/api/v1/appointments/MLG-APT-20261123-0001?code=${HUGE}`, [400, 414]],
      ['an unknown parameter', '/api/v1/appointments/MLG-APT-20261123-0001?code=ABCD2345&admin=1', 400],
    ] as const
  ).map(([name, url, status]): Case => ({ op: 'getAppointment', name, send: () => ({ method: 'GET', url }), status })),
  ...jsonBodyCases(
    'cancelAppointment',
    'POST',
    () => '/api/v1/appointments/MLG-APT-20261123-0001/cancel',
    () => ({ code: 'ABCD2345' }),
  ),
  ...(
    [
      ['a number in the wrong form', '/api/v1/appointments/12345/cancel', { code: 'ABCD2345' }, 400],
      ['a number that does not exist', '/api/v1/appointments/MLG-APT-20261123-9999/cancel', { code: 'ABCD2345' }, 404],
      ['no code', '/api/v1/appointments/MLG-APT-20261123-0001/cancel', {}, 400],
      ['a code that is a number', '/api/v1/appointments/MLG-APT-20261123-0001/cancel', { code: 12345678 }, 400],
    ] as const
  ).map(([name, url, body, status]): Case => ({ op: 'cancelAppointment', name, send: () => ({ method: 'POST', url, ...asJson(body) }), status })),
  // The WhatsApp code: a booking without one, or with a wrong one, books nothing (anonymous callers need it).
  ...(
    [
      ['no WhatsApp code', {}, 422, { code: 'appointment_code_missing' }],
      ['a wrong WhatsApp code', { code: '000000' }, 422, { code: 'appointment_code_wrong' }],
      ['a code that is not 6 digits', { code: '12ab' }, 400, undefined],
      ['a code that is a number', { code: 123456 }, 400, undefined],
    ] as const
  ).map(([name, over, status, fields]): Case => ({
    op: 'bookAppointment',
    name,
    send: () => ({ method: 'POST', url: '/api/v1/appointments', ...asJson({ ...APPOINTMENT, ...over }) }),
    status,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  ...jsonBodyCases(
    'requestAppointmentCode',
    'POST',
    () => '/api/v1/appointments/code',
    () => ({ whatsapp: '0812 3456 7890' }),
  ),
  ...(
    [
      ['no number', {}, { whatsapp: 'required' }],
      ['a landline number', { whatsapp: '021 555 1234' }, { whatsapp: 'invalid_phone' }],
      ['a number as a JSON number', { whatsapp: 81234567890 }, undefined],
      ['a 100 000-character number', { whatsapp: HUGE }, { whatsapp: 'too_long' }],
    ] as const
  ).map(([name, body, fields]): Case => ({
    op: 'requestAppointmentCode',
    name,
    send: () => ({ method: 'POST', url: '/api/v1/appointments/code', ...asJson(body) }),
    status: 400,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  ...jsonBodyCases(
    'rescheduleAppointment',
    'POST',
    () => '/api/v1/appointments/MLG-APT-20261123-0001/reschedule',
    () => ({ code: 'ABCD2345', start: '2026-11-24T02:00:00.000Z' }),
  ),
  ...(
    [
      ['a number in the wrong form', '/api/v1/appointments/12345/reschedule', { code: 'ABCD2345', start: '2026-11-24T02:00:00.000Z' }, 400],
      ['a number that does not exist', '/api/v1/appointments/MLG-APT-20261123-9999/reschedule', { code: 'ABCD2345', start: '2026-11-24T02:00:00.000Z' }, 404],
      ['no code', '/api/v1/appointments/MLG-APT-20261123-0001/reschedule', { start: '2026-11-24T02:00:00.000Z' }, 400],
      ['no new start', '/api/v1/appointments/MLG-APT-20261123-0001/reschedule', { code: 'ABCD2345' }, 400],
      ['a start that is not a time', '/api/v1/appointments/MLG-APT-20261123-0001/reschedule', { code: 'ABCD2345', start: 'besok' }, 400],
    ] as const
  ).map(([name, url, body, status]): Case => ({ op: 'rescheduleAppointment', name, send: () => ({ method: 'POST', url, ...asJson(body) }), status })),

  // ── issueQueueTicket / getQueueTicket (public) / callNextTicket / updateQueueTicket (counter staff) ──
  ...jsonBodyCases(
    'issueQueueTicket',
    'POST',
    () => '/api/v1/queue/tickets',
    () => ({ service: 'KONSULTASI' }),
  ),
  ...(
    [
      ['no service group', {}, 400, { service: 'required' }],
      ['an unknown service group', { service: 'PIJAT' }, 422, { service: 'invalid_option' }],
      ['the service as a number', { service: 7 }, 400, undefined],
      ['a 100 000-character service', { service: HUGE }, 400, { service: 'too_long' }],
      ['a booking number in the wrong form', { service: 'KONSULTASI', appointmentNumber: '12345' }, 400, { appointmentNumber: 'unknown_field' }],
      ['priority as a word', { service: 'KONSULTASI', priority: 'ya' }, 400, undefined],
      // A booked ticket comes only from the pass check-in with the booking's code, never from its number alone.
      ['a booking number without its code', { service: 'KONSULTASI', appointmentNumber: 'MLG-APT-20261123-9999' }, 400, { appointmentNumber: 'unknown_field' }],
    ] as const
  ).map(([name, body, status, fields]): Case => ({
    op: 'issueQueueTicket',
    name,
    send: () => ({ method: 'POST', url: '/api/v1/queue/tickets', ...asJson(body) }),
    status,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  ...(
    [
      ['not a UUID', '/api/v1/queue/tickets/A-001', 400],
      ['a path traversal', '/api/v1/queue/tickets/..%2F..%2Fetc%2Fpasswd', [400, 404]],
      ['a UUID that does not exist', `/api/v1/queue/tickets/${MISSING_ID}`, 404],
      ['an SQL fragment', `/api/v1/queue/tickets/${encodeURIComponent("1' OR '1'='1")}`, 400],
      ['a NUL byte', '/api/v1/queue/tickets/%00', 400],
      ['100 000 characters', `/api/v1/queue/tickets/${HUGE}`, [400, 404, 414]],
    ] as const
  ).map(([name, url, status]): Case => ({ op: 'getQueueTicket', name, send: () => ({ method: 'GET', url }), status })),
  ...jsonBodyCases(
    'callNextTicket',
    'POST',
    () => '/api/v1/queue/call-next',
    () => ({ service: 'KONSULTASI', counter: 'Loket 1' }),
  ),
  ...(
    [
      ['no counter', { service: 'KONSULTASI' }, 400, { counter: 'required' }],
      ['an unknown service group', { service: 'PIJAT', counter: 'Loket 1' }, 422, { service: 'invalid_option' }],
      ['a 100 000-character counter', { service: 'KONSULTASI', counter: HUGE }, 400, { counter: 'too_long' }],
      ['nobody waiting', { service: 'KONSULTASI', counter: 'Loket 1' }, 409, undefined],
    ] as const
  ).map(([name, body, status, fields]): Case => ({
    op: 'callNextTicket',
    name,
    send: () => ({ method: 'POST', url: '/api/v1/queue/call-next', ...asJson(body) }),
    status,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  {
    op: 'callNextTicket',
    name: 'an applicant calling tickets',
    who: 'applicant',
    send: () => ({ method: 'POST', url: '/api/v1/queue/call-next', ...asJson({ service: 'KONSULTASI', counter: 'Loket 1' }) }),
    status: 403,
  },
  ...jsonBodyCases(
    'updateQueueTicket',
    'POST',
    () => `/api/v1/queue/tickets/${MISSING_ID}/events`,
    () => ({ action: 'start' }),
  ),
  ...(
    [
      ['an action it does not know', `/api/v1/queue/tickets/${MISSING_ID}/events`, { action: 'teleport' }, 400],
      ['a transfer without the service to move to', `/api/v1/queue/tickets/${MISSING_ID}/events`, { action: 'transfer' }, 400],
      ['a transfer to a 100 000-character service', `/api/v1/queue/tickets/${MISSING_ID}/events`, { action: 'transfer', service: HUGE }, 400],
      ['no action', `/api/v1/queue/tickets/${MISSING_ID}/events`, {}, 400],
      ['a ticket id that is not a UUID', '/api/v1/queue/tickets/A-001/events', { action: 'start' }, 400],
      ['a ticket that does not exist', `/api/v1/queue/tickets/${MISSING_ID}/events`, { action: 'start' }, 404],
    ] as const
  ).map(([name, url, body, status]): Case => ({ op: 'updateQueueTicket', name, send: () => ({ method: 'POST', url, ...asJson(body) }), status })),
  ...(
    [
      ['an unknown service group', '/api/v1/queue/display?service=PIJAT', 422],
      ['an unknown parameter', '/api/v1/queue/display?admin=1', 400],
      ['a 100 000-character service', `/api/v1/queue/display?service=${HUGE}`, [400, 414]],
      ['the service twice', '/api/v1/queue/display?service=KONSULTASI&service=PENGAJUAN', 400],
      ['an empty service', '/api/v1/queue/display?service=', 400],
      ['an SQL fragment as service', `/api/v1/queue/display?service=${encodeURIComponent("' OR '1'='1")}`, 422],
    ] as const
  ).map(([name, url, status]): Case => ({ op: 'getQueueDisplay', name, send: () => ({ method: 'GET', url }), status })),

  // ── getChannelHistory (staff: contacts.view) / getMyChannelHistory (one's own) ─────────────────────
  ...(
    [
      ['no account, number or email', '', 400, { phone: 'required' }],
      ['an account and a number at once', `userId=${MISSING_ID}&phone=081234567890`, 400, { phone: 'required' }],
      ['an account id that is not a UUID', 'userId=abc', 400, undefined],
      ['an SQL fragment as the account', `userId=${encodeURIComponent("1' OR '1'='1")}`, 400, undefined],
      ['an account that does not exist', `userId=${MISSING_ID}`, 404, undefined],
      ['a number that is not a phone number', 'phone=bukan-nomor', 400, { phone: 'invalid_phone' }],
      ['an SQL fragment as the number', `phone=${encodeURIComponent("' OR 1=1 --")}`, 400, { phone: 'invalid_phone' }],
      ['a 100 000-character number', `phone=${HUGE}`, [400, 414], undefined],
      ['an email that is not one', 'email=nama-at-contoh', 400, { email: 'invalid_email' }],
      ['a NUL character in the email', 'email=a%00@contoh.id', 400, undefined],
      ['page zero', 'phone=081234567890&page=0', 400, { 'querystring.page': 'too_small' }],
      ['a NaN page', 'phone=081234567890&page=NaN', 400, { 'querystring.page': 'invalid_value' }],
      ['an unknown parameter', 'phone=081234567890&tenantId=other', 400, { 'querystring.tenantId': 'unknown_field' }],
      ['the number given twice (an array)', 'phone=081234567890&phone=081234567891', 400, undefined],
    ] as const
  ).map(([name, query, status, fields]): Case => ({
    op: 'getChannelHistory',
    name,
    send: () => ({ method: 'GET', url: `/api/v1/contacts?${query}` }),
    status,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  {
    op: 'getChannelHistory',
    name: 'an applicant looking someone up',
    who: 'applicant',
    send: () => ({ method: 'GET', url: '/api/v1/contacts?phone=081234567890' }),
    status: 403,
  },
  {
    op: 'getChannelHistory',
    name: 'the technical team looking someone up',
    who: 'technical',
    send: () => ({ method: 'GET', url: '/api/v1/contacts?phone=081234567890' }),
    status: 403,
  },
  ...(
    [
      ['page zero', 'page=0', { 'querystring.page': 'too_small' }],
      ['a negative page', 'page=-1', { 'querystring.page': 'too_small' }],
      ['a NaN page', 'page=NaN', { 'querystring.page': 'invalid_value' }],
      ['a page beyond any number', `page=${'9'.repeat(400)}`, undefined],
      ['a fractional page', 'page=1.5', undefined],
      ['someone else’s account', `userId=${MISSING_ID}`, { 'querystring.userId': 'unknown_field' }],
      ['a number to look up', 'phone=081234567890', { 'querystring.phone': 'unknown_field' }],
    ] as const
  ).map(([name, query, fields]): Case => ({
    op: 'getMyChannelHistory',
    name,
    send: () => ({ method: 'GET', url: `/api/v1/me/contacts?${query}` }),
    status: 400,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  // ── The data subject's rights (LAW-5): the applicant's own, and the office's answers ───────────────
  ...(
    [
      ['someone else’s account', `userId=${MISSING_ID}`, { 'querystring.userId': 'unknown_field' }],
      ['another office', 'tenantId=other', { 'querystring.tenantId': 'unknown_field' }],
      ['a format that does not exist', 'format=csv', { 'querystring.format': 'unknown_field' }],
      ['a 100 000-character parameter', `q=${HUGE}`, undefined],
    ] as const
  ).flatMap(([name, query, fields]): Case[] =>
    (['getMyPersonalData', 'listMyDataRequests'] as const).map((op) => ({
      op,
      name,
      send: () => ({ method: 'GET', url: `/api/v1/me/${op === 'getMyPersonalData' ? 'personal-data' : 'data-requests'}?${query}` }),
      status: query.startsWith('q=') ? [400, 414] : 400,
      ...(fields ? { fields: { ...fields } } : {}),
    })),
  ),
  ...(['getMyPersonalData', 'listMyDataRequests'] as const).flatMap((op): Case[] => [
    {
      op,
      name: 'an officer asking for an applicant’s own data',
      who: 'verifier',
      send: () => ({ method: 'GET', url: `/api/v1/me/${op === 'getMyPersonalData' ? 'personal-data' : 'data-requests'}` }),
      status: 403,
    },
    {
      op,
      name: 'no session',
      who: 'anonymous',
      send: () => ({ method: 'GET', url: `/api/v1/me/${op === 'getMyPersonalData' ? 'personal-data' : 'data-requests'}` }),
      status: 401,
    },
  ]),
  ...idCases('getMyDataRequest', 'GET', (id) => `/api/v1/me/data-requests/${id}`),
  {
    op: 'getMyDataRequest',
    name: 'another applicant’s request',
    who: 'leaver',
    send: (f) => ({ method: 'GET', url: `/api/v1/me/data-requests/${f.dataRequestId}` }),
    status: 404,
  },
  ...jsonBodyCases(
    'createCorrectionRequest',
    'POST',
    () => '/api/v1/me/data-requests/corrections',
    () => ({ subject: 'address', currentValue: 'Jl. Lama', requestedValue: 'Jl. Baru' }),
  ),
  ...(
    [
      ['no subject', { currentValue: 'Jl. Lama', requestedValue: 'Jl. Baru' }, { subject: 'required' }],
      ['an unknown subject', { subject: 'salary', currentValue: 'Jl. Lama', requestedValue: 'Jl. Baru' }, { subject: 'invalid_value' }],
      ['an empty current value', { subject: 'address', currentValue: ' ', requestedValue: 'Jl. Baru' }, { currentValue: 'required' }],
      ['a full NIK in the text', { subject: 'identity', currentValue: 'NIK 3573014506900002', requestedValue: 'Jl. Baru' }, { currentValue: 'nik_not_here' }],
      ['a 100 000-character text', { subject: 'address', currentValue: HUGE, requestedValue: 'Jl. Baru' }, { currentValue: 'too_long' }],
      ['a number as text', { subject: 'address', currentValue: 12, requestedValue: 'Jl. Baru' }, { currentValue: 'invalid_value' }],
      [
        'an application that is not yours',
        { subject: 'application', applicationNumber: 'MLG-PBG-2026-999999', currentValue: 'a', requestedValue: 'b' },
        { applicationNumber: 'not_your_application' },
      ],
      ['an officer-only field', { subject: 'address', currentValue: 'Jl. Lama', requestedValue: 'Jl. Baru', status: 'corrected' }, { status: 'unknown_field' }],
    ] as const
  ).map(([name, body, fields]): Case => ({
    op: 'createCorrectionRequest',
    name,
    send: () => ({ method: 'POST', url: '/api/v1/me/data-requests/corrections', ...asJson(body) }),
    status: 400,
    fields: { ...fields },
  })),
  {
    op: 'createCorrectionRequest',
    name: 'an officer filing one',
    who: 'verifier',
    send: () => ({ method: 'POST', url: '/api/v1/me/data-requests/corrections', ...asJson({ subject: 'name', currentValue: 'a', requestedValue: 'b' }) }),
    status: 403,
  },
  ...jsonBodyCases(
    'eraseMyAccount',
    'POST',
    () => '/api/v1/me/erasure',
    (f) => ({ currentPassword: f.leaver.password, confirm: true }),
  ),
  ...(
    [
      ['the wrong password', (f: Fixtures) => ({ currentPassword: `${f.leaver.password}x`, confirm: true }), { currentPassword: 'wrong_password' }],
      ['not confirmed', (f: Fixtures) => ({ currentPassword: f.leaver.password, confirm: false }), { confirm: 'erasure_confirm' }],
      ['confirm as a string', (f: Fixtures) => ({ currentPassword: f.leaver.password, confirm: 'yes' }), { confirm: 'invalid_value' }],
      ['no password', () => ({ confirm: true }), { currentPassword: 'required' }],
      ['a 100 000-character password', () => ({ currentPassword: HUGE, confirm: true }), { currentPassword: 'too_long' }],
    ] as const
  ).map(([name, body, fields]): Case => ({
    op: 'eraseMyAccount',
    name,
    send: (f) => ({ method: 'POST', url: '/api/v1/me/erasure', ...asJson(body(f)) }),
    status: 400,
    fields: { ...fields },
  })),
  {
    op: 'eraseMyAccount',
    name: 'an officer erasing themself here',
    who: 'admin',
    send: (f) => ({ method: 'POST', url: '/api/v1/me/erasure', ...asJson({ currentPassword: f.admin.password, confirm: true }) }),
    status: 403,
  },
  ...(
    [
      ['a status that does not exist', 'status=pending', { 'querystring.status': 'invalid_value' }],
      ['the status twice', 'status=open&status=closed', undefined],
      ['an unknown parameter', `userId=${MISSING_ID}`, { 'querystring.userId': 'unknown_field' }],
      ['an SQL fragment as status', `status=${encodeURIComponent("open' OR '1'='1")}`, { 'querystring.status': 'invalid_value' }],
    ] as const
  ).map(([name, query, fields]): Case => ({
    op: 'listDataRequests',
    name,
    send: () => ({ method: 'GET', url: `/api/v1/data-requests?${query}` }),
    status: 400,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  ...(['applicant', 'verifier', 'technical'] as const).map((who): Case => ({
    op: 'listDataRequests',
    name: `the ${who}, outside the policy`,
    who,
    send: () => ({ method: 'GET', url: '/api/v1/data-requests' }),
    status: 403,
  })),
  ...idCases('getDataRequest', 'GET', (id) => `/api/v1/data-requests/${id}`),
  {
    op: 'getDataRequest',
    name: 'an applicant reading the office’s copy',
    who: 'applicant',
    send: (f) => ({ method: 'GET', url: `/api/v1/data-requests/${f.dataRequestId}` }),
    status: 403,
  },
  ...idCases(
    'resolveDataRequest',
    'POST',
    (id) => `/api/v1/data-requests/${id}/resolve`,
    () => asJson({ outcome: 'refused', resolution: 'Data sudah benar' }),
  ),
  ...jsonBodyCases(
    'resolveDataRequest',
    'POST',
    (f) => `/api/v1/data-requests/${f.dataRequestId}/resolve`,
    () => ({ outcome: 'refused', resolution: 'Data sudah benar' }),
  ),
  ...(
    [
      ['an outcome that is not one', { outcome: 'maybe', resolution: 'Data sudah benar' }, { outcome: 'invalid_value' }],
      ['no answer', { outcome: 'refused', resolution: '  ' }, { resolution: 'required' }],
      ['an answer too short to read', { outcome: 'refused', resolution: 'ok' }, { resolution: 'too_short' }],
      ['a 100 000-character answer', { outcome: 'corrected', resolution: HUGE }, { resolution: 'too_long' }],
      ['a full NIK in the answer', { outcome: 'corrected', resolution: 'NIK dibetulkan jadi 3573014506900002' }, { resolution: 'nik_not_here' }],
    ] as const
  ).map(([name, body, fields]): Case => ({
    op: 'resolveDataRequest',
    name,
    send: (f) => ({ method: 'POST', url: `/api/v1/data-requests/${f.dataRequestId}/resolve`, ...asJson(body) }),
    status: 400,
    fields: { ...fields },
  })),
  {
    op: 'resolveDataRequest',
    name: 'the verifier, outside the policy',
    who: 'verifier',
    send: (f) => ({
      method: 'POST',
      url: `/api/v1/data-requests/${f.dataRequestId}/resolve`,
      ...asJson({ outcome: 'refused', resolution: 'Data sudah benar' }),
    }),
    status: 403,
  },
  // ── Courier parcels (front desk and admin): logParcel, listParcels, getParcel, linkParcel, uploadParcelPhoto, recordParcelShipment, getParcelReport ──
  ...jsonBodyCases(
    'logParcel',
    'POST',
    () => '/api/v1/parcels',
    () => ({ company: 'JNE', trackingNumber: 'JN999000111', senderName: 'Pak Darto' }),
  ),
  ...(
    [
      ['no company', { trackingNumber: 'JN999000111', senderName: 'Pak Darto' }, 400, { company: 'required' }],
      ['a 100 000-character sender', { company: 'JNE', trackingNumber: 'JN999000111', senderName: HUGE }, 400, { senderName: 'too_long' }],
      ['a tracking number with markup', { company: 'JNE', trackingNumber: '<b>JN1</b>', senderName: 'Pak Darto' }, 400, undefined],
      [
        'a permit type the office does not have',
        { company: 'JNE', trackingNumber: 'JN999000111', senderName: 'Pak Darto', permitTypeCode: 'PIJAT' },
        422,
        { permitTypeCode: 'invalid_option' },
      ],
      [
        'a checklist item that is no requirement of the type',
        { company: 'JNE', trackingNumber: 'JN999000111', senderName: 'Pak Darto', permitTypeCode: 'PBG', checklist: ['paspor'] },
        422,
        { checklist: 'invalid_option' },
      ],
      [
        'a checklist without a permit type',
        { company: 'JNE', trackingNumber: 'JN999000111', senderName: 'Pak Darto', checklist: ['ktp'] },
        422,
        { permitTypeCode: 'required' },
      ],
      [
        'a checklist as a string',
        { company: 'JNE', trackingNumber: 'JN999000111', senderName: 'Pak Darto', permitTypeCode: 'PBG', checklist: 'ktp' },
        400,
        undefined,
      ],
      [
        'a received time that has not come yet',
        { company: 'JNE', trackingNumber: 'JN999000111', senderName: 'Pak Darto', receivedAt: '2031-01-01T09:00:00+07:00' },
        422,
        { receivedAt: 'date_in_future' },
      ],
      [
        'a received time that is no time',
        { company: 'JNE', trackingNumber: 'JN999000111', senderName: 'Pak Darto', receivedAt: 'kemarin sore' },
        400,
        undefined,
      ],
      [
        'a received time on a day that does not exist',
        { company: 'JNE', trackingNumber: 'JN999000111', senderName: 'Pak Darto', receivedAt: '2026-02-30T09:00:00+07:00' },
        400,
        undefined,
      ],
      [
        'a received time in a 13th month',
        { company: 'JNE', trackingNumber: 'JN999000111', senderName: 'Pak Darto', receivedAt: '2026-13-01T09:00:00+07:00' },
        400,
        undefined,
      ],
      [
        'a sender contact that is neither a number nor an email',
        { company: 'JNE', trackingNumber: 'JN999000111', senderName: 'Pak Darto', senderContact: 'rumah' },
        422,
        { senderContact: 'invalid_phone' },
      ],
    ] as const
  ).map(([name, body, status, fields]): Case => ({
    op: 'logParcel',
    name,
    send: () => ({ method: 'POST', url: '/api/v1/parcels', ...asJson(body) }),
    status,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  {
    op: 'logParcel',
    name: 'an applicant logging a parcel',
    who: 'applicant',
    send: () => ({ method: 'POST', url: '/api/v1/parcels', ...asJson({ company: 'JNE', trackingNumber: 'JN999000111', senderName: 'Pak Darto' }) }),
    status: 403,
  },
  ...(
    [
      ['a direction it does not know', '/api/v1/parcels?direction=sideways', 400],
      ['linked as neither yes nor no', '/api/v1/parcels?linked=maybe', 400],
      ['page 0', '/api/v1/parcels?page=0', 400],
      ['a page that is no number', '/api/v1/parcels?page=dua', 400],
      ['a page past 10 000', '/api/v1/parcels?page=10001', 400],
      ['a page with a fraction', '/api/v1/parcels?page=1.5', 400],
      ['an unknown parameter', '/api/v1/parcels?admin=1', 400],
      ['a 100 000-character direction', `/api/v1/parcels?direction=${HUGE}`, [400, 414]],
    ] as const
  ).map(([name, url, status]): Case => ({ op: 'listParcels', name, send: () => ({ method: 'GET', url }), status })),
  { op: 'listParcels', name: 'a verifier listing parcels', who: 'verifier', send: () => ({ method: 'GET', url: '/api/v1/parcels' }), status: 403 },
  ...(
    [
      ['not a UUID', '/api/v1/parcels/JN999', 400],
      ['a path traversal', '/api/v1/parcels/..%2F..%2Fetc%2Fpasswd', [400, 404]],
      ['a UUID that does not exist', `/api/v1/parcels/${MISSING_ID}`, 404],
      ['an SQL fragment', `/api/v1/parcels/${encodeURIComponent("1' OR '1'='1")}`, 400],
      ['a NUL byte', '/api/v1/parcels/%00', 400],
      ['100 000 characters', `/api/v1/parcels/${HUGE}`, [400, 404, 414]],
    ] as const
  ).map(([name, url, status]): Case => ({ op: 'getParcel', name, send: () => ({ method: 'GET', url }), status })),
  ...jsonBodyCases(
    'linkParcel',
    'POST',
    (f) => `/api/v1/parcels/${f.parcelId}/link`,
    (f) => ({ applicationNumber: f.number }),
  ),
  ...(
    [
      ['both an application number and a new application', (f: Fixtures) => ({ applicationNumber: f.number, newApplication: {} }), 400, undefined],
      ['neither', () => ({}), 400, undefined],
      ['an application number in the wrong form', () => ({ applicationNumber: '12345' }), 400, undefined],
      ['an application number that names nothing', () => ({ applicationNumber: 'MLG-PBG-2026-999999' }), 422, { applicationNumber: 'invalid_option' }],
      [
        'a new application of a permit type the office does not have',
        () => ({ newApplication: { permitTypeCode: 'PIJAT' } }),
        422,
        { permitTypeCode: 'invalid_option' },
      ],
    ] as const
  ).map(([name, body, status, fields]): Case => ({
    op: 'linkParcel',
    name,
    send: (f) => ({ method: 'POST', url: `/api/v1/parcels/${f.parcelId}/link`, ...asJson(body(f)) }),
    status,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  {
    op: 'linkParcel',
    name: 'a parcel that does not exist',
    send: (f) => ({ method: 'POST', url: `/api/v1/parcels/${MISSING_ID}/link`, ...asJson({ applicationNumber: f.number }) }),
    status: 404,
  },
  {
    op: 'linkParcel',
    name: 'a parcel id that is not a UUID',
    send: (f) => ({ method: 'POST', url: '/api/v1/parcels/JN999/link', ...asJson({ applicationNumber: f.number }) }),
    status: 400,
  },
  ...((): Case[] => {
    const up = (name: string, url: (f: Fixtures) => string, body: () => Pick<Req, 'payload' | 'headers'>, status: number | readonly number[]): Case => ({
      op: 'uploadParcelPhoto',
      name,
      send: (f) => ({ method: 'POST', url: url(f), ...body() }),
      status,
    });
    const own = (f: Fixtures) => `/api/v1/parcels/${f.parcelId}/photos`;
    return [
      up('plain text instead of multipart', own, () => rawBody('%PDF-1.4', 'text/plain'), [400, 415]),
      up('multipart without a boundary', own, () => rawBody('garbage', 'multipart/form-data'), 400),
      up('a multipart body that is not multipart', own, () => multipart('garbage that is not multipart'), 400),
      up('a PDF instead of a photo', own, pdfUpload, 415),
      up('a parcel that does not exist', () => `/api/v1/parcels/${MISSING_ID}/photos`, pdfUpload, 404),
      up('a parcel id that is not a UUID', () => '/api/v1/parcels/JN999/photos', pdfUpload, 400),
    ];
  })(),
  ...jsonBodyCases(
    'recordParcelShipment',
    'POST',
    () => '/api/v1/parcels/shipments',
    (f) => ({ applicationNumber: f.number, company: 'POS Indonesia', trackingNumber: 'P999000111', contents: 'permit' }),
  ),
  ...(
    [
      [
        'contents it does not know',
        (f: Fixtures) => ({ applicationNumber: f.number, company: 'POS', trackingNumber: 'P999000111', contents: 'cake' }),
        400,
        undefined,
      ],
      ['no tracking number', (f: Fixtures) => ({ applicationNumber: f.number, company: 'POS', contents: 'permit' }), 400, { trackingNumber: 'required' }],
      [
        'an application number that names nothing',
        () => ({ applicationNumber: 'MLG-PBG-2026-999999', company: 'POS', trackingNumber: 'P999000111', contents: 'permit' }),
        422,
        { applicationNumber: 'invalid_option' },
      ],
      [
        'a sent time that has not come yet',
        (f: Fixtures) => ({
          applicationNumber: f.number,
          company: 'POS',
          trackingNumber: 'P999000111',
          contents: 'returned_papers',
          sentAt: '2031-01-01T09:00:00+07:00',
        }),
        422,
        { sentAt: 'date_in_future' },
      ],
      [
        'a sent time in month 00',
        (f: Fixtures) => ({
          applicationNumber: f.number,
          company: 'POS',
          trackingNumber: 'P999000111',
          contents: 'returned_papers',
          sentAt: '2026-00-10T09:00:00+07:00',
        }),
        400,
        undefined,
      ],
    ] as const
  ).map(([name, body, status, fields]): Case => ({
    op: 'recordParcelShipment',
    name,
    send: (f) => ({ method: 'POST', url: '/api/v1/parcels/shipments', ...asJson(body(f)) }),
    status,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  {
    op: 'recordParcelShipment',
    name: 'the permit of a file that has none yet',
    send: (f) => ({
      method: 'POST',
      url: '/api/v1/parcels/shipments',
      ...asJson({ applicationNumber: f.number, company: 'POS', trackingNumber: 'P999000111', contents: 'permit' }),
    }),
    status: 422,
    fields: { contents: 'no_permit' },
  },
  {
    op: 'recordParcelShipment',
    name: 'an applicant recording a shipment',
    who: 'applicant',
    send: (f) => ({
      method: 'POST',
      url: '/api/v1/parcels/shipments',
      ...asJson({ applicationNumber: f.number, company: 'POS', trackingNumber: 'P999000111', contents: 'permit' }),
    }),
    status: 403,
  },
  ...(
    [
      ['a day that does not exist', '/api/v1/parcels/report?from=2026-13-01', 400],
      ['the 30th of February', '/api/v1/parcels/report?to=2026-02-30', 400],
      ['a range that runs backwards', '/api/v1/parcels/report?from=2026-11-27&to=2026-11-20', 422],
      ['a range longer than 92 days', '/api/v1/parcels/report?from=2025-01-01&to=2026-11-20', 422],
      ['an unknown parameter', '/api/v1/parcels/report?days=3', 400],
      ['a 100 000-character day', `/api/v1/parcels/report?from=${HUGE}`, [400, 414]],
    ] as const
  ).map(([name, url, status]): Case => ({ op: 'getParcelReport', name, send: () => ({ method: 'GET', url }), status })),
  {
    op: 'getParcelReport',
    name: 'an applicant reading the report',
    who: 'applicant',
    send: () => ({ method: 'GET', url: '/api/v1/parcels/report' }),
    status: 403,
  },

  // ── the help desk: createHelpRequest (public form), the officers' operations, claimApplicationByLink ──
  ...jsonBodyCases(
    'createHelpRequest',
    'POST',
    () => '/api/v1/help-requests',
    () => ({ handle: 'warga@contoh.id', message: 'Syarat izin reklame apa saja?' }),
  ),
  ...(
    [
      ['no message', { handle: 'warga@contoh.id' }, 400, { message: 'required' }],
      ['an empty message', { handle: 'warga@contoh.id', message: '   ' }, 400, undefined],
      ['a 100 000-character message', { handle: 'warga@contoh.id', message: HUGE }, 400, { message: 'too_long' }],
      ['no address to answer at', { message: 'Halo' }, 400, { handle: 'required' }],
      ['an address that is neither email nor number', { handle: 'bukan alamat', message: 'Halo' }, 400, { handle: 'invalid_format' }],
      ['a citizen choosing the phone channel', { channel: 'phone', handle: '081234567890', message: 'Halo' }, 400, { channel: 'invalid_option' }],
      ['a channel that does not exist', { channel: 'telegram', handle: 'warga@contoh.id', message: 'Halo' }, 400, undefined],
      ['a permit type the office does not have', { handle: 'warga@contoh.id', message: 'Halo', permitCode: 'SIUP' }, 400, { permitCode: 'invalid_option' }],
      ['an application id that is not a UUID', { handle: 'warga@contoh.id', message: 'Halo', applicationId: '123' }, 400, undefined],
      [
        'an application named while signed out',
        { handle: 'warga@contoh.id', message: 'Halo', applicationId: MISSING_ID },
        400,
        { applicationId: 'invalid_option' },
      ],
    ] as const
  ).map(([name, body, status, fields]): Case => ({
    op: 'createHelpRequest',
    name,
    send: () => ({ method: 'POST', url: '/api/v1/help-requests', ...asJson(body) }),
    status,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  {
    op: 'createHelpRequest',
    name: 'a citizen naming an application that is not theirs',
    who: 'applicant',
    send: () => ({ method: 'POST', url: '/api/v1/help-requests', ...asJson({ message: 'Halo', applicationId: MISSING_ID }) }),
    status: 404,
  },
  ...(
    [
      ['a status that does not exist', '/api/v1/help-requests?status=open', 400],
      ['page 0', '/api/v1/help-requests?page=0', 400],
      ['a page size of 1000', '/api/v1/help-requests?pageSize=1000', 400],
      ['mine as a word', '/api/v1/help-requests?mine=yes', 400],
      ['an unknown parameter', '/api/v1/help-requests?sort=due', 400],
      ['a 100 000-character status', `/api/v1/help-requests?status=${HUGE}`, [400, 414]],
    ] as const
  ).map(([name, url, status]): Case => ({ op: 'listHelpRequests', name, send: () => ({ method: 'GET', url }), status })),
  {
    op: 'listHelpRequests',
    name: 'an applicant listing the help desk',
    who: 'applicant',
    send: () => ({ method: 'GET', url: '/api/v1/help-requests' }),
    status: 403,
  },
  ...(
    [
      ['not a UUID', '/api/v1/help-requests/abc', 400],
      ['a path traversal', '/api/v1/help-requests/..%2F..%2Fetc%2Fpasswd', [400, 404]],
      ['a UUID that does not exist', `/api/v1/help-requests/${MISSING_ID}`, 404],
      ['an SQL fragment', `/api/v1/help-requests/${encodeURIComponent("1' OR '1'='1")}`, 400],
      ['a NUL byte', '/api/v1/help-requests/%00', 400],
      ['100 000 characters', `/api/v1/help-requests/${HUGE}`, [400, 404, 414]],
    ] as const
  ).map(([name, url, status]): Case => ({ op: 'getHelpRequest', name, send: () => ({ method: 'GET', url }), status })),
  {
    op: 'getHelpRequest',
    name: 'a verifier reading a request',
    who: 'verifier',
    send: () => ({ method: 'GET', url: `/api/v1/help-requests/${MISSING_ID}` }),
    status: 403,
  },
  ...jsonBodyCases(
    'replyToHelpRequest',
    'POST',
    () => `/api/v1/help-requests/${MISSING_ID}/replies`,
    () => ({ body: 'Jawaban kami' }),
  ),
  ...(
    [
      ['no body', `/api/v1/help-requests/${MISSING_ID}/replies`, {}, 400, { body: 'required' }],
      ['an empty reply', `/api/v1/help-requests/${MISSING_ID}/replies`, { body: '  ' }, 400, undefined],
      ['a 100 000-character reply', `/api/v1/help-requests/${MISSING_ID}/replies`, { body: HUGE }, 400, { body: 'too_long' }],
      ['a status after the reply of new', `/api/v1/help-requests/${MISSING_ID}/replies`, { body: 'Ya', status: 'new' }, 400, undefined],
      ['a request id that is not a UUID', '/api/v1/help-requests/abc/replies', { body: 'Ya' }, 400, undefined],
      ['a request that does not exist', `/api/v1/help-requests/${MISSING_ID}/replies`, { body: 'Ya' }, 404, undefined],
    ] as const
  ).map(([name, url, body, status, fields]): Case => ({
    op: 'replyToHelpRequest',
    name,
    send: () => ({ method: 'POST', url, ...asJson(body) }),
    status,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  ...jsonBodyCases(
    'addHelpRequestNote',
    'POST',
    () => `/api/v1/help-requests/${MISSING_ID}/notes`,
    () => ({ body: 'Catatan' }),
  ),
  ...(
    [
      ['no body', `/api/v1/help-requests/${MISSING_ID}/notes`, {}, 400],
      ['a note as a number', `/api/v1/help-requests/${MISSING_ID}/notes`, { body: 5 }, 400],
      ['a request id that is not a UUID', '/api/v1/help-requests/abc/notes', { body: 'x' }, 400],
      ['a request that does not exist', `/api/v1/help-requests/${MISSING_ID}/notes`, { body: 'x' }, 404],
    ] as const
  ).map(([name, url, body, status]): Case => ({ op: 'addHelpRequestNote', name, send: () => ({ method: 'POST', url, ...asJson(body) }), status })),
  ...jsonBodyCases(
    'updateHelpRequest',
    'PATCH',
    () => `/api/v1/help-requests/${MISSING_ID}`,
    () => ({ status: 'closed' }),
  ),
  ...(
    [
      ['nothing to change', {}, 400],
      ['a status that does not exist', { status: 'done' }, 400],
      ['an assignee that is not a UUID', { assigneeId: 'Budi' }, 400],
      ['a permit code with spaces', { permitCode: 'P B G' }, 400],
      ['a request that does not exist', { status: 'closed' }, 404],
    ] as const
  ).map(([name, body, status]): Case => ({
    op: 'updateHelpRequest',
    name,
    send: () => ({ method: 'PATCH', url: `/api/v1/help-requests/${MISSING_ID}`, ...asJson(body) }),
    status,
  })),
  ...jsonBodyCases(
    'assistHelpRequest',
    'POST',
    () => `/api/v1/help-requests/${MISSING_ID}/assist`,
    () => ({ permitTypeCode: 'REKLAME' }),
  ),
  ...(
    [
      ['no permit type', {}, 400, { permitTypeCode: 'required' }],
      ['a permit type with symbols', { permitTypeCode: 'PBG;--' }, 400, undefined],
      ['a 100 000-character name', { permitTypeCode: 'REKLAME', applicantName: HUGE }, 400, { applicantName: 'too_long' }],
      ['a request that does not exist', { permitTypeCode: 'REKLAME' }, 404, undefined],
    ] as const
  ).map(([name, body, status, fields]): Case => ({
    op: 'assistHelpRequest',
    name,
    send: () => ({ method: 'POST', url: `/api/v1/help-requests/${MISSING_ID}/assist`, ...asJson(body) }),
    status,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  ...jsonBodyCases(
    'claimApplicationByLink',
    'POST',
    () => '/api/v1/claim-links/claim',
    () => ({ token: 'n3YwQ0lW1cX8Vq9mJk2sT5uB7zD4fH6gA1eR0pLoNbM' }),
  ),
  ...(
    [
      ['no token', {}, 400, { token: 'required' }],
      ['a token as a number', { token: 12345 }, 400, undefined],
      ['a 100 000-character token', { token: HUGE }, 400, { token: 'too_long' }],
      ['a token nobody was given', { token: 'n3YwQ0lW1cX8Vq9mJk2sT5uB7zD4fH6gA1eR0pLoNbM' }, 404, undefined],
      ['a token with a path in it', { token: '../../etc/passwd' }, 404, undefined],
    ] as const
  ).map(([name, body, status, fields]): Case => ({
    op: 'claimApplicationByLink',
    name,
    send: () => ({ method: 'POST', url: '/api/v1/claim-links/claim', ...asJson(body) }),
    status,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  {
    op: 'claimApplicationByLink',
    name: 'an officer claiming',
    who: 'admin',
    send: () => ({ method: 'POST', url: '/api/v1/claim-links/claim', ...asJson({ token: 'n3YwQ0lW1cX8Vq9mJk2sT5uB7zD4fH6gA1eR0pLoNbM' }) }),
    status: 403,
  },
  // ── the PBG retribution coefficients (fees/): the admin's versions per filing year ─────────────────────
  ...(
    [
      ['an unknown parameter', 'year=2026'],
      ['an SQL fragment as a parameter', `q=${encodeURIComponent("x' OR '1'='1")}`],
      ['a 100 000-character parameter', `q=${HUGE}`],
      ['a NUL character in a parameter', 'q=a%00b'],
      ['a parameter given twice (an array)', 'year=2026&year=2027'],
    ] as const
  ).map(([name, query]): Case => ({
    op: 'listRetributionCoefficients',
    name,
    send: () => ({ method: 'GET', url: `/api/v1/fees/retribution-coefficients?${query}` }),
    status: [400, 414],
  })),
  {
    op: 'listRetributionCoefficients',
    name: 'by the technical officer',
    who: 'technical',
    send: () => ({ method: 'GET', url: '/api/v1/fees/retribution-coefficients' }),
    status: 403,
  },
  ...(
    [
      ['a year that is not a number', 'dua-ribu', { reason: 'Typo', coefficients: {} }, 400],
      ['a year before 2000', '1999', { reason: 'Old decree' }, 400],
      ['an SQL fragment as the year', encodeURIComponent("2026' OR '1'='1"), { reason: 'x' }, 400],
      ['no body', '2026', undefined, 400],
      ['no reason', '2026', { coefficients: { shst: 6_800_000 } }, 400],
      ['the coefficients as a string', '2026', { coefficients: 'shst=1', reason: 'Decree' }, 400],
      ['an SHST below zero and a locality index above 0.5%', '2026', { coefficients: { decree: 'Keputusan', shst: -1, ilo: 0.05 }, reason: 'Decree' }, 400],
      ['an unknown field', '2026', { coefficients: {}, reason: 'Decree', version: 9 }, 400],
      ['a 100 000-character reason', '2026', { coefficients: {}, reason: HUGE }, 400],
    ] as const
  ).map(([name, year, payload, status]): Case => ({
    op: 'saveRetributionCoefficients',
    name,
    send: () => ({ method: 'PUT', url: `/api/v1/fees/retribution-coefficients/${year}`, ...(payload === undefined ? {} : { payload: { ...payload } }) }),
    status,
  })),
  {
    op: 'saveRetributionCoefficients',
    name: 'by the head (may read, not change)',
    who: 'head',
    send: () => ({
      method: 'PUT',
      url: '/api/v1/fees/retribution-coefficients/2026',
      payload: { coefficients: { ...loadRetributionTable().offices.MLG!['2026']! }, reason: 'Head' },
    }),
    status: 403,
  },
  // ── Money (issue 12): bills ────────────────────────────────────────────────────────────────────────
  // None of the bills' and money desk's operations reads a query parameter: an unknown one is refused, not ignored.
  ...(
    [
      ['listApplicationBills', 'GET', (f: Fixtures) => `${app(f.billAppId)}/bills`],
      ['reissueApplicationBill', 'POST', (f: Fixtures) => `${app(f.billAppId)}/bills/reissue`],
      ['requestNewBillCode', 'POST', (f: Fixtures) => `${app(f.billAppId)}/bills/new-code`],
      ['listHeldPayments', 'GET', () => '/api/v1/payments/held'],
      ['getHeldPayment', 'GET', (f: Fixtures) => `/api/v1/payments/held/${f.heldPaymentId}`],
      ['acceptHeldPayment', 'POST', (f: Fixtures) => `/api/v1/payments/held/${f.heldPaymentId}/accept`],
      ['closeHeldPayment', 'POST', (f: Fixtures) => `/api/v1/payments/held/${f.heldPaymentId}/close`],
      ['listReconciliationDays', 'GET', () => '/api/v1/reconciliation/days'],
      ['importBankStatement', 'POST', () => '/api/v1/reconciliation/statements'],
      ['getReconciliationDay', 'GET', (f: Fixtures) => `/api/v1/reconciliation/days/${f.statementDay}`],
      ['resolveReconciliationLine', 'POST', (f: Fixtures) => `/api/v1/reconciliation/days/${f.statementDay}/lines/${f.lineId}/resolve`],
      ['closeReconciliationDay', 'POST', (f: Fixtures) => `/api/v1/reconciliation/days/${f.statementDay}/close`],
    ] as const
  ).map(([op, method, url]): Case => ({
    op,
    name: 'an unknown query parameter',
    send: (f) => ({ method, url: `${url(f)}?admin=1`, ...(method === 'POST' ? asJson(QUERY_CASE_BODY[op] ?? {}) : {}) }),
    status: 400,
    fields: { 'querystring.admin': 'unknown_field' },
  })),
  ...idCases('listApplicationBills', 'GET', (id) => `${app(id)}/bills`),
  {
    op: 'listApplicationBills',
    name: 'another applicant’s file',
    who: 'leaver',
    send: (f) => ({ method: 'GET', url: `${app(f.billAppId)}/bills` }),
    status: 404,
  },
  {
    op: 'listApplicationBills',
    name: 'a trailing path traversal',
    send: (f) => ({ method: 'GET', url: `${app(f.billAppId)}%2F..%2F..%2Fetc%2Fpasswd/bills` }),
    status: 400,
  },
  ...jsonBodyCases(
    'reissueApplicationBill',
    'POST',
    (f) => `${app(f.billAppId)}/bills/reissue`,
    () => ({ reason: 'Kode bayar hilang' }),
  ),
  ...idCases(
    'reissueApplicationBill',
    'POST',
    (id) => `${app(id)}/bills/reissue`,
    () => asJson({ reason: 'Kode bayar hilang' }),
  ),
  ...(
    [
      ['no reason', {}, 400, { reason: 'required' }],
      ['a reason that is too short', { reason: 'ab' }, 400, { reason: 'too_short' }],
      ['a blank reason', { reason: '      ' }, 400, undefined],
      ['a 100 000-character reason', { reason: HUGE }, 400, { reason: 'too_long' }],
      ['the reason as a number', { reason: 12345 }, 400, { reason: 'invalid_value' }],
      ['the amount smuggled in', { reason: 'Kode bayar hilang', amount: 1 }, 400, { amount: 'unknown_field' }],
    ] as const
  ).map(([name, body, status, fields]): Case => ({
    op: 'reissueApplicationBill',
    name,
    send: (f) => ({ method: 'POST', url: `${app(f.billAppId)}/bills/reissue`, ...asJson(body) }),
    status,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  {
    op: 'reissueApplicationBill',
    name: 'a valid request from the applicant',
    who: 'applicant',
    send: (f) => ({ method: 'POST', url: `${app(f.billAppId)}/bills/reissue`, ...asJson({ reason: 'Saya ingin kode baru' }) }),
    status: 403,
  },
  {
    op: 'reissueApplicationBill',
    name: 'a draft with no fee to bill',
    send: (f) => ({ method: 'POST', url: `${app(f.draftId)}/bills/reissue`, ...asJson({ reason: 'Kode bayar hilang' }) }),
    status: 409,
  },
  ...idCases('requestNewBillCode', 'POST', (id) => `${app(id)}/bills/new-code`),
  {
    op: 'requestNewBillCode',
    name: 'while the code can still be paid',
    send: (f) => ({ method: 'POST', url: `${app(f.billAppId)}/bills/new-code` }),
    status: 409,
  },
  {
    op: 'requestNewBillCode',
    name: 'another applicant’s file',
    who: 'leaver',
    send: (f) => ({ method: 'POST', url: `${app(f.billAppId)}/bills/new-code` }),
    status: 404,
  },
  {
    op: 'requestNewBillCode',
    name: 'an officer asking',
    who: 'treasurer',
    send: (f) => ({ method: 'POST', url: `${app(f.billAppId)}/bills/new-code` }),
    status: 403,
  },
  {
    op: 'requestNewBillCode',
    name: 'invalid JSON text',
    send: (f) => ({ method: 'POST', url: `${app(f.billAppId)}/bills/new-code`, ...rawBody('{"a": ') }),
    status: 400,
  },
  {
    op: 'requestNewBillCode',
    name: 'XML',
    send: (f) => ({ method: 'POST', url: `${app(f.billAppId)}/bills/new-code`, ...rawBody('<new-code/>', 'application/xml') }),
    status: 415,
  },
  {
    op: 'requestNewBillCode',
    name: 'a 2 MB body',
    send: (f) => ({ method: 'POST', url: `${app(f.billAppId)}/bills/new-code`, ...asJson({ padding: 'x'.repeat(2_000_000) }) }),
    status: 413,
  },

  // ── payment settings (admin) ────────────────────────────────────────────────────────────────────────
  ...(
    [
      ['an unknown parameter', 'tenant=BTU', 400],
      ['an SQL fragment as a parameter', `q=${encodeURIComponent("x' OR '1'='1")}`, 400],
      ['a 100 000-character parameter', `q=${HUGE}`, [400, 414]],
      ['a parameter given twice (an array)', 'q=a&q=b', 400],
    ] as const
  ).map(([name, query, status]): Case => ({
    op: 'getPaymentSettings',
    name,
    send: () => ({ method: 'GET', url: `/api/v1/payments/settings?${query}` }),
    status,
  })),
  { op: 'getPaymentSettings', name: 'by the treasurer', who: 'treasurer', send: () => ({ method: 'GET', url: '/api/v1/payments/settings' }), status: 403 },
  { op: 'getPaymentSettings', name: 'no token', who: 'anonymous', send: () => ({ method: 'GET', url: '/api/v1/payments/settings' }), status: 401 },
  ...jsonBodyCases(
    'savePaymentSettings',
    'PUT',
    () => '/api/v1/payments/settings',
    () => PAYMENT_SETTINGS,
  ),
  ...(
    [
      ['no fields at all', {}, 400, { adapter: 'required' }],
      ['an adapter that does not exist', { adapter: 'paypal' }, 400, undefined],
      ['a biller code with letters', { partnerServiceId: '88A99' }, 400, undefined],
      ['a biller code of nine digits', { partnerServiceId: '123456789' }, 400, undefined],
      ['a bill expiry of zero days', { billExpiryDays: 0 }, 400, undefined],
      ['a bill expiry of 61 days', { billExpiryDays: 61 }, 400, undefined],
      ['a fractional bill expiry', { billExpiryDays: 1.5 }, 400, undefined],
      ['the bill expiry as a string', { billExpiryDays: '7' }, 400, undefined],
      ['a 100 000-character legal basis', { legalBasis: HUGE }, 400, undefined],
      ['a public key that is no key', { snapBankPublicKey: '-----BEGIN PUBLIC KEY-----\nbukan kunci\n-----END PUBLIC KEY-----' }, 400, undefined],
      ['a client secret that is too short', { snapClientSecret: 'pendek' }, 400, undefined],
      ['a signature encoding that does not exist', { snapSignatureEncoding: 'rot13' }, 400, undefined],
      ['a QRIS merchant with an unknown field', { qrisMerchant: { merchantId: 'M1', mcc: '9399', name: 'DPMPTSP', city: 'MALANG', tip: 1 } }, 400, undefined],
      ['a QRIS merchant category of letters', { qrisMerchant: { merchantId: 'M1', mcc: 'ABCD', name: 'DPMPTSP', city: 'MALANG' } }, 400, undefined],
    ] as const
  ).map(([name, patch, status, fields]): Case => ({
    op: 'savePaymentSettings',
    name,
    send: () => ({ method: 'PUT', url: '/api/v1/payments/settings', ...asJson(name === 'no fields at all' ? {} : { ...PAYMENT_SETTINGS, ...patch }) }),
    status,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  {
    op: 'savePaymentSettings',
    name: 'a valid save by the head',
    who: 'head',
    send: () => ({ method: 'PUT', url: '/api/v1/payments/settings', ...asJson(PAYMENT_SETTINGS) }),
    status: 403,
  },

  // ── the money desk (treasurer): held payments and the reconciliation of bank statements ──────────────────
  ...(
    [
      ['no token', undefined, 'anonymous', 401],
      ['an unknown token', 'Bearer this-token-was-never-issued-0123456789', 'anonymous', 401],
      ['by the applicant', undefined, 'applicant', 403],
      ['by the head', undefined, 'head', 403],
      ['by the admin', undefined, 'admin', 403],
    ] as const
  ).flatMap(([name, authorization, who, status]): Case[] =>
    (
      [
        ['listHeldPayments', '/api/v1/payments/held'],
        ['listReconciliationDays', '/api/v1/reconciliation/days'],
      ] as const
    ).map(([op, url]) => ({ op, name, who, send: () => ({ method: 'GET', url, ...(authorization ? { headers: { authorization } } : {}) }), status })),
  ),
  ...(
    [
      ['not a UUID', 'PRQ-1', 400],
      ['a path traversal', '..%2F..%2Fetc%2Fpasswd', [400, 404]],
      ['a UUID that does not exist', MISSING_ID, 404],
      ['an SQL fragment', encodeURIComponent("1' OR '1'='1"), 400],
      ['a NUL byte', '%00', 400],
      ['100 000 characters', HUGE, [400, 404, 414]],
    ] as const
  ).flatMap(([name, id, status]): Case[] => [
    { op: 'getHeldPayment', name: `payment id: ${name}`, send: () => ({ method: 'GET', url: `/api/v1/payments/held/${id}` }), status },
    ...(['accept', 'close'] as const).map((verb): Case => ({
      op: verb === 'accept' ? 'acceptHeldPayment' : 'closeHeldPayment',
      name: `payment id: ${name}`,
      send: () => ({ method: 'POST', url: `/api/v1/payments/held/${id}/${verb}`, ...asJson({ note: 'Catatan bendahara' }) }),
      status,
    })),
  ]),
  {
    op: 'getHeldPayment',
    name: 'the application id instead of a payment',
    send: (f) => ({ method: 'GET', url: `/api/v1/payments/held/${f.billAppId}` }),
    status: 404,
  },
  { op: 'getHeldPayment', name: 'by the admin', who: 'admin', send: (f) => ({ method: 'GET', url: `/api/v1/payments/held/${f.heldPaymentId}` }), status: 403 },
  ...(['acceptHeldPayment', 'closeHeldPayment'] as const).flatMap((op): Case[] => {
    const url = (f: Fixtures) => `/api/v1/payments/held/${f.heldPaymentId}/${op === 'acceptHeldPayment' ? 'accept' : 'close'}`;
    return [
      ...jsonBodyCases(op, 'POST', url, () => ({ note: 'Catatan bendahara' })),
      { op, name: 'no note', send: (f) => ({ method: 'POST', url: url(f), ...asJson({}) }), status: 400, fields: { note: 'required' } },
      { op, name: 'a note that is too short', send: (f) => ({ method: 'POST', url: url(f), ...asJson({ note: 'ok' }) }), status: 400 },
      {
        op,
        name: 'a 100 000-character note',
        send: (f) => ({ method: 'POST', url: url(f), ...asJson({ note: HUGE }) }),
        status: 400,
        fields: { note: 'too_long' },
      },
      {
        op,
        name: 'the note as a number',
        send: (f) => ({ method: 'POST', url: url(f), ...asJson({ note: 404 }) }),
        status: 400,
        fields: { note: 'invalid_value' },
      },
      {
        op,
        name: 'a valid note from the verifier',
        who: 'verifier',
        send: (f) => ({ method: 'POST', url: url(f), ...asJson({ note: 'Catatan verifikator' }) }),
        status: 403,
      },
    ];
  }),
  {
    op: 'acceptHeldPayment',
    name: 'a payment of another amount (it cannot pay its file)',
    send: (f) => ({ method: 'POST', url: `/api/v1/payments/held/${f.heldPaymentId}/accept`, ...asJson({ note: 'Terima saja' }) }),
    status: 409,
  },
  ...jsonBodyCases(
    'importBankStatement',
    'POST',
    () => '/api/v1/reconciliation/statements',
    (f) => ({ format: 'csv', content: `${f.statementDay},08:00,UJI-1,,100000`, day: f.statementDay }),
  ),
  ...(
    [
      ['no fields', () => ({}), 400, { format: 'required' }],
      ['a format that does not exist', (f: Fixtures) => ({ format: 'pdf', content: `${f.statementDay},08:00,X,,1` }), 400, { format: 'invalid_value' }],
      ['empty content', () => ({ format: 'csv', content: '' }), 400, undefined],
      ['the content as an array', () => ({ format: 'csv', content: ['a', 'b'] }), 400, { content: 'invalid_value' }],
      ['a day that does not exist', () => ({ format: 'csv', content: '2026-02-30,08:00,X,,1', day: '2026-02-30' }), 400, undefined],
      ['a day written the other way round', () => ({ format: 'csv', content: '01/12/2026;08:00;X;;1', day: '01-12-2026' }), 400, undefined],
      ['a 201-character file name', (f: Fixtures) => ({ format: 'csv', content: `${f.statementDay},08:00,X,,1`, fileName: 'm'.repeat(201) }), 400, undefined],
      [
        'an amount that is a word',
        (f: Fixtures) => ({ format: 'csv', content: `${f.statementDay},08:00,X,,seratus ribu`, day: f.statementDay }),
        422,
        undefined,
      ],
      [
        'a SNAP report that is not JSON',
        (f: Fixtures) => ({ format: 'snap_va_report', content: '{"virtualAccountData":', day: f.statementDay }),
        422,
        undefined,
      ],
      ['a day still to come', () => ({ format: 'csv', content: '2099-01-01,08:00,X,,1', day: '2099-01-01' }), 422, undefined],
      [
        'the day’s state smuggled in',
        (f: Fixtures) => ({ format: 'csv', content: `${f.statementDay},08:00,X,,1`, state: 'closed' }),
        400,
        { state: 'unknown_field' },
      ],
    ] as const
  ).map(([name, body, status, fields]): Case => ({
    op: 'importBankStatement',
    name,
    send: (f) => ({ method: 'POST', url: '/api/v1/reconciliation/statements', ...asJson(body(f)) }),
    status,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  {
    op: 'importBankStatement',
    name: 'a valid statement from the head',
    who: 'head',
    send: (f) => ({ method: 'POST', url: '/api/v1/reconciliation/statements', ...asJson({ format: 'csv', content: `${f.statementDay},08:00,X,,1` }) }),
    status: 403,
  },
  ...(
    [
      ['the 30th of February', '2026-02-30', 400],
      ['a day that is a word', 'kemarin', 400],
      ['a day written the other way round', '01-12-2026', 400],
      ['an SQL fragment', encodeURIComponent("2026-12-01' OR '1'='1"), 400],
      ['a NUL byte', '2026-12-01%00', 400],
      ['a day with no statement', '2001-01-01', 404],
      ['100 000 characters', HUGE, [400, 404, 414]],
    ] as const
  ).flatMap(([name, day, status]): Case[] => [
    { op: 'getReconciliationDay', name: `day: ${name}`, send: () => ({ method: 'GET', url: `/api/v1/reconciliation/days/${day}` }), status },
    {
      op: 'closeReconciliationDay',
      name: `day: ${name}`,
      send: () => ({ method: 'POST', url: `/api/v1/reconciliation/days/${day}/close`, ...asJson({}) }),
      status,
    },
    {
      op: 'resolveReconciliationLine',
      name: `day: ${name}`,
      send: (f) => ({ method: 'POST', url: `/api/v1/reconciliation/days/${day}/lines/${f.lineId}/resolve`, ...asJson({ note: 'Catatan bendahara' }) }),
      status,
    },
  ]),
  ...(
    [
      ['not a UUID', 'baris-1', 400],
      ['a UUID that does not exist', MISSING_ID, 404],
      ['an SQL fragment', encodeURIComponent("1' OR '1'='1"), 400],
      ['100 000 characters', HUGE, [400, 404, 414]],
    ] as const
  ).map(([name, lineId, status]): Case => ({
    op: 'resolveReconciliationLine',
    name: `line id: ${name}`,
    send: (f) => ({ method: 'POST', url: `/api/v1/reconciliation/days/${f.statementDay}/lines/${lineId}/resolve`, ...asJson({ note: 'Catatan bendahara' }) }),
    status,
  })),
  ...jsonBodyCases(
    'resolveReconciliationLine',
    'POST',
    (f) => `/api/v1/reconciliation/days/${f.statementDay}/lines/${f.lineId}/resolve`,
    () => ({ note: 'Transfer salah kirim' }),
  ),
  {
    op: 'resolveReconciliationLine',
    name: 'no note',
    send: (f) => ({ method: 'POST', url: `/api/v1/reconciliation/days/${f.statementDay}/lines/${f.lineId}/resolve`, ...asJson({}) }),
    status: 400,
    fields: { note: 'required' },
  },
  {
    op: 'resolveReconciliationLine',
    name: 'a 100 000-character note',
    send: (f) => ({ method: 'POST', url: `/api/v1/reconciliation/days/${f.statementDay}/lines/${f.lineId}/resolve`, ...asJson({ note: HUGE }) }),
    status: 400,
  },
  ...jsonBodyCases(
    'closeReconciliationDay',
    'POST',
    (f) => `/api/v1/reconciliation/days/${f.statementDay}/close`,
    () => ({ note: 'Hari ditutup' }),
  ),
  {
    op: 'closeReconciliationDay',
    name: 'a note that is too short',
    send: (f) => ({ method: 'POST', url: `/api/v1/reconciliation/days/${f.statementDay}/close`, ...asJson({ note: 'ok' }) }),
    status: 400,
  },
  {
    op: 'closeReconciliationDay',
    name: 'a day with a line still to resolve',
    send: (f) => ({ method: 'POST', url: `/api/v1/reconciliation/days/${f.statementDay}/close`, ...asJson({ note: 'Tutup' }) }),
    status: 409,
  },

  // ── revenue (head, admin, treasurer read; admin sets the target) ─────────────────────────────────────────
  ...(
    [
      ['a year that is a word', 'year=tahun-ini', { 'querystring.year': 'invalid_value' }],
      ['a year before 2000', 'year=1999', { 'querystring.year': 'too_small' }],
      ['a year after 2100', 'year=2101', { 'querystring.year': 'too_big' }],
      ['a fractional year', 'year=2026.5', undefined],
      ['an Infinity year (1e400)', 'year=1e400', undefined],
      ['an SQL fragment as the year', `year=${encodeURIComponent("2026' OR '1'='1")}`, undefined],
      ['the year given twice (an array)', 'year=2025&year=2026', undefined],
      ['an unknown parameter', 'permitType=PBG', { 'querystring.permitType': 'unknown_field' }],
      ['a 100 000-character year', `year=${HUGE}`, undefined],
    ] as const
  ).flatMap(([name, query, fields]): Case[] =>
    (
      [
        ['getRevenue', '/api/v1/revenue'],
        ['exportRevenueCsv', '/api/v1/revenue.csv'],
      ] as const
    ).map(([op, url]) => ({
      op,
      name,
      send: () => ({ method: 'GET', url: `${url}?${query}` }),
      status: name.startsWith('a 100 000') ? [400, 414] : 400,
      ...(fields ? { fields: { ...fields } } : {}),
    })),
  ),
  ...(['getRevenue', 'exportRevenueCsv'] as const).map((op): Case => ({
    op,
    name: 'by the verifier',
    who: 'verifier',
    send: () => ({ method: 'GET', url: op === 'getRevenue' ? '/api/v1/revenue' : '/api/v1/revenue.csv' }),
    status: 403,
  })),
  ...jsonBodyCases(
    'setRevenueTarget',
    'PUT',
    () => '/api/v1/revenue/targets/2027',
    () => ({ amount: 12_000_000_000, reason: 'APBD 2027' }),
  ),
  ...(
    [
      ['a year that is a word', 'dua-ribu', { amount: 1_000_000, reason: 'APBD' }, 400],
      ['a year before 2000', '1999', { amount: 1_000_000, reason: 'APBD' }, 400],
      ['an SQL fragment as the year', encodeURIComponent("2027' OR '1'='1"), { amount: 1_000_000, reason: 'APBD' }, 400],
      ['no amount', '2027', { reason: 'APBD 2027' }, 400],
      ['an amount of zero', '2027', { amount: 0, reason: 'APBD 2027' }, 400],
      ['a negative amount', '2027', { amount: -5, reason: 'APBD 2027' }, 400],
      ['a fractional amount', '2027', { amount: 1000.5, reason: 'APBD 2027' }, 400],
      ['the amount as a string', '2027', { amount: '12000000000', reason: 'APBD 2027' }, 400],
      ['an amount beyond any budget', '2027', { amount: 1e18, reason: 'APBD 2027' }, 400],
      ['no reason', '2027', { amount: 1_000_000 }, 400],
      ['a reason that is too short', '2027', { amount: 1_000_000, reason: 'ab' }, 400],
      ['a 100 000-character reason', '2027', { amount: 1_000_000, reason: HUGE }, 400],
      ['the version smuggled in', '2027', { amount: 1_000_000, reason: 'APBD 2027', version: 9 }, 400],
    ] as const
  ).map(([name, year, body, status]): Case => ({
    op: 'setRevenueTarget',
    name,
    send: () => ({ method: 'PUT', url: `/api/v1/revenue/targets/${year}`, ...asJson(body) }),
    status,
  })),
  {
    op: 'setRevenueTarget',
    name: 'an Infinity amount (1e400)',
    send: () => ({ method: 'PUT', url: '/api/v1/revenue/targets/2027', ...rawBody('{"amount":1e400,"reason":"APBD 2027"}') }),
    status: 400,
  },
  {
    op: 'setRevenueTarget',
    name: 'a valid target from the treasurer',
    who: 'treasurer',
    send: () => ({ method: 'PUT', url: '/api/v1/revenue/targets/2027', ...asJson({ amount: 1_000_000, reason: 'APBD 2027' }) }),
    status: 403,
  },

  // ── The SKM survey (src/survey/): the link's token is the key; the report is the head's ─────────────────
  ...(
    [
      ['a token that names no invitation', SURVEY_TOKEN, 404],
      ['a token that is too short', 'abc', 404],
      ['an SQL fragment as the token', encodeURIComponent("x' OR '1'='1"), 404],
      ['a path traversal as the token', '..%2F..%2Fetc%2Fpasswd', [400, 404]],
      ['a NUL byte in the token', '%00', 400],
      ['a 100 000-character token', HUGE, [400, 414]],
    ] as const
  ).flatMap(([name, token, status]): Case[] => [
    { op: 'getSurveyInvitation', name, send: () => ({ method: 'GET', url: `/api/v1/survey/invitations/${token}` }), status },
    { op: 'answerSurvey', name, send: () => ({ method: 'POST', url: `/api/v1/survey/invitations/${token}/answer`, ...asJson(SURVEY_ANSWER) }), status },
  ]),
  ...jsonBodyCases(
    'answerSurvey',
    'POST',
    () => `/api/v1/survey/invitations/${SURVEY_TOKEN}/answer`,
    () => ({ ...SURVEY_ANSWER }),
  ),
  ...(
    [
      ['no score for an element', { ...SURVEY_ANSWER, fee: undefined }, { fee: 'required' }],
      ['a score of 5', { ...SURVEY_ANSWER, fee: 5 }, { fee: 'too_big' }],
      ['a score of 0', { ...SURVEY_ANSWER, time: 0 }, { time: 'too_small' }],
      ['a fractional score', { ...SURVEY_ANSWER, time: 2.5 }, undefined],
      ['a score that is a word', { ...SURVEY_ANSWER, product: 'baik' }, undefined],
      ['an age band not offered', { ...SURVEY_ANSWER, ageBand: '100_plus' }, { ageBand: 'invalid_value' }],
      ['a 100 000-character occupation', { ...SURVEY_ANSWER, occupation: HUGE }, undefined],
      ['the respondent smuggled in', { ...SURVEY_ANSWER, userId: MISSING_ID }, { userId: 'unknown_field' }],
    ] as const
  ).map(([name, body, fields]): Case => ({
    op: 'answerSurvey',
    name,
    send: () => ({ method: 'POST', url: `/api/v1/survey/invitations/${SURVEY_TOKEN}/answer`, ...asJson(body) }),
    status: 400,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  ...(
    [
      ['a month that is a word', 'from=april', { 'querystring.from': 'invalid_value' }],
      ['month 13', 'from=2026-13', { 'querystring.from': 'invalid_value' }],
      ['from after to', 'from=2026-06&to=2026-01', { from: 'too_big' }],
      ['a service in lower case with SQL', `service=${encodeURIComponent("x' OR '1'='1")}`, undefined],
      ['an unknown parameter', 'year=2026', { 'querystring.year': 'unknown_field' }],
      ['a 100 000-character month', `to=${HUGE}`, undefined],
    ] as const
  ).map(([name, query, fields]): Case => ({
    op: 'getSkmReport',
    name,
    send: () => ({ method: 'GET', url: `/api/v1/survey/skm?${query}` }),
    status: name.startsWith('a 100 000') ? [400, 414] : 400,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  { op: 'getSkmReport', name: 'by the verifier', who: 'verifier', send: () => ({ method: 'GET', url: '/api/v1/survey/skm' }), status: 403 },
  { op: 'getSkmReport', name: 'by an applicant', who: 'applicant', send: () => ({ method: 'GET', url: '/api/v1/survey/skm' }), status: 403 },

  // ── The head's dashboard (src/dashboard/): head and admin; the CSV tables by name ──────────────────────
  ...(
    [
      ['a date that is a word', 'from=kemarin', undefined],
      ['a date that does not exist (2026-02-30)', 'from=2026-02-30&to=2026-03-10', undefined],
      ['month 13', 'to=2026-13-01', undefined],
      ['from after to', 'from=2026-06-01&to=2026-01-01', undefined],
      ['a period over three years', 'from=2020-01-01&to=2026-06-30', undefined],
      ['a permit type the office does not have', 'permitType=NOPE', undefined],
      ['an SQL fragment as permit type', `permitType=${encodeURIComponent("PBG' OR '1'='1")}`, undefined],
      ['a channel not offered', 'channel=fax', { 'querystring.channel': 'invalid_value' }],
      ['an interval not offered', 'interval=year', { 'querystring.interval': 'invalid_value' }],
      ['the channel given twice (an array)', 'channel=online&channel=courier', undefined],
      ['an unknown parameter', 'year=2026', { 'querystring.year': 'unknown_field' }],
      ['a 100 000-character date', `from=${HUGE}`, undefined],
    ] as const
  ).flatMap(([name, query, fields]): Case[] =>
    (
      [
        ['getDashboard', '/api/v1/dashboard'],
        ['exportDashboardCsv', '/api/v1/dashboard/serapan.csv'],
      ] as const
    ).map(([op, url]) => ({
      op,
      name,
      send: () => ({ method: 'GET', url: `${url}?${query}` }),
      status: name.startsWith('a 100 000') ? [400, 414] : 400,
      ...(fields ? { fields: { ...fields } } : {}),
    })),
  ),
  ...(
    [
      ['a table that does not exist', 'gaji-pegawai', 400],
      ['a table name in upper case', 'SERAPAN', 400],
      ['a path traversal as the table', '..%2F..%2Fetc%2Fpasswd', [400, 404]],
      ['an SQL fragment as the table', encodeURIComponent("serapan' OR '1'='1"), 400],
      ['a NUL byte in the table', '%00', 400],
    ] as const
  ).map(([name, table, status]): Case => ({
    op: 'exportDashboardCsv',
    name,
    send: () => ({ method: 'GET', url: `/api/v1/dashboard/${table}.csv` }),
    status,
  })),
  ...(['getDashboard', 'exportDashboardCsv'] as const).flatMap((op): Case[] =>
    (['verifier', 'treasurer', 'applicant'] as const).map((who) => ({
      op,
      name: `by the ${who}`,
      who,
      send: () => ({ method: 'GET', url: op === 'getDashboard' ? '/api/v1/dashboard' : '/api/v1/dashboard/serapan.csv' }),
      status: 403,
    })),
  ),

  // ── The videotron playlist (src/screens/): the admin's ──────────────────────────────────────────────────
  ...(['head', 'verifier', 'technical', 'treasurer', 'applicant'] as const).map((who): Case => ({
    op: 'getScreenPlaylist',
    name: `by the ${who}`,
    who,
    send: () => ({ method: 'GET', url: '/api/v1/screens/playlist' }),
    status: 403,
  })),
  ...jsonBodyCases(
    'addScreenSlide',
    'POST',
    () => '/api/v1/screens/playlist/slides',
    () => ({ kind: 'digital_take_up', durationSeconds: 15 }),
  ),
  ...jsonBodyCases(
    'updateScreenSlide',
    'PUT',
    (f) => `/api/v1/screens/playlist/slides/${f.screenSlideId}`,
    () => ({ kind: 'digital_take_up', durationSeconds: 15 }),
  ),
  ...(
    [
      ['a kind not offered', { kind: 'weather', durationSeconds: 15 }, { kind: 'invalid_value' }],
      ['no kind', { durationSeconds: 15 }, { kind: 'required' }],
      ['no duration', { kind: 'digital_take_up' }, { durationSeconds: 'required' }],
      ['a duration of 4 seconds', { kind: 'digital_take_up', durationSeconds: 4 }, { durationSeconds: 'duration_out_of_range' }],
      ['a duration of 121 seconds', { kind: 'now_serving', durationSeconds: 121 }, { durationSeconds: 'duration_out_of_range' }],
      ['a fractional duration', { kind: 'now_serving', durationSeconds: 7.5 }, undefined],
      ['the duration as a string', { kind: 'now_serving', durationSeconds: '15' }, undefined],
      ['how to apply without a permit type', { kind: 'how_to_apply', durationSeconds: 15 }, { permitCode: 'unknown_permit_type' }],
      [
        'how to apply for a permit type the office does not have',
        { kind: 'how_to_apply', permitCode: 'NOPE', durationSeconds: 15 },
        { permitCode: 'unknown_permit_type' },
      ],
      ['an SQL fragment as permit type', { kind: 'how_to_apply', permitCode: "P' OR '1'='1", durationSeconds: 15 }, undefined],
      ['an announcement without text', { kind: 'announcement', durationSeconds: 15 }, { 'text.id': 'text_required', 'text.en': 'text_required' }],
      ['an announcement with only spaces', { kind: 'announcement', text: { id: '   ', en: ' ' }, durationSeconds: 15 }, { 'text.id': 'text_required' }],
      ['an announcement without its English', { kind: 'announcement', text: { id: 'Loket tutup pukul 15.00' }, durationSeconds: 15 }, undefined],
      [
        'an announcement of 281 characters',
        { kind: 'announcement', text: { id: 'x'.repeat(281), en: 'Closed' }, durationSeconds: 15 },
        { 'text.id': 'text_required' },
      ],
      ['a 100 000-character announcement', { kind: 'announcement', text: { id: HUGE, en: 'Closed' }, durationSeconds: 15 }, undefined],
      ['enabled as a string', { kind: 'now_serving', durationSeconds: 15, enabled: 'ya' }, undefined],
      ['the position smuggled in', { kind: 'now_serving', durationSeconds: 15, position: 0 }, { position: 'unknown_field' }],
    ] as const
  ).flatMap(([name, body, fields]): Case[] =>
    (
      [
        ['addScreenSlide', 'POST', () => '/api/v1/screens/playlist/slides'],
        ['updateScreenSlide', 'PUT', (f: Fixtures) => `/api/v1/screens/playlist/slides/${f.screenSlideId}`],
      ] as const
    ).map(([op, method, url]) => ({
      op,
      name,
      send: (f) => ({ method, url: url(f), ...asJson(body) }),
      status: 400,
      ...(fields ? { fields: { ...fields } } : {}),
    })),
  ),
  ...(
    [
      ['a slide id that is not a UUID', 'abc', 400],
      ['a slide id that does not exist', MISSING_ID, 404],
      ['an SQL fragment as the slide id', encodeURIComponent("1' OR '1'='1"), 400],
      ['a path traversal as the slide id', '..%2F..%2Fetc%2Fpasswd', 400],
      ['a NUL byte as the slide id', '%00', 400],
      ['a 100 000-character slide id', HUGE, [400, 414]],
    ] as const
  ).flatMap(([name, id, status]): Case[] => [
    {
      op: 'updateScreenSlide',
      name,
      send: () => ({ method: 'PUT', url: `/api/v1/screens/playlist/slides/${id}`, ...asJson({ kind: 'now_serving', durationSeconds: 15 }) }),
      status,
    },
    { op: 'removeScreenSlide', name, send: () => ({ method: 'DELETE', url: `/api/v1/screens/playlist/slides/${id}` }), status },
  ]),
  ...(['head', 'verifier'] as const).flatMap((who): Case[] => [
    {
      op: 'addScreenSlide',
      name: `a valid slide from the ${who}`,
      who,
      send: () => ({ method: 'POST', url: '/api/v1/screens/playlist/slides', ...asJson({ kind: 'now_serving', durationSeconds: 15 }) }),
      status: 403,
    },
    {
      op: 'updateScreenSlide',
      name: `a valid change from the ${who}`,
      who,
      send: (f) => ({ method: 'PUT', url: `/api/v1/screens/playlist/slides/${f.screenSlideId}`, ...asJson({ kind: 'now_serving', durationSeconds: 15 }) }),
      status: 403,
    },
    {
      op: 'removeScreenSlide',
      name: `the removal of a slide by the ${who}`,
      who,
      send: (f) => ({ method: 'DELETE', url: `/api/v1/screens/playlist/slides/${f.screenSlideId}` }),
      status: 403,
    },
  ]),
  ...jsonBodyCases(
    'reorderScreenSlides',
    'PUT',
    () => '/api/v1/screens/playlist/order',
    (f) => ({ slideIds: [f.screenSlideId] }),
  ),
  ...(
    [
      ['no slide ids', () => ({}), { slideIds: 'required' }],
      ['an empty order (the playlist has slides)', () => ({ slideIds: [] }), { slideIds: 'not_a_permutation' }],
      ['one slide only, the others left out', (f: Fixtures) => ({ slideIds: [f.screenSlideId] }), { slideIds: 'not_a_permutation' }],
      ['a slide id that does not exist', () => ({ slideIds: [MISSING_ID] }), { slideIds: 'not_a_permutation' }],
      ['the same slide twice', (f: Fixtures) => ({ slideIds: [f.screenSlideId, f.screenSlideId] }), { slideIds: 'not_a_permutation' }],
      ['slide ids as one string', (f: Fixtures) => ({ slideIds: f.screenSlideId }), undefined],
      ['a slide id that is a number', () => ({ slideIds: [1] }), undefined],
      ['51 slide ids', () => ({ slideIds: Array.from({ length: 51 }, () => MISSING_ID) }), undefined],
      ['a 100 000-character slide id', () => ({ slideIds: [HUGE] }), undefined],
    ] as const
  ).map(([name, body, fields]): Case => ({
    op: 'reorderScreenSlides',
    name,
    send: (f) => ({ method: 'PUT', url: '/api/v1/screens/playlist/order', ...asJson(body(f)) }),
    status: 400,
    ...(fields ? { fields: { ...fields } } : {}),
  })),
  {
    op: 'reorderScreenSlides',
    name: 'a valid order from the head',
    who: 'head',
    send: (f) => ({ method: 'PUT', url: '/api/v1/screens/playlist/order', ...asJson({ slideIds: [f.screenSlideId] }) }),
    status: 403,
  },

  // ── estimateFee (public: the office by its host) ───────────────────────────────────────────────────────
  ...(
    [
      ['no permit type', 'floorArea=100', 400, undefined],
      ['a permit type that does not exist', 'permitType=NOPE', 404, undefined],
      ['a path traversal permit type', `permitType=${encodeURIComponent('../../etc/passwd')}`, 400, undefined],
      ['an SQL fragment as permit type', `permitType=${encodeURIComponent("PBG' OR '1'='1")}`, 400, undefined],
      ['a negative floor area', estimate({ floorArea: '-5' }), 400, { floorArea: 'too_small' }],
      ['a NaN floor area', estimate({ floorArea: 'NaN' }), 400, undefined],
      ['an Infinity floor area', estimate({ floorArea: '1e400' }), 400, undefined],
      ['a floor area given twice (an array)', `${estimate({ floorArea: '1' })}&floorArea=2`, 400, undefined],
      ['a question the fee rule does not ask', estimate({ landTitleNumber: 'X-1' }), 400, { landTitleNumber: 'unknown_field' }],
      ['an answer of 101 characters', estimate({ buildingFunction: 'x'.repeat(101) }), 400, undefined],
      ['a 100 000-character answer', estimate({ buildingFunction: HUGE }), [400, 414], undefined],
      ['an unknown building function', estimate({ buildingFunction: 'istana' }), 400, undefined],
      ['a __proto__ parameter', `${estimate({})}&__proto__[amount]=0`, 400, undefined],
    ] as const
  ).map(([name, query, status, fields]): Case => ({
    op: 'estimateFee',
    name,
    send: () => ({ method: 'GET', url: `/api/v1/fees/estimate?${query}` }),
    status,
    ...(fields ? { fields: { ...fields } } : {}),
  })),

  // ── SNAP (a bank's requests): SNAP JSON, not problem+json (see `snap` on Case) ──────────────────────────────────
  ...SNAP_SERVICES.flatMap(({ op, path, valid }): Case[] => {
    const snap = (name: string, status: number | readonly number[], send: (f: Fixtures) => Req): Case => ({ op, name, snap: true, status, send });
    const post = (payload: string | Buffer, headers: Record<string, string>) => ({ method: 'POST' as const, url: path, payload, headers });
    const jsonType = { 'content-type': 'application/json' };
    const now = (f: Fixtures) => ({ ...jsonType, 'x-timestamp': f.snap.timestamp() });
    return [
      snap('invalid JSON text', 400, () => post(`{"${Object.keys(valid(FAKE_BILL))[0]}":`, jsonType)),
      snap('an array instead of an object', 400, (f) =>
        op === 'snapAccessTokenB2b' ? f.snap.token([valid(FAKE_BILL)]) : f.snap.signed(path, [valid(f.bill)]),
      ),
      snap('a __proto__ key', 400, () => post(`{"__proto__":{"isAdmin":true},${JSON.stringify(valid(FAKE_BILL)).slice(1)}`, jsonType)),
      snap('XML instead of JSON', 400, () => post('<request><x>1</x></request>', { 'content-type': 'application/xml' })),
      snap('an empty body declared as JSON', 400, () => post('', jsonType)),
      snap('a body over 64 KB', [400, 413], () => post(JSON.stringify({ ...valid(FAKE_BILL), padding: 'x'.repeat(100_000) }), jsonType)),
      // Read as text, the bad bytes become U+FFFD and the body is JSON: the security checks refuse it first
      // (the access token: no X-CLIENT-KEY, 401; a transaction: no X-TIMESTAMP, 400).
      snap('bytes that are not UTF-8', op === 'snapAccessTokenB2b' ? 401 : 400, () =>
        post(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), jsonType),
      ),
      snap('no X-TIMESTAMP', 400, (f) =>
        post(JSON.stringify(valid(f.bill)), op === 'snapAccessTokenB2b' ? { ...jsonType, 'x-client-key': f.snap.clientId } : jsonType),
      ),
      snap('an X-TIMESTAMP that is no time', 400, (f) => {
        const req = op === 'snapAccessTokenB2b' ? f.snap.token(valid(f.bill)) : f.snap.signed(path, valid(f.bill));
        return { ...req, headers: { ...req.headers, 'x-timestamp': 'kemarin sore' } };
      }),
      snap('an Izol bearer token instead of a SNAP one', 401, (f) =>
        op === 'snapAccessTokenB2b'
          ? post(JSON.stringify(valid(f.bill)), { ...now(f), authorization: `Bearer ${f.applicant.token}` })
          : f.snap.signed(path, valid(f.bill), f.applicant.token),
      ),
      ...(op === 'snapAccessTokenB2b'
        ? [
            snap('a grant type that is not client_credentials', 400, (f) => f.snap.token({ grantType: 'password' })),
            snap('no grant type', 400, (f) => f.snap.token({})),
            snap('another client key', 401, (f) => {
              const req = f.snap.token(valid(f.bill));
              return { ...req, headers: { ...req.headers, 'x-client-key': 'SOMEONE-ELSE' } };
            }),
            snap('a forged signature', 401, (f) => {
              const req = f.snap.token(valid(f.bill));
              return { ...req, headers: { ...req.headers, 'x-signature': Buffer.from('forged').toString('base64') } };
            }),
          ]
        : [
            snap('no token (the timestamp right)', 401, (f) => post(JSON.stringify(valid(f.bill)), now(f))),
            snap('a forged signature', 401, (f) => {
              const req = f.snap.signed(path, valid(f.bill));
              return { ...req, headers: { ...req.headers, 'x-signature': Buffer.from('forged').toString('base64') } };
            }),
            snap('no fields at all (signed)', 400, (f) => f.snap.signed(path, {})),
            snap('a 200-character request id (signed)', 400, (f) => f.snap.signed(path, { ...valid(f.bill), ...LONG_ID[op] })),
            snap('a number where text is due (signed)', 400, (f) => f.snap.signed(path, { ...valid(f.bill), ...NUMBER_FIELD[op] })),
            ...(op === 'snapQrisNotify'
              ? [
                  snap('an amount without its decimals (signed)', 400, (f) =>
                    f.snap.signed(path, { ...valid(f.bill), amount: { value: String(f.bill.amount), currency: 'IDR' } }),
                  ),
                  snap('a transaction status that is a word (signed)', 400, (f) => f.snap.signed(path, { ...valid(f.bill), latestTransactionStatus: 'OK' })),
                ]
              : op === 'snapVaPayment'
                ? [
                    snap('an amount without its decimals (signed)', 400, (f) =>
                      f.snap.signed(path, { ...valid(f.bill), paidAmount: { value: String(f.bill.amount), currency: 'IDR' } }),
                    ),
                    snap('the amount as a number (signed)', 400, (f) => f.snap.signed(path, { ...valid(f.bill), paidAmount: f.bill.amount })),
                  ]
                : []),
          ]),
    ];
  }),
];

let registrations = 0;
/** A registration that would be accepted: the cases spoil one thing in it. */
function registration(): Record<string, unknown> {
  registrations++;
  return {
    name: 'Sari Rahayu',
    nik: uniqueNik(),
    email: `sari.${registrations}.${Date.now()}@contoh.id`,
    password: 'teh manis hangat sore hari',
    consent: true,
  };
}

/** What must not change when a request is refused. */
async function persistentState(ctx: TestContext) {
  const tables = [
    'tenants',
    'users',
    'sessions',
    'permit_types',
    'permit_type_versions',
    'applications',
    'number_sequences',
    'application_events',
    'documents',
    'outbox',
    'notifications',
    'permits',
    'receipts',
    'appointments',
    'appointment_slots',
    'queue_counters',
    'queue_tickets',
    'queue_events',
    'parcels',
    'parcel_photos',
    'help_requests',
    'help_messages',
    'claim_links',
    'retribution_coefficients',
    'bills',
    'payments',
    'payment_settings',
    'snap_access_tokens',
    'reconciliation_days',
    'reconciliation_lines',
    'revenue_targets',
    'application_fee_coefficients',
    'screen_playlists',
    'screen_slides',
    'data_requests',
  ] as const;
  const counts: Record<string, number> = {};
  for (const t of tables)
    counts[t] = Number(
      (
        await ctx.db
          .selectFrom(t)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const liveSessions = Number(
    (
      await ctx.db
        .selectFrom('sessions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('revoked_at', 'is', null)
        .executeTakeFirstOrThrow()
    ).n,
  );
  const applications = await ctx.db
    .selectFrom('applications')
    .select(['id', 'state', 'revision', 'answers', 'updated_at', 'fee_amount', 'inspection_recorded_at'])
    .orderBy('id')
    .execute();
  const documents = await ctx.db.selectFrom('documents').select(['id', 'review_status', 'review_reason', 'superseded_at']).orderBy('id').execute();
  const permits = await ctx.db
    .selectFrom('permits')
    .select([
      'id',
      'number',
      'status',
      'holder_name',
      'revoked_at',
      'revocation_reason',
      'superseded_at',
      'superseded_by_id',
      'valid_until',
      'document',
      'signature',
      'pdf_sha256',
    ])
    .orderBy('id')
    .execute();
  // Money: the bills, the payments, the office's payment settings and the statement days as they stand.
  const money = {
    bills: await ctx.db.selectFrom('bills').select(['id', 'state', 'expires_at', 'voided_at', 'paid_at']).orderBy('id').execute(),
    payments: await ctx.db.selectFrom('payments').select(['id', 'state', 'resolved_at', 'resolution_note']).orderBy('id').execute(),
    settings: await ctx.db
      .selectFrom('payment_settings')
      .select(['tenant_id', 'adapter', 'partner_service_id', 'legal_basis', 'updated_at'])
      .orderBy('tenant_id')
      .execute(),
    days: await ctx.db.selectFrom('reconciliation_days').select(['id', 'state', 'imported_at', 'closed_at']).orderBy('id').execute(),
    lines: await ctx.db.selectFrom('reconciliation_lines').select(['id', 'resolved_at']).orderBy('id').execute(),
    slides: await ctx.db
      .selectFrom('screen_slides')
      .select(['id', 'position', 'kind', 'permit_code', 'text_id', 'text_en', 'duration_seconds', 'enabled', 'updated_at'])
      .orderBy('id')
      .execute(),
  };
  const files = fs.existsSync(ctx.storageDir)
    ? (await fs.promises.readdir(ctx.storageDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).length
    : 0;
  return { counts, liveSessions, applications, documents, permits, money, files };
}

/** Leaked internals: stack frames, source locations, error class names, framework and database codes. */
const LEAKS = [
  /\n\s+at\s/,
  /\bat\s+\S+\s+\(/,
  /\.(?:ts|js|mjs|cjs):\d+/,
  /\b\w*Error:/,
  /node_modules/,
  /\bFST_[A-Z_]+/,
  /SQLITE_|sqlite3?\b/i,
  /\bZod/,
  /violates|duplicate key|syntax error at/i,
  /\/work\/|\/tmp\//,
];

type Problem = { type: string; title: string; status: number; detail: string; code: string; errors?: { field: string; code: string; message: string }[] };

function checkProblem(res: LightMyRequestResponse, c: Case): Problem {
  const label = `${c.op}: ${c.name} → ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, label).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, label).toBeLessThan(500);
  if (c.status !== undefined) expect(([] as number[]).concat(c.status), label).toContain(res.statusCode);
  expect(res.headers['content-type'], label).toMatch(/^application\/problem\+json/);
  for (const leak of LEAKS) expect(res.body, `${label}: leaks ${leak}`).not.toMatch(leak);
  // An oversized input is not echoed back.
  expect(res.body.length, label).toBeLessThan(5_000);
  const body = json<Problem>(res);
  expect(body.status, label).toBe(res.statusCode);
  expect(Object.keys(ERROR_CODES), label).toContain(body.code);
  expect(typeof body.detail === 'string' && body.detail.trim().length > 0, label).toBe(true);
  // Indonesian unless English is asked for; and a finished sentence, with no unfilled {placeholder} or "?".
  expect(body.title, label).toBe(ERROR_MESSAGES[body.code as ErrorCode].id.title);
  expect(body.detail, label).not.toMatch(/\{\w+\}|\s\?\s/);
  expect(res.headers['cache-control'], label).toBe('no-store');
  for (const e of body.errors ?? []) {
    expect(e.field && e.code && e.message, label).toBeTruthy();
    expect(e.message.length, label).toBeLessThan(300);
  }
  for (const [field, code] of Object.entries(c.fields ?? {})) {
    // Unknown query parameters are named bare ("enabled"), other query problems with their part ("querystring.q").
    const found = body.errors?.find((e) => e.field === field || `querystring.${e.field}` === field);
    expect(found?.code, `${label}: error code for field ${field}`).toBe(code);
  }
  return body;
}

/** A SNAP refusal: a 4xx whose JSON body is SNAP's, its responseCode the status and four more digits, readable, leaking nothing. */
function checkSnap(res: LightMyRequestResponse, c: Case): void {
  const label = `${c.op}: ${c.name} → ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, label).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, label).toBeLessThan(500);
  if (c.status !== undefined) expect(([] as number[]).concat(c.status), label).toContain(res.statusCode);
  expect(res.headers['content-type'], label).toMatch(/^application\/json/);
  for (const leak of LEAKS) expect(res.body, `${label}: leaks ${leak}`).not.toMatch(leak);
  expect(res.body.length, label).toBeLessThan(5_000);
  const body = json<{ responseCode?: unknown; responseMessage?: unknown; type?: unknown }>(res);
  expect(body.responseCode, label).toMatch(new RegExp(`^${res.statusCode}\\d{4}$`));
  expect(typeof body.responseMessage === 'string' && body.responseMessage.trim().length > 0, label).toBe(true);
  // English, as SNAP requires; and not a problem document.
  expect(body.responseMessage, label).toMatch(/^[\x20-\x7e]+$/);
  expect(body.type, label).toBeUndefined();
  expect(res.headers['cache-control'], label).toBe('no-store');
}

/** A signed-in account, made through the services (so the rate-limited login route stays free for the cases). */
async function person(ctx: TestContext, role: Role, n: number): Promise<Person> {
  const email = `${role}.${n}.${Math.random().toString(36).slice(2, 8)}@malformed.izol.test`;
  const password = `${role} kata sandi panjang ${n}`;
  const name = `Uji ${role} ${n}`;
  const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role, name, email, password });
  const { token } = await ctx.services.auth.login({
    tenantId: ctx.tenant.id,
    login: email,
    password,
    clientIp: '127.0.0.1',
    kind: 'bearer',
    otp: await staffOtp(ctx, userId, role),
  });
  return { token, userId, email, password, actor: { userId, tenantId: ctx.tenant.id, role, name } };
}

describe.each(DIALECTS)('malformed input on every operation (%s): v5.0.0-2.2.1/2.2.2, 16.5.1', (dialect) => {
  let ctx: TestContext;
  let f: Fixtures;
  const extraApps: FastifyInstance[] = [];
  const budget = new Map<Op, { app: FastifyInstance; used: number }>();

  /** The app instance a case goes to: rate-limited routes get fresh instances, each used below its limit. */
  async function appFor(op: Op): Promise<FastifyInstance> {
    const limit = RATE_LIMIT[op];
    if (!limit) return ctx.app;
    let slot = budget.get(op);
    if (!slot || slot.used >= limit - 1) {
      const fresh = await createApp(ctx.services);
      await fresh.ready();
      extraApps.push(fresh);
      slot = { app: fresh, used: 0 };
      budget.set(op, slot);
    }
    slot.used++;
    return slot.app;
  }

  async function send(c: Case, extraHeaders: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const req = c.send(f);
    const who = c.who ?? DEFAULT_WHO[c.op];
    const token = who === 'anonymous' ? undefined : f[who].token;
    const headers = { ...(token ? auth(token) : {}), ...req.headers, ...extraHeaders };
    const target = await appFor(c.op);
    return target.inject({ method: req.method, url: req.url, headers, ...(req.payload !== undefined ? { payload: req.payload } : {}) });
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const [applicant, verifier, technical, leaver, head, admin, treasurer] = await Promise.all([
      person(ctx, 'applicant', 1),
      person(ctx, 'verifier', 2),
      person(ctx, 'technical', 3),
      person(ctx, 'applicant', 4),
      person(ctx, 'head', 5),
      person(ctx, 'admin', 6),
      person(ctx, 'treasurer', 7),
    ]);
    const { services } = ctx;
    const type = await services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'PBG' });
    const answers = await validAnswers(ctx, 'PBG');
    const newDraft = async (withDocuments: boolean) => {
      const { application } = await services.applications.createApplication({ actor: applicant.actor, permitTypeCode: 'PBG', answers });
      if (withDocuments) {
        for (const req of type.definition.requirements.filter((r) => r.required)) {
          const pdf = req.acceptedTypes.includes('pdf');
          await services.documents.uploadDocument({
            actor: applicant.actor,
            applicationId: application.id,
            requirementCode: req.code,
            fileName: pdf ? `${req.code}.pdf` : `${req.code}.png`,
            claimedType: pdf ? 'application/pdf' : 'image/png',
            source: Readable.from([pdf ? DEMO_PDF : DEMO_PNG]),
          });
        }
      }
      return application.id;
    };
    const firstDoc = async (id: string) =>
      (await ctx.db.selectFrom('documents').select('id').where('application_id', '=', id).orderBy('requirement_code').executeTakeFirstOrThrow()).id;
    const draftId = await newDraft(true);
    const bareDraftId = await newDraft(false);
    const spareDraftId = await newDraft(false);
    const verificationId = await newDraft(true);
    await services.applications.performAction({ actor: applicant.actor, applicationId: verificationId, action: 'submit' });
    await services.applications.performAction({ actor: verifier.actor, applicationId: verificationId, action: 'start_verification' });
    const technicalId = await newDraft(true);
    await services.applications.performAction({ actor: applicant.actor, applicationId: technicalId, action: 'submit' });
    await services.applications.performAction({ actor: verifier.actor, applicationId: technicalId, action: 'start_verification' });
    for (const d of (await services.applications.getApplication({ actor: verifier.actor, applicationId: technicalId })).docs) {
      await services.documents.reviewDocument({ actor: verifier.actor, applicationId: technicalId, documentId: d.id, status: 'accepted' });
    }
    await services.applications.performAction({ actor: verifier.actor, applicationId: technicalId, action: 'forward' });
    const tracked = await ctx.db.selectFrom('applications').select(['number', 'tracking_code']).where('id', '=', verificationId).executeTakeFirstOrThrow();
    // A billboard permit (renewable), issued to the applicant through the API: the target of the permit cases.
    const issued = await issuedPermit(ctx, applicant.token, { verifier: verifier.token, technical: technical.token, head: head.token }, 'REKLAME');
    const pdf = await ctx.app.inject({ method: 'GET', url: `/api/v1/permits/${issued.permitId}/pdf`, headers: auth(applicant.token) });
    expect(pdf.statusCode, pdf.body.slice(0, 300)).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // Money (issue 12). The office's bank over SNAP: its RSA public key and the shared secret in the payment settings.
    const bankKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const snapClientId = 'BANK-MALFORMED-01';
    const snapSecret = 'rahasia-bersama-hmac-sha512-uji-masukan-0123456789';
    await upsertPaymentSettings(ctx.db, {
      tenant_id: ctx.tenant.id,
      adapter: 'snap',
      partner_service_id: SNAP_PARTNER,
      bill_expiry_days: 7,
      legal_basis: 'Peraturan Daerah Kota Malang tentang Retribusi PBG',
      qris_merchant: null,
      snap_client_id: snapClientId,
      snap_client_secret: encryptField(ctx.services.config.dataEncryptionKey, snapSecret),
      snap_bank_public_key: bankKey.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      snap_signature_encoding: 'base64',
      updated_at: ctx.clock.now().toISOString(),
      updated_by: null,
    });
    let externalIds = 0;
    const timestamp = () => formatSnapTimestamp(ctx.clock.now());
    const tokenRequest = (body: unknown): Req => {
      const ts = timestamp();
      return {
        method: 'POST',
        url: SNAP_PATHS.accessToken,
        payload: JSON.stringify(body),
        headers: {
          'content-type': 'application/json',
          'x-client-key': snapClientId,
          'x-timestamp': ts,
          'x-signature': signAccessTokenRequest(bankKey.privateKey, snapClientId, ts),
        },
      };
    };
    const issuedToken = await ctx.app.inject({ ...tokenRequest({ grantType: 'client_credentials' }), method: 'POST' });
    expect(issuedToken.statusCode, issuedToken.body).toBe(200);
    const snapToken = json<{ accessToken: string }>(issuedToken).accessToken;
    const signed = (path: string, body: unknown, token = snapToken): Req => {
      const ts = timestamp();
      const raw = JSON.stringify(body);
      return {
        method: 'POST',
        url: path,
        payload: raw,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'x-timestamp': ts,
          'x-signature': signSymmetric(snapSecret, { method: 'POST', path, accessToken: token, body: raw, timestamp: ts }),
          'x-partner-id': snapClientId,
          'x-external-id': `${Date.now()}${String(++externalIds).padStart(6, '0')}`,
          'channel-id': '95221',
        },
      };
    };
    // The applicant's PBG file carried to its bill: the treasurer assesses a fee other than the rules give, with the reason.
    ctx.clock.advanceMinutes(1); // the drafts above used most of the applicant's uploads of this minute
    const billAppId = await newDraft(true);
    await services.applications.performAction({ actor: applicant.actor, applicationId: billAppId, action: 'submit' });
    await carryToIssued(
      ctx,
      billAppId,
      { verifier: verifier.actor, technical: technical.actor, treasurer: treasurer.actor, head: head.actor },
      { stopBefore: 'assess_fee' },
    );
    await services.applications.performAction({
      actor: treasurer.actor,
      applicationId: billAppId,
      action: 'assess_fee',
      feeAmount: 150_000,
      feeReason: 'Uji masukan rusak: jumlah contoh',
    });
    const billRow = await ctx.db.selectFrom('bills').selectAll().where('application_id', '=', billAppId).where('state', '=', 'open').executeTakeFirstOrThrow();
    const bill: SnapBill = { customer_no: billRow.customer_no, number: billRow.number, amount: Number(billRow.amount) };
    const held = await services.payments.receive({
      tenantId: ctx.tenant.id,
      provider: 'snap_va',
      providerPaymentId: 'PRQ-MALFORMED-HELD',
      bill: { customerNo: bill.customer_no },
      amount: bill.amount - 1,
      paidAt: ctx.clock.now().toISOString(),
      bankReference: 'NTB-MALFORMED-HELD',
      payerName: 'Sari',
      details: {},
    });
    expect(held.outcome).toBe('held');
    const statementDay = new Intl.DateTimeFormat('en-CA', { timeZone: ctx.tenant.time_zone }).format(ctx.clock.now());
    const day = await services.reconciliation.importStatement({
      actor: treasurer.actor,
      source: 'csv',
      content: `${statementDay},08:00,UJI-0,,100000`,
      day: statementDay,
      fileName: 'mutasi.csv',
    });
    f = {
      treasurer,
      billAppId,
      bill,
      heldPaymentId: held.payment.id,
      statementDay,
      lineId: day.lines.find((l) => l.needsResolution)!.id,
      snap: { clientId: snapClientId, timestamp, signed, token: tokenRequest },
      applicant,
      verifier,
      technical,
      head,
      leaver,
      admin,
      draftId,
      bareDraftId,
      spareDraftId,
      verificationId,
      technicalId,
      draftDocId: await firstDoc(draftId),
      verificationDocId: await firstDoc(verificationId),
      number: tracked.number!,
      trackingCode: tracked.tracking_code!,
      permitAppId: issued.applicationId,
      permitId: issued.permitId,
      verificationCode: issued.verificationCode,
      permitPdf: pdf.rawPayload,
      parcelId: (await services.parcels.logParcel({ actor: admin.actor, company: 'JNE', trackingNumber: 'JN000777888', senderName: 'Pak Darto' })).id,
      screenSlideId: (await services.screens.playlist({ actor: admin.actor })).slides[0]!.id,
      dataRequestId: (await services.dataRights.fileCorrection({ actor: applicant.actor, subject: 'name', currentValue: 'Uji', requestedValue: 'Uji Baru' }))
        .id,
    };
    // The fixtures took most of the applicant's uploads of this test minute (30 a minute per account,
    // documents.service.ts UPLOAD_LIMITS): the upload cases start in a fresh one.
    ctx.clock.advanceMinutes(1);
  });
  afterAll(async () => {
    for (const a of extraApps) await a.close();
    await ctx?.close();
  });

  it('has malformed cases for every operation in the OpenAPI document', async () => {
    const spec = json<{ paths: Record<string, Record<string, { operationId: string }>> }>(await ctx.app.inject({ url: '/api/openapi.json' }));
    const documented = Object.values(spec.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    expect([...documented].sort()).toEqual([...OPERATIONS].sort());
    for (const op of documented) expect(CASES.filter((c) => c.op === op).length, op).toBeGreaterThanOrEqual(5);
  });

  it.each(CASES.map((c) => [`${c.op}: ${c.name}`, c] as const))('%s', async (_label, c) => {
    const before = await persistentState(ctx);
    const res = await send(c);
    if (c.pem) {
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      expect(res.body.startsWith('-----BEGIN CERTIFICATE-----')).toBe(true);
    } else if (c.ignored || c.answer) {
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      expect(json(res)).toMatchObject(c.ignored ?? c.answer!);
    } else if (c.snap) {
      checkSnap(res, c);
    } else {
      checkProblem(res, c);
    }
    expect(await persistentState(ctx)).toEqual(before);
  });

  it('still works for well-formed requests after all that', async () => {
    const own = await ctx.app.inject({ method: 'GET', url: app(f.draftId), headers: auth(f.applicant.token) });
    expect(own.statusCode).toBe(200);
    expect(json<{ state: { code: string }; revision: number }>(own).state.code).toBe('draft');
    const tracked = await ctx.app.inject({ method: 'POST', url: '/api/v1/track', payload: { number: f.number, trackingCode: f.trackingCode } });
    expect(tracked.statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: auth(f.leaver.token) })).statusCode).toBe(200);
    // The permit the cases aimed at is still valid, still verifies, and its PDF still checks out.
    const permit = await ctx.app.inject({ method: 'GET', url: permitUrl(f.permitId), headers: auth(f.applicant.token) });
    expect(permit.statusCode).toBe(200);
    expect(json<{ status: string; supersededById: string | null }>(permit)).toMatchObject({ status: 'valid', supersededById: null });
    const verified = await ctx.app.inject({ method: 'GET', url: `/api/v1/verify/${f.verificationCode.toLowerCase()}` });
    expect(verified.statusCode).toBe(200);
    expect(json(verified)).toMatchObject({ status: 'valid', kind: 'permit' });
    const upload = multipartFile('izin.pdf', f.permitPdf, 'application/pdf');
    const checked = await ctx.app.inject({ method: 'POST', url: '/api/v1/verify/pdf', headers: upload.headers, payload: upload.payload });
    expect(checked.statusCode).toBe(200);
    expect(json(checked)).toMatchObject({ status: 'valid', kind: 'permit' });
    const registry = await ctx.app.inject({ method: 'GET', url: '/api/v1/registry?type=reklame&status=valid&page=1&pageSize=100' });
    expect(registry.statusCode).toBe(200);
    expect(json<{ records: { VerificationCode: string }[] }>(registry).records.map((r) => r.VerificationCode)).toContain(f.verificationCode);
  });

  describe('language of the problem details', () => {
    const samples: { name: string; req: (f: Fixtures) => Req; code: ErrorCode; field?: [string, string] }[] = [
      { name: 'invalid JSON', req: () => ({ method: 'POST', url: '/api/v1/applications', ...rawBody('{"a": ') }), code: 'invalid_input' },
      {
        name: 'an unknown field',
        req: (fx) => ({ method: 'PATCH', url: app(fx.draftId), ...asJson({ answers: {}, state: 'issued' }) }),
        code: 'invalid_input',
        field: ['state', 'unknown_field'],
      },
      {
        name: 'a missing field',
        req: () => ({ method: 'POST', url: '/api/v1/applications', ...asJson({}) }),
        code: 'invalid_input',
        field: ['permitTypeCode', 'required'],
      },
      { name: 'an id that does not exist', req: () => ({ method: 'GET', url: app(MISSING_ID) }), code: 'not_found' },
    ];

    it.each(samples.map((s) => [s.name, s] as const))('answers %s in Indonesian by default and in English on request', async (_name, s) => {
      for (const [lang, headers] of [
        ['id', {}],
        ['en', { 'accept-language': 'en' }],
        ['en', { 'accept-language': 'en-GB,en;q=0.9,id;q=0.5' }],
        ['id', { 'accept-language': 'id-ID,id;q=0.9,en;q=0.8' }],
      ] as const) {
        const r = s.req(f);
        const res = await ctx.app.inject({
          method: r.method,
          url: r.url,
          headers: { ...auth(f.applicant.token), ...r.headers, ...headers },
          ...(r.payload !== undefined ? { payload: r.payload } : {}),
        });
        const body = json<Problem>(res);
        expect(body.code).toBe(s.code);
        expect(body.title, lang).toBe(ERROR_MESSAGES[s.code][lang].title);
        expect(body.detail, lang).toBe(ERROR_MESSAGES[s.code][lang].detail);
        if (s.field) {
          const [field, code] = s.field;
          expect(
            body.errors?.find((e) => e.field === field),
            lang,
          ).toEqual({ field, code, message: FIELD_MESSAGES[code]![lang] });
        }
      }
    });

    it('says in Indonesian, by default, what is wrong with a sign-in attempt', async () => {
      const fresh = await createApp(ctx.services);
      extraApps.push(fresh);
      const res = await fresh.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: f.leaver.email } });
      expect(res.statusCode).toBe(400);
      const body = json<Problem>(res);
      expect(body.detail).toBe(ERROR_MESSAGES.invalid_input.id.detail);
      expect(body.errors).toEqual([{ field: 'password', code: 'required', message: FIELD_MESSAGES.required!.id }]);
      const en = json<Problem>(
        await fresh.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'accept-language': 'en' }, payload: { login: f.leaver.email } }),
      );
      expect(en.detail).toBe(ERROR_MESSAGES.invalid_input.en.detail);
      expect(en.errors).toEqual([{ field: 'password', code: 'required', message: FIELD_MESSAGES.required!.en }]);
    });
  });

  it('leaves no half-written upload behind when the upload is cut off (v5.0.0-2.3.3)', async () => {
    const before = await persistentState(ctx);
    const cut = await ctx.app.inject({
      method: 'PUT',
      url: `${app(f.draftId)}/documents/ktp`,
      headers: { ...auth(f.applicant.token), 'content-type': 'multipart/form-data; boundary=izolboundary' },
      payload: `--izolboundary\r\nContent-Disposition: form-data; name="file"; filename="ktp.pdf"\r\nContent-Type: application/pdf\r\n\r\n${DEMO_PDF.toString('latin1')}${'0'.repeat(50_000)}`,
    });
    // (The status itself is checked with the other upload cases above.)
    expect(cut.statusCode).toBeGreaterThanOrEqual(400);
    expect(await persistentState(ctx)).toEqual(before);
    const tmp = `${ctx.storageDir}/tmp`;
    expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
  });
});
