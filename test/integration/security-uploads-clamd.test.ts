import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minimalPdf } from '../../src/demo/demo-files.js';
import { createClamdScanner } from '../../src/documents/clamd-scanner.js';
import { createSignatureScanner } from '../../src/documents/scanner.js';
import { DIALECTS } from '../helpers/databases.js';
import { type Clamd, EICAR, startClamd } from '../helpers/clamd.js';
import { auth, createTestContext, multipartFile, type TestContext } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';
import { validAnswers } from '../helpers/journeys.js';

/**
 * Issue 15, item 8: the ClamAV adapter (src/documents/clamd-scanner.ts) against a real clamd from
 * Debian's clamav-daemon, started by the test with its own config, socket and a local signature
 * database for the EICAR test string (test/helpers/clamd.ts), and stopped after.
 */
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const asFile = (content: Buffer) => ({ sha256: sha256(content), head: content.subarray(0, 4100), open: () => Readable.from([content]) });
/** A valid PDF with the EICAR string at its end, far past the first bytes the built-in scanner looks at. */
const pdfCarryingEicar = () => Buffer.concat([minimalPdf(`Lampiran ${Math.random()}`), Buffer.alloc(300_000, 0x20), Buffer.from(`%${EICAR}\n`)]);

describe('the clamd adapter (INSTREAM over a real clamd)', () => {
  let clamd: Clamd;
  beforeAll(async () => {
    clamd = await startClamd();
  });
  afterAll(async () => clamd?.stop());

  it('v5.0.0-5.4.3: answers clean for a clean file and names the signature clamd found, over the Unix socket and over TCP', async () => {
    for (const address of [{ socket: clamd.socket }, { host: '127.0.0.1', port: clamd.port }]) {
      const scanner = createClamdScanner({ address, timeoutMs: 10_000 });
      await expect(scanner.scan(asFile(minimalPdf('Surat bersih')))).resolves.toEqual({ clean: true });
      // The hash signature and the body signature both match the bare EICAR file; clamd names the first it found.
      await expect(scanner.scan(asFile(Buffer.from(EICAR)))).resolves.toEqual({
        clean: false,
        signature: expect.stringMatching(/^Izol\.Test\.EICAR/) as string,
      });
    }
  });

  it('v5.0.0-5.4.3: reads the whole file in chunks, so EICAR at the end of a 300 KB PDF is found (the built-in scanner looks at the first bytes only)', async () => {
    const content = pdfCarryingEicar();
    await expect(createSignatureScanner().scan(asFile(content))).resolves.toEqual({ clean: true });
    const scanner = createClamdScanner({ address: { socket: clamd.socket } });
    await expect(scanner.scan(asFile(content))).resolves.toEqual({ clean: false, signature: clamd.signatures.inside });
  });

  it('v5.0.0-5.4.3 v5.0.0-16.5.3: fails closed with scanner_unavailable (503, retry later) when clamd is absent, hangs past the timeout, or answers ERROR', async () => {
    const file = asFile(minimalPdf('Surat bersih'));
    const absent = createClamdScanner({ address: { socket: path.join(path.dirname(clamd.socket), 'none.sock') } });
    await expect(absent.scan(file)).rejects.toMatchObject({ code: 'scanner_unavailable', status: 503, details: { retryAfterSeconds: 60 } });
    const closedPort = createClamdScanner({ address: { host: '127.0.0.1', port: 1 } });
    await expect(closedPort.scan(file)).rejects.toMatchObject({ code: 'scanner_unavailable' });
    // A clamd that stops answering (the process frozen): the scan gives up after its timeout.
    clamd.pause();
    try {
      const started = Date.now();
      await expect(createClamdScanner({ address: { socket: clamd.socket }, timeoutMs: 300 }).scan(file)).rejects.toMatchObject({
        code: 'scanner_unavailable',
        message: expect.stringContaining('no answer within 300 ms') as string,
      });
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      clamd.resume();
    }
    // Past clamd's StreamMaxLength (30 MB here) clamd answers "INSTREAM size limit exceeded. ERROR" and closes
    // the connection; a reset may reach the sender before that answer is read: refused either way.
    const huge = {
      ...file,
      open: () =>
        Readable.from(
          (function* () {
            for (let i = 0; i < 33; i++) yield Buffer.alloc(1024 * 1024, 0x20);
          })(),
        ),
    };
    await expect(createClamdScanner({ address: { socket: clamd.socket } }).scan(huge)).rejects.toMatchObject({
      code: 'scanner_unavailable',
      message: expect.stringMatching(/size limit exceeded|EPIPE|ECONNRESET/) as string,
    });
    // And it still answers afterwards.
    await expect(createClamdScanner({ address: { socket: clamd.socket } }).scan(file)).resolves.toEqual({ clean: true });
  });
});

