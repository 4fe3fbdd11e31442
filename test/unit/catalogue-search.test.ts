import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSearch, groupByTopic, loadSearchData, type SearchableType, stem, tokenise } from '../../src/catalogue/catalogue-search.js';
import { loadCatalogue } from '../../src/catalogue/catalogue.loader.js';

const data = loadSearchData();
const search = createSearch(data);
const catalogue: SearchableType[] = loadCatalogue().permitTypes.map((t) => ({ code: t.code, name: t.name, description: t.description }));
const view = (t: SearchableType) => t;
const codes = (q: string, types: SearchableType[] = catalogue) => search.rank(types, q, view).map((t) => t.code);

describe('catalogue search', () => {
  it('strips simple Indonesian affixes and ignores case and punctuation', () => {
    expect(stem('membangun')).toBe('bangun');
    expect(stem('bangunan')).toBe('bangun');
    expect(tokenise('Tambah LANTAI, rumah!')).toEqual(tokenise('tambah lantai rumah'));
  });

  it('finds PBG first for the way people ask about building', () => {
    expect(codes('tambah lantai rumah')[0]).toBe('PBG');
    expect(codes('IMB')[0]).toBe('PBG');
    expect(codes('imb')[0]).toBe('PBG');
    expect(codes('ruko')[0]).toBe('PBG');
    expect(codes('renovasi')[0]).toBe('PBG');
    expect(codes('membangun rumah')[0]).toBe('PBG');
    expect(codes('add a floor to my house')[0]).toBe('PBG');
  });

  it('ignores word order', () => {
    expect(codes('rumah lantai tambah')).toEqual(codes('tambah lantai rumah'));
    expect(
      search.score(
        catalogue.find((t) => t.code === 'PBG')!,
        'lantai tambah',
      ),
    ).toBe(
      search.score(
        catalogue.find((t) => t.code === 'PBG')!,
        'tambah lantai',
      ),
    );
  });

  it('sends shops and stalls to the business (NIB) assistance, signs to REKLAME', () => {
    expect(codes('warung')[0]).toBe('NIB');
    expect(codes('toko')[0]).toBe('NIB');
    expect(codes('usaha')[0]).toBe('NIB');
    expect(codes('baliho')[0]).toBe('REKLAME');
    expect(codes('papan nama')[0]).toBe('REKLAME');
    expect(codes('billboard')[0]).toBe('REKLAME');
  });

  it('has words for every permit type of the catalogue, in both languages', () => {
    for (const t of catalogue) {
      const syn = data.synonyms[t.code];
      expect(syn?.id.length, t.code).toBeGreaterThan(0);
      expect(syn?.en.length, t.code).toBeGreaterThan(0);
      expect(codes(syn!.id[0]!)[0], `${t.code}: ${syn!.id[0]}`).toBe(t.code);
      expect(codes(syn!.en[0]!)[0], `${t.code}: ${syn!.en[0]}`).toBe(t.code);
    }
  });

  it('matches any word of the query', () => {
    expect(codes('warung xyzzy')).toContain('NIB');
    expect(codes('xyzzy qwerty')).toEqual([]);
  });

  it('does not let "rumah sakit" in another type outrank PBG for "rumah"', () => {
    const hospital: SearchableType = {
      code: 'RSAKIT',
      name: { id: 'Izin Operasional Rumah Sakit', en: 'Hospital Operating Permit' },
      description: { id: 'Izin bagi rumah sakit untuk melayani pasien rumah tangga.', en: 'For a hospital.' },
    };
    const types = [hospital, ...catalogue];
    const ranked = codes('rumah', types);
    expect(ranked[0]).toBe('PBG');
    expect(ranked.indexOf('PBG')).toBeLessThan(ranked.indexOf('RSAKIT') === -1 ? Infinity : ranked.indexOf('RSAKIT'));
    // Asked the other way round, the hospital is found and the house permit is not.
    expect(codes('rumah sakit', types)).toContain('RSAKIT');
    expect(codes('rumah sakit', types)).not.toContain('PBG');
  });

  it('ranks a synonym phrase and a name above a single description word', () => {
    // "praktik" is in every SIP description; "dokter gigi" is the dentists' name and a synonym phrase.
    expect(codes('praktik dokter gigi')[0]).toBe('SIPDRG');
    expect(codes('dokter')[0]).toBe('SIPDOK');
  });

  it('groups the whole list by topic with the most used first', () => {
    const usage = new Map([
      ['KLINIK', 30],
      ['SIPA', 2],
      ['TRAYEK', 50],
    ]);
    const groups = groupByTopic(catalogue, (t) => t.code, data, usage);
    expect(groups.map((g) => g.code)).toEqual(['transport', 'health', 'building', 'business', 'work', 'events']);
    const health = groups.find((g) => g.code === 'health')!;
    expect(health.types.slice(0, 2).map((t) => t.code)).toEqual(['KLINIK', 'SIPA']);
    expect(groups.flatMap((g) => g.types).length).toBe(catalogue.length);
  });

  it('puts a type no topic names in a last "other" group', () => {
    const extra: SearchableType = { code: 'BARU', name: { id: 'Baru', en: 'New' }, description: { id: '-', en: '-' } };
    const groups = groupByTopic([...catalogue, extra], (t) => t.code, data);
    expect(groups.at(-1)).toMatchObject({ code: 'other', types: [extra] });
  });

  it('refuses a malformed synonyms file, naming the problem', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'izol-syn-')), 'search-synonyms.json');
    fs.writeFileSync(file, JSON.stringify({ compounds: [], topics: [], synonyms: { pbg: { id: ['rumah'] } } }));
    expect(() => loadSearchData(file)).toThrow(/search-synonyms\.json: synonyms/);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});
