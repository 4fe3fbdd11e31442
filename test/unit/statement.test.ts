import { describe, expect, it } from 'vitest';
import { parseRupiah, parseStatement, reconcile } from '../../src/payments/statement.js';

const TZ = 'Asia/Jakarta';

describe('rupiah amounts as banks write them', () => {
  it('reads Indonesian and English separators, a currency prefix and zero sen', () => {
    for (const cell of [
      '1250000',
      '1.250.000',
      '1,250,000',
      '1250000.00',
      '1250000,00',
      '1.250.000,00',
      '1,250,000.00',
      'Rp 1.250.000',
      'IDR 1250000',
      'Rp1.250.000,-',
    ]) {
      expect(parseRupiah(cell), cell).toBe(1_250_000);
    }
    expect(parseRupiah('1.250')).toBe(1250);
  });

  it('refuses sen, mixed-up separators and words', () => {
    for (const cell of ['150.5', '1.250.000,50', '12.50.000', '1.250.000.00', '1,250.000', '1.250.000,', 'satu juta', '', '-1000', '1e6']) {
      expect(parseRupiah(cell), cell).toBeNull();
    }
  });
});

describe('a CSV statement', () => {
  it('reads a header row in any order with semicolons, day-first dates and quoted cells', () => {
    const csv = [
      'Tanggal;Jam;No. Referensi;Nomor VA;Keterangan;Jumlah',
      '01/12/2026;10.15.30;NTB-1;"  88899 2026000123";"Bayar; PBG";1.250.000',
      '01/12/2026;14:02;NTB-2;;setor tunai;"2.000.000,00"',
    ].join('\r\n');
    const parsed = parseStatement('csv', csv, { timeZone: TZ });
    expect(parsed).toEqual({
      ok: true,
      day: '2026-12-01',
      entries: [
        { line: 2, day: '2026-12-01', at: '2026-12-01T03:15:00.000Z', references: ['NTB-1'], account: '888992026000123', amount: 1_250_000 },
        { line: 3, day: '2026-12-01', at: '2026-12-01T07:02:00.000Z', references: ['NTB-2'], account: null, amount: 2_000_000 },
      ],
    });
  });

  it('reads five columns without a header, separated by commas', () => {
    const parsed = parseStatement('csv', '2026-12-01,09:00,REF9,2026000123,1250000.00\n\n', { timeZone: TZ });
    expect(parsed.ok && parsed.entries).toEqual([
      { line: 1, day: '2026-12-01', at: '2026-12-01T02:00:00.000Z', references: ['REF9'], account: '2026000123', amount: 1_250_000 },
    ]);
  });

  it('says which line is wrong, in Indonesian and English', () => {
    const cases: [string, number, RegExp][] = [
      ['tanggal;referensi;jumlah\n2026-12-01;A;100\n2026-12-01;B;seratus', 3, /jumlah "seratus"/],
      ['tanggal;referensi;jumlah\n2026-13-01;A;100', 2, /tanggal "2026-13-01"/],
      ['tanggal;referensi;jumlah\n2026-12-01;A;100\n2026-12-02;B;100', 3, /bukan hari/],
      ['tanggal;referensi;jumlah\n2026-12-01;A;100\n2026-12-01;A;200', 3, /sudah ada di baris 2/],
      ['tanggal;referensi\n2026-12-01;A', 1, /jumlah/],
      ['2026-12-01;A;100', 1, /5 kolom/],
      ['tanggal;referensi;jumlah\n2026-12-01;"A;100', 2, /tanda petik/],
      ['tanggal;referensi;jumlah\n2026-12-01;A', 2, /2 kolom/],
      ['tanggal;referensi;nomor va;jumlah\n2026-12-01;;;100', 2, /referensi maupun/],
    ];
    for (const [csv, line, id] of cases) {
      const parsed = parseStatement('csv', csv, { timeZone: TZ });
      expect(parsed.ok, csv).toBe(false);
      if (!parsed.ok) {
        expect(parsed.problem.line, csv).toBe(line);
        expect(parsed.problem.id, csv).toMatch(id);
        expect(parsed.problem.en.length).toBeGreaterThan(10);
      }
    }
  });

  it('skips the debit lines of a statement with a credit column', () => {
    const csv =
      'Tanggal;Keterangan;Referensi;Debet;Kredit;Saldo\n01/12/2026;Biaya admin;ADM-1;5.000;;1.000.000\n01/12/2026;VA 2026000123;NTB-9;;1.250.000;2.250.000';
    const parsed = parseStatement('csv', csv, { timeZone: TZ });
    expect(parsed.ok && parsed.entries.map((e) => [e.line, e.references, e.amount])).toEqual([[3, ['NTB-9'], 1_250_000]]);
    // Without a credit column an empty amount is an error, not a line to skip.
    expect(parseStatement('csv', 'Tanggal;Referensi;Jumlah\n01/12/2026;NTB-9;', { timeZone: TZ }).ok).toBe(false);
  });

  it('an empty statement needs its day', () => {
    expect(parseStatement('csv', 'tanggal;referensi;jumlah\n', { timeZone: TZ }).ok).toBe(false);
    expect(parseStatement('csv', 'tanggal;referensi;jumlah\n', { timeZone: TZ, day: '2026-12-01' })).toEqual({ ok: true, day: '2026-12-01', entries: [] });
  });
});

