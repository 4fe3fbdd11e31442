import { isCalendarDate, localDate, zonedInstant } from '../shared/time.js';
import { parseSnapAmount } from './virtual-account.js';

/**
 * The bank's daily statement, read for reconciliation (issue 12, item 6): a CSV file as banks export
 * them, or the SNAP VA report (the JSON body a bank answers to /v1.0/transfer-va/report, service 35).
 * Pure: text in, entries or the first problem (its line and a message in Indonesian and English) out.
 * docs/payments.md § "Reconciliation" says which shapes are accepted.
 */

export type StatementSource = 'csv' | 'snap_va_report';

/** One payment the bank says it received. */
export type StatementEntry = {
  /** The CSV line number (1 = the first line of the file) or the SNAP entry's number (1 = the first). */
  line: number;
  /** The office-local day (YYYY-MM-DD). */
  day: string;
  /** The instant, when the statement gives a time; otherwise null. */
  at: string | null;
  /** The bank's references of this payment (the SNAP paymentRequestId, the bank reference / NTB): matched first. */
  references: string[];
  /** The VA number or customer number, digits only; null when the statement has none. */
  account: string | null;
  /** Whole rupiah, above zero. */
  amount: number;
};

export type StatementProblem = { line: number; id: string; en: string };
export type ParsedStatement = { ok: true; day: string; entries: StatementEntry[] } | { ok: false; problem: StatementProblem };

/** The most lines one statement may have (a city's busiest day is a few hundred). */
export const MAX_STATEMENT_LINES = 20_000;

class Problem extends Error {
  constructor(
    readonly line: number,
    readonly id: string,
    readonly en: string,
  ) {
    super(en);
  }
}

// ── Amounts ───────────────────────────────────────────────────────────────────────────────────────

/**
 * Whole rupiah from a statement cell: `1250000`, `1.250.000`, `1,250,000`, `1250000.00`, `1.250.000,00`,
 * `1,250,000.00`, `Rp 1.250.000` and `IDR 1250000` all give 1 250 000. A single `.` or `,` followed by three
 * digits is a thousands separator (Indonesian `1.250` is 1 250); followed by one or two digits it is the
 * decimal separator, and the sen must be zero. Null when the cell is not such an amount.
 */
export function parseRupiah(cell: string): number | null {
  const s = cell
    .trim()
    .replace(/^(rp\.?|idr)\s*/i, '')
    .replace(/[.,]-$/, '')
    .replace(/\s+/g, '');
  if (!/^\d[\d.,]*$/.test(s)) return null;
  let whole: string;
  let sen = '';
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  const decimalAt = Math.max(lastDot, lastComma);
  const tail = decimalAt >= 0 ? s.slice(decimalAt + 1) : '';
  const mixed = lastDot >= 0 && lastComma >= 0;
  if (decimalAt >= 0 && (tail.length === 1 || tail.length === 2 || (mixed && tail.length !== 3 && tail.length > 0))) {
    whole = s.slice(0, decimalAt);
    sen = tail;
    const sep = s[decimalAt]!;
    const thousands = sep === '.' ? ',' : '.';
    if (whole.includes(sep)) return null;
    if (whole.includes(thousands) && !new RegExp(`^\\d{1,3}(\\${thousands}\\d{3})+$`).test(whole)) return null;
    whole = whole.split(thousands).join('');
  } else if (decimalAt >= 0) {
    // Only thousands separators, all the same, in groups of three.
    if (mixed || !/^\d{1,3}([.,]\d{3})+$/.test(s) || (s.includes('.') && s.includes(','))) return null;
    whole = s.replace(/[.,]/g, '');
  } else whole = s;
  if (!/^\d+$/.test(whole) || (sen && !/^\d+$/.test(sen))) return null;
  if (sen && Number(sen) !== 0) return null;
  const n = Number(whole);
  return Number.isSafeInteger(n) ? n : null;
}

// ── Dates and times ───────────────────────────────────────────────────────────────────────────────

/** `2026-12-01`, `2026/12/01`, `01/12/2026`, `1-12-2026`, `01.12.2026` (day first, as Indonesian banks write), with an optional time after it. */
function parseDateCell(cell: string): { day: string; time: string | null } | null {
  const m = /^(?:(\d{4})[-/](\d{1,2})[-/](\d{1,2})|(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}))(?:[ T]+(.+))?$/.exec(cell.trim());
  if (!m) return null;
  const [y, mo, d] = m[1] ? [m[1], m[2]!, m[3]!] : [m[6]!, m[5]!, m[4]!];
  const day = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
  if (!isCalendarDate(day)) return null;
  if (m[7] === undefined) return { day, time: null };
  const time = parseTimeCell(m[7]);
  return time ? { day, time } : null;
}

