import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { type CertificateData, renderCertificatePdf } from '../../src/permits/certificate.pdf.js';
import { embedPdfFonts, MISSING_GLYPH, printable, textWidth } from '../../src/shared/pdf-fonts.js';
import { maskNik } from '../../src/shared/identifiers.js';

// Rendering is checked with poppler (pdfinfo, pdftoppm, pdftotext): what a citizen's viewer sees, not
// what pdf-lib thinks it wrote.
const NIK = '3573014506900002';
const SCREENSHOTS = path.resolve('test-artifacts/screenshots');

const data: CertificateData = {
  office: {
    code: 'MLG',
    name: 'Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Malang',
    address: 'Perkantoran Terpadu Gedung A Lantai 2, Jl. Mayjen Sungkono, Kel. Arjowinangun, Kec. Kedungkandang, Kota Malang, Jawa Timur 65132',
  },
  title: { id: 'SURAT IZIN PRAKTIK DOKTER', en: 'Medical Practice Licence' },
  number: 'SIPDOK/00012/MLG/2026',
  holder: { name: 'Siti Nurhaliza Ăgustina', nikMasked: maskNik(NIK) },
  subject: [
    { label: 'Nomor STR', value: '3121100220145678' },
    { label: 'Nama fasilitas pelayanan kesehatan', value: 'Klinik Pratama “Sehat Sentosa” 🏥' },
    {
      label: 'Alamat tempat praktik',
      value:
        'Jl. Soekarno–Hatta No. 9, Ruko Griya Shanta Blok MP-12, RT 003 RW 012, Kelurahan Mojolangu, Kecamatan Lowokwaru, Kota Malang, Jawa Timur 65141 (sebelah utara Bank Jatim, lantai dasar)',
    },
    { label: 'Jadwal praktik', value: 'Senin–Jumat 16.00–21.00 WIB; Sabtu 08.00–12.00 WIB' },
  ],
  conditions: [
    'Pemegang izin wajib memasang papan nama praktik yang mencantumkan nama, nomor SIP dan jadwal praktik.',
    'Izin ini berlaku hanya untuk satu tempat praktik sebagaimana tercantum di atas dan tidak dapat dipindahtangankan.',
    'Pemegang izin wajib memperpanjang STR sebelum masa berlakunya habis; izin ini gugur bila STR tidak berlaku.',
  ],
  validFrom: '2026-11-28',
  validUntil: '2031-11-27',
  issuedAt: '2026-11-27T18:30:00.000Z', // 28 November 01:30 in Jakarta
  timeZone: 'Asia/Jakarta',
  signer: { name: 'Dr. Ir. Bambang Hermawan, M.Si.', position: 'Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Malang' },
  verification: { url: 'https://izin.malangkota.go.id/v/K7Q2M9XD3F', code: 'K7Q2M-9XD3F' },
  keyId: '3f9a1c0e7b2d4f6a8c1e3b5d7f9a2c4e',
  supersedes: 'SIPDOK/00003/MLG/2025',
};

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'izol-cert-'));
}

async function renderToFile(d: CertificateData): Promise<string> {
  const file = path.join(tmpDir(), 'certificate.pdf');
  fs.writeFileSync(file, await renderCertificatePdf(d));
  return file;
}

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });

/** Page 1 as a 150 dpi PNG, via pdftoppm. */
function pageImage(file: string): PNG {
  const out = path.join(path.dirname(file), 'page');
  execFileSync('pdftoppm', ['-png', '-r', '150', '-singlefile', file, out]);
  return PNG.sync.read(fs.readFileSync(`${out}.png`));
}

function crop(png: PNG, x0: number, y0: number, w: number, h: number): { data: Uint8ClampedArray; width: number; height: number } {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    const from = ((y0 + y) * png.width + x0) * 4;
    data.set(png.data.subarray(from, from + w * 4), y * w * 4);
  }
  return { data, width: w, height: h };
}

/** The QR text on the page: the whole page first, then the lower-left quarter where the code sits. */
function decodeQr(png: PNG): string | null {
  const whole = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  if (whole) return whole.data;
  const half = crop(png, 0, Math.floor(png.height / 2), Math.floor(png.width / 2), png.height - Math.floor(png.height / 2));
  return jsQR(half.data, half.width, half.height)?.data ?? null;
}

// jsqr is CommonJS whose types declare only a default export; under NodeNext that default import is the
// whole module, and the function is on its `default` property (it is also the module itself at runtime).
const jsQR = jsqr.default;

const flat = (s: string) => s.replace(/\s+/g, ' ');

