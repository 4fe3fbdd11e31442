import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minimalPdf, solidPng } from '../../src/demo/demo-files.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, type TestContext, userWithToken } from '../helpers/context.js';
import { validAnswers } from '../helpers/journeys.js';

/**
 * Issue 15, item 8: the hostile-upload corpus that documents.test.ts (renamed files, ../ names, the
 * EICAR file) does not have: polyglots (a PDF that is also a web page, a JPEG that is also a ZIP or a
 * PHAR, markup past the first bytes), names with NUL, CR/LF and bidirectional overrides, and an
 * oversized upload over a real socket (the server stops reading, its memory stays flat).
 */
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A ZIP archive with one stored (uncompressed) entry, byte by byte (APPNOTE.TXT 4.3). */
function zipOf(name: string, data: Buffer): Buffer {
  const n = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(10, 4);
  central.writeUInt16LE(10, 6);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(n.length, 28);
  const body = Buffer.concat([local, n, data]);
  const directory = Buffer.concat([central, n]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(body.length, 16);
  return Buffer.concat([body, directory, end]);
}

/** A multipart body whose file part's Content-Disposition is given whole (to send filename* and raw bytes). */
function multipartWith(disposition: Buffer, content: Buffer, type: string) {
  const boundary = `----izolhostile${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; `),
    disposition,
    Buffer.from(`\r\nContent-Type: ${type}\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe.each(DIALECTS)('hostile uploads (%s)', (dialect) => {
  let ctx: TestContext;
  let citizen: string;
  let draftId: string;
  let photo: Buffer;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    citizen = (await userWithToken(ctx, 'applicant')).token;
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: auth(citizen),
      payload: { permitTypeCode: 'REKLAME', answers: await validAnswers(ctx, 'REKLAME') },
    });
    expect(created.statusCode).toBe(201);
    draftId = created.json<{ id: string }>().id;
    // A real camera-like JPEG (noise compresses badly, as a photo does).
    const noise = Buffer.alloc(96 * 96 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    photo = await sharp(noise, { raw: { width: 96, height: 96, channels: 3 } })
      .jpeg({ quality: 90 })
      .toBuffer();
  });
  afterAll(async () => ctx?.close());

  const send = (requirement: string, form: { payload: Buffer; headers: Record<string, string> }) =>
    ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/applications/${draftId}/documents/${requirement}`,
      headers: { ...auth(citizen), ...form.headers },
      payload: form.payload,
    });
  const upload = (requirement: string, fileName: string, content: Buffer, type: string) =>
    send(requirement, multipartWith(Buffer.from(`filename="${fileName}"`), content, type));
  const rows = (requirement: string) =>
    ctx.db
      .selectFrom('documents')
      .select(['id', 'file_name', 'sha256'])
      .where('application_id', '=', draftId)
      .where('requirement_code', '=', requirement)
      .execute();
  const kept = (content: Buffer) => fs.existsSync(path.join(ctx.storageDir, ctx.tenant.id, sha256(content).slice(0, 2), sha256(content)));

  const pdfWithHtml = () =>
    Buffer.concat([Buffer.from('%PDF-1.4\n<html><body><script>fetch("/api/v1/me").then(r=>r.text()).then(alert)</script></body></html>\n'), minimalPdf('isi')]);
  const pdfWithLateScript = () =>
    Buffer.concat([minimalPdf(`Surat ${Math.random()}`), Buffer.alloc(50_000, 0x20), Buffer.from('<!DOCTYPE html><script>alert(document.domain)</script>')]);
  const cases: [string, string, string, () => Buffer, string][] = [
    ['a PDF that is also an HTML page with a script', 'npwpd', 'surat.pdf', pdfWithHtml, 'application/pdf'],
    ['a PDF with an HTML page after %%EOF, 50 KB past its first bytes', 'npwpd', 'surat.pdf', pdfWithLateScript, 'application/pdf'],
    [
      'a JPEG with a ZIP archive appended (JPEG+ZIP)',
      'ktp',
      'ktp.jpg',
      () => Buffer.concat([photo, zipOf('shell.php', Buffer.from('<?= `id` ?>'))]),
      'image/jpeg',
    ],
    [
      'a JPEG that is also a PHAR (its stub appended)',
      'ktp',
      'ktp.jpg',
      () => Buffer.concat([photo, Buffer.from("<?php echo 'x'; __HALT_COMPILER(); ?>\r\n")]),
      'image/jpeg',
    ],
    [
      'a PNG carrying an SVG with a script',
      'ktp',
      'ktp.png',
      () => Buffer.concat([solidPng(4, 4, [1, 2, 3]), Buffer.from('<svg onload=alert(1)>')]),
      'image/png',
    ],
  ];
  it.each(cases)(
    'v5.0.0-5.2.2 v5.0.0-5.3.1: refuses %s with 415 unsupported_file, keeping no row and no file',
    async (_what, requirement, name, make, type) => {
      const content = make();
      const before = await rows(requirement);
      const res = await upload(requirement, name, content, type);
      expect(res.statusCode, res.body).toBe(415);
      expect(res.json<{ code: string }>().code).toBe('unsupported_file');
      expect(await rows(requirement)).toEqual(before);
      expect(kept(content)).toBe(false);
    },
  );

  it('v5.0.0-5.2.2: still takes a real JPEG and a PDF whose compressed bytes happen to hold "PK" records (no false polyglot)', async () => {
    const jpg = await upload('ktp', 'ktp.jpg', photo, 'image/jpeg');
    expect(jpg.statusCode, jpg.body).toBe(201);
    const pdf = Buffer.concat([minimalPdf(`Akta ${Math.random()}`), Buffer.from('%PK\x05\x06PK\x03\x04 binary\n')]);
    const res = await upload('company_deed', 'akta.pdf', pdf, 'application/pdf');
    expect(res.statusCode, res.body).toBe(201);
  });

  it.each([
    ['a NUL byte (filename*)', Buffer.from("filename*=UTF-8''ktp%00.exe.pdf"), /^ktp_\.exe\.pdf$/],
    ['a right-to-left override (raw UTF-8)', Buffer.from('filename="ktp\u202Efdp.exe.pdf"', 'utf8'), /^ktpfdp\.exe\.pdf$/],
    ['a right-to-left override (filename*)', Buffer.from("filename*=UTF-8''laporan%E2%80%AEgnp.pdf"), /^laporangnp\.pdf$/],
    ['../ and a NUL (filename*)', Buffer.from("filename*=UTF-8''..%2F..%2Fetc%2Fpasswd%00.pdf"), /^passwd_\.pdf$/],
  ])(
    'v5.0.0-5.3.2 v5.0.0-5.4.1 v5.0.0-16.4.1: stores a name with %s under a generated id and serves it back with a safe RFC 6266 Content-Disposition',
    async (_what, disposition, clean) => {
      const content = minimalPdf(`Nama aneh ${Math.random()}`);
      const res = await send('location_sketch', multipartWith(disposition, content, 'application/pdf'));
      expect(res.statusCode, res.body).toBe(201);
      const doc = res.json<{ id: string; fileName: string; sha256: string }>();
      expect(doc.fileName).toMatch(clean);
      // No control, bidirectional or path character survives anywhere the name is shown or sent.
      // eslint-disable-next-line no-control-regex
      expect(doc.fileName).not.toMatch(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069/\\]/);
      expect(doc.id).toMatch(/^[0-9a-f-]{36}$/);
      // Kept under its hash inside the storage folder, never under the name.
      expect(kept(content)).toBe(true);
      const download = await ctx.app.inject({ url: `/api/v1/applications/${draftId}/documents/${doc.id}`, headers: auth(citizen) });
      expect(download.statusCode).toBe(200);
      expect(download.headers['x-content-type-options']).toBe('nosniff');
      const cd = String(download.headers['content-disposition']);
      expect(cd).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''(?:%[0-9A-F]{2}|[A-Za-z0-9!#$&+\-.^_`|~])+$/);
      expect(Object.keys(download.headers)).not.toContain('set-cookie');
      expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(cd)![1]!)).toBe(doc.fileName);
    },
  );

  it('v5.0.0-5.3.2 v5.0.0-16.4.1: refuses a name with CR LF and a forged header line with 400, keeping nothing (the parser takes no such file part)', async () => {
    const content = minimalPdf(`CRLF ${Math.random()}`);
    const before = await rows('location_sketch');
    const res = await send('location_sketch', multipartWith(Buffer.from("filename*=UTF-8''ktp%0D%0ASet-Cookie%3A%20a%3Db.pdf"), content, 'application/pdf'));
    expect(res.statusCode).toBe(400);
    expect(res.json<{ code: string }>().code).toBe('invalid_input');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await rows('location_sketch')).toEqual(before);
    expect(kept(content)).toBe(false);
  });

  it('v5.0.0-5.2.1 v5.0.0-5.1.1: answers a 200 MB upload for a 2 MB requirement 413 (or closes the socket) after reading a few MB, memory flat, nothing kept', async () => {
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = ctx.app.server.address() as AddressInfo;
    const boundary = '----izolhuge';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="besar.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`,
    );
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const offered = 200 * 1024 * 1024;
    const baseline = process.memoryUsage();
    let peak = 0;
    const sample = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed + m.external - baseline.heapUsed - baseline.external);
    }, 5);
    let written = 0;
    const answer = await new Promise<{ status: number; body: string } | string>((resolve) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'PUT',
        path: `/api/v1/applications/${draftId}/documents/npwpd`,
        headers: { ...auth(citizen), 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + offered) },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      });
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      const pump = () => {
        while (written < offered && !req.destroyed) {
          written += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!req.destroyed) req.end();
      };
      req.write(head);
      pump();
    });
    clearInterval(sample);
    if (typeof answer === 'string') expect(['ECONNRESET', 'EPIPE']).toContain(answer);
    else {
      expect(answer.status).toBe(413);
      expect(answer.body).toContain('file_too_large');
    }
    // The server stopped reading long before the end: what the client got into the socket is a few MB (kernel buffers).
    expect(written).toBeLessThan(40 * 1024 * 1024);
    expect(written).toBeGreaterThan(2 * 1024 * 1024);
    expect(peak).toBeLessThan(48 * 1024 * 1024);
    expect(await rows('npwpd')).toEqual([]);
    const tmp = path.join(ctx.storageDir, 'tmp');
    expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
  });
});