/** `10:15`, `10:15:30`, `10.15.30` (Indonesian), `9:05` → `HH:MM`; null when not a time of day. */
function parseTimeCell(cell: string): string | null {
  const m = /^(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:\.\d+)?)?$/.exec(cell.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || (m[3] !== undefined && Number(m[3]) > 59)) return null;
  return `${m[1]!.padStart(2, '0')}:${m[2]}`;
}

// ── CSV ───────────────────────────────────────────────────────────────────────────────────────────

type Column = 'date' | 'time' | 'reference' | 'account' | 'amount';

/** Header names, lower-cased with everything but letters and digits removed. */
const HEADERS: Record<Column, readonly string[]> = {
  date: ['tanggal', 'tgl', 'date', 'tanggaltransaksi', 'tgltransaksi', 'trxdate', 'transactiondate', 'trxdatetime', 'tanggalwaktu', 'tanggaljam', 'datetime'],
  time: ['waktu', 'jam', 'time', 'trxtime', 'transactiontime', 'waktutransaksi', 'jamtransaksi'],
  reference: [
    'referensi',
    'reference',
    'ref',
    'noref',
    'noreferensi',
    'nomorreferensi',
    'referenceno',
    'refno',
    'reffno',
    'ntb',
    'ntpn',
    'paymentrequestid',
    'idtransaksi',
    'trxid',
    'transactionid',
  ],
  account: [
    'va',
    'nova',
    'nomorva',
    'virtualaccount',
    'virtualaccountno',
    'novirtualaccount',
    'nomorvirtualaccount',
    'customerno',
    'customernumber',
    'nopelanggan',
    'nomorpelanggan',
    'kodebayar',
    'kodepembayaran',
  ],
  amount: ['jumlah', 'nominal', 'amount', 'kredit', 'credit', 'paidamount', 'nilai', 'jumlahbayar', 'jumlahrp', 'nominalrp', 'amountidr'],
};
/** Without a header row, the columns in this order. */
const POSITIONAL: readonly Column[] = ['date', 'time', 'reference', 'account', 'amount'];

const COLUMN_NAMES: Record<Column, { id: string; en: string }> = {
  date: { id: 'tanggal', en: 'date' },
  time: { id: 'waktu', en: 'time' },
  reference: { id: 'referensi', en: 'reference' },
  account: { id: 'nomor VA atau nomor pelanggan', en: 'VA number or customer number' },
  amount: { id: 'jumlah', en: 'amount' },
};

/** One CSV line's cells: the separator outside double quotes splits; `""` inside quotes is a quote. */
function splitCsvLine(text: string, sep: string, line: number): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (c === sep) {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
    i++;
  }
  if (quoted) throw new Problem(line, 'tanda petik (") dibuka tetapi tidak ditutup', 'a double quote (") is opened but not closed');
  cells.push(cell.trim());
  return cells;
}

/** The separator the first line uses most, outside quotes: `;` (Indonesian spreadsheets), tab or `,`. */
function detectSeparator(first: string): string {
  const counts = new Map<string, number>([
    [';', 0],
    ['\t', 0],
    [',', 0],
  ]);
  let quoted = false;
  for (const c of first) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ';';
  for (const [sep, n] of counts) if (n > counts.get(best)!) best = sep;
  return best;
}

const normaliseHeader = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

function headerColumns(cells: string[]): Partial<Record<Column, number>> | null {
  const found: Partial<Record<Column, number>> = {};
  let known = 0;
  cells.forEach((cell, i) => {
    const name = normaliseHeader(cell);
    for (const col of POSITIONAL) {
      if (HEADERS[col].includes(name) && found[col] === undefined) {
        found[col] = i;
        known++;
        break;
      }
    }
  });
  return known > 0 ? found : null;
}

