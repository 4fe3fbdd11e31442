/**
 * Indonesia's region codes (Kemendagri), as a NIK's first six digits carry them: province (1-2),
 * regency or city (3-4), district (kecamatan, 5-6). The list is data, seed-data/regions.json, made
 * by scripts/import-regions.mjs from the idn-area-data package (ODbL; see the file's "source").
 * It is read and checked once, the first time a NIK is checked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const DEFAULT_REGIONS_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../seed-data/regions.json');

const regionsSchema = z.object({
  source: z.object({ name: z.string(), licence: z.string() }).loose(),
  provinces: z.record(z.string().regex(/^\d{2}$/), z.string().min(1)),
  regencies: z.record(z.string().regex(/^\d{4}$/), z.string().min(1)),
  /** Per regency, its two-digit district codes separated by spaces. */
  districts: z.record(z.string().regex(/^\d{4}$/), z.string().regex(/^\d{2}( \d{2})*$/)),
});

export type Regions = {
  provinces: ReadonlyMap<string, string>;
  regencies: ReadonlyMap<string, string>;
  /** Region codes of six digits (province, regency, district) that exist. */
  districts: ReadonlySet<string>;
};

/** Reads and validates the region list; a malformed file fails with its path and the problem. */
export function loadRegions(file: string = DEFAULT_REGIONS_FILE): Regions {
  const parsed = regionsSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const { provinces, regencies, districts } = parsed.data;
  for (const code of Object.keys(regencies)) {
    if (!(code.slice(0, 2) in provinces)) throw new Error(`${file}: regency ${code} has no province`);
  }
  const six = new Set<string>();
  for (const [regency, codes] of Object.entries(districts)) {
    if (!(regency in regencies)) throw new Error(`${file}: districts of unknown regency ${regency}`);
    for (const d of codes.split(' ')) six.add(`${regency}${d}`);
  }
  return { provinces: new Map(Object.entries(provinces)), regencies: new Map(Object.entries(regencies)), districts: six };
}

let loaded: Regions | undefined;
/** The region list, read on first use and kept. */
export function regions(): Regions {
  loaded ??= loadRegions();
  return loaded;
}

/**
 * Regency codes retired when a province was split after NIKs were given out, old code → today's: Kalimantan
 * Utara from Kalimantan Timur (UU 20/2012), and Papua Selatan, Papua Tengah, Papua Pegunungan from Papua and
 * Papua Barat Daya from Papua Barat (2022). A NIK never changes, so everyone registered there before the split
 * still carries the old code (a NIK from Merauke issued in 2015 starts 9101, Merauke is 93.01 today).
 */
export const RETIRED_REGENCIES: Readonly<Record<string, string>> = {
  // Kalimantan Timur → Kalimantan Utara (2012)
  '6404': '6501', // Bulungan
  '6405': '6502', // Malinau
  '6406': '6503', // Nunukan
  '6410': '6504', // Tana Tidung
  '6473': '6571', // Kota Tarakan
  // Papua → Papua Selatan, Papua Tengah, Papua Pegunungan (2022)
  '9101': '9301', // Merauke
  '9102': '9501', // Jayawijaya
  '9104': '9401', // Nabire
  '9107': '9402', // Puncak Jaya
  '9108': '9403', // Paniai
  '9109': '9404', // Mimika
  '9112': '9502', // Pegunungan Bintang
  '9113': '9503', // Yahukimo
  '9114': '9504', // Tolikara
  '9116': '9302', // Boven Digoel
  '9117': '9303', // Mappi
  '9118': '9304', // Asmat
  '9121': '9505', // Mamberamo Tengah
  '9122': '9506', // Yalimo
  '9123': '9507', // Lanny Jaya
  '9124': '9508', // Nduga
  '9125': '9405', // Puncak
  '9126': '9406', // Dogiyai
  '9127': '9407', // Intan Jaya
  '9128': '9408', // Deiyai
  // Papua Barat → Papua Barat Daya (2022)
  '9201': '9601', // Sorong
  '9204': '9602', // Sorong Selatan
  '9205': '9603', // Raja Ampat
  '9209': '9604', // Tambrauw
  '9210': '9605', // Maybrat
  '9271': '9671', // Kota Sorong
};

/** Today's code of a regency code, also of one retired by a province split (RETIRED_REGENCIES). */
const currentRegency = (code: string, list: Regions): string | null =>
  list.regencies.has(code) ? code : Object.hasOwn(RETIRED_REGENCIES, code) && list.regencies.has(RETIRED_REGENCIES[code]!) ? RETIRED_REGENCIES[code]! : null;

/**
 * Whether the first six digits of a NIK name a province and a regency or city in it (e.g. 357301: Jawa
 * Timur, Kota Malang), today's or one retired by a province split (RETIRED_REGENCIES), and a district
 * number (not 00). 3599… is a typing slip: no regency 99. The district is not looked up in today's list:
 * a district that went to a new regency (some 600 codes of 70 regencies are gone so) keeps its old code in
 * the NIKs issued before, which stay valid for life.
 */
export function nikRegionExists(nik: string, list: Regions = regions()): boolean {
  const code = nik.slice(0, 6);
  return /^\d{6}$/.test(code) && !code.endsWith('00') && list.provinces.has(code.slice(0, 2)) && currentRegency(code.slice(0, 4), list) !== null;
}

/** The regency or city a NIK was issued in, by today's name ("Kota Malang"), or null when its code is unknown. */
export function nikRegencyName(nik: string, list: Regions = regions()): string | null {
  const regency = currentRegency(nik.slice(0, 4), list);
  return regency ? (list.regencies.get(regency) ?? null) : null;
}
