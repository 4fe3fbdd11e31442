/**
 * Answers as people type them and answers that contradict each other (issue 16, item 4): "120 m2" is
 * 120, "120,5" is 120.5, "2 lantai" is 2; the PBG form's answer checks catch a "small house up to
 * 100 m²" of 120.5 m² with a message that names the answer to change; the schema refuses a check that
 * names a field the form does not have or of the wrong type.
 */
import { describe, expect, it } from 'vitest';
import { validateAnswers } from '../../src/catalogue/answers.js';
import { loadCatalogue } from '../../src/catalogue/catalogue.loader.js';
import { type FieldDefinition, fieldSchema, permitTypeSchema } from '../../src/catalogue/catalogue.schema.js';

const TODAY = '2026-12-02';
const field = (name: string, type: string, extra: Record<string, unknown> = {}): FieldDefinition =>
  fieldSchema.parse({ name, type, label: { id: `Isian ${name}`, en: `Field ${name}` }, ...extra });

function read(f: FieldDefinition, raw: string): number | string {
  const r = validateAnswers([f], { [f.name]: raw }, { complete: false, today: TODAY });
  return r.problems.length ? r.problems[0]!.code : (r.answers[f.name] as number);
}

const pbg = loadCatalogue().permitTypes.find((t) => t.code === 'PBG')!;
const COMPLETE = {
  buildingAddress: 'Jl. Kawi No. 12, RT 03/RW 05, Bareng, Klojen',
  landTitleNumber: 'SHM No. 01234/Bareng',
  floorArea: '60',
  floorCount: '1',
  buildingFunction: 'housing_small',
  complexity: 'simple',
  permanence: 'permanent',
  ownership: 'private',
  buildingWorkType: 'new',
  lowIncomeHouse: 'no',
};