function parseCsv(text: string, opts: { timeZone: string }): { day: string | null; entries: StatementEntry[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length > MAX_STATEMENT_LINES + 1) {
    throw new Problem(
      MAX_STATEMENT_LINES + 2,
      `satu rekening koran paling banyak ${MAX_STATEMENT_LINES} baris; pecah berkasnya per hari`,
      `a statement has at most ${MAX_STATEMENT_LINES} lines; split the file by day`,
    );
  }
  const firstIndex = lines.findIndex((l) => l.trim() !== '');
  if (firstIndex < 0) return { day: null, entries: [] };
  const sep = detectSeparator(lines[firstIndex]!);
  const firstCells = splitCsvLine(lines[firstIndex]!, sep, firstIndex + 1);
  const header = headerColumns(firstCells);
  let columns: Partial<Record<Column, number>>;
  let start: number;
  /** The amount column is a statement's credit column: a line without a credit is money going out, not a payment. */
  let creditOnly = false;
  if (header) {
    const missing = (['date', 'amount'] as const).filter((c) => header[c] === undefined);
    if (header.reference === undefined && header.account === undefined) missing.push('reference' as never);
    if (missing.length) {
      throw new Problem(
        firstIndex + 1,
        `baris judul tidak memuat kolom ${missing.map((c) => COLUMN_NAMES[c].id).join(', ')} (kolom yang dikenal: tanggal, waktu, referensi, nomor VA, jumlah)`,
        `the header row has no ${missing.map((c) => COLUMN_NAMES[c].en).join(', ')} column (columns known: date, time, reference, VA number, amount)`,
      );
    }
    columns = header;
    creditOnly = ['kredit', 'credit'].includes(normaliseHeader(firstCells[header.amount!]!));
    start = firstIndex + 1;
  } else {
    if (firstCells.length !== POSITIONAL.length) {
      throw new Problem(
        firstIndex + 1,
        `tanpa baris judul, setiap baris berisi 5 kolom: tanggal, waktu, referensi, nomor VA atau nomor pelanggan, jumlah (baris ini berisi ${firstCells.length})`,
        `without a header row, each line has 5 columns: date, time, reference, VA number or customer number, amount (this line has ${firstCells.length})`,
      );
    }
    columns = { date: 0, time: 1, reference: 2, account: 3, amount: 4 };
    start = firstIndex;
  }
  const width = Math.max(...Object.values(columns)) + 1;
  const entries: StatementEntry[] = [];
  for (let i = start; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const line = i + 1;
    const cells = splitCsvLine(raw, sep, line);
    if (cells.length < width) {
      throw new Problem(
        line,
        `baris ini berisi ${cells.length} kolom, seharusnya ${width} seperti baris ${start === firstIndex ? 'pertama' : 'judul'}`,
        `this line has ${cells.length} columns where ${width} are expected, as on the ${start === firstIndex ? 'first' : 'header'} line`,
      );
    }
    const cell = (c: Column) => (columns[c] === undefined ? '' : cells[columns[c]]!);
    const date = parseDateCell(cell('date'));
    if (!date) {
      throw new Problem(
        line,
        `tanggal "${cell('date').slice(0, 40)}" tidak terbaca; tulis seperti 2026-12-01 atau 01/12/2026`,
        `the date "${cell('date').slice(0, 40)}" cannot be read; write it like 2026-12-01 or 01/12/2026`,
      );
    }
    let time = date.time;
    if (cell('time') !== '') {
      time = parseTimeCell(cell('time'));
      if (!time) {
        throw new Problem(
          line,
          `waktu "${cell('time').slice(0, 20)}" tidak terbaca; tulis seperti 10:15 atau 10:15:30`,
          `the time "${cell('time').slice(0, 20)}" cannot be read; write it like 10:15 or 10:15:30`,
        );
      }
    }
    const amount = parseRupiah(cell('amount'));
    if (creditOnly && (cell('amount') === '' || amount === 0)) continue;
    if (amount === null || amount <= 0) {
      throw new Problem(
        line,
        `jumlah "${cell('amount').slice(0, 30)}" tidak terbaca; tulis rupiah utuh seperti 1.250.000 atau 1250000.00`,
        `the amount "${cell('amount').slice(0, 30)}" cannot be read; write whole rupiah like 1.250.000 or 1250000.00`,
      );
    }
    const reference = cell('reference');
    if (reference.length > 64 || [...reference].some((c) => c.charCodeAt(0) < 32)) {
      throw new Problem(line, 'referensi terlalu panjang (paling banyak 64 karakter)', 'the reference is too long (at most 64 characters)');
    }
    const account = cell('account').replace(/[\s-]/g, '');
    if (account !== '' && !/^\d{1,28}$/.test(account)) {
      throw new Problem(
        line,
        `nomor VA atau nomor pelanggan "${cell('account').slice(0, 30)}" harus berupa angka`,
        `the VA or customer number "${cell('account').slice(0, 30)}" must be digits`,
      );
    }
    if (reference === '' && account === '') {
      throw new Problem(line, 'baris ini tidak memuat referensi maupun nomor VA', 'this line has neither a reference nor a VA number');
    }
    entries.push({
      line,
      day: date.day,
      at: time ? zonedInstant(date.day, time, opts.timeZone) : null,
      references: reference ? [reference] : [],
      account: account || null,
      amount,
    });
  }
  return { day: null, entries };
}

