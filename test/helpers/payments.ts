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
