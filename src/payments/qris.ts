/**
 * Dynamic QRIS: the EMVCo merchant-presented QR string a bill carries, and its parser. Pure: no
 * database, no clock, no I/O. See docs/payments.md for the sources and how bills use it.
 *
 * ## Format (EMVCo QR Code Specification for Payment Systems, Merchant-Presented Mode v1.1, its data
 * objects table; QRIS as Indonesian acquirers use it)
 *
 * The string is a run of data objects, each `ID` (2 digits) + `length` (2 digits, 01–99, counting
 * characters) + `value`. Templates (26–51, 62) hold data objects of the same shape inside their value.
 * We write them in ascending ID order (EMVCo only requires 00 first and 63 last):
 *
 * | ID | Content                                         | Izol writes                                |
 * |----|-------------------------------------------------|--------------------------------------------|
 * | 00 | Payload format indicator                        | "01"                                       |
 * | 01 | Point of initiation: 11 static, 12 dynamic      | "12" (a code per bill, matched by bill no.) |
 * | 26 | Merchant account information template           | 00 GUID (ID.CO.QRIS.WWW by default), 01 PAN (optional), 02 merchant id, 03 criteria (optional) |
 * | 52 | Merchant category code (ISO 18245)              | e.g. "9399" government services            |
 * | 53 | Currency (ISO 4217 numeric)                     | "360" (rupiah)                             |
 * | 54 | Transaction amount, ans ≤ 13, "." as decimal mark | whole rupiah, no decimals, no leading zeros: 150000 → "150000" |
 * | 58 | Country code (ISO 3166-1 alpha-2)               | "ID"                                       |
 * | 59 | Merchant name, ans ≤ 25                         | the office's merchant name                 |
 * | 60 | Merchant city, ans ≤ 15                         | the office's city                          |
 * | 61 | Postal code, ans ≤ 10                           | optional                                   |
 * | 62 | Additional data field template                  | 01 bill number (ans ≤ 25)                  |
 * | 63 | CRC                                             | 4 uppercase hex digits                     |
 *
 * The CRC is CRC-16/CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF, no reflection, no final
 * XOR) over every byte of the string up to and including the literal "6304" that opens tag 63.
 *
 * Worked example (see test/unit/payments-qris.test.ts): merchant id "IZOL0001", MCC 9399, amount
 * Rp 150,000, name "DPMPTSP KOTA MALANG", city "MALANG", bill "SKRD-2026-000123" gives
 * `000201 010212 2630 0014ID.CO.QRIS.WWW 0208IZOL0001 52049399 5303360 5406150000 5802ID
 *  5919DPMPTSP KOTA MALANG 6006MALANG 6220 0116SKRD-2026-000123 6304` + CRC (spaces added here only).
 *
 * Characters: EMVCo's "ans" (alphanumeric special) is printable ASCII, 0x20–0x7E. We refuse anything
 * else, so a length (characters) always equals the byte count the CRC runs over.
 */
import { z } from 'zod';

/** The GUID QRIS puts in a merchant account template (the national QRIS domain). */
export const QRIS_GUID = 'ID.CO.QRIS.WWW';
/** ISO 4217 numeric code of the rupiah. */
export const RUPIAH_NUMERIC = '360';
/** Largest amount tag 54 can hold: 13 characters, whole rupiah. */
export const QRIS_MAX_AMOUNT = 9_999_999_999_999;

/** Why a QRIS string or its input was refused. Stable codes for the next layer to map. */
export type QrisErrorCode = 'invalid_input' | 'malformed' | 'bad_crc' | 'not_qris';

/** A refused QRIS string or builder input; `message` says what and where, in English for logs. */
export class QrisError extends Error {
  constructor(
    readonly code: QrisErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'QrisError';
  }
}

/** Printable ASCII, EMVCo's "ans" character set. */
const ANS = /^[\x20-\x7E]+$/;
const ans = (max: number) => z.string().min(1).max(max, `at most ${max} characters`).regex(ANS, 'printable ASCII characters only (EMVCo "ans")');

/**
 * What the builder needs: the office's merchant data (from its settings) and one bill's number and
 * amount. Limits are EMVCo's (name 25, city 15, bill number 25, template values 99 in all) and
 * QRIS's (merchant id ≤ 15, PAN 16–19 digits, criteria UMI/UKE/UME/UBE/URE).
 */