describe('renderCertificatePdf', () => {
  it('makes a one-page PDF that poppler reads, with the title in its metadata', async () => {
    const file = await renderToFile(data);
    const info = run('pdfinfo', [file]);
    expect(info).toMatch(/^Pages:\s+1$/m);
    expect(info).toMatch(/^Title:\s+SURAT IZIN PRAKTIK DOKTER SIPDOK\/00012\/MLG\/2026$/m);
    expect(info).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)/m);
  });

  it('carries a QR code that decodes to the verification URL', async () => {
    const file = await renderToFile(data);
    const png = pageImage(file);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    fs.writeFileSync(path.join(SCREENSHOTS, 'certificate.png'), PNG.sync.write(png));
    expect(decodeQr(png)).toBe(data.verification.url);
  });

  it('prints the number, holder, masked NIK, code and conditions, and never the full NIK', async () => {
    const file = await renderToFile(data);
    const text = flat(run('pdftotext', ['-enc', 'UTF-8', file, '-']));
    expect(text).toContain('SIPDOK/00012/MLG/2026');
    expect(text).toContain('Siti Nurhaliza Ăgustina');
    expect(text).toContain('3573••••••••••02');
    expect(text).toContain('K7Q2M-9XD3F');
    expect(text).toContain('Pemegang izin wajib memasang papan nama praktik');
    expect(text).toContain('Berlaku sejak 28 November 2026 sampai dengan 27 November 2031');
    expect(text).toContain('Ditetapkan pada 28 November 2026'); // the Jakarta date, not the UTC one
    expect(text).toContain('Menggantikan izin nomor SIPDOK/00003/MLG/2025');
    expect(text).toContain(`Klinik Pratama “Sehat Sentosa” ${MISSING_GLYPH}`); // the 🏥 has no glyph: a visible placeholder
    expect(text).toContain('Jl. Soekarno–Hatta No. 9');
    expect(text).not.toContain('?');
    expect(text).toContain(`kunci ${data.keyId}`);
    expect(text).not.toContain(NIK);
    expect(run('pdfinfo', [file])).not.toContain(NIK);
  });

  it('gives the same bytes for the same data', async () => {
    const a = await renderCertificatePdf(data);
    const b = await renderCertificatePdf(data);
    expect(a.equals(b)).toBe(true);
    expect(createHash('sha256').update(a).digest('hex')).toBe(createHash('sha256').update(b).digest('hex'));
    const other = await renderCertificatePdf({ ...data, verification: { ...data.verification, code: 'AAAAA-BBBBB' } });
    expect(other.equals(a)).toBe(false);
  });

  it('omits what is absent and says when a permit has no expiry', async () => {
    const file = await renderToFile({ ...data, holder: { name: 'Budi', nikMasked: null }, conditions: [], subject: [], validUntil: null, supersedes: null });
    const text = flat(run('pdftotext', ['-enc', 'UTF-8', file, '-']));
    expect(text).toContain('Berlaku tanpa batas waktu selama ketentuan dipenuhi');
    expect(text).not.toContain('NIK');
    expect(text).not.toContain('Ketentuan');
    expect(text).not.toContain('Menggantikan');
  });

  it('flows the longest allowed content onto further pages instead of off the page', async () => {
    const long = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore. '.repeat(5);
    const file = await renderToFile({
      ...data,
      subject: Array.from({ length: 12 }, (_, i) => ({ label: `Keterangan nomor ${i + 1}`, value: long })),
      conditions: Array.from({ length: 10 }, () => long.slice(0, 300)),
      holder: { name: `${'X'.repeat(300)} 漢字 👩‍⚕️`, nikMasked: maskNik(NIK) },
    });
    const pages = Number(/^Pages:\s+(\d+)$/m.exec(run('pdfinfo', [file]))?.[1]);
    expect(pages).toBeGreaterThan(1);
    const text = run('pdftotext', ['-enc', 'UTF-8', '-f', String(pages), '-l', String(pages), file, '-']);
    expect(text).toContain('K7Q2M-9XD3F'); // the QR and signature close the last page
    expect(text).toContain(`halaman ${pages} dari ${pages}`);
    expect(decodeQr(pageImage(file))).toBeNull(); // and only the last
  });
});

