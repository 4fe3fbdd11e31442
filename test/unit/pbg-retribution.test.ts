import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/catalogue/catalogue.loader.js';
import { add, decimal, mul, roundHalfUp, toText } from '../../src/fees/decimal.js';
import { computePbgRetribution, RetributionInputError } from '../../src/fees/pbg-retribution.js';
import { DEFAULT_RETRIBUTION_FILE, loadRetributionTable, RetributionDataError } from '../../src/fees/retribution.loader.js';
import type { RetributionCoefficients } from '../../src/fees/retribution.schema.js';

const table = loadRetributionTable();
const malang2026: RetributionCoefficients = table.offices.MLG!['2026']!;

/** DOMAIN.md's worked example: a small-business (UMKM) building, 2 floors, not simple, permanent, private, new, 235 m². */
const WORKED_EXAMPLE = {
  buildingFunction: 'umkm',
  floorCount: 2,
  complexity: 'not_simple',
  permanence: 'permanent',
  ownership: 'private',
  buildingWorkType: 'new',
  floorArea: 235,
} as const;

const fee = (answers: Record<string, string | number>, coefficients = malang2026) => computePbgRetribution({ ...WORKED_EXAMPLE, ...answers }, coefficients);

describe('PBG retribution (PP 16/2021, DOMAIN.md)', () => {
  it('gives exactly Rp 6,176,270 for the worked example, with It 0.7725 shown and used as 0.773', () => {
    const { amount, breakdown } = fee({});
    expect(amount).toBe(6_176_270);
    expect(breakdown).toMatchObject({
      llt: 235,
      ilo: 0.005,
      shst: 6_800_000,
      functionClass: 'umkm',
      if: 0.5,
      complexity: 2,
      permanence: 2,
      heightIndex: 1.09,
      fm: 1,
      it: 0.773,
      ibg: 1,
    });
    expect(breakdown.formula).toContain('= 0.7725 ≈ 0.773');
    expect(breakdown.formula).toContain('235 × (0.005 × 6800000) × 0.773 × 1 = 6176270');
  });

  it('charges nothing for a religious building (If 0)', () => {
    const { amount, breakdown } = fee({ buildingFunction: 'religious' });
    expect(amount).toBe(0);
    expect(breakdown).toMatchObject({ if: 0, it: 0 });
  });

  it('charges nothing for a state-owned building (Fm 0)', () => {
    const { amount, breakdown } = fee({ ownership: 'state' });
    expect(amount).toBe(0);
    expect(breakdown).toMatchObject({ fm: 0, it: 0 });
  });

  it('takes a heavy renovation at Ibg 0.325, rounding the rupiah half up (2,007,287.75 → 2,007,288)', () => {
    const { amount, breakdown } = fee({ buildingWorkType: 'renovation_heavy' });
    expect(breakdown.ibg).toBe(0.325);
    expect(amount).toBe(2_007_288);
    expect(breakdown.formula).toContain('= 2007287.75 ≈ 2007288');
  });

  it('prices the other renovation and heritage classes from their Ibg', () => {
    // 235 × 34,000 × 0.773 = 6,176,270; × Ibg.
    expect(fee({ buildingWorkType: 'renovation_medium' }).amount).toBe(1_389_661); // 1,389,660.75
    expect(fee({ buildingWorkType: 'heritage_pratama' }).amount).toBe(2_007_288);
    expect(fee({ buildingWorkType: 'heritage_madya' }).amount).toBe(1_389_661);
    expect(fee({ buildingWorkType: 'heritage_utama' }).amount).toBe(926_441); // 926,440.5
  });

  it('prices a 10-floor business building with height index 1.333 (It 1.16655 → 1.167)', () => {
    const { amount, breakdown } = fee({ buildingFunction: 'business', floorCount: 10, floorArea: 1000 });
    expect(breakdown).toMatchObject({ if: 0.7, heightIndex: 1.333, it: 1.167 });
    expect(amount).toBe(39_678_000); // 1000 × 34,000 × 1.167
  });

  it('takes a floor count between listed points at the lower listed index, and above 60 floors the 60-floor index', () => {
    expect(fee({ floorCount: 15, buildingFunction: 'business', floorArea: 1000 }).breakdown.heightIndex).toBe(1.333);
    expect(fee({ floorCount: 25, buildingFunction: 'business', floorArea: 1000 }).breakdown.heightIndex).toBe(1.556);
    expect(fee({ floorCount: 59, buildingFunction: 'business', floorArea: 1000 }).breakdown.heightIndex).toBe(1.676);
    expect(fee({ floorCount: 100, buildingFunction: 'business', floorArea: 1000 }).breakdown.heightIndex).toBe(1.862);
  });

  describe('housing: 0.15 up to 100 m² and 2 floors, 0.17 above, whichever housing option was chosen', () => {
    const house = { buildingFunction: 'housing_small', complexity: 'simple', permanence: 'permanent' } as const;
    it('100 m² on 2 floors is small housing (It 0.18675 → 0.187)', () => {
      const { amount, breakdown } = fee({ ...house, floorArea: 100, floorCount: 2 });
      expect(breakdown).toMatchObject({ functionClass: 'housing', if: 0.15, it: 0.187 });
      expect(amount).toBe(635_800);
    });
    it('100.5 m² is larger housing even when "small housing" was chosen', () => {
      const { amount, breakdown } = fee({ ...house, floorArea: 100.5, floorCount: 2 });
      expect(breakdown).toMatchObject({ if: 0.17, it: 0.212 });
      expect(amount).toBe(724_404); // 100.5 × 34,000 × 0.212
    });
    it('3 floors is larger housing however small the area', () => {
      const { amount, breakdown } = fee({ ...house, floorArea: 90, floorCount: 3 });
      expect(breakdown).toMatchObject({ if: 0.17, heightIndex: 1.12, it: 0.214 });
      expect(amount).toBe(654_840);
    });
    it('a small house is small housing even when "housing" was chosen', () => {
      const { amount, breakdown } = fee({ ...house, buildingFunction: 'housing', floorArea: 90, floorCount: 1 });
      expect(breakdown).toMatchObject({ if: 0.15, it: 0.18 });
      expect(amount).toBe(550_800);
    });
  });

  describe('mixed use: 0.6 up to 500 m² and 2 floors, 0.8 above', () => {
    it('500 m² on 2 floors is 0.6', () => {
      const { amount, breakdown } = fee({ buildingFunction: 'mixed_small', floorArea: 500 });
      expect(breakdown).toMatchObject({ functionClass: 'mixed', if: 0.6, it: 0.927 });
      expect(amount).toBe(15_759_000);
    });
    it('501 m² is 0.8 even when "mixed, small" was chosen', () => {
      const { amount, breakdown } = fee({ buildingFunction: 'mixed_small', floorArea: 501 });
      expect(breakdown).toMatchObject({ if: 0.8, it: 1.236 });
      expect(amount).toBe(21_054_024);
    });
    it('3 floors is 0.8', () => {
      expect(fee({ buildingFunction: 'mixed', floorArea: 300, floorCount: 3 }).breakdown.if).toBe(0.8);
    });
  });

  it('stays exact where floating point would drift', () => {
    // In binary floating point 0.1 × 3 is 0.30000000000000004 and 1.005 × 1000 is 1004.9999999999999.
    const coefficients = { ...malang2026, shst: 1_000_000, ilo: 0.005 };
    const { amount } = computePbgRetribution({ ...WORKED_EXAMPLE, floorArea: 20.1 }, coefficients); // 20.1 × 5,000 × 0.773 = 77,686.5
    expect(amount).toBe(77_687);
    expect(toText(mul(decimal(0.1), decimal(3)))).toBe('0.3');
    expect(toText(roundHalfUp(mul(decimal(1.005), decimal(1000)), 0))).toBe('1005');
    expect(toText(roundHalfUp(add(decimal(0.1), decimal(0.2)), 1))).toBe('0.3');
    expect(toText(roundHalfUp(decimal(0.7725), 3))).toBe('0.773');
    expect(toText(roundHalfUp(decimal(0.7724999), 3))).toBe('0.772');
  });

  it('refuses answers it cannot price, naming the field', () => {
    const refusal = (answers: Record<string, unknown>): RetributionInputError => {
      try {
        computePbgRetribution({ ...WORKED_EXAMPLE, ...answers }, malang2026);
      } catch (err) {
        expect(err).toBeInstanceOf(RetributionInputError);
        return err as RetributionInputError;
      }
      throw new Error('expected a refusal');
    };
    expect(refusal({ floorArea: undefined })).toMatchObject({ kind: 'answer', field: 'floorArea' });
    expect(refusal({ floorCount: 2.5 })).toMatchObject({ kind: 'answer', field: 'floorCount' });
    expect(refusal({ buildingWorkType: 'demolition' })).toMatchObject({ kind: 'coefficient', field: 'buildingWorkType' });
    expect(refusal({ buildingFunction: 'toString' })).toMatchObject({ kind: 'coefficient', field: 'buildingFunction' });
    expect(refusal({ ownership: '__proto__' })).toMatchObject({ kind: 'coefficient', field: 'ownership' });
  });

  it('has a coefficient for every option of the PBG form, so no answer leaves the treasurer without a figure', () => {
    const pbg = loadCatalogue().permitTypes.find((t) => t.code === 'PBG')!;
    const options = (name: string) => {
      const f = pbg.fields.find((x) => x.name === name);
      if (f?.type !== 'select') throw new Error(`PBG field ${name} is not a select`);
      return f.options.map((o) => o.value);
    };
    for (const value of options('buildingFunction')) expect(malang2026.if.options, value).toHaveProperty(value);
    for (const value of options('complexity')) expect(malang2026.complexity, value).toHaveProperty(value);
    for (const value of options('permanence')) expect(malang2026.permanence, value).toHaveProperty(value);
    for (const value of options('ownership')) expect(malang2026.fm, value).toHaveProperty(value);
    for (const value of options('buildingWorkType')) expect(malang2026.ibg, value).toHaveProperty(value);
    expect(malang2026.dataNote).toMatch(/mayor's decree/);
  });
});

describe('retribution coefficients loader', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  /** A temporary copy of seed-data/retribution.json with the Malang 2026 entry changed by `edit`. */
  function brokenCopy(edit: (year: Record<string, unknown>, file: Record<string, unknown>) => void): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-retribution-'));
    dirs.push(dir);
    const file = JSON.parse(fs.readFileSync(DEFAULT_RETRIBUTION_FILE, 'utf8')) as { offices: Record<string, Record<string, Record<string, unknown>>> };
    edit(file.offices.MLG!['2026']!, file);
    const out = path.join(dir, 'retribution.json');
    fs.writeFileSync(out, JSON.stringify(file, null, 2));
    return out;
  }

  function loadError(file: string): RetributionDataError {
    try {
      loadRetributionTable(file);
    } catch (err) {
      expect(err).toBeInstanceOf(RetributionDataError);
      return err as RetributionDataError;
    }
    throw new Error('expected the coefficients to be refused');
  }

  it('an unchanged copy loads the same as the original', () => {
    expect(loadRetributionTable(brokenCopy(() => {}))).toEqual(table);
  });

  it('names the file and the JSON path of a locality index above 0.5%', () => {
    const file = brokenCopy((y) => {
      y.ilo = 0.05;
    });
    const err = loadError(file);
    expect(err.message).toContain(file);
    expect(err.message).toContain('offices.MLG.2026.ilo');
  });

  it('names an option that points at a function class that does not exist', () => {
    const err = loadError(
      brokenCopy((y) => {
        (y.if as Record<string, Record<string, string>>).options!.umkm = 'small_business';
      }),
    );
    expect(err.message).toContain('offices.MLG.2026.if.options.umkm');
    expect(err.message).toContain('small_business');
  });

  it('names a missing SHST, a negative index, a height table without 1 floor and a bad year', () => {
    const err = loadError(
      brokenCopy((y, file) => {
        delete y.shst;
        (y.ibg as Record<string, number>).new = -1;
        delete (y.heightIndex as Record<string, number>)['1'];
        (file.offices as Record<string, unknown>).MLG = { ...(file.offices as Record<string, Record<string, unknown>>).MLG, '26': y };
      }),
    );
    expect(err.message).toContain('offices.MLG.2026.shst');
    expect(err.message).toContain('offices.MLG.2026.ibg.new');
    expect(err.message).toContain('offices.MLG.2026.heightIndex');
    expect(err.message).toContain('offices.MLG.26');
  });

  it('names a coefficient with more decimals than it can mean', () => {
    const err = loadError(
      brokenCopy((y) => {
        (y.heightIndex as Record<string, number>)['3'] = 1.1200000001;
      }),
    );
    expect(err.message).toContain('offices.MLG.2026.heightIndex.3: at most 6 decimal places');
  });

  it('says when the file is not JSON', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-retribution-'));
    dirs.push(dir);
    const file = path.join(dir, 'retribution.json');
    fs.writeFileSync(file, '{ "offices": ');
    expect(loadError(file).message).toContain(`${file}: cannot be read as JSON`);
  });
});
