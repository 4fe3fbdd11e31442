import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildQris, crc16CcittFalse, formatQrisAmount, parseQris, QrisError, type QrisInput } from '../../src/payments/qris.js';

/**
 * An independent CRC-16/CCITT-FALSE, written differently on purpose (table-driven, from the
 * polynomial), so a shared mistake in the bitwise loop of src/payments/qris.ts cannot pass both.
 */
const TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n << 8;
  for (let k = 0; k < 8; k++) c = (c & 0x8000) !== 0 ? (c << 1) ^ 0x1021 : c << 1;
  return c & 0xffff;
});
function referenceCrc(text: string): string {
  let crc = 0xffff;
  for (const byte of new TextEncoder().encode(text)) crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ byte) & 0xff] ?? 0);
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** Published strings with their CRCs, as printed by their sources. */
const PUBLISHED = [
  // EMVCo MPM specification's sample payload (as quoted in the emvqr npm package's README); UTF-8 in tag 64.
  '00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A',
  // A merchant's static QRIS (NOBU bank acquirer, tag 51 with ID.CO.QRIS.WWW and an NMID), from a public repository's docs.
  '00020101021126670016COM.NOBUBANK.WWW01189360050300000879140214703239147837910303UMI51440014ID.CO.QRIS.WWW0215ID20232709941630303UMI5204481253033605802ID5923GRANOOL STORE OK12295776006KEDIRI61056421262070703A0163047127',
  // sunary/qris README (a dynamic-style QRIS with an amount and tag 62 sub-tag 08).
  '00020101021226380016ID.CO.SHOPEE.WWW010201020815863724530336054061440005802ID5921PT. SHOPPEE INDONESIA6007JAKARTA62180814gen by go-qris63049635',
];

const OFFICE: QrisInput['merchant'] = { merchantId: 'IZOL0001', mcc: '9399', name: 'DPMPTSP KOTA MALANG', city: 'MALANG' };
const BILL: QrisInput = { merchant: OFFICE, amount: 150_000, billNumber: 'SKRD-2026-000123' };

function refusal(fn: () => unknown): QrisError {
  try {
    fn();
  } catch (e) {
    if (e instanceof QrisError) return e;
    throw e;
  }
  throw new Error('expected a QrisError');
}

describe('QRIS CRC-16/CCITT-FALSE', () => {
  it('matches the standard check value ("123456789" → 29B1)', () => {
    expect(crc16CcittFalse('123456789')).toBe('29B1');
    expect(referenceCrc('123456789')).toBe('29B1');
  });

  it.each(PUBLISHED)('verifies a published string: %s', (text) => {
    const printed = text.slice(-4);
    expect(crc16CcittFalse(text.slice(0, -4))).toBe(printed);
    expect(referenceCrc(text.slice(0, -4))).toBe(printed);
  });

  it('parses the published ASCII QRIS strings and reads their fields', () => {
    const nobu = parseQris(PUBLISHED[1] ?? '');
    expect(nobu.dynamic).toBe(false);
    expect(nobu.amount).toBeNull();
    expect(nobu.merchantName).toBe('GRANOOL STORE OK1229577');
    expect(nobu.merchantAccounts.map((a) => [a.tag, a.guid])).toEqual([
      ['26', 'COM.NOBUBANK.WWW'],
      ['51', 'ID.CO.QRIS.WWW'],
    ]);
    expect(nobu.templates.get('51')?.get('02')).toBe('ID2023270994163');
    // Its CRC is right, but it has no merchant category code (tag 52), which QRIS requires.
    expect(refusal(() => parseQris(PUBLISHED[2] ?? '')).message).toBe('tag 52 (merchant category code) is missing');
  });
});