describe('the SNAP VA report', () => {
  const report = (data: unknown[]) => JSON.stringify({ responseCode: '2003500', responseMessage: 'Successful', virtualAccountData: data });
  const entry = {
    partnerServiceId: '   88899',
    customerNo: '2026000123',
    virtualAccountNo: '   888992026000123',
    paymentRequestId: 'PRQ-1',
    referenceNo: 'NTB-77',
    paidAmount: { value: '1250000.00', currency: 'IDR' },
    trxDateTime: '2026-12-01T23:30:00+07:00',
  };

  it('reads each virtualAccountData entry on the office-local day', () => {
    const parsed = parseStatement('snap_va_report', report([entry]), { timeZone: TZ });
    expect(parsed).toEqual({
      ok: true,
      day: '2026-12-01',
      entries: [{ line: 1, day: '2026-12-01', at: '2026-12-01T16:30:00.000Z', references: ['PRQ-1', 'NTB-77'], account: '888992026000123', amount: 1_250_000 }],
    });
  });

  it('refuses what is not a report, naming the payment', () => {
    const bad: [string, number, RegExp][] = [
      ['{"virtualAccountData": [', 1, /bukan JSON/],
      ['[]', 1, /virtualAccountData/],
      [JSON.stringify({ responseCode: '4043512', virtualAccountData: [] }), 1, /gagal/],
      [report([entry, { ...entry, paymentRequestId: 'PRQ-2', paidAmount: { value: '1250000.50', currency: 'IDR' } }]), 2, /paidAmount/],
      [report([{ ...entry, trxDateTime: '01-12-2026' }]), 1, /trxDateTime/],
      [report([{ ...entry, paymentRequestId: undefined }]), 1, /paymentRequestId/],
    ];
    for (const [text, line, id] of bad) {
      const parsed = parseStatement('snap_va_report', text, { timeZone: TZ });
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) {
        expect(parsed.problem.line, text).toBe(line);
        expect(parsed.problem.id, text).toMatch(id);
      }
    }
  });
});

describe('matching a statement with the day’s payments', () => {
  const entry = (line: number, references: string[], account: string | null, amount: number) => ({
    line,
    day: '2026-12-01',
    at: null,
    references,
    account,
    amount,
  });
  const payment = (id: string, providerPaymentId: string, amount: number, customerNo: string | null, bankReference: string | null = null) => ({
    id,
    providerPaymentId,
    bankReference,
    amount,
    customerNo,
    vaNumber: customerNo ? `   88899${customerNo}` : null,
  });

  it('matches by reference first, then by VA number and amount, and lists the rest as unexpected and missing', () => {
    const payments = [
      payment('a', 'PRQ-A', 100, '2026000001'),
      payment('b', 'PRQ-B', 200, '2026000002', 'NTB-B'),
      payment('c', 'PRQ-C', 300, '2026000003'),
      payment('d', 'NTB-D', 400, null),
      payment('e', 'PRQ-E', 500, '2026000005'),
    ];
    const lines = reconcile(
      [
        entry(1, ['prq-a'], null, 100),
        entry(2, ['NTB-B'], null, 250),
        entry(3, ['X-1'], '0888992026000003', 300),
        entry(4, ['X-2'], '2026000005', 499),
        entry(5, [], '2026000009', 100),
      ],
      payments,
    );
    expect(lines.map((l) => [l.kind, 'matchedBy' in l ? l.matchedBy : null, 'entry' in l ? l.entry.line : null, 'payment' in l ? l.payment.id : null])).toEqual(
      [
        ['matched', 'reference', 1, 'a'],
        ['amount_mismatch', 'reference', 2, 'b'],
        ['matched', 'va_amount', 3, 'c'],
        ['unexpected', null, 4, null],
        ['unexpected', null, 5, null],
        ['missing', null, null, 'd'],
        ['missing', null, null, 'e'],
      ],
    );
  });

  it('pairs each payment once', () => {
    const lines = reconcile([entry(1, [], '2026000001', 100), entry(2, [], '2026000001', 100)], [payment('a', 'P', 100, '2026000001')]);
    expect(lines.map((l) => l.kind)).toEqual(['matched', 'unexpected']);
  });
});