export const qrisInputSchema = z
  .object({
    merchant: z.object({
      /** Reverse-domain GUID of the account template (sub-tag 00); QRIS's own by default. */
      guid: ans(32).default(QRIS_GUID),
      /** Merchant PAN issued by the acquirer (sub-tag 01), digits only. */
      pan: z
        .string()
        .regex(/^\d{16,19}$/, '16 to 19 digits')
        .optional(),
      /** Merchant id at the acquirer (sub-tag 02). */
      merchantId: ans(15),
      /** QRIS merchant criteria (sub-tag 03). */
      criteria: z.enum(['UMI', 'UKE', 'UME', 'UBE', 'URE']).optional(),
      /** ISO 18245 merchant category code, e.g. 9399 (government services) or 9311 (tax payments). */
      mcc: z.string().regex(/^\d{4}$/, '4 digits'),
      name: ans(25),
      city: ans(15),
      postalCode: ans(10).optional(),
    }),
    /** Whole rupiah, at least 1 (a dynamic code always carries its amount). */
    amount: z.number().int('whole rupiah').min(1).max(QRIS_MAX_AMOUNT),
    /** The bill (SKRD) number, written in tag 62 sub-tag 01. */
    billNumber: ans(25),
  })
  .strict();

export type QrisInput = z.input<typeof qrisInputSchema>;

/** CRC-16/CCITT-FALSE of an ASCII string, as 4 uppercase hex digits. */
export function crc16CcittFalse(data: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(data, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** One data object: ID + two-digit length + value. The value must be 1–99 characters. */
function tlv(id: string, value: string): string {
  if (value.length < 1 || value.length > 99) throw new QrisError('invalid_input', `tag ${id}: value must be 1 to 99 characters (got ${value.length})`);
  return `${id}${String(value.length).padStart(2, '0')}${value}`;
}

/** Tag 54's text for whole rupiah: the integer's decimal digits, no sign, no decimals, no leading zeros. */
export function formatQrisAmount(rupiah: number): string {
  if (!Number.isSafeInteger(rupiah) || rupiah < 1 || rupiah > QRIS_MAX_AMOUNT) {
    throw new QrisError('invalid_input', `amount must be whole rupiah from 1 to ${QRIS_MAX_AMOUNT}`);
  }
  return String(rupiah);
}

/**
 * Builds the dynamic QRIS string for one bill. Throws QrisError('invalid_input') naming every field
 * that is out of bounds (the zod issues), so a misconfigured office is caught when the bill is issued.
 */
export function buildQris(input: QrisInput): string {
  const parsed = qrisInputSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
    throw new QrisError('invalid_input', `QRIS input refused: ${issues}`);
  }
  const { merchant, amount, billNumber } = parsed.data;
  const account =
    tlv('00', merchant.guid) +
    (merchant.pan === undefined ? '' : tlv('01', merchant.pan)) +
    tlv('02', merchant.merchantId) +
    (merchant.criteria === undefined ? '' : tlv('03', merchant.criteria));
  const body =
    tlv('00', '01') +
    tlv('01', '12') +
    tlv('26', account) +
    tlv('52', merchant.mcc) +
    tlv('53', RUPIAH_NUMERIC) +
    tlv('54', formatQrisAmount(amount)) +
    tlv('58', 'ID') +
    tlv('59', merchant.name) +
    tlv('60', merchant.city) +
    (merchant.postalCode === undefined ? '' : tlv('61', merchant.postalCode)) +
    tlv('62', tlv('01', billNumber)) +
    '6304';
  return body + crc16CcittFalse(body);
}

/** A parsed QRIS string. `tags` keeps every top-level value raw; `templates` decodes 26–51 and 62. */
export interface ParsedQris {
  /** Top-level ID → raw value, in the order read (63 included). */
  readonly tags: ReadonlyMap<string, string>;
  /** Template ID (26–51, 62) → its sub-tags (sub-ID → value). */
  readonly templates: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Tag 01 = "12". */
  readonly dynamic: boolean;
  /** Tag 54 in whole rupiah, or null when absent (a static code). */
  readonly amount: number | null;
  /** Tag 62 sub-tag 01, or null. */
  readonly billNumber: string | null;
  readonly merchantCategoryCode: string;
  readonly merchantName: string;
  readonly merchantCity: string;
  /** Merchant account templates in tag order: ID, GUID (sub-tag 00) and the other sub-tags. */
  readonly merchantAccounts: readonly { tag: string; guid: string; fields: ReadonlyMap<string, string> }[];
  readonly crc: string;
}

/** Splits a run of data objects; `where` names the enclosing field in error messages. */
function readObjects(data: string, where: string): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const head = data.slice(at, at + 4);
    if (!/^\d{4}$/.test(head)) throw new QrisError('malformed', `${where}: expected a 2-digit ID and 2-digit length at position ${at}, found "${head}"`);
    const id = head.slice(0, 2);
    const length = Number(head.slice(2));
    if (length === 0) throw new QrisError('malformed', `${where}: tag ${id} at position ${at} has length 00`);
    const value = data.slice(at + 4, at + 4 + length);
    if (value.length !== length) throw new QrisError('malformed', `${where}: tag ${id} at position ${at} says ${length} characters, only ${value.length} left`);
    if (out.has(id)) throw new QrisError('malformed', `${where}: tag ${id} appears twice`);
    out.set(id, value);
    at += 4 + length;
  }
  return out;
}