// ── SNAP VA report ────────────────────────────────────────────────────────────────────────────────

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const SNAP_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function parseSnapReport(text: string, opts: { timeZone: string }): { day: string | null; entries: StatementEntry[] } {
  let body: unknown;
  try {
    body = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const at = /position (\d+)/.exec(String((err as Error).message));
    const line = at ? text.slice(0, Number(at[1])).split('\n').length : 1;
    throw new Problem(line, 'laporan SNAP bukan JSON yang sah', 'the SNAP report is not valid JSON');
  }
  if (!isObject(body) || !Array.isArray(body.virtualAccountData)) {
    throw new Problem(
      1,
      'laporan SNAP harus berupa objek JSON dengan daftar "virtualAccountData" (jawaban bank atas /v1.0/transfer-va/report)',
      'the SNAP report must be a JSON object with a "virtualAccountData" list (the bank’s answer to /v1.0/transfer-va/report)',
    );
  }
  if (body.responseCode !== undefined && !(typeof body.responseCode === 'string' && /^200\d{4}$/.test(body.responseCode))) {
    throw new Problem(
      1,
      `laporan SNAP ini jawaban gagal (responseCode ${JSON.stringify(body.responseCode).slice(0, 12)}), bukan daftar pembayaran`,
      `this SNAP report is a failed answer (responseCode ${JSON.stringify(body.responseCode).slice(0, 12)}), not a list of payments`,
    );
  }
  if (body.virtualAccountData.length > MAX_STATEMENT_LINES) {
    throw new Problem(1, `satu laporan paling banyak ${MAX_STATEMENT_LINES} pembayaran`, `a report has at most ${MAX_STATEMENT_LINES} payments`);
  }
  const entries = body.virtualAccountData.map((item: unknown, index: number): StatementEntry => {
    const line = index + 1;
    const field = (name: string) => (isObject(item) ? item[name] : undefined);
    const wrong = (name: string, id: string, en: string) => new Problem(line, `pembayaran ke-${line}: ${name} ${id}`, `payment ${line}: ${name} ${en}`);
    if (!isObject(item)) throw new Problem(line, `pembayaran ke-${line} bukan objek JSON`, `payment ${line} is not a JSON object`);
    const requestId = field('paymentRequestId');
    if (typeof requestId !== 'string' || requestId.trim() === '' || requestId.length > 128)
      throw wrong('paymentRequestId', 'wajib diisi (teks)', 'is required (text)');
    const reference = field('referenceNo');
    if (reference !== undefined && reference !== null && (typeof reference !== 'string' || reference.length > 64))
      throw wrong('referenceNo', 'harus berupa teks', 'must be text');
    const amountField = field('paidAmount');
    let amount: number;
    try {
      if (!isObject(amountField) || typeof amountField.value !== 'string' || typeof amountField.currency !== 'string') throw new Error('shape');
      amount = parseSnapAmount({ value: amountField.value, currency: amountField.currency });
    } catch {
      throw wrong('paidAmount', 'harus seperti {"value": "150000.00", "currency": "IDR"}', 'must be like {"value": "150000.00", "currency": "IDR"}');
    }
    if (amount <= 0) throw wrong('paidAmount', 'harus lebih dari nol', 'must be above zero');
    const when = field('trxDateTime');
    if (typeof when !== 'string' || !SNAP_INSTANT.test(when) || Number.isNaN(Date.parse(when)))
      throw wrong('trxDateTime', 'harus seperti 2026-12-01T10:15:00+07:00', 'must be like 2026-12-01T10:15:00+07:00');
    const customerNo = field('customerNo');
    const vaNo = field('virtualAccountNo');
    const accountRaw = typeof vaNo === 'string' && vaNo.trim() ? vaNo : typeof customerNo === 'string' ? customerNo : '';
    const account = accountRaw.replace(/\s/g, '');
    if (account !== '' && !/^\d{1,28}$/.test(account)) throw wrong('virtualAccountNo', 'harus berupa angka', 'must be digits');
    const at = new Date(Date.parse(when)).toISOString();
    return {
      line,
      day: localDate(at, opts.timeZone),
      at,
      references: [requestId.trim(), ...(typeof reference === 'string' && reference.trim() && reference.trim() !== requestId.trim() ? [reference.trim()] : [])],
      account: account || null,
      amount,
    };
  });
  return { day: null, entries };
}

/**
 * Reads one statement. Every entry must fall on one office-local day: `day` when given (the import
 * names it), else the day of the first entry; an empty statement needs `day`. A reference that appears
 * twice is refused (the bank lists a payment once).
 */
