import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogueError, DEFAULT_CATALOGUE_DIR, loadCatalogue } from '../../src/catalogue/catalogue.loader.js';
import { catalogueFileSchema, type PermitTypeDefinition } from '../../src/catalogue/catalogue.schema.js';

const catalogue = loadCatalogue();
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A temporary copy of the seed catalogue with permit-types.json changed by `edit`. */
function editedCopy(edit: (types: PermitTypeDefinition[]) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-explanations-'));
  dirs.push(dir);
  const types = JSON.parse(fs.readFileSync(path.join(DEFAULT_CATALOGUE_DIR, 'permit-types.json'), 'utf8')) as PermitTypeDefinition[];
  edit(types);
  fs.writeFileSync(path.join(dir, 'permit-types.json'), JSON.stringify(types));
  fs.copyFileSync(path.join(DEFAULT_CATALOGUE_DIR, 'workflows.json'), path.join(dir, 'workflows.json'));
  return dir;
}

function loadError(dir: string): string {
  try {
    loadCatalogue(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(CatalogueError);
    return (err as Error).message;
  }
  throw new Error('expected the catalogue to be refused');
}

describe('requirement explanations (#16 item 2)', () => {
  it('a permit type open to foreign residents tells them what goes in place of the KTP (KITAS/KITAP and passport)', () => {
    const open = catalogue.permitTypes.filter((t) => t.foreignResidents);
    expect(open.length).toBeGreaterThan(0);
    for (const t of open) {
      const ktp = t.requirements.find((r) => r.code === 'ktp');
      if (!ktp) continue;
      expect(ktp.explanation?.id, t.code).toMatch(/KITAS\/KITAP dan halaman identitas paspor/);
      expect(ktp.explanation?.en, t.code).toMatch(/KITAS\/KITAP and the passport’s identity page/);
    }
  });

  it('every requirement of every permit type explains itself in one plain line, in Indonesian and in English', () => {
    for (const t of catalogue.permitTypes) {
      for (const r of t.requirements) {
        const where = `${t.code}.${r.code}`;
        expect(r.explanation, where).toBeDefined();
        for (const lang of ['id', 'en'] as const) {
          const line = r.explanation![lang];
          expect(line.length, `${where} ${lang}`).toBeGreaterThan(30);
          expect(line.length, `${where} ${lang}`).toBeLessThan(400);
          expect(line, `${where} ${lang}`).not.toContain('\n');
        }
        expect(r.explanation!.id, where).not.toBe(r.explanation!.en);
      }
    }
  });

  it('the KTP says who issues it; the PBG drawings say a licensed drafter or engineer makes them and to ask about the standard design', () => {
    const pbg = catalogue.permitTypes.find((t) => t.code === 'PBG')!;
    const req = (code: string) => pbg.requirements.find((r) => r.code === code)!;
    expect(req('ktp').explanation!.id).toContain('Dukcapil');
    for (const code of ['architectural_drawings', 'structural_drawings', 'mep_drawings']) {
      expect(req(code).explanation!.id).toContain('SKK');
      expect(req(code).explanation!.id).toMatch(/desain prototipe/);
      expect(req(code).explanation!.en).toMatch(/ask the office/);
    }
    expect(req('architectural_drawings').explanation!.en).toMatch(/drafter or architect/);
    expect(req('structural_drawings').explanation!.en).toMatch(/engineer/);
  });

  it('a requirement that is another permit or letter says where it is obtained, and each permit type it names is in the catalogue', () => {
    const codes = new Set(catalogue.permitTypes.map((t) => t.code));
    const obtained = (type: string, req: string) => catalogue.permitTypes.find((t) => t.code === type)!.requirements.find((r) => r.code === req)!.obtainedBy;
    expect(obtained('PBG', 'krk')?.url).toBe('https://oss.go.id/');
    expect(obtained('APOTEK', 'sipa')?.permitType).toBe('SIPA');
    expect(obtained('KLINIK', 'nib')?.permitType).toBe('NIB');
    expect(obtained('REKLAME', 'pbg')?.permitType).toBe('PBG');
    let links = 0;
    for (const t of catalogue.permitTypes)
      for (const r of t.requirements) {
        if (r.obtainedBy?.permitType) {
          links++;
          expect(codes.has(r.obtainedBy.permitType), `${t.code}.${r.code}`).toBe(true);
        }
        if (r.obtainedBy?.url) expect(r.obtainedBy.url, `${t.code}.${r.code}`).toMatch(/^https:\/\//);
      }
    expect(links).toBeGreaterThanOrEqual(5);
  });

  it('the loader refuses a requirement obtained by a permit type the catalogue does not have, naming the file and the path', () => {
    const message = loadError(
      editedCopy((types) => {
        types.find((t) => t.code === 'APOTEK')!.requirements.find((r) => r.code === 'sipa')!.obtainedBy = { permitType: 'SIPX' };
      }),
    );
    expect(message).toContain('permit-types.json');
    expect(message).toMatch(/\.requirements\[\d+\]\.obtainedBy\.permitType: permit type "SIPX" is not in this catalogue/);
  });

  it('the whole-file schema refuses it too', () => {
    const types = structuredClone(catalogue.permitTypes);
    types.find((t) => t.code === 'KLINIK')!.requirements.find((r) => r.code === 'nib')!.obtainedBy = { permitType: 'NIBX' };
    const result = catalogueFileSchema.safeParse({ workflows: catalogue.workflows, permitTypes: types });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.message)).toContain('permit type "NIBX" is not in this catalogue');
    expect(catalogueFileSchema.safeParse({ workflows: catalogue.workflows, permitTypes: catalogue.permitTypes }).success).toBe(true);
  });
});

