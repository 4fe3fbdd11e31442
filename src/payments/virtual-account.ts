/**
 * SNAP virtual-account numbers and amounts, as the VA inquiry (service 24) and payment (25)
 * bodies carry them. Pure.
 *
 * Source: ASPI SNAP developer site, Transfer Kredit → Virtual Account, "Spesifikasi Parameter Header
 * dan Body" (mirrored in mseptiaan/snap-aspi-go `aspi/virtual-account.md`):
 * - `partnerServiceId` String(8): "Derivative of X-PARTNER-ID, similar to company code, 8 digit left
 *   padding space" — e.g. `"  088899"`;
 * - `customerNo` String(20): "Unique number (up to 20 digits)";
 * - `virtualAccountNo` String(28): partnerServiceId (8, left-padded with spaces) + customerNo,
 *   e.g. `"  08889912345678901234567890"`;
 * - amounts `{ "value": String(16,2), "currency": "IDR" }`, e.g. `{ "value": "150000.00", "currency": "IDR" }`.
 *
 * Izol's customerNo is the bill's payment code, so the virtualAccountNo is the number a payer types
 * at the ATM after the bank's prefix.
 */

export class VirtualAccountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VirtualAccountError';
  }
}

export interface VirtualAccountParts {
  /** Always 8 characters: the company code's digits left-padded with spaces. */
  partnerServiceId: string;
  /** 1 to 20 digits. */
  customerNo: string;
}

/** Left-pads a partnerServiceId (1–8 digits, already padded or not) with spaces to 8 characters. */
export function padPartnerServiceId(partnerServiceId: string): string {
  if (partnerServiceId.length > 8 || !/^ *\d+$/.test(partnerServiceId)) {
    throw new VirtualAccountError(`partnerServiceId must be 1 to 8 digits, optionally left-padded with spaces to 8 characters (got "${partnerServiceId}")`);
  }
  return partnerServiceId.padStart(8, ' ');
}

/** partnerServiceId (padded to 8) + customerNo (1–20 digits). */
export function composeVirtualAccountNo(partnerServiceId: string, customerNo: string): string {
  if (!/^\d{1,20}$/.test(customerNo)) throw new VirtualAccountError(`customerNo must be 1 to 20 digits (got "${customerNo}")`);
  return padPartnerServiceId(partnerServiceId) + customerNo;
}

/** Splits a virtualAccountNo: the first 8 characters are the padded partnerServiceId, the rest the customerNo. */
export function parseVirtualAccountNo(virtualAccountNo: string): VirtualAccountParts {
  const partnerServiceId = virtualAccountNo.slice(0, 8);
  const customerNo = virtualAccountNo.slice(8);
  if (virtualAccountNo.length < 9 || !/^ *\d+$/.test(partnerServiceId) || !/^\d{1,20}$/.test(customerNo)) {
    throw new VirtualAccountError('virtualAccountNo must be an 8-character partnerServiceId (digits left-padded with spaces) followed by 1 to 20 digits');
  }
  return { partnerServiceId, customerNo };
}

/**
 * True when the body's three fields agree (SNAP sends all three): the padded partnerServiceId plus
 * customerNo is the virtualAccountNo. A bank that sends partnerServiceId unpadded still matches.
 */
export function virtualAccountFieldsAgree(fields: { partnerServiceId: string; customerNo: string; virtualAccountNo: string }): boolean {
  try {
    return composeVirtualAccountNo(fields.partnerServiceId, fields.customerNo) === fields.virtualAccountNo;
  } catch {
    return false;
  }
}

/** SNAP's amount object. */
export interface SnapAmount {
  value: string;
  currency: string;
}

/** Largest whole-rupiah value SNAP's String(16,2) holds: 13 integer digits. */
export const SNAP_MAX_RUPIAH = 9_999_999_999_999;

/** Whole rupiah → `{ value: "150000.00", currency: "IDR" }`. */
export function formatSnapAmount(rupiah: number): SnapAmount {
  if (!Number.isSafeInteger(rupiah) || rupiah < 0 || rupiah > SNAP_MAX_RUPIAH)
    throw new VirtualAccountError(`amount must be whole rupiah from 0 to ${SNAP_MAX_RUPIAH}`);
  return { value: `${rupiah}.00`, currency: 'IDR' };
}

/**
 * `{ value, currency }` → whole rupiah. Refuses another currency, a value that is not digits with
 * exactly two decimals (String(16,2)), leading zeros, and non-zero sen (bills are whole rupiah).
 */
export function parseSnapAmount(amount: SnapAmount): number {
  if (amount.currency !== 'IDR') throw new VirtualAccountError(`currency must be IDR (got "${amount.currency}")`);
  const m = /^(0|[1-9]\d{0,12})\.(\d{2})$/.exec(amount.value);
  if (!m || m[1] === undefined) throw new VirtualAccountError(`amount value must be digits with two decimals, e.g. "150000.00" (got "${amount.value}")`);
  if (m[2] !== '00') throw new VirtualAccountError(`amount value has sen (${amount.value}); bills are whole rupiah`);
  return Number(m[1]);
}