export function parseStatement(source: StatementSource, text: string, opts: { timeZone: string; day?: string | undefined }): ParsedStatement {
  try {
    const { entries } = source === 'csv' ? parseCsv(text, opts) : parseSnapReport(text, opts);
    const day = opts.day ?? entries[0]?.day;
    if (!day) {
      return {
        ok: false,
        problem: {
          line: 1,
          id: 'rekening koran ini tidak memuat pembayaran; sebutkan tanggalnya untuk mencatat hari tanpa pembayaran',
          en: 'this statement lists no payments; give its day to record a day without payments',
        },
      };
    }
    const seen = new Map<string, number>();
    for (const e of entries) {
      if (e.day !== day) {
        return {
          ok: false,
          problem: {
            line: e.line,
            id: `tanggal ${e.day} bukan hari rekening koran ini (${day}); satu berkas untuk satu hari`,
            en: `the date ${e.day} is not this statement’s day (${day}); one file is one day`,
          },
        };
      }
      for (const ref of e.references) {
        const before = seen.get(ref);
        if (before !== undefined && before !== e.line) {
          return {
            ok: false,
            problem: {
              line: e.line,
              id: `referensi ${ref} sudah ada di baris ${before}`,
              en: `the reference ${ref} appears on line ${before} already`,
            },
          };
        }
        seen.set(ref, e.line);
      }
    }
    return { ok: true, day, entries };
  } catch (err) {
    if (err instanceof Problem) return { ok: false, problem: { line: err.line, id: err.id, en: err.en } };
    throw err;
  }
}

// ── Matching ──────────────────────────────────────────────────────────────────────────────────────

/** What matching needs of an Izol payment of the day. */
export type PaymentToMatch = {
  id: string;
  providerPaymentId: string;
  bankReference: string | null;
  amount: number;
  /** The bill's customer number and VA number (partnerServiceId padded + customerNo); null without a bill. */
  customerNo: string | null;
  vaNumber: string | null;
};

export type MatchedLine =
  | { kind: 'matched' | 'amount_mismatch'; matchedBy: 'reference' | 'va_amount'; entry: StatementEntry; payment: PaymentToMatch }
  | { kind: 'unexpected'; entry: StatementEntry }
  | { kind: 'missing'; payment: PaymentToMatch };

const sameRef = (a: string, b: string | null) => b !== null && a.trim().toUpperCase() === b.trim().toUpperCase();
const digits = (s: string) => s.replace(/\D/g, '').replace(/^0+/, '');

/** The statement's VA number or customer number names this payment's bill (leading zeros and the padding spaces aside). */
function sameAccount(account: string, p: PaymentToMatch): boolean {
  if (p.customerNo !== null && account === p.customerNo) return true;
  return p.vaNumber !== null && digits(account) !== '' && digits(account) === digits(p.vaNumber);
}

/**
 * Pairs the statement with the day's Izol payments. First by reference: an entry whose reference is a
 * payment's provider payment id (SNAP paymentRequestId, QRIS reference, the counter's bank reference) or
 * its bank reference is that payment — matched when the amounts agree, an amount mismatch when not. Then,
 * for the entries left, by the VA number (or customer number) and the same amount. What is left of the
 * statement is unexpected; what is left of Izol's payments is missing. Statement order first, then the
 * missing payments in the order given.
 */
export function reconcile(entries: readonly StatementEntry[], payments: readonly PaymentToMatch[]): MatchedLine[] {
  const used = new Set<string>();
  const pairs = new Map<StatementEntry, MatchedLine>();
  for (const entry of entries) {
    const payment = payments.find((p) => !used.has(p.id) && entry.references.some((r) => sameRef(r, p.providerPaymentId) || sameRef(r, p.bankReference)));
    if (!payment) continue;
    used.add(payment.id);
    pairs.set(entry, { kind: payment.amount === entry.amount ? 'matched' : 'amount_mismatch', matchedBy: 'reference', entry, payment });
  }
  for (const entry of entries) {
    if (pairs.has(entry) || entry.account === null) continue;
    const account = entry.account;
    const payment = payments.find((p) => !used.has(p.id) && p.amount === entry.amount && sameAccount(account, p));
    if (!payment) continue;
    used.add(payment.id);
    pairs.set(entry, { kind: 'matched', matchedBy: 'va_amount', entry, payment });
  }
  return [
    ...entries.map((entry): MatchedLine => pairs.get(entry) ?? { kind: 'unexpected', entry }),
    ...payments.filter((p) => !used.has(p.id)).map((payment): MatchedLine => ({ kind: 'missing', payment })),
  ];
}
