import type { FastifyInstance } from 'fastify';
import type { PaymentSettingsTable } from '../../src/db/schema.js';
import { upsertPaymentSettings } from '../../src/payments/payments.repository.js';
import type { TestContext } from './context.js';

/**
 * Gives the test office plain payment settings (the demo adapter, biller code 88899, bills valid 7
 * days, no QRIS merchant, no SNAP keys) with `overrides` on top (another office by `tenant_id`), written straight to the table as the
 * admin's page would leave them. Returns what was written.
 */
export async function usePaymentSettings(ctx: TestContext, overrides: Partial<PaymentSettingsTable> = {}) {
  const row = {
    tenant_id: ctx.tenant.id,
    adapter: 'demo' as const,
    partner_service_id: '88899',
    bill_expiry_days: 7,
    legal_basis: 'Perda Kota Malang tentang Retribusi PBG',
    qris_merchant: null,
    snap_client_id: null,
    snap_client_secret: null,
    snap_bank_public_key: null,
    snap_signature_encoding: 'base64' as const,
    updated_at: ctx.clock.now().toISOString(),
    updated_by: null,
    ...overrides,
  };
  await upsertPaymentSettings(ctx.db, row);
  return row;
}

/**
 * A `fetch` that sends a bank's POST into the app with `inject`, so a SNAP client's requests (headers,
 * raw body) reach the routes exactly as over the network, without a listening port.
 */
export function injectFetch(app: FastifyInstance): typeof fetch {
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const res = await app.inject({
      method: 'POST',
      url: url.pathname + url.search,
      headers: init?.headers as Record<string, string>,
      ...(init?.body === undefined ? {} : { payload: init.body as string }),
    });
    return new Response(res.body, { status: res.statusCode, headers: { 'content-type': String(res.headers['content-type'] ?? '') } });
  };
}

/** A payment settings save the demo bank accepts, as an admin of the office would send it (the access tests). */
export const DEMO_PAYMENT_SETTINGS = {
  adapter: 'demo',
  partnerServiceId: '88899',
  billExpiryDays: 7,
  legalBasis: 'Perda tentang Retribusi PBG',
  qrisMerchant: null,
  snapClientId: null,
  snapBankPublicKey: null,
  snapSignatureEncoding: 'base64',
} as const;