describe('buildQris', () => {
  it('writes the worked example field by field, with a CRC an independent implementation agrees with', () => {
    const text = buildQris(BILL);
    const body =
      '000201' +
      '010212' +
      '2630' +
      '0014ID.CO.QRIS.WWW' +
      '0208IZOL0001' +
      '52049399' +
      '5303360' +
      '5406150000' +
      '5802ID' +
      '5919DPMPTSP KOTA MALANG' +
      '6006MALANG' +
      '6220' +
      '0116SKRD-2026-000123' +
      '6304';
    expect(text).toBe(body + referenceCrc(body));
  });

  it('round-trips: the parser reads back what the builder wrote', () => {
    const parsed = parseQris(
      buildQris({ ...BILL, merchant: { ...OFFICE, pan: '9360000812345678901', criteria: 'URE', postalCode: '65119', guid: 'ID.CO.BANKJATIM.WWW' } }),
    );
    expect(parsed.dynamic).toBe(true);
    expect(parsed.amount).toBe(150_000);
    expect(parsed.billNumber).toBe('SKRD-2026-000123');
    expect(parsed.merchantName).toBe('DPMPTSP KOTA MALANG');
    expect(parsed.merchantCity).toBe('MALANG');
    expect(parsed.merchantCategoryCode).toBe('9399');
    expect(parsed.tags.get('53')).toBe('360');
    expect(parsed.tags.get('58')).toBe('ID');
    expect(parsed.tags.get('61')).toBe('65119');
    expect([...(parsed.templates.get('26') ?? [])]).toEqual([
      ['00', 'ID.CO.BANKJATIM.WWW'],
      ['01', '9360000812345678901'],
      ['02', 'IZOL0001'],
      ['03', 'URE'],
    ]);
  });

  it('formats rupiah as whole numbers: no decimals, no leading zeros, no separators', () => {
    expect(formatQrisAmount(1)).toBe('1');
    expect(formatQrisAmount(6_176_270)).toBe('6176270');
    expect(formatQrisAmount(9_999_999_999_999)).toBe('9999999999999');
    expect(parseQris(buildQris({ ...BILL, amount: 6_176_270 })).tags.get('54')).toBe('6176270');
    for (const bad of [0, -5, 1.5, 10_000_000_000_000, Number.NaN]) expect(refusal(() => formatQrisAmount(bad)).code).toBe('invalid_input');
  });

  it('refuses fields over their limits, wrong characters and bad amounts, naming the field', () => {
    const cases: [QrisInput, string][] = [
      [{ ...BILL, merchant: { ...OFFICE, name: 'D'.repeat(26) } }, 'merchant.name'],
      [{ ...BILL, merchant: { ...OFFICE, city: 'C'.repeat(16) } }, 'merchant.city'],
      [{ ...BILL, merchant: { ...OFFICE, merchantId: 'M'.repeat(16) } }, 'merchant.merchantId'],
      [{ ...BILL, merchant: { ...OFFICE, mcc: '939' } }, 'merchant.mcc'],
      [{ ...BILL, merchant: { ...OFFICE, name: 'Kantor Pelayanan Terpadu é' } }, 'merchant.name'],
      [{ ...BILL, merchant: { ...OFFICE, pan: '12345' } }, 'merchant.pan'],
      [{ ...BILL, billNumber: 'B'.repeat(26) }, 'billNumber'],
      [{ ...BILL, billNumber: '' }, 'billNumber'],
      [{ ...BILL, billNumber: 'SKRD\n1' }, 'billNumber'],
      [{ ...BILL, amount: 0 }, 'amount'],
      [{ ...BILL, amount: 150_000.5 }, 'amount'],
      [{ ...BILL, amount: 10_000_000_000_000 }, 'amount'],
    ];
    for (const [input, field] of cases) {
      const error = refusal(() => buildQris(input));
      expect(error.code).toBe('invalid_input');
      expect(error.message).toContain(field);
    }
    // The limits themselves are fine.
    expect(() => buildQris({ ...BILL, merchant: { ...OFFICE, name: 'N'.repeat(25), city: 'C'.repeat(15) }, billNumber: 'B'.repeat(25) })).not.toThrow();
  });
});

