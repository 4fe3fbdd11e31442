import type { Catalogue } from '../web/i18n.js';

/** Page text for this feature, in Bahasa Indonesia (default) and English; merged into web/i18n.ts. */
export const FEES_MESSAGES = {
  'case.fee': { id: 'Retribusi', en: 'Fee' },
  'case.fee.unpaid': { id: '{amount}, belum dibayar', en: '{amount}, not paid yet' },
  'case.fee.paid': { id: '{amount}, dibayar {date} (referensi {reference})', en: '{amount}, paid on {date} (reference {reference})' },
  'case.feecalc.title': { id: 'Perhitungan retribusi PBG (koefisien tahun {year})', en: 'PBG retribution worked out (coefficients for {year})' },
  'case.feecalc.llt': { id: 'Luas lantai (LLt)', en: 'Floor area (LLt)' },
  'case.feecalc.llt.value': { id: '{llt} m²', en: '{llt} m²' },
  'case.feecalc.ilo': { id: 'Indeks lokalitas (Ilo)', en: 'Locality index (Ilo)' },
  'case.feecalc.shst': { id: 'Harga satuan bangunan gedung tertinggi (SHST)', en: 'Highest unit building price (SHST)' },
  'case.feecalc.shst.value': { id: '{amount} per m²', en: '{amount} per m²' },
  'case.feecalc.it': { id: 'Indeks terintegrasi (It)', en: 'Integrated index (It)' },
  'case.feecalc.it.value': {
    id: '{it} = If {if} × (0,3 × kompleksitas {complexity} + 0,2 × permanensi {permanence} + 0,5 × ketinggian {height}) × Fm {fm}, dibulatkan ke 3 desimal',
    en: '{it} = If {if} × (0.3 × complexity {complexity} + 0.2 × permanence {permanence} + 0.5 × height {height}) × Fm {fm}, rounded to 3 decimals',
  },
  'case.feecalc.ibg': { id: 'Indeks bangunan gedung (Ibg)', en: 'Building index (Ibg)' },
  'case.feecalc.formula': { id: 'Rumus', en: 'Formula' },
  'case.feecalc.formula.value': {
    id: 'LLt × (Ilo × SHST) × It × Ibg = {llt} × ({ilo} × {shst}) × {it} × {ibg} = {amount} (dibulatkan ke rupiah penuh)',
    en: 'LLt × (Ilo × SHST) × It × Ibg = {llt} × ({ilo} × {shst}) × {it} × {ibg} = {amount} (rounded to whole rupiah)',
  },
  'case.feecalc.amount': { id: 'Retribusi hasil perhitungan', en: 'Retribution worked out' },
  'case.feecalc.prefilled': {
    id: 'Jumlah ini sudah diisikan di kolom retribusi. Anda tetap dapat mengubahnya; bila berbeda, jumlah hasil perhitungan ikut dicatat di riwayat berkas.',
    en: 'This amount is filled in below. You can still change it; if you do, the worked-out amount is recorded in the file’s history too.',
  },
  'case.feecalc.note': { id: 'Catatan tentang koefisien: {note}', en: 'Note on the coefficients: {note}' },
  'case.feecalc.unavailable': { id: 'Retribusi belum dapat dihitung otomatis. {reason}', en: 'The fee cannot be worked out automatically. {reason}' },
} as const satisfies Catalogue;