function required(tags: ReadonlyMap<string, string>, id: string, what: string): string {
  const value = tags.get(id);
  if (value === undefined) throw new QrisError('not_qris', `tag ${id} (${what}) is missing`);
  return value;
}

/**
 * Parses and checks a QRIS string: structure first (IDs, lengths, no duplicates, 00 first, 63 last
 * with 4 uppercase hex digits), then the CRC, then the QRIS rules (53 = 360, 58 = ID, mandatory tags,
 * amount format). Throws QrisError with code `malformed`, `bad_crc` or `not_qris` and a message
 * saying what is wrong where. An amount with non-zero sen is refused (Izol bills are whole rupiah).
 */
export function parseQris(text: string): ParsedQris {
  if (text === '') throw new QrisError('malformed', 'the QRIS string is empty');
  if (!ANS.test(text)) throw new QrisError('malformed', 'a QRIS string is printable ASCII only (EMVCo "ans")');
  const tags = readObjects(text, 'QRIS');
  const ids = [...tags.keys()];
  if (ids[0] !== '00') throw new QrisError('malformed', 'tag 00 (payload format indicator) must come first');
  if (ids[ids.length - 1] !== '63') throw new QrisError('malformed', 'tag 63 (CRC) must come last');
  const crc = required(tags, '63', 'CRC');
  if (!/^[0-9A-F]{4}$/.test(crc)) throw new QrisError('malformed', `tag 63 (CRC) must be 4 uppercase hex digits, found "${crc}"`);
  const expected = crc16CcittFalse(text.slice(0, -4));
  if (crc !== expected) throw new QrisError('bad_crc', `CRC mismatch: the string says ${crc}, its content gives ${expected}`);

  if (tags.get('00') !== '01') throw new QrisError('not_qris', 'tag 00 (payload format indicator) must be "01"');
  const poi = tags.get('01');
  if (poi !== undefined && poi !== '11' && poi !== '12') throw new QrisError('not_qris', `tag 01 (point of initiation) must be 11 or 12, found "${poi}"`);
  const mcc = required(tags, '52', 'merchant category code');
  if (!/^\d{4}$/.test(mcc)) throw new QrisError('not_qris', `tag 52 (merchant category code) must be 4 digits, found "${mcc}"`);
  if (required(tags, '53', 'currency') !== RUPIAH_NUMERIC) throw new QrisError('not_qris', 'tag 53 (currency) must be 360 (rupiah)');
  if (required(tags, '58', 'country code') !== 'ID') throw new QrisError('not_qris', 'tag 58 (country code) must be ID');
  const merchantName = required(tags, '59', 'merchant name');
  const merchantCity = required(tags, '60', 'merchant city');
  if (merchantName.length > 25) throw new QrisError('not_qris', 'tag 59 (merchant name) is longer than 25 characters');
  if (merchantCity.length > 15) throw new QrisError('not_qris', 'tag 60 (merchant city) is longer than 15 characters');

  const templates = new Map<string, ReadonlyMap<string, string>>();
  const merchantAccounts: { tag: string; guid: string; fields: ReadonlyMap<string, string> }[] = [];
  for (const [id, value] of tags) {
    const n = Number(id);
    if ((n >= 26 && n <= 51) || n === 62) {
      const fields = readObjects(value, `tag ${id}`);
      templates.set(id, fields);
      if (n <= 51) {
        const guid = fields.get('00');
        if (guid === undefined) throw new QrisError('not_qris', `tag ${id} (merchant account information) has no GUID in sub-tag 00`);
        merchantAccounts.push({ tag: id, guid, fields });
      }
    }
  }
  if (merchantAccounts.length === 0) throw new QrisError('not_qris', 'no merchant account information (tags 26 to 51)');

  return {
    tags,
    templates,
    dynamic: poi === '12',
    amount: parseAmount(tags.get('54')),
    billNumber: templates.get('62')?.get('01') ?? null,
    merchantCategoryCode: mcc,
    merchantName,
    merchantCity,
    merchantAccounts,
    crc,
  };
}

/** Tag 54 → whole rupiah. Accepts "150000" and "150000.00" (some acquirers write sen); refuses leading zeros and non-zero sen. */
function parseAmount(value: string | undefined): number | null {
  if (value === undefined) return null;
  const match = /^(0|[1-9]\d*)(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) throw new QrisError('not_qris', `tag 54 (amount) must be a decimal number without leading zeros, found "${value}"`);
  if (match[2] !== undefined && Number(match[2]) !== 0) throw new QrisError('not_qris', `tag 54 (amount) has sen (${value}); bills are whole rupiah`);
  return Number(match[1]);
}
