import { createHash, createPublicKey, type KeyObject, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { Db } from '../db/database.js';
import type { PaymentSettings, PaymentSettingsTable, Tenant } from '../db/schema.js';
import { decryptField, encryptField } from '../shared/crypto.js';
import { AppError, type FieldProblem } from '../shared/errors.js';
import { type Clock, isoNow } from '../shared/time.js';
import { findTenantById } from '../tenants/tenants.repository.js';
import { type QrisMerchant, qrisMerchantSchema } from './bills.js';
import { DEMO_BANK_CLIENT_ID, DEMO_BANK_PUBLIC_KEY_PEM } from './demo-bank/demo-keys.js';
import { insertPaymentSettingsIfAbsent } from './payment-settings.repository.js';
import { findPaymentSettings, upsertPaymentSettings } from './payments.repository.js';
import type { SignatureEncoding } from './snap-signature.js';

/** What a new office starts with (the admin edits all of it at /kantor/admin/pembayaran). */
export const DEFAULT_PAYMENT_SETTINGS = {
  partnerServiceId: '88899',
  billExpiryDays: 7,
  legalBasis: 'Peraturan Daerah tentang Retribusi Persetujuan Bangunan Gedung',
  mcc: '9399',
} as const;

/** The limits the settings keep (the form's maxlength, the API's schema). */
export const PAYMENT_SETTINGS_LIMITS = { legalBasis: 500, clientId: 100, clientSecret: 200, clientSecretMin: 16, publicKey: 10_000 } as const;

/** The office's payment settings as the admin sees them: never the SNAP client secret, only whether one is set. */
export type PaymentSettingsView = {
  adapter: 'demo' | 'snap';
  partnerServiceId: string;
  billExpiryDays: number;
  legalBasis: string;
  qrisMerchant: QrisMerchant | null;
  snapClientId: string | null;
  snapClientSecretSet: boolean;
  snapBankPublicKey: string | null;
  /** SHA-256 of the bank public key's DER (SPKI), hex: what the admin compares with the bank's letter. */
  snapBankPublicKeySha256: string | null;
  snapSignatureEncoding: SignatureEncoding;
  /** What SNAP still needs before a bank can call (empty: ready). */
  snapMissing: ('snapClientId' | 'snapClientSecret' | 'snapBankPublicKey')[];
  /** True when the built-in demo bank answers for this office (adapter demo, outside production). */
  demoBank: boolean;
  updatedAt: string;
  updatedBy: string | null;
};

const PRINTABLE = /^[\x20-\x7E]+$/;

/** What saveSettings takes: every setting; the client secret is write-only (empty or absent keeps the stored one). */
export const paymentSettingsInputSchema = z.strictObject({
  adapter: z.enum(['demo', 'snap']),
  partnerServiceId: z.string().regex(/^\d{1,8}$/, 'the biller code (partnerServiceId) is 1 to 8 digits'),
  billExpiryDays: z.number().int('whole days').min(1, 'at least 1 day').max(60, 'at most 60 days'),
  legalBasis: z
    .string()
    .trim()
    .min(3, 'name the regulation, 3 to 500 characters')
    .max(PAYMENT_SETTINGS_LIMITS.legalBasis, 'name the regulation, 3 to 500 characters'),
  qrisMerchant: qrisMerchantSchema.nullable(),
  snapClientId: z
    .string()
    .trim()
    .max(PAYMENT_SETTINGS_LIMITS.clientId, 'at most 100 characters')
    .regex(PRINTABLE, 'printable ASCII only')
    .nullable()
    .or(z.literal('').transform(() => null)),
  snapClientSecret: z
    .string()
    .max(PAYMENT_SETTINGS_LIMITS.clientSecret, 'at most 200 characters')
    .refine((s) => s === '' || (s.length >= PAYMENT_SETTINGS_LIMITS.clientSecretMin && PRINTABLE.test(s)), 'at least 16 printable ASCII characters')
    .nullish(),
  snapBankPublicKey: z.string().max(PAYMENT_SETTINGS_LIMITS.publicKey, 'at most 10000 characters').nullable(),
  snapSignatureEncoding: z.enum(['base64', 'hex']),
});
export type PaymentSettingsInput = z.input<typeof paymentSettingsInputSchema>;

/** The field-problem code of a refused setting (FIELD_MESSAGES in shared/messages.ts words it for the API). */
const PROBLEM_CODES: Record<string, string> = {
  adapter: 'invalid_option',
  partnerServiceId: 'invalid_partner_service_id',
  billExpiryDays: 'invalid_bill_expiry_days',
  legalBasis: 'invalid_legal_basis',
  qrisMerchant: 'invalid_qris_merchant',
  snapClientId: 'invalid_client_id',
  snapClientSecret: 'invalid_client_secret',
  snapBankPublicKey: 'invalid_public_key',
  snapSignatureEncoding: 'invalid_option',
};

/**
 * A bank's public key from its PEM text: an RSA public key (SPKI "PUBLIC KEY" or PKCS#1 "RSA PUBLIC KEY"),
 * 2048 bits or more. A private key is refused (createPublicKey would quietly derive its public half).
 */
export function parseBankPublicKey(pem: string): { ok: true; key: KeyObject; spkiPem: string; sha256: string } | { ok: false; reason: string } {
  const text = pem.trim();
  if (!/^-----BEGIN (RSA )?PUBLIC KEY-----[\s\S]+-----END (RSA )?PUBLIC KEY-----$/.test(text)) {
    return { ok: false, reason: 'not a PEM public key (-----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----)' };
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: 'pem' });
  } catch {
    return { ok: false, reason: 'the PEM text does not parse as a public key' };
  }
  if (key.asymmetricKeyType !== 'rsa') return { ok: false, reason: `an RSA key is needed (SHA256withRSA), not ${key.asymmetricKeyType ?? 'unknown'}` };
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return { ok: false, reason: 'the RSA key is shorter than 2048 bits' };
  const spkiPem = key.export({ type: 'spki', format: 'pem' }).toString();
  const sha256 = createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
  return { ok: true, key, spkiPem, sha256 };
}

