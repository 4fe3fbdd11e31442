/**
 * Page weight budget (`npm run budget`, also part of `npm run bench`): every public and applicant
 * page must transfer at most 50 KB compressed, counting the HTML and everything the page itself
 * loads (CSS, JS, fonts, images; there are no web fonts and the only image, the poster's QR code,
 * is inline SVG). Uploaded files are not counted. Prints a table; exits 1 when a page is over.
 */
import { gzipSync } from 'node:zlib';
import { DEMO_PDF, DEMO_PNG } from '../src/demo/demo-files.js';
import { createTestContext, uniqueNik } from '../test/helpers/context.js';
import { PageClient } from '../test/helpers/pages.js';

const BUDGET = 50 * 1024;
const ctx = await createTestContext('sqlite');
const rows: { page: string; html: number; assets: number; total: number }[] = [];
const assetCache = new Map<string, number>();

async function assetBytes(url: string): Promise<number> {
  if (!assetCache.has(url)) {
    const res = await ctx.app.inject({ url });
    assetCache.set(url, gzipSync(res.rawPayload).length);
  }
  return assetCache.get(url)!;
}

async function measure(label: string, res: { statusCode: number; body: string; rawPayload: Buffer }): Promise<void> {
  if (res.statusCode >= 300 && res.statusCode !== 400 && res.statusCode !== 404) throw new Error(`${label}: status ${res.statusCode}`);
  const html = gzipSync(res.rawPayload).length;
  const urls = [...res.body.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  let assets = 0;
  for (const u of new Set(urls)) assets += await assetBytes(u);
  rows.push({ page: label, html, assets, total: html + assets });
}

try {
  const visitor = new PageClient(ctx);
  for (const url of [
    '/',
    '/izin',
    '/izin?q=dokter',
    '/izin/PBG',
    '/izin/PBG/poster',
    '/izin/REKLAME',
    '/izin/PBG/mulai',
    '/lacak',
    '/janji-temu',
    '/janji-temu/waktu?layanan=KONSULTASI&dari=2026-11-23',
    '/antrian/layar',
    '/bantuan',
    '/akun/masuk',
    '/akun/daftar',
    '/akun/lupa-sandi',
    '/tidak-ada',
  ]) {
    await measure(url, await visitor.get(url));
  }
  // The kiosk page on an enrolled kiosk (another device gets its 403 "not enrolled" page).
  const kioskAdmin = await ctx.services.auth.createUser({
    tenantId: ctx.tenant.id,
    role: 'admin',
    name: 'Admin',
    email: 'kios@anggaran.izol.id',
    password: 'anggaran kios ringan 2026',
  });
  const kiosk = await ctx.services.queue.enrolKiosk({
    actor: { userId: kioskAdmin.userId, tenantId: ctx.tenant.id, role: 'admin', name: 'Admin' },
    tenant: ctx.tenant,
    name: 'Kios',
  });
  await measure('/antrian', await ctx.app.inject({ url: '/antrian', headers: { cookie: `__Host-izol-kiosk=${kiosk.token}` } }));
  await measure('/akun/daftar (errors)', await visitor.post('/akun/daftar', { name: '', nik: '12' }));

  const citizen = new PageClient(ctx);
  await citizen.post('/akun/daftar', { name: 'Rina Putri', nik: uniqueNik(), email: 'budget@contoh.id', password: 'anggaran halaman ringan', consent: 'yes' });
  const start = await citizen.post('/izin/PBG/mulai', {});
  const appUrl = start.headers.location!.replace(/\/isian\/.*$/, '');
  const type = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'PBG' });
  await measure('/permohonan/:id/isian/:field (first)', await citizen.get(start.headers.location!));
  await measure('/permohonan/:id/isian/:field (error)', await citizen.post(`${appUrl}/isian/${type.definition.fields[0]!.name}`, {}));
  for (const f of type.definition.fields) {
    const value =
      f.type === 'select'
        ? // A house over 100 m²: the first option ("a small house") would contradict the 150 m² below.
          (f.options.find((o) => o.value === 'housing') ?? f.options[0]!).value
        : f.type === 'yes_no'
          ? 'no'
          : f.type === 'area_m2'
            ? '150'
            : f.type === 'floor_count'
              ? '2'
              : f.type === 'address'
                ? 'Jl. Ijen No. 5, Kota Malang'
                : 'Contoh';
    await citizen.post(`${appUrl}/isian/${f.name}`, { [f.name]: value });
  }
  await measure('/permohonan/:id/isian/:field (select)', await citizen.get(`${appUrl}/isian/${type.definition.fields.find((f) => f.type === 'select')!.name}`));
  for (const r of type.definition.requirements.filter((q) => q.required)) {
    const pdf = r.acceptedTypes.includes('pdf');
    await citizen.upload(
      `${appUrl}/dokumen/${r.code}`,
      pdf ? `${r.code}.pdf` : `${r.code}.png`,
      pdf ? DEMO_PDF : DEMO_PNG,
      pdf ? 'application/pdf' : 'image/png',
    );
  }
  await measure('/permohonan/:id/dokumen', await citizen.get(`${appUrl}/dokumen`));
  await measure('/permohonan/:id/dokumen/:req', await citizen.get(`${appUrl}/dokumen/${type.definition.requirements[0]!.code}`));
  await measure('/permohonan/:id/periksa', await citizen.get(`${appUrl}/periksa`));
  await measure('/permohonan/:id/periksa (error)', await citizen.post(`${appUrl}/ajukan`, {}));
  const submitted = await citizen.post(`${appUrl}/ajukan`, { declaration: 'yes' });
  if (submitted.statusCode !== 303) throw new Error(`submission failed: ${/error-summary[\s\S]*?<\/ul>/.exec(submitted.body)?.[0]}`);
  const done = await citizen.get(`${appUrl}/terkirim`);
  await measure('/permohonan/:id/terkirim', done);
  const receipt = await citizen.get(`${appUrl}/tanda-terima`);
  await measure('/permohonan/:id/tanda-terima', receipt);
  const receiptCode = /data-receipt-code>([^<]+)</.exec(receipt.body)![1]!.replace('-', '');
  await measure('/v/:code (signed receipt)', await visitor.get(`/v/${receiptCode}`));
  await measure('/v/:code (not found)', await visitor.get('/v/ZZZZZZZZZZ'));
  await measure('/verifikasi', await visitor.get('/verifikasi'));
  await measure('/verifikasi?kode= (error)', await visitor.get('/verifikasi?kode=xx'));
  await measure('/registri', await visitor.get('/registri'));
  await measure('/registri (error)', await visitor.get('/registri?from=2026-02-30'));
  await measure('/transparansi', await visitor.get('/transparansi'));
  await measure('/transparansi?tahun=2025 (nothing recorded)', await visitor.get('/transparansi?tahun=2025'));
  await measure('/permohonan', await citizen.get('/permohonan'));
  await measure('/permohonan/:id', await citizen.get(appUrl));
  await measure('/permohonan/:id/tarik', await citizen.get(`${appUrl}/tarik`));
  await measure('/akun/profil', await citizen.get('/akun/profil'));
  await measure('/akun/verifikasi', await citizen.get('/akun/verifikasi'));
  await measure('/akun/riwayat', await citizen.get('/akun/riwayat'));
  const number = /data-number>([^<]+)</.exec(done.body)![1]!;
  const code = /data-tracking-code>([^<]+)</.exec(done.body)![1]!;
  await measure('/lacak (result)', await visitor.post('/lacak', { number, code }));
  await citizen.post('/bahasa', { lang: 'en', kembali: '/' });
  await measure('/permohonan/:id (English)', await citizen.get(appUrl));
} finally {
  await ctx.close();
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const width = Math.max(...rows.map((r) => r.page.length));
console.log(`\nPage weight, gzip-compressed (budget ${kb(BUDGET)} per page; web fonts: none)\n`);
console.log(`${'page'.padEnd(width)}  ${'html'.padStart(8)}  ${'css+js'.padStart(8)}  ${'total'.padStart(8)}  verdict`);
for (const r of rows)
  console.log(
    `${r.page.padEnd(width)}  ${kb(r.html).padStart(8)}  ${kb(r.assets).padStart(8)}  ${kb(r.total).padStart(8)}  ${r.total <= BUDGET ? 'ok' : 'OVER'}`,
  );
const over = rows.filter((r) => r.total > BUDGET);
console.log(`\n${rows.length} pages, heaviest ${kb(Math.max(...rows.map((r) => r.total)))}, ${over.length} over budget`);
process.exit(over.length ? 1 : 0);
