#!/usr/bin/env node
// Writes seed-data/regions.json, the Kemendagri region codes a NIK's first six digits are checked
// against (src/shared/regions.ts): provinces (digits 1-2), regencies and cities (3-4) and districts
// (kecamatan, 5-6).
//
// Source: the npm package idn-area-data 4.0.1 (https://github.com/fityannugroho/idn-area-data), whose
// CSVs follow the Ministry of Home Affairs' code list (Kepmendagri on region codes and names). Its code
// is MIT; its DATA is under the Open Database License (ODbL 1.0,
// https://opendatacommons.org/licenses/odbl/1-0/). regions.json is a derivative database of it and is
// therefore under the ODbL too; the file says so in its "source" entry. It is not an npm dependency:
// fetch the package once and point this script at it:
//
//   cd /tmp && npm pack idn-area-data@4.0.1 && tar xzf idn-area-data-4.0.1.tgz
//   node scripts/import-regions.mjs /tmp/package/data
//
// The output is compact: province code -> name, regency code (4 digits) -> name, and per regency the
// two-digit district codes separated by spaces (names of districts are not needed to check a NIK).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dataDir = process.argv[2] ?? '/tmp/package/data';
const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../seed-data/regions.json');

/** A small CSV reader: a header line, comma-separated fields, double quotes around fields holding commas. */
function readCsv(file) {
  const text = fs.readFileSync(path.join(dataDir, file), 'utf8').replace(/^\uFEFF/, '');
  const rows = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const fields = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        fields.push(cur);
        cur = '';
      } else cur += ch;
    }
    fields.push(cur);
    rows.push(fields);
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

const fail = (message) => {
  console.error(message);
  process.exit(1);
};

const provinces = {};
for (const p of readCsv('provinces.csv')) {
  if (!/^\d{2}$/.test(p.code)) fail(`provinces.csv: unexpected code ${p.code}`);
  provinces[p.code] = p.name;
}
const regencies = {};
for (const r of readCsv('regencies.csv')) {
  if (!/^\d{2}\.\d{2}$/.test(r.code) || !provinces[r.province_code]) fail(`regencies.csv: unexpected row ${JSON.stringify(r)}`);
  regencies[r.code.replace('.', '')] = r.name;
}
const districts = {};
for (const d of readCsv('districts.csv')) {
  const m = /^(\d{2})\.(\d{2})\.(\d{2})$/.exec(d.code);
  if (!m) fail(`districts.csv: unexpected code ${d.code}`);
  const regency = `${m[1]}${m[2]}`;
  if (!regencies[regency]) fail(`districts.csv: ${d.code} belongs to no regency`);
  (districts[regency] ??= []).push(m[3]);
}

const json = {
  source: {
    name: 'idn-area-data 4.0.1 (https://github.com/fityannugroho/idn-area-data), after the Kemendagri region code list',
    licence:
      'Contains information from idn-area-data, which is made available under the Open Database License (ODbL 1.0, https://opendatacommons.org/licenses/odbl/1-0/). This file is a derivative database under the same licence.',
    generatedBy: 'scripts/import-regions.mjs',
  },
  provinces,
  regencies,
  districts: Object.fromEntries(Object.entries(districts).map(([k, v]) => [k, [...new Set(v)].sort().join(' ')])),
};
fs.writeFileSync(out, `${JSON.stringify(json, null, 1)}\n`);
console.log(
  `${out}: ${Object.keys(provinces).length} provinces, ${Object.keys(regencies).length} regencies and cities, ${Object.values(districts).reduce((n, v) => n + v.length, 0)} districts`,
);