const DEMO_KEY_SHA256 = (() => {
  const parsed = parseBankPublicKey(DEMO_BANK_PUBLIC_KEY_PEM);
  if (!parsed.ok) throw new Error(`the demo bank's public key does not parse: ${parsed.reason}`);
  return parsed.sha256;
})();

/**
 * True for the demo bank's public key (any PEM spelling of it). Anyone can sign with its private half
 * (demo-keys.ts), so a SNAP endpoint in production must not trust a settings row that still holds it.
 */
export function isDemoBankPublicKey(pem: string | null): boolean {
  if (!pem) return false;
  const parsed = parseBankPublicKey(pem);
  return parsed.ok && parsed.sha256 === DEMO_KEY_SHA256;
}

/** Printable ASCII in capitals (accents dropped, spaces collapsed): what EMVCo's "ans" fields hold. */
function asciiUpper(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[^\x20-\x7E]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toUpperCase();
}

/** The office's name for a QRIS merchant: printable ASCII, at most 25 characters. */
export function qrisMerchantName(officeName: string): string {
  return asciiUpper(officeName).slice(0, 25).trim() || 'IZOL';
}

/** The city of an office named "DPMPTSP Kota Malang" or "… Kabupaten Sleman": the words after Kota/Kabupaten, else the last word, else the code. */
export function qrisMerchantCity(officeName: string, code: string): string {
  const upper = asciiUpper(officeName);
  const m = /\b(?:KOTA|KABUPATEN|KAB\.)\s+(.+)$/.exec(upper);
  return (m?.[1] ?? upper.split(' ').at(-1) ?? '').slice(0, 15).trim() || code;
}

/** The demo QRIS merchant of an office (development and tests only; no acquirer knows it). */
export function demoQrisMerchant(tenant: Pick<Tenant, 'name' | 'code'>): QrisMerchant {
  return qrisMerchantSchema.parse({
    name: qrisMerchantName(tenant.name),
    city: qrisMerchantCity(tenant.name, tenant.code),
    merchantId: `IZOLDEMO${tenant.code}`.slice(0, 15),
    mcc: DEFAULT_PAYMENT_SETTINGS.mcc,
  });
}

/** What a SNAP adapter (the SNAP routes, the demo bank) needs from an office's settings; the secret decrypted. */
export type SnapCredentials = { clientId: string; clientSecret: string; bankPublicKey: string; encoding: SignatureEncoding };

/** The office's SNAP credentials, or null while any is missing (then nothing is payable by SNAP). */
export function snapCredentialsOf(settings: PaymentSettings, dataKey: Buffer): SnapCredentials | null {
  if (!settings.snap_client_id || !settings.snap_client_secret || !settings.snap_bank_public_key) return null;
  return {
    clientId: settings.snap_client_id,
    clientSecret: decryptField(dataKey, settings.snap_client_secret),
    bankPublicKey: settings.snap_bank_public_key,
    encoding: settings.snap_signature_encoding,
  };
}