describe.each(DIALECTS)('uploads scanned by clamd through the app (%s)', (dialect) => {
  let clamd: Clamd;
  let ctx: TestContext;
  let citizen: string;
  let draftId: string;
  const email = `sri.${Math.random().toString(36).slice(2, 8)}@clamd.izol.test`;
  const password = 'warung malang lantai dua';
  beforeAll(async () => {
    clamd = await startClamd();
    ctx = await createTestContext(dialect, { VIRUS_SCANNER: 'clamd', CLAMD_SOCKET: clamd.socket, CLAMD_TIMEOUT_MS: '10000' });
    await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'applicant', name: 'Sri Wahyuni', email, password });
    citizen = (await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: email, password } })).json<{ token: string }>().token;
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: auth(citizen),
      payload: { permitTypeCode: 'REKLAME', answers: await validAnswers(ctx, 'REKLAME') },
    });
    expect(created.statusCode).toBe(201);
    draftId = created.json<{ id: string }>().id;
  });
  afterAll(async () => {
    await ctx?.close();
    await clamd?.stop();
  });

  const upload = (requirement: string, fileName: string, content: Buffer, type = 'application/pdf') => {
    const file = multipartFile(fileName, content, type);
    return ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/applications/${draftId}/documents/${requirement}`,
      headers: { ...auth(citizen), ...file.headers },
      payload: file.payload,
    });
  };
  const rows = (requirement: string) =>
    ctx.db.selectFrom('documents').select('id').where('application_id', '=', draftId).where('requirement_code', '=', requirement).execute();
  const kept = (content: Buffer) => fs.existsSync(path.join(ctx.storageDir, ctx.tenant.id, sha256(content).slice(0, 2), sha256(content)));
  const staged = () => (fs.existsSync(path.join(ctx.storageDir, 'tmp')) ? fs.readdirSync(path.join(ctx.storageDir, 'tmp')) : []);

  it.each([
    ['the EICAR file named .pdf', () => Buffer.from(EICAR)],
    ['a valid PDF carrying EICAR past its first bytes', pdfCarryingEicar],
  ] as const)('v5.0.0-5.4.3: quarantines %s: 422 infected_file, no row, no file, the attempt audited with clamd’s signature', async (_what, make) => {
    const content = make();
    const res = await upload('npwpd', 'npwpd.pdf', content);
    expect(res.statusCode).toBe(422);
    expect(res.json<{ code: string }>().code).toBe('infected_file');
    expect(await rows('npwpd')).toEqual([]);
    expect(kept(content)).toBe(false);
    expect(staged()).toEqual([]);
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('data')
      .where('action', '=', 'document.quarantined')
      .where('subject_id', '=', draftId)
      .execute();
    expect(audit.some((a) => a.data.includes('Izol.Test.EICAR') && a.data.includes('.UNOFFICIAL') && a.data.includes(sha256(content)))).toBe(true);
  });

  it('v5.0.0-5.4.3: keeps a clean PDF that clamd passed, and gives the same bytes back', async () => {
    const content = minimalPdf(`Surat bersih ${Math.random()}`);
    const res = await upload('ktp', 'ktp.pdf', content);
    expect(res.statusCode).toBe(201);
    const doc = res.json<{ id: string }>();
    const back = await ctx.app.inject({ url: `/api/v1/applications/${draftId}/documents/${doc.id}`, headers: auth(citizen) });
    expect(back.rawPayload.equals(content)).toBe(true);
  });

  it('v5.0.0-5.4.3 v5.0.0-16.5.3: with clamd stopped, refuses the upload 503 scanner_unavailable with Retry-After and "try again", keeping nothing (API and page)', async () => {
    await clamd.stop();
    const content = minimalPdf(`Tidak terpindai ${Math.random()}`);
    const res = await upload('pbg', 'pbg.pdf', content);
    expect(res.statusCode).toBe(503);
    const problem = res.json<{ code: string; detail: string }>();
    expect(problem.code).toBe('scanner_unavailable');
    expect(problem.detail).toContain('Coba unggah lagi');
    expect(res.headers['retry-after']).toBe('60');
    const file = multipartFile('pbg.pdf', content, 'application/pdf');
    const en = await ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/applications/${draftId}/documents/pbg`,
      headers: { ...auth(citizen), ...file.headers, 'accept-language': 'en' },
      payload: file.payload,
    });
    expect(en.statusCode).toBe(503);
    expect(en.json<{ detail: string }>().detail).toContain('Try uploading it again in a few minutes');
    // The citizen's upload page says the same, in the page's error summary.
    const page = new PageClient(ctx);
    expect((await page.post('/akun/masuk', { login: email, password })).statusCode).toBe(303);
    const shown = await page.upload(`/permohonan/${draftId}/dokumen/pbg`, 'pbg.pdf', content, 'application/pdf');
    expect(shown.statusCode).toBe(503);
    expect(shown.body).toContain('class="error-summary"');
    expect(shown.body).toContain('belum dapat diperiksa oleh pemindai virus, jadi belum disimpan');
    expect(shown.body).toContain('Coba unggah lagi beberapa menit lagi');
    expect(await rows('pbg')).toEqual([]);
    expect(kept(content)).toBe(false);
    expect(staged()).toEqual([]);
  });
});
