/**
 * The registry export of a large office, on SQLite and PostgreSQL: several thousand permits (signed
 * with the office's key and inserted through the repository, as issuance stores them) come out
 * complete and well-formed as CSV and JSON, written row by row (the heap, measured after a full
 * collection while the client reads, grows by a fraction of the export's size, not by the export);
 * an issuance and a revocation change the next export and its ETag, a current ETag is a 304, and
 * many distinct filters (an anonymous caller asking for copy after copy) do not make the process
 * hold copy after copy.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Permit } from '../../src/db/schema.js';
import { insertPermit } from '../../src/permits/permits.repository.js';
import { REGISTRY_COLUMNS, type RegistryRecord } from '../../src/permits/registry.schema.js';
import { canonicalJson } from '../../src/shared/json.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, type TestContext, userWithToken } from '../helpers/context.js';
import { issuedPermit } from '../helpers/journeys.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** The heap's live size: after a full collection, so what is measured is what is held, not garbage. */
const liveHeap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const PERMITS = 8000;
/** The copies one office may keep here: 0.5 MB of gzip (REGISTRY_EXPORT_CACHE_MB). */
const COPY_CAP = 0.5 * 1048576;

/** RFC 4180 fields of a CSV text (quoted, empty, or a bare column name; CRLF line ends), or an error. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  const cell = /("(?:[^"]|"")*"|[A-Za-z0-9]*)(,|\r\n)/y;
  while (cell.lastIndex < text.length) {
    const at = cell.lastIndex;
    const m = cell.exec(text);
    if (!m) throw new Error(`not RFC 4180 CSV at offset ${at}: ${JSON.stringify(text.slice(at, at + 40))}`);
    row.push(m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!);
    if (m[2] === '\r\n') {
      rows.push(row);
      row = [];
    }
  }
  return rows;
}

describe.each(DIALECTS)('the registry export of a large office (%s)', (dialect) => {
  let ctx: TestContext;
  let base: string;
  const staff = { verifier: '', technical: '', treasurer: '', head: '' };
  let real: Awaited<ReturnType<typeof issuedPermit>>;
  const numbers = new Set<string>();
  let address = 0;
  /** Each request from its own address: the export's rate limit (10 a minute) is not what is tested here. */
  const from = () => `10.20.${(address >> 8) & 255}.${address++ & 255}`;
  const get = (url: string, headers: Record<string, string> = {}) => ctx.app.inject({ url, headers, remoteAddress: from() });

  let template: Permit;
  let serial = 0;
  /** A permit like the issued one, with its own id, number, code and holder, signed and stored as issuance does. */
  async function insertSignedPermits(count: number, issuedOn: (i: number) => string): Promise<string[]> {
    const doc = JSON.parse(template.document) as Record<string, unknown> & { holder: { name: string } };
    const made: string[] = [];
    // The office's key looked up before the transaction (SQLite has one connection), as issuance does.
    const signing = await ctx.services.signer.prepare(ctx.tenant.id);
    await ctx.db.transaction().execute(async (trx) => {
      for (let i = 0; i < count; i++) {
        serial++;
        const id = randomUUID();
        const number = `REKLAME/${String(90000 + serial)}/MLG/2026`;
        const verificationCode = `T${String(serial).padStart(9, '0')}`;
        const holder = `Pemohon ${randomBytes(8).toString('hex')}`;
        const day = issuedOn(serial);
        const text = canonicalJson({ ...doc, id, number, verificationCode, holder: { name: holder }, issuedAt: `${day}T02:00:00.000Z` });
        const signature = await signing.sign(Buffer.from(text));
        await insertPermit(trx, {
          ...template,
          id,
          number,
          verification_code: verificationCode,
          holder_name: holder,
          document: text,
          key_id: signature.keyId,
          signature: signature.signature,
          issued_at: `${day}T02:00:00.${String(serial % 1000).padStart(3, '0')}Z`,
          issued_on: day,
          reminder_sent_at: null,
        });
        made.push(number);
      }
    });
    return made;
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect, { REGISTRY_EXPORT_CACHE_MB: String(COPY_CAP / 1048576) });
    const applicant = (await userWithToken(ctx, 'applicant')).token;
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) staff[role] = (await userWithToken(ctx, role)).token;
    real = await issuedPermit(ctx, applicant, staff, 'REKLAME');
    numbers.add(real.number);
    template = await ctx.db.selectFrom('permits').selectAll().where('id', '=', real.permitId).executeTakeFirstOrThrow();
    // Spread over 40 issue days before the real one (several batches per day, and days across batches).
    const start = Date.parse(`${template.issued_on}T00:00:00Z`);
    for (const n of await insertSignedPermits(PERMITS, (i) => new Date(start - (1 + (i % 40)) * 86_400_000).toISOString().slice(0, 10))) numbers.add(n);
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('exports every permit once, newest first, as well-formed JSON and CSV (plain and gzip)', async () => {
    const res = await get('/api/v1/registry/export.json');
    expect(res.statusCode).toBe(200);
    const records = json<RegistryRecord[]>(res);
    expect(records).toHaveLength(numbers.size);
    expect(new Set(records.map((r) => r.PermitNum))).toEqual(numbers);
    expect(records[0]!.PermitNum).toBe(real.number);
    const days = records.map((r) => r.IssuedDate);
    expect(days).toEqual([...days].sort().reverse());
    expect(records.every((r) => r.StatusCurrent === 'valid' && r.HolderName.startsWith('Pemohon') === (r.PermitNum !== real.number))).toBe(true);

    const zipped = await get('/api/v1/registry/export.json', { 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8'))).toEqual(records);

    const csv = await get('/api/v1/registry/export.csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parseCsv(csv.body);
    expect(rows[0]).toEqual(REGISTRY_COLUMNS);
    expect(rows).toHaveLength(numbers.size + 1);
    expect(rows.every((r) => r.length === REGISTRY_COLUMNS.length)).toBe(true);
    expect(rows.slice(1).map((r) => r[0])).toEqual(records.map((r) => r.PermitNum));
    expect(rows.slice(1).map((r) => r[REGISTRY_COLUMNS.indexOf('HolderName')])).toEqual(records.map((r) => r.HolderName));
  }, 300_000);

  it('holds a small part of the export in memory while a client reads it, whatever its size', async () => {
    // A filter not asked for before: this export is read from the database, batch by batch, as the client reads.
    const before = liveHeap();
    let peak = Number.NEGATIVE_INFINITY;
    let bytes = 0;
    let chunks = 0;
    let tail = '';
    await new Promise<void>((resolve, reject) => {
      http
        .get(`${base}/api/v1/registry/export.csv?type=REKLAME`, (res) => {
          expect(res.statusCode).toBe(200);
          expect(res.headers['transfer-encoding']).toBe('chunked');
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            tail = (tail + chunk.toString('latin1')).slice(-200);
            if (++chunks % 8 === 0) peak = Math.max(peak, liveHeap() - before);
          });
          res.on('end', resolve);
          res.on('error', reject);
        })
        .on('error', reject);
    });
    const exportBytes = bytes;
    // The whole export came (it ends with the oldest permits' complete lines), and it is large.
    expect(tail.endsWith('\r\n')).toBe(true);
    expect(exportBytes).toBeGreaterThan(numbers.size * 500);
    // What the process held at most while sending it: well under the export (a few batches, the copy's gzip).
    console.log(`[${dialect}] export ${(exportBytes / 1048576).toFixed(1)} MB, live heap grew at most ${(peak / 1048576).toFixed(2)} MB`);
    expect(chunks).toBeGreaterThan(16); // sampled at least twice while it came
    // Holding the export (as the old code did) costs at least its size; a few batches and the filter's
    // gzip copy being made alongside come to about a quarter to a third of it on a loaded machine.
    expect(peak).toBeLessThan(exportBytes / 2);
  }, 300_000);

  it('changes after an issuance and after a revocation, with a new ETag; a current ETag is a 304', async () => {
    const first = await get('/api/v1/registry/export.csv');
    const etag = first.headers.etag as string;
    expect((await get('/api/v1/registry/export.csv', { 'if-none-match': etag })).statusCode).toBe(304);

    const [added] = await insertSignedPermits(1, () => template.issued_on);
    const afterIssuance = await get('/api/v1/registry/export.csv', { 'if-none-match': etag });
    expect(afterIssuance.statusCode).toBe(200);
    const issuedEtag = afterIssuance.headers.etag as string;
    expect(issuedEtag).not.toBe(etag);
    const issuedRows = parseCsv(afterIssuance.body);
    expect(issuedRows).toHaveLength(numbers.size + 2);
    expect(issuedRows.some((r) => r[0] === added)).toBe(true);
    expect((await get('/api/v1/registry/export.csv', { 'if-none-match': issuedEtag })).statusCode).toBe(304);

    const revoke = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/permits/${real.permitId}/revoke`,
      headers: auth(staff.head),
      payload: { reason: 'Reklame dipasang di luar titik yang diizinkan.' },
    });
    expect(revoke.statusCode, revoke.body).toBe(200);
    const afterRevocation = await get('/api/v1/registry/export.csv', { 'if-none-match': issuedEtag });
    expect(afterRevocation.statusCode).toBe(200);
    expect(afterRevocation.headers.etag).not.toBe(issuedEtag);
    const revokedRows = parseCsv(afterRevocation.body);
    expect(revokedRows).toHaveLength(numbers.size + 2);
    expect(revokedRows.find((r) => r[0] === real.number)?.[REGISTRY_COLUMNS.indexOf('StatusCurrent')]).toBe('revoked');
    numbers.add(added!);
  }, 300_000);

  it('keeps no more than its cap of copies however many distinct filters are asked for', async () => {
    const before = liveHeap();
    let compressed = 0;
    for (let i = 0; i < 32; i++) {
      // "pemohon" in 16 spellings (the search ignores case, the filters differ) in both formats: 32
      // distinct exports of every permit but the real one, each a copy the process could keep.
      const q = [...'pemohon'].map((c, bit) => ((i % 16) & (1 << bit) ? c.toUpperCase() : c)).join('');
      const format = i < 16 ? 'csv' : 'json';
      const res = await get(`/api/v1/registry/export.${format}?q=${q}`);
      expect(res.statusCode).toBe(200);
      const count = format === 'csv' ? parseCsv(res.body).length - 1 : json<unknown[]>(res).length;
      expect(count).toBe(numbers.size - 1);
      compressed += gzipSync(res.rawPayload).length;
    }
    const grown = liveHeap() - before;
    console.log(
      `[${dialect}] 32 filtered exports, ${(compressed / 1048576).toFixed(2)} MB compressed in all; live heap grew ${(grown / 1048576).toFixed(2)} MB`,
    );
    // Kept all, they would take `compressed`; the process keeps at most its cap, and some slack
    // (measured: about 1.1 MB in all), which is well under half of what keeping every copy would take.
    const bound = COPY_CAP + 1.5 * 1048576;
    expect(compressed).toBeGreaterThan(2 * bound);
    expect(grown).toBeLessThan(bound);
  }, 300_000);
});
