import { type AnyActor, can, requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { findApplication } from '../applications/applications.repository.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';
import type { Application, Bill, Payment, PaymentSettings } from '../db/schema.js';
import { violatedConstraint } from '../db/unique-violation.js';
import type { FeeService } from '../fees/fees.service.js';
import type { PbgBreakdown } from '../fees/pbg-retribution.js';
import { AppError } from '../shared/errors.js';
import { type Clock, isoNow } from '../shared/time.js';
import type { Signer } from '../signing/signer.js';
import { type OfficeAddress, officeBaseUrl } from '../tenants/office-url.js';
import { findTenantById } from '../tenants/tenants.repository.js';
import type { WorkflowDefinition } from '../workflow/workflow.schema.js';
import { type BillDocument, isExpired, issueBillInTransaction } from './bills.js';
import { findBillByVerificationCode, findOpenBill, findPaymentSettings, listBillsOfApplication, listPaymentsOfApplication } from './payments.repository.js';

/** A bill's status as people read it: expiry is derived from the time, never stored. */
export type BillStatus = 'open' | 'expired' | 'paid' | 'voided';

/** One bill (SKRD) as the pages and the API show it. */
export type BillView = {
  id: string;
  number: string;
  status: BillStatus;
  /** Whole rupiah. */
  amount: number;
  /** The biller code typed at the ATM first (SNAP partnerServiceId). */
  partnerServiceId: string;
  /** The customer number typed after the biller code. */
  customerNo: string;
  /** The full SNAP virtualAccountNo (partnerServiceId padded to 8, then the customer number). */
  virtualAccountNo: string;
  /** The dynamic QRIS string, or null when the office has no QRIS merchant data. */
  qris: string | null;
  issuedAt: string;
  expiresAt: string;
  legalBasis: string;
  breakdown: PbgBreakdown | null;
  paidAt: string | null;
  voidedAt: string | null;
  voidReason: string | null;
  /** The bill this one replaced (its number), from the signed document. */
  replaces: string | null;
  verificationCode: string;
  /** The office's public page for the bill's code (what the bill's QR opens). */
  verificationUrl: string;
  /** The signed bill as stored (the printable bill shows it); not in the API, which gives the fields above. */
  document: BillDocument | null;
};

/** One payment received against the file. */
export type BillPaymentView = {
  id: string;
  provider: Payment['provider'];
  amount: number;
  paidAt: string;
  receivedAt: string;
  state: Payment['state'];
  holdReason: Payment['hold_reason'];
  bankReference: string | null;
  billNumber: string | null;
};

/** The bills of one file, newest first, with what the actor may do (the pages render from `can`). */
export type ApplicationBills = {
  applicationId: string;
  applicationNumber: string | null;
  office: { code: string; name: string; timeZone: string };
  /** The office's payment adapter; null: the office has no payment settings (no bill can be issued). */
  adapter: PaymentSettings['adapter'] | null;
  bills: BillView[];
  payments: BillPaymentView[];
  can: {
    /** The treasurer: void the open bill and issue a new one. */
    reissue: boolean;
    /** The applicant: the open bill expired, ask for a new payment code. */
    requestNewCode: boolean;
  };
};

/** What /v/{code} and the verify API say about a bill: everything public the bill itself prints, and its status. */
export type PublicBill = {
  office: { code: string; name: string };
  number: string;
  verificationCode: string;
  applicationNumber: string;
  permitType: { code: string; name: { id: string; en: string } };
  amount: number;
  issuedAt: string;
  expiresAt: string;
  legalBasis: string;
  status: BillStatus;
  paidAt: string | null;
  voidedAt: string | null;
};

export type BillVerification =
  | { status: 'not_authentic'; kind: null }
  | {
      status: BillStatus;
      kind: 'bill';
      bill: PublicBill;
      signed: { document: string; signature: { alg: 'Ed25519'; keyId: string; signature: string } };
    };

export function billStatus(bill: Pick<Bill, 'state' | 'expires_at'>, now: string): BillStatus {
  if (bill.state !== 'open') return bill.state;
  return isExpired(bill, now) ? 'expired' : 'open';
}

function parseDocument(bill: Bill): BillDocument | null {
  try {
    const doc = JSON.parse(bill.document) as BillDocument;
    return doc && doc.kind === 'bill' ? doc : null;
  } catch {
    return null;
  }
}

function parseBreakdown(bill: Bill): PbgBreakdown | null {
  if (!bill.breakdown) return null;
  try {
    return JSON.parse(bill.breakdown) as PbgBreakdown;
  } catch {
    return null;
  }
}

/**
 * A bill by the code under its QR, for the public verification page and API (src/permits/ asks this
 * after permits and receipts): authentic only when the office's key signed the stored document and the
 * row says what was signed. Undefined when no bill of this office has the code.
 */
export async function verifyBillCode(deps: { db: Db; signer: Signer; clock: Clock }, tenantId: string, code: string): Promise<BillVerification | undefined> {
  const bill = await findBillByVerificationCode(deps.db, code);
  if (!bill || bill.tenant_id !== tenantId) return undefined;
  const signature = { alg: 'Ed25519' as const, keyId: bill.key_id, signature: bill.signature };
  const authentic = await deps.signer.verify(bill.tenant_id, Buffer.from(bill.document), signature);
  const doc = authentic ? parseDocument(bill) : null;
  const agrees =
    doc !== null &&
    doc.number === bill.number &&
    doc.verificationCode === bill.verification_code &&
    doc.amount === Number(bill.amount) &&
    doc.payment.customerNo === bill.customer_no &&
    doc.expiresAt === bill.expires_at;
  if (!doc || !agrees) return { status: 'not_authentic', kind: null };
  const status = billStatus(bill, isoNow(deps.clock));
  return {
    status,
    kind: 'bill',
    bill: {
      office: doc.office,
      number: doc.number,
      verificationCode: doc.verificationCode,
      applicationNumber: doc.applicationNumber,
      permitType: doc.permitType,
      amount: doc.amount,
      issuedAt: doc.issuedAt,
      expiresAt: doc.expiresAt,
      legalBasis: doc.legalBasis,
      status,
      paidAt: bill.paid_at,
      voidedAt: bill.voided_at,
    },
    signed: { document: bill.document, signature },
  };
}

export type BillDeps = {
  db: Db;
  clock: Clock;
  catalogue: CatalogueService;
  signer: Signer;
  fees: Pick<FeeService, 'computed'>;
  address: OfficeAddress;
};

const REASON_MIN = 3;
const REASON_MAX = 500;

/**
 * Bills (SKRD) as the applicant and the officers see and use them: the list with how to pay, the
 * treasurer's re-issue (the old code voided, a new one issued in the same transaction) and the
 * applicant's request for a new code once the open one has expired.
 */
export function createBillService(deps: BillDeps) {
  const { db, clock } = deps;

  async function load(actor: Actor, applicationId: string): Promise<Application> {
    const app = await findApplication(db, actor.tenantId, applicationId);
    if (!app) throw new AppError('not_found', 'application not found or not visible');
    requireAccess({ actor, permission: 'application.read', resource: { application: app } });
    return app;
  }

  /** The workflow waits for a payment in the file's state: some action there takes the payment reference. */
  function awaitsPayment(workflow: WorkflowDefinition, app: Application): boolean {
    return workflow.actions.some((a) => a.input === 'payment_reference' && a.from.includes(app.state));
  }

  /** The applicant who owns the file (the person a new code is for). */
  function isApplicantOf(actor: AnyActor, app: Application): boolean {
    return 'userId' in actor && app.applicant_id !== null && app.applicant_id === actor.userId;
  }

  async function context(app: Application) {
    const [tenant, settings, { workflow, definition }, bills] = await Promise.all([
      findTenantById(db, app.tenant_id),
      findPaymentSettings(db, app.tenant_id),
      deps.catalogue.getVersion(app.permit_type_version_id),
      listBillsOfApplication(db, app.tenant_id, app.id),
    ]);
    if (!tenant) throw new Error(`office ${app.tenant_id} vanished`);
    return { tenant, settings, workflow, definition, bills };
  }

  function toView(bill: Bill, now: string, base: string): BillView {
    const doc = parseDocument(bill);
    return {
      id: bill.id,
      number: bill.number,
      status: billStatus(bill, now),
      amount: Number(bill.amount),
      partnerServiceId: doc?.payment.partnerServiceId ?? bill.va_number.slice(0, 8).trim(),
      customerNo: bill.customer_no,
      virtualAccountNo: bill.va_number,
      qris: bill.qris,
      issuedAt: bill.issued_at,
      expiresAt: bill.expires_at,
      legalBasis: bill.legal_basis,
      breakdown: parseBreakdown(bill),
      paidAt: bill.paid_at,
      voidedAt: bill.voided_at,
      voidReason: bill.void_reason,
      replaces: doc?.replaces ?? null,
      verificationCode: bill.verification_code,
      verificationUrl: `${base}/v/${bill.verification_code}`,
      document: doc,
    };
  }

  /** The applicant of the file and the office's staff: the file's bills, newest first, and its payments. */
  async function listForApplication(input: { actor: Actor; applicationId: string }): Promise<ApplicationBills> {
    const { actor } = input;
    requireAccess({ actor, permission: 'application.list', resource: { tenantId: actor.tenantId } });
    const app = await load(actor, input.applicationId);
    const [{ tenant, settings, workflow, bills }, payments] = await Promise.all([context(app), listPaymentsOfApplication(db, app.tenant_id, app.id)]);
    const now = isoNow(clock);
    const base = officeBaseUrl(deps.address, tenant);
    const views = bills.map((b) => toView(b, now, base));
    const numbers = new Map(bills.map((b) => [b.id, b.number]));
    const open = views.find((b) => b.status === 'open' || b.status === 'expired');
    const paid = views.some((b) => b.status === 'paid') || app.fee_paid_at !== null;
    // A payment of the expired code waits for the treasurer: a new code would void the bill it can still pay.
    const heldOnOpen = open !== undefined && payments.some((p) => p.state === 'held' && p.bill_id === open.id);
    const payable = settings !== undefined && awaitsPayment(workflow, app) && !paid;
    return {
      applicationId: app.id,
      applicationNumber: app.number,
      office: { code: tenant.code, name: tenant.name, timeZone: tenant.time_zone },
      adapter: settings?.adapter ?? null,
      bills: views,
      payments: payments.map((p) => ({
        id: p.id,
        provider: p.provider,
        amount: Number(p.amount),
        paidAt: p.paid_at,
        receivedAt: p.received_at,
        state: p.state,
        holdReason: p.hold_reason,
        bankReference: p.bank_reference,
        billNumber: p.bill_id ? (numbers.get(p.bill_id) ?? null) : null,
      })),
      can: {
        reissue: payable && (app.fee_amount ?? 0) > 0 && can(actor, 'payments.manage', { application: app }),
        requestNewCode: payable && open?.status === 'expired' && !heldOnOpen && isApplicantOf(actor, app),
      },
    };
  }

  /**
   * Voids the file's open bill (if any) and issues a new one for the file's fee, in one transaction
   * (issueBillInTransaction audits the issue; the void is audited here with its reason). Refused while
   * the file is not waiting for its payment, once it is paid, and when the office has no payment settings.
   */
  async function replaceBill(
    actor: Actor,
    app: Application,
    opts: { voidReason: string; issuedBy: string | null; onlyExpired: boolean; audit: string; reason: string | null },
  ): Promise<BillView> {
    const { tenant, settings, workflow, definition, bills } = await context(app);
    const now = isoNow(clock);
    if (!settings) {
      throw new AppError('precondition_failed', `office ${tenant.code} has no payment settings: no bill can be issued`, {
        params: { missing: 'payment_settings' },
      });
    }
    if (app.fee_paid_at !== null || bills.some((b) => b.state === 'paid')) {
      throw new AppError('invalid_state', 'the fee of this file is paid: there is no bill to re-issue');
    }
    if (!awaitsPayment(workflow, app)) throw new AppError('invalid_state', 'the file is not waiting for its payment');
    const amount = app.fee_amount;
    if (amount === null || amount <= 0) throw new AppError('precondition_failed', 'no fee is assessed on this file', { params: { missing: 'fee_assessed' } });
    const open = bills.find((b) => b.state === 'open');
    if (opts.onlyExpired && (!open || !isExpired(open, now))) {
      throw new AppError('precondition_failed', 'the payment code has not expired: it can still be paid', {
        params: { missing: 'bill_expired', expiresAt: open?.expires_at ?? '' },
      });
    }
    if (opts.onlyExpired && open && (await listPaymentsOfApplication(db, app.tenant_id, app.id)).some((p) => p.state === 'held' && p.bill_id === open.id)) {
      // The applicant paid the expired code and the treasurer has not decided yet: voiding it now would
      // leave that payment unable to pay the file, and the applicant paying twice.
      throw new AppError('precondition_failed', 'a payment of this bill waits for the treasurer: no new code until it is decided', {
        params: { missing: 'held_payment_decided' },
      });
    }
    const previous = open ?? bills[0];
    const previousBreakdown = previous && Number(previous.amount) === amount ? parseBreakdown(previous) : null;
    // The formula's steps come to the amount before any waiver: kept only when the bill's amount is what they give.
    const breakdown =
      previousBreakdown ?? (await deps.fees.computed(app, definition).then((c) => (c && c.amount === amount && c.waiver === null ? c.breakdown : null)));
    const signing = await deps.signer.prepare(app.tenant_id);
    let issued: Bill;
    try {
      issued = await db.transaction().execute(async (trx) => {
        const bill = await issueBillInTransaction(trx, {
          tenant,
          app,
          permitTypeName: definition.name,
          settings,
          signing,
          amount,
          breakdown,
          issuedBy: opts.issuedBy,
          replaces: open ? { bill: open, voidReason: opts.voidReason } : undefined,
          now,
        });
        await appendAudit(trx, {
          tenantId: app.tenant_id,
          actorId: actor.userId,
          action: opts.audit,
          subjectType: 'bill',
          subjectId: bill.id,
          data: { applicationId: app.id, number: bill.number, voided: open?.number ?? null, reason: opts.reason },
          occurredAt: now,
        });
        return bill;
      });
    } catch (err) {
      // Another re-issue, a payment or a new assessment changed the open bill meanwhile (the void found
      // it no longer open, or bills_one_open refused a second open bill): nothing was written.
      const changed = (await findOpenBill(db, app.tenant_id, app.id))?.id !== open?.id;
      if (violatedConstraint(err) !== null || changed) throw new AppError('conflict', 'the bill changed meanwhile; reload and try again');
      throw err;
    }
    return toView(issued, now, officeBaseUrl(deps.address, tenant));
  }

  /** The treasurer: voids the open bill (expired or not) and issues a new one with a new code, with the reason. */
  async function reissue(input: { actor: Actor; applicationId: string; reason: string }): Promise<BillView> {
    const { actor } = input;
    // Refused as a role first, so an applicant learns nothing about which files exist.
    requireAccess({ actor, permission: 'payments.manage', resource: { tenantId: actor.tenantId } });
    const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
    if (reason.length < REASON_MIN || reason.length > REASON_MAX) {
      throw new AppError('invalid_input', 'say why the bill is re-issued', {
        fields: [
          reason.length < REASON_MIN
            ? { field: 'reason', code: 'too_short', message: `at least ${REASON_MIN} characters`, params: { min: REASON_MIN } }
            : { field: 'reason', code: 'too_long', message: `at most ${REASON_MAX} characters`, params: { max: REASON_MAX } },
        ],
      });
    }
    const app = await findApplication(db, actor.tenantId, input.applicationId);
    if (!app) throw new AppError('not_found', 'application not found or not visible');
    requireAccess({ actor, permission: 'payments.manage', resource: { application: app } });
    return replaceBill(actor, app, { voidReason: reason, issuedBy: actor.userId, onlyExpired: false, audit: 'bill.reissued', reason });
  }

  /** The applicant of the file: once the open bill has expired, a new payment code at once (the old one voided). */
  async function requestNewCode(input: { actor: Actor; applicationId: string }): Promise<BillView> {
    const { actor } = input;
    requireAccess({ actor, permission: 'application.list', resource: { tenantId: actor.tenantId } });
    const app = await load(actor, input.applicationId);
    if (!isApplicantOf(actor, app)) throw new AppError('forbidden', 'only the applicant of the file asks for a new payment code');
    return replaceBill(actor, app, {
      voidReason: 'expired; the applicant asked for a new payment code',
      issuedBy: null,
      onlyExpired: true,
      audit: 'bill.new_code_requested',
      reason: null,
    });
  }

  return { listForApplication, reissue, requestNewCode };
}
export type BillService = ReturnType<typeof createBillService>;