function toView(s: PaymentSettings, production: boolean): PaymentSettingsView {
  const key = s.snap_bank_public_key ? parseBankPublicKey(s.snap_bank_public_key) : null;
  const missing: PaymentSettingsView['snapMissing'] = [];
  if (!s.snap_client_id) missing.push('snapClientId');
  if (!s.snap_client_secret) missing.push('snapClientSecret');
  if (!s.snap_bank_public_key) missing.push('snapBankPublicKey');
  return {
    adapter: s.adapter,
    partnerServiceId: s.partner_service_id,
    billExpiryDays: Number(s.bill_expiry_days),
    legalBasis: s.legal_basis,
    qrisMerchant: s.qris_merchant ? qrisMerchantSchema.parse(JSON.parse(s.qris_merchant)) : null,
    snapClientId: s.snap_client_id,
    snapClientSecretSet: s.snap_client_secret !== null,
    snapBankPublicKey: s.snap_bank_public_key,
    snapBankPublicKeySha256: key?.ok ? key.sha256 : null,
    snapSignatureEncoding: s.snap_signature_encoding,
    snapMissing: missing,
    demoBank: s.adapter === 'demo' && !production,
    updatedAt: s.updated_at,
    updatedBy: s.updated_by,
  };
}

export type PaymentSettingsDeps = { db: Db; clock: Clock; dataKey: Buffer; production: boolean };

/**
 * The office's payment settings (issue 12): which adapter pays its bills (the built-in demo bank, or a
 * real bank over SNAP), the biller code, the bill's expiry and legal basis, the QRIS merchant data, and
 * the SNAP credentials (the client secret encrypted at rest, never shown again). Read from the database at
 * each use, so a save takes effect without a restart.
 */
