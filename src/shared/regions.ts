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
 * Whether the first six digits of a NIK name a province, a regency or city in it, and a district
 * in that (e.g. 357301: Jawa Timur, Kota Malang, Blimbing). 3599… is a typing slip: no regency 99.
 */
export function nikRegionExists(nik: string, list: Regions = regions()): boolean {
  const code = nik.slice(0, 6);
  return /^\d{6}$/.test(code) && list.provinces.has(code.slice(0, 2)) && list.regencies.has(code.slice(0, 4)) && list.districts.has(code);
}

/** The regency or city a NIK was issued in ("Kota Malang"), or null when its code is unknown. */
export function nikRegencyName(nik: string, list: Regions = regions()): string | null {
  return list.regencies.get(nik.slice(0, 4)) ?? null;
}