describe('parseQris refuses', () => {
  const good = buildQris(BILL);

  it('a change to any single character (CRC or structure), every position', () => {
    for (let i = 0; i < good.length; i++) {
      const original = good.charAt(i);
      for (const replacement of original === '0' ? ['1', 'X'] : ['0', original === 'A' ? 'B' : 'A']) {
        const tampered = good.slice(0, i) + replacement + good.slice(i + 1);
        const error = refusal(() => parseQris(tampered));
        expect(['bad_crc', 'malformed', 'not_qris']).toContain(error.code);
      }
    }
  });

  it('a changed amount with the old CRC, saying the CRC does not match', () => {
    const tampered = good.replace('5406150000', '5406100000');
    const error = refusal(() => parseQris(tampered));
    expect(error.code).toBe('bad_crc');
    expect(error.message).toMatch(/CRC mismatch/);
  });

  it('malformed strings with a clear message', () => {
    const withCrc = (body: string) => body + '6304' + crc16CcittFalse(body + '6304');
    const cases: [string, string][] = [
      ['', 'the QRIS string is empty'],
      ['0002010102122630\u00e9', 'a QRIS string is printable ASCII only (EMVCo "ans")'],
      [good.slice(0, -1), 'QRIS: tag 63 at position 134 says 4 characters, only 3 left'],
      [good.slice(0, -4) + 'abcd', 'tag 63 (CRC) must be 4 uppercase hex digits, found "abcd"'],
      ['00020101021226300014ID.CO.QRIS.WWW0208IZOL000152049399530336063', 'QRIS: expected a 2-digit ID and 2-digit length at position 61, found "63"'],
      [withCrc('0002020102122618'), 'QRIS: tag 26 at position 12 says 18 characters, only 8 left'],
      ['6304ABCD', 'tag 00 (payload format indicator) must come first'],
      [withCrc('00020101021252049399520493995303360'), 'QRIS: tag 52 appears twice'],
      [withCrc('0002010102125204939953033605802ID5919DPMPTSP KOTA MALANG6006MALANG'), 'no merchant account information (tags 26 to 51)'],
      [
        withCrc('00020101021226180114ID.CO.QRIS.WWW52049399530336054061500005802ID5906MALANG6006MALANG'),
        'tag 26 (merchant account information) has no GUID in sub-tag 00',
      ],
      [withCrc('00020101021326180014ID.CO.QRIS.WWW520493995303360'), 'tag 01 (point of initiation) must be 11 or 12, found "13"'],
      [withCrc('00020101021226180014ID.CO.QRIS.WWW52049399530384054061500005802ID5906MALANG6006MALANG'), 'tag 53 (currency) must be 360 (rupiah)'],
      [withCrc('00020101021226180014ID.CO.QRIS.WWW52049399530336054061500005802MY5906MALANG6006MALANG'), 'tag 58 (country code) must be ID'],
      [withCrc('00020101021226180014ID.CO.QRIS.WWW52049399530336054061500005802ID6006MALANG'), 'tag 59 (merchant name) is missing'],
      [
        withCrc('00020101021226180014ID.CO.QRIS.WWW520493995303360540701500005802ID5906MALANG6006MALANG'),
        'tag 54 (amount) must be a decimal number without leading zeros, found "0150000"',
      ],
      [
        withCrc('00020101021226180014ID.CO.QRIS.WWW5204939953033605409150000.505802ID5906MALANG6006MALANG'),
        'tag 54 (amount) has sen (150000.50); bills are whole rupiah',
      ],
      // A published example whose "CRC" is not hex (misterdevs/qris-parser README).
      [
        '00020101021126610014COM.GO-JEK.WWW01189360091234285490450210G6285936550303UMI5204504553033605802ID6304M2B3',
        'tag 63 (CRC) must be 4 uppercase hex digits, found "M2B3"',
      ],
    ];
    for (const [text, message] of cases) expect(refusal(() => parseQris(text)).message).toBe(message);
  });

  it('accepts an amount written with .00 sen, as some acquirers do', () => {
    const body = '00020101021226180014ID.CO.QRIS.WWW5204939953033605409150000.005802ID5906MALANG6006MALANG6304';
    expect(parseQris(body + referenceCrc(body)).amount).toBe(150_000);
  });
});

describe('QRIS property', () => {
  const ansChar = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
  const ansText = (max: number) => fc.string({ unit: ansChar, minLength: 1, maxLength: max });

  it('any valid input builds a string that parses back to the same data, with a CRC the independent implementation confirms', () => {
    fc.assert(
      fc.property(
        fc.record({
          merchantId: ansText(15),
          mcc: fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
          name: ansText(25),
          city: ansText(15),
          pan: fc.option(fc.stringMatching(/^\d{16,19}$/), { nil: undefined }),
          postalCode: fc.option(ansText(10), { nil: undefined }),
        }),
        fc.integer({ min: 1, max: 9_999_999_999_999 }),
        ansText(25),
        (merchant, amount, billNumber) => {
          const text = buildQris({ merchant, amount, billNumber });
          expect(text.slice(-4)).toBe(referenceCrc(text.slice(0, -4)));
          const parsed = parseQris(text);
          expect(parsed.amount).toBe(amount);
          expect(parsed.billNumber).toBe(billNumber);
          expect(parsed.merchantName).toBe(merchant.name);
          expect(parsed.merchantCity).toBe(merchant.city);
          expect(parsed.merchantCategoryCode).toBe(merchant.mcc);
          expect(parsed.templates.get('26')?.get('02')).toBe(merchant.merchantId);
          expect(parsed.templates.get('26')?.get('01')).toBe(merchant.pan);
          expect(parsed.tags.get('61')).toBe(merchant.postalCode);
          expect(parsed.dynamic).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