describe('names and addresses print as entered', () => {
  const person: CertificateData = {
    ...data,
    office: { ...data.office, name: 'Dinas Penanaman Modal dan PTSP Kabupaten Pidië Jaya' },
    holder: { name: 'Ñoño Łukasz Đặng Şükrü Ṣọla', nikMasked: maskNik(NIK) },
    subject: [
      { label: 'Nama usaha', value: 'Klinik Pratama “Sehat Sentosa” — Ñoño' },
      { label: 'Alamat usaha', value: 'Jl. Ṭaman Siswa № 12–14, Gg. D’Kost, Kec. Kuta Alam' },
    ],
    signer: { name: 'Drs. Ğazali Øvergård, M.Si.', position: data.signer.position },
  };

  it('reads back, with poppler, the exact name, business name and address: no "?"', async () => {
    const file = await renderToFile(person);
    const text = run('pdftotext', ['-layout', file, '-']);
    expect(text).toContain('Ñoño Łukasz Đặng Şükrü Ṣọla');
    expect(text).toContain('Klinik Pratama “Sehat Sentosa” — Ñoño');
    expect(text).toContain('Jl. Ṭaman Siswa № 12–14, Gg. D’Kost, Kec. Kuta Alam');
    expect(text).toContain('Drs. Ğazali Øvergård, M.Si.'); // bold
    expect(text).toContain('Pidië Jaya');
    expect(text).not.toContain('?');
    expect(run('pdfinfo', [file])).toMatch(/^Pages:\s+1$/m);
  });

  it('embeds subsets of DejaVu, so the file stays small', async () => {
    const pdf = await renderCertificatePdf(person);
    const file = path.join(tmpDir(), 'certificate.pdf');
    fs.writeFileSync(file, pdf);
    const fonts = run('pdffonts', [file]);
    expect(fonts).toMatch(/^IZOLSR\+DejaVuSans\s+CID TrueType\s+Identity-H\s+yes yes yes/m);
    expect(fonts).toMatch(/^IZOLSB\+DejaVuSans-Bold\s.*yes yes yes/m);
    expect(fonts).toMatch(/^IZOLMB\+DejaVuSansMono-Bold\s.*yes yes yes/m);
    expect(pdf.length).toBeLessThan(150_000); // whole DejaVu Sans alone is 757 KB
  });

  it('prints a placeholder for what the font lacks (emoji, CJK) and keeps everything around it', async () => {
    const file = await renderToFile({
      ...person,
      holder: { name: 'Toko 漢字 Jaya 👩‍⚕️ 🇮🇩 Ñ', nikMasked: null },
      subject: [{ label: 'Nama usaha 🏪', value: 'Warung “Bu Tin” 🍜👍🏽 — 24 jam' }],
    });
    const text = run('pdftotext', ['-layout', file, '-']);
    const X = MISSING_GLYPH;
    expect(text).toContain(`Toko ${X}${X} Jaya ${X} ${X} Ñ`); // one placeholder per character seen, a flag included
    expect(text).toContain(`Nama usaha ${X}`);
    expect(text).toContain(`Warung “Bu Tin” ${X}${X} — 24 jam`);
    expect(text).toContain('K7Q2M-9XD3F');
  });
});

describe('printable', async () => {
  const fonts = await embedPdfFonts(await PDFDocument.create());
  const X = MISSING_GLYPH;

  it.each([
    ['Siti Nurhaliza Ăgustina', 'Siti Nurhaliza Ăgustina'],
    ['Siti A\u0306gustina', 'Siti Ăgustina'], // typed with a combining breve: NFC
    ['Ir. Ṣaleh Đoàn Müller, Łódź, İzmir, Şişli, Nguyễn', 'Ir. Ṣaleh Đoàn Müller, Łódź, İzmir, Şişli, Nguyễn'],
    ['“Sehat” ‘Sentosa’ – 08.00—12.00 № 5 € ½ … ™', '“Sehat” ‘Sentosa’ – 08.00—12.00 № 5 € ½ … ™'],
    ['3573••••••••••02', '3573••••••••••02'],
    ['a\tb\nc\u00a0d', 'a b c d'],
    ['soft\u00adhyphen zero\u200bwidth', 'softhyphen zerowidth'],
    ['诊所 Klinik', `${X}${X} Klinik`],
    ['👍🏽 ok ❤️', `${X} ok ❤`], // the heart has a text glyph; the emoji selector is dropped
    ['👩‍⚕️ 🇮🇩', `${X} ${X}`],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(printable(input, fonts.regular)).toBe(expected);
  });

  it('falls back to what the font has: a compatibility form, then the letter without its mark', () => {
    expect(printable('ǅemal', fonts.mono)).toBe('Džemal'); // the mono font has no ǅ digraph
    expect(printable('K7Q2M-9XD3F', fonts.mono)).toBe('K7Q2M-9XD3F');
  });

  it('is idempotent', () => {
    const once = printable('Ăgustina “½” 😀 ß æ ǅ', fonts.regular);
    expect(printable(once, fonts.regular)).toBe(once);
  });

  it('measures with the embedded font (what pdf-lib itself computes for it), not Helvetica', () => {
    const text = 'Klinik Pratama “Sehat Sentosa” — Ñoño Łukasz Đặng Şükrü Ṣọla, office fi';
    for (const font of [fonts.regular, fonts.bold, fonts.mono]) {
      expect(textWidth(font, text, 10)).toBeCloseTo(font.widthOfTextAtSize(text, 10), 6);
    }
    expect(textWidth(fonts.mono, 'iiii', 10)).toBeCloseTo(textWidth(fonts.mono, 'MMMM', 10), 6); // monospaced
    expect(textWidth(fonts.regular, 'iiii', 10)).toBeLessThan(textWidth(fonts.regular, 'MMMM', 10));
  });
});