describe('forgiving number answers', () => {
  const area = field('luas', 'area_m2');
  const floors = field('lantai', 'floor_count');
  const width = field('lebar', 'number', { min: 0.1 });

  it.each([
    ['120 m2', 120],
    ['120 m²', 120],
    ['120m2', 120],
    ['120 M2', 120],
    ['120,5', 120.5],
    ['120.5 m2', 120.5],
    ['120,5 m²', 120.5],
    [' 120 ', 120],
    ['120 meter persegi', 120],
    ['1.200', 1200],
    ['1.200 m2', 1200],
    ['1.200,5', 1200.5],
    ['1,200.5', 1200.5],
    ['250.000', 250_000],
    ['1.000.000', 1_000_000],
  ])('a floor area typed "%s" is %d m²', (raw, value) => {
    expect(read(area, raw)).toBe(value);
  });

  it('a floor area that cannot be read is refused, not guessed: "1,200" (1.2 or 1200?), words, two numbers', () => {
    for (const raw of ['1,200', 'seratus', '60 + 60', '120 m2 lagi', '1.20.0']) expect(read(area, raw), raw).toBe('not_a_number');
  });

  it.each([
    ['2 lantai', 2],
    ['2', 2],
    ['lantai 3', 3],
    ['3 Lantai', 3],
    ['2 floors', 2],
  ])('a floor count typed "%s" is %d', (raw, value) => {
    expect(read(floors, raw)).toBe(value);
  });

  it('a floor count is still a whole number', () => {
    expect(read(floors, '1,5 lantai')).toBe('not_an_integer');
  });

  it('a number answer as long as the API allows (5000 characters, spaces then a word) is refused at once, not after seconds of pattern matching', () => {
    const long = `1${' '.repeat(4990)}lagi`;
    const started = performance.now();
    const r = validateAnswers([area, floors, width], { luas: long, lantai: long, lebar: long }, { complete: false, today: TODAY });
    expect(r.problems.map((p) => p.code)).toEqual(['not_a_number', 'not_a_number', 'not_a_number']);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('a number too long to keep exactly is refused, not stored changed (a capital of 12345678901234567890 is not kept as …567000)', () => {
    const capital = field('modal', 'number', { integer: true, min: 0 });
    expect(read(capital, '9007199254740991')).toBe(9_007_199_254_740_991);
    expect(read(capital, '12345678901234567890')).toBe('too_big');
    expect(read(capital, '1.000.000.000.000.000.000')).toBe('too_big');
    const r = validateAnswers([capital], { modal: 1e21 }, { complete: false, today: TODAY });
    expect(r.problems).toEqual([expect.objectContaining({ field: 'answers.modal', code: 'too_big' })]);
  });

  it('a plain number takes "m2" and the decimal comma but still refuses a lone thousands group it cannot tell from a decimal', () => {
    expect(read(width, '2,5')).toBe(2.5);
    expect(read(width, '4 m2')).toBe(4);
    expect(read(width, '1.200')).toBe('not_a_number');
    expect(read(width, '25.000.000')).toBe(25_000_000);
  });
});

describe('answers that contradict each other (the PBG answer checks)', () => {
  const checks = pbg.answerChecks;
  const submit = (answers: Record<string, string>) =>
    validateAnswers(pbg.fields, answers, { complete: true, today: TODAY, checks }).problems.map((p) => ({
      field: p.field,
      code: p.code,
      id: p.params?.text_id,
      en: p.params?.text_en,
    }));

  it('a consistent small house passes, and so does 120 m² over 2 floors as mixed use', () => {
    expect(submit(COMPLETE)).toEqual([]);
    expect(submit({ ...COMPLETE, floorArea: '120 m2', floorCount: '2 lantai', buildingFunction: 'mixed_small' })).toEqual([]);
  });

  it('120.5 m² as a "small house up to 100 m²" is refused on the building function, naming the floor area and the option to choose', () => {
    const problems = submit({ ...COMPLETE, floorArea: '120,5' });
    expect(problems).toEqual([
      {
        field: 'answers.buildingFunction',
        code: 'answers_contradict',
        id: expect.stringContaining('Luas lantai 120,5 m² lebih dari 100 m²') as string,
        en: expect.stringContaining('A floor area of 120.5 m² is over 100 m²') as string,
      },
    ]);
    expect(problems[0]!.id).toContain('Ubah jawaban "Fungsi bangunan" menjadi "Rumah tinggal (lebih dari 100 m² atau lebih dari 2 lantai)"');
    expect(problems[0]!.en).toContain('Change your answer to "Building function"');
  });

  it('three floors as a small house, and 600 m² or three floors as small mixed use, are refused too', () => {
    expect(submit({ ...COMPLETE, floorCount: '3' }).map((p) => p.id)).toEqual([expect.stringContaining('3 lantai lebih dari 2')]);
    expect(submit({ ...COMPLETE, buildingFunction: 'mixed_small', floorArea: '600', floorCount: '3' }).map((p) => p.field)).toEqual([
      'answers.buildingFunction',
      'answers.buildingFunction',
    ]);
  });

  it('saving a draft: the problem sits on the answer just given, over the answers stored so far; unrelated saves pass', () => {
    const stored = { buildingFunction: 'housing_small', floorCount: 1 };
    const save = (answers: Record<string, string>, before: Record<string, string | number> = stored) =>
      validateAnswers(pbg.fields, answers, { complete: false, today: TODAY, checks, stored: before }).problems.map((p) => p.field);
    expect(save({ floorArea: '120.5 m2' })).toEqual(['answers.floorArea']);
    expect(save({ buildingFunction: 'housing_small' }, { floorArea: 150 })).toEqual(['answers.buildingFunction']);
    expect(save({ floorArea: '95' })).toEqual([]);
    // A contradiction already stored (from before the check existed) does not block saving another answer.
    expect(save({ landTitleNumber: 'SHM 1' }, { ...stored, floorArea: 150 })).toEqual([]);
    // Clearing the function clears the contradiction.
    expect(save({ floorArea: '150', buildingFunction: '' })).toEqual([]);
  });
});

describe('answer checks in the catalogue', () => {
  const raw = () => structuredClone(pbg) as unknown as { answerChecks: Record<string, unknown>[] } & Record<string, unknown>;

  it('are checked at load: the fields exist, the condition is a select with those options, the checked answer is a number, change names one of them', () => {
    const messages = (edit: (c: Record<string, unknown>) => void) => {
      const def = raw();
      edit(def.answerChecks[0]!);
      const r = permitTypeSchema.safeParse(def);
      expect(r.success).toBe(false);
      return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(messages((c) => (c.field = 'luasLantai'))).toEqual(['answerChecks.0.field: field "luasLantai" is not a number field of this type']);
    expect(messages((c) => (c.field = 'buildingAddress'))).toEqual(['answerChecks.0.field: field "buildingAddress" is not a number field of this type']);
    expect(
      messages((c) => {
        c.when = { field: 'floorCount', in: ['x'] };
        c.change = 'floorArea';
      }),
    ).toEqual(['answerChecks.0.when.field: field "floorCount" is not a select field of this type']);
    expect(messages((c) => (c.when = { field: 'buildingFunction', in: ['rumah_kecil'] }))).toEqual([
      'answerChecks.0.when.in.0: "rumah_kecil" is not an option of "buildingFunction"',
    ]);
    expect(messages((c) => (c.change = 'complexity'))).toEqual([
      'answerChecks.0.change: "change" must name one of the two answers ("buildingFunction" or "floorArea")',
    ]);
    expect(messages((c) => delete c.max)).toEqual(['answerChecks.0: give min, max or both']);
  });

  it('a type stored before answer checks existed still reads, with none', () => {
    const def = raw();
    delete (def as Record<string, unknown>).answerChecks;
    expect(permitTypeSchema.parse(def).answerChecks).toEqual([]);
  });

  it('the PBG form: hints on every question, no "≤" sign, the work question asks what she will build and offers adding a floor', () => {
    for (const f of pbg.fields) expect(f.hint, f.name).toBeDefined();
    expect(JSON.stringify(pbg.fields)).not.toContain('≤');
    const work = pbg.fields.find((f) => f.name === 'buildingWorkType')!;
    expect(work.label).toEqual({ id: 'Apa yang akan Anda bangun?', en: 'What will you build?' });
    if (work.type !== 'select') throw new Error('buildingWorkType is a select');
    expect(work.options.map((o) => o.value)).toEqual(['new', 'renovation_medium', 'renovation_heavy', 'heritage_pratama', 'heritage_madya', 'heritage_utama']);
    expect(work.options.find((o) => o.value === 'new')!.label.id).toMatch(/menambah lantai atau memperluas bangunan/i);
    const fn = pbg.fields.find((f) => f.name === 'buildingFunction')!;
    if (fn.type !== 'select') throw new Error('buildingFunction is a select');
    expect(fn.options.find((o) => o.value === 'housing_small')!.label.id).toBe('Rumah tinggal kecil (sampai 100 m² dan sampai 2 lantai)');
    expect(fn.options.find((o) => o.value === 'mixed_small')!.label.id).toMatch(/ruko atau warung di rumah/);
    expect(pbg.fields.find((f) => f.name === 'floorArea')!.hint!.id).toContain('60 m² yang sudah ada + 60 m² baru = 120 m²');
  });

  it('every address question says its parts', () => {
    for (const t of loadCatalogue().permitTypes)
      for (const f of t.fields.filter((x) => x.type === 'address')) expect(f.hint?.id, `${t.code}.${f.name}`).toMatch(/RT\/RW, kelurahan, kecamatan/);
  });
});