describe('data notes stay out of public text (#16 item 9)', () => {
  it('no legal basis, waiver basis, name or description carries a note for the office; the PBG notes are in its dataNote', () => {
    for (const t of catalogue.permitTypes) {
      const publicText = [
        ...t.legalBasis,
        ...(t.feeRule.kind === 'free' ? [] : t.feeRule.waivers.map((w) => w.legalBasis)),
        t.name.id,
        t.name.en,
        t.description.id,
        t.description.en,
      ];
      for (const text of publicText) expect(text, t.code).not.toMatch(/dicek|check/i);
    }
    const pbg = catalogue.permitTypes.find((t) => t.code === 'PBG')!;
    expect(pbg.legalBasis).toContain('Peraturan Daerah Kota Malang tentang Pajak Daerah dan Retribusi Daerah');
    expect(pbg.dataNote).toContain('The office must check the number and year of "Peraturan Daerah Kota Malang tentang Pajak Daerah dan Retribusi Daerah"');
  });

  it.each([
    ['legalBasis', 'Peraturan Daerah Kota Malang tentang Reklame (nomor dan tahun harus dicek oleh kantor)'],
    ['legalBasis', 'Perwali Malang on licensing (number to be checked by office)'],
    ['description', 'Izin reklame. TODO: nomor perda'],
  ])('the loader refuses a %s with a note for the office in it: %s', (key, text) => {
    const message = loadError(
      editedCopy((types) => {
        const reklame = types.find((t) => t.code === 'REKLAME')!;
        if (key === 'legalBasis') reklame.legalBasis[1] = text;
        else reklame.description.id = text;
      }),
    );
    expect(message).toMatch(key === 'legalBasis' ? /\[1\]\.legalBasis\[1\]: an internal note for the office/ : /\[1\]\.description\.id: an internal note/);
    expect(message).toContain('belongs in dataNote');
  });

  it('the same note in dataNote loads', () => {
    const dir = editedCopy((types) => {
      types.find((t) => t.code === 'REKLAME')!.dataNote = 'Nomor dan tahun perda reklame harus dicek oleh kantor.';
    });
    expect(loadCatalogue(dir).permitTypes.find((t) => t.code === 'REKLAME')!.dataNote).toContain('harus dicek');
  });
});

describe('foreign residents (#16 item 5)', () => {
  it('the building, billboard and event permits accept KITAS/KITAP holders; the job-seeker card, NIB assistance and health licences do not, with the reason in dataNote', () => {
    const accepts = Object.fromEntries(catalogue.permitTypes.map((t) => [t.code, t.foreignResidents]));
    expect(accepts).toMatchObject({ PBG: true, REKLAME: true, KERAMAIAN: true, AK1: false, NIB: false, PENELITIAN: false, SIPDOK: false, KLINIK: false });
    for (const code of ['PBG', 'AK1', 'NIB', 'PENELITIAN', 'SIPDOK'])
      expect(catalogue.permitTypes.find((t) => t.code === code)!.dataNote, code).toContain('Foreign residents:');
  });

  it('a type that accepts foreign residents asks for no NIK they could not give', () => {
    for (const t of catalogue.permitTypes.filter((x) => x.foreignResidents))
      expect(
        t.fields.filter((f) => f.type === 'nik' && f.required),
        t.code,
      ).toEqual([]);
  });
});