export function createPaymentSettingsService(deps: PaymentSettingsDeps) {
  const { db, clock } = deps;

  /** The admin: the settings, or null when the office has none yet (then no bill is issued). */
  async function getSettings(input: { actor: Actor }): Promise<PaymentSettingsView | null> {
    requireAccess({ actor: input.actor, permission: 'payments.settings', resource: { tenantId: input.actor.tenantId } });
    const s = await findPaymentSettings(db, input.actor.tenantId);
    return s ? toView(s, deps.production) : null;
  }

  /** Every problem with the input at once, each named by its field (`qrisMerchant.name` for a merchant field). */
  function problemsOf(input: unknown): {
    problems: FieldProblem[];
    data: z.output<typeof paymentSettingsInputSchema> | null;
    key: ReturnType<typeof parseBankPublicKey> | null;
  } {
    const parsed = paymentSettingsInputSchema.safeParse(input);
    const problems: FieldProblem[] = [];
    if (!parsed.success) {
      const seen = new Set<string>();
      for (const issue of parsed.error.issues) {
        const top = String(issue.path[0] ?? 'settings');
        const field = issue.code === 'unrecognized_keys' ? issue.keys.join(',') : issue.path.map(String).join('.') || 'settings';
        if (seen.has(field)) continue;
        seen.add(field);
        problems.push({ field, code: issue.code === 'unrecognized_keys' ? 'unknown_field' : (PROBLEM_CODES[top] ?? 'invalid_value'), message: issue.message });
      }
    }
    // The key is checked even when another field is wrong, so the admin sees every problem at once.
    const pem = input && typeof input === 'object' ? (input as { snapBankPublicKey?: unknown }).snapBankPublicKey : null;
    const key = typeof pem === 'string' && pem.trim() ? parseBankPublicKey(pem) : null;
    if (key && !key.ok && !problems.some((p) => p.field === 'snapBankPublicKey')) {
      problems.push({ field: 'snapBankPublicKey', code: 'invalid_public_key', message: key.reason });
    }
    if (parsed.success && deps.production) {
      if (parsed.data.adapter === 'demo') {
        problems.push({ field: 'adapter', code: 'demo_not_in_production', message: 'the demo bank is for development and tests only' });
      }
      if (key?.ok && key.sha256 === DEMO_KEY_SHA256) {
        problems.push({
          field: 'snapBankPublicKey',
          code: 'demo_not_in_production',
          message: "this is the demo bank's public key, which anyone can sign with",
        });
      }
    }
    return { problems, data: parsed.success ? parsed.data : null, key };
  }

  /**
   * The admin saves every setting at once, validated first (nothing written on any problem). The client
   * secret is write-only: empty or absent keeps the stored one. Audited without any secret (which fields
   * changed, the key's fingerprint). Returns the settings as saved and the names of the fields changed.
   */
  async function saveSettings(input: { actor: Actor; settings: unknown }): Promise<{ settings: PaymentSettingsView; changed: string[] }> {
    const { actor } = input;
    requireAccess({ actor, permission: 'payments.settings', resource: { tenantId: actor.tenantId } });
    const { problems, data, key } = problemsOf(input.settings);
    if (problems.length || !data) throw new AppError('invalid_input', 'the payment settings are not valid', { fields: problems });
    const now = isoNow(clock);
    const saved = await db.transaction().execute(async (trx) => {
      const before = await findPaymentSettings(trx, actor.tenantId);
      const secret = data.snapClientSecret ? encryptField(deps.dataKey, data.snapClientSecret) : (before?.snap_client_secret ?? null);
      const row: PaymentSettingsTable = {
        tenant_id: actor.tenantId,
        adapter: data.adapter,
        partner_service_id: data.partnerServiceId,
        bill_expiry_days: data.billExpiryDays,
        legal_basis: data.legalBasis,
        qris_merchant: data.qrisMerchant ? JSON.stringify(data.qrisMerchant) : null,
        snap_client_id: data.snapClientId,
        snap_client_secret: secret,
        snap_bank_public_key: key?.ok ? key.spkiPem : null,
        snap_signature_encoding: data.snapSignatureEncoding,
        updated_at: now,
        updated_by: actor.userId,
      };
      const changed = before
        ? (
            [
              ['adapter', before.adapter !== row.adapter],
              ['partnerServiceId', before.partner_service_id !== row.partner_service_id],
              ['billExpiryDays', Number(before.bill_expiry_days) !== row.bill_expiry_days],
              ['legalBasis', before.legal_basis !== row.legal_basis],
              ['qrisMerchant', before.qris_merchant !== row.qris_merchant],
              ['snapClientId', before.snap_client_id !== row.snap_client_id],
              ['snapClientSecret', Boolean(data.snapClientSecret)],
              ['snapBankPublicKey', (before.snap_bank_public_key ?? null) !== row.snap_bank_public_key],
              ['snapSignatureEncoding', before.snap_signature_encoding !== row.snap_signature_encoding],
            ] as const
          )
            .filter(([, c]) => c)
            .map(([f]) => f)
        : Object.keys(paymentSettingsInputSchema.shape);
      await upsertPaymentSettings(trx, row);
      await appendAudit(trx, {
        tenantId: actor.tenantId,
        actorId: actor.userId,
        action: 'payments.settings_saved',
        subjectType: 'payment_settings',
        subjectId: actor.tenantId,
        // Never the secret: only that it changed; the key by its fingerprint.
        data: {
          changed,
          adapter: row.adapter,
          partnerServiceId: row.partner_service_id,
          billExpiryDays: row.bill_expiry_days,
          qrisMerchantId: data.qrisMerchant?.merchantId ?? null,
          snapClientId: row.snap_client_id,
          snapClientSecretChanged: Boolean(data.snapClientSecret),
          snapBankPublicKeySha256: key?.ok ? key.sha256 : null,
          snapSignatureEncoding: row.snap_signature_encoding,
        },
        occurredAt: now,
      });
      return { row, changed };
    });
    return { settings: toView(saved.row, deps.production), changed: saved.changed };
  }

  /**
   * An office's first payment settings, when it has none (prepareOffice, at every start; two starts racing
   * write them once, and an admin's settings are never overwritten). Outside production: the demo adapter
   * with the demo bank's client id and public key, a random client secret of the office's own, and a demo
   * QRIS merchant. In production: the SNAP adapter with no credentials and no QRIS merchant, so nothing is
   * payable by a bank (and the demo bank is off) until the admin enters the bank's keys.
   */
  async function ensureDefaultSettings(tenantId: string): Promise<boolean> {
    if (await findPaymentSettings(db, tenantId)) return false;
    const tenant = await findTenantById(db, tenantId);
    if (!tenant) throw new Error(`no office ${tenantId}`);
    const now = isoNow(clock);
    const demo = !deps.production;
    const row: PaymentSettingsTable = {
      tenant_id: tenantId,
      adapter: demo ? 'demo' : 'snap',
      partner_service_id: DEFAULT_PAYMENT_SETTINGS.partnerServiceId,
      bill_expiry_days: DEFAULT_PAYMENT_SETTINGS.billExpiryDays,
      legal_basis: DEFAULT_PAYMENT_SETTINGS.legalBasis,
      qris_merchant: demo ? JSON.stringify(demoQrisMerchant(tenant)) : null,
      snap_client_id: demo ? DEMO_BANK_CLIENT_ID : null,
      snap_client_secret: demo ? encryptField(deps.dataKey, randomBytes(32).toString('base64url')) : null,
      snap_bank_public_key: demo ? DEMO_BANK_PUBLIC_KEY_PEM : null,
      snap_signature_encoding: 'base64',
      updated_at: now,
      updated_by: null,
    };
    return db.transaction().execute(async (trx) => {
      if (!(await insertPaymentSettingsIfAbsent(trx, row))) return false;
      await appendAudit(trx, {
        tenantId,
        actorId: null,
        action: 'payments.settings_defaulted',
        subjectType: 'payment_settings',
        subjectId: tenantId,
        data: { adapter: row.adapter, partnerServiceId: row.partner_service_id, billExpiryDays: row.bill_expiry_days, qris: row.qris_merchant !== null },
        occurredAt: now,
      });
      return true;
    });
  }

  return { getSettings, saveSettings, ensureDefaultSettings };
}
export type PaymentSettingsService = ReturnType<typeof createPaymentSettingsService>;
