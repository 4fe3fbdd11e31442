import type { PermitTypeDefinition } from '../catalogue/catalogue.schema.js';
import { fillTemplate, type Lang } from '../shared/messages.js';
import { t } from '../web/i18n.js';

/**
 * The canned answers an officer can start a reply from, drawn from the permit guide of the permit the
 * request names (its requirements, fee and service standard), in the reply's language. Message text for
 * a citizen, not page text, so not merged into web/i18n.ts.
 */
const CANNED = {
  requirements: {
    label: { id: 'Persyaratan', en: 'Requirements' },
    text: {
      id: 'Persyaratan {permit}:\n{list}\nSemua dokumen diunggah sebagai PDF atau foto di portal, atau dibawa ke loket.',
      en: 'What you need for {permit}:\n{list}\nUpload every document as a PDF or photo on the portal, or bring it to the counter.',
    },
  },
  fee: {
    label: { id: 'Biaya', en: 'Fee' },
    text: {
      id: 'Biaya {permit}: {fee}',
      en: 'Fee for {permit}: {fee}',
    },
  },
  sla: {
    label: { id: 'Waktu layanan', en: 'Service standard' },
    text: {
      id: '{permit} diselesaikan paling lama {days} sejak berkas lengkap diterima (tidak termasuk waktu berkas dikembalikan kepada Anda untuk perbaikan).',
      en: '{permit} is decided within {days} of a complete file (not counting the time the file is back with you for corrections).',
    },
  },
} as const;

const FEE = {
  free: { id: 'gratis. Kantor tidak pernah meminta uang di luar tagihan resmi.', en: 'free. The office never asks for money outside an official bill.' },
  pbg_retribution: {
    id: 'retribusi PBG dihitung dari luas, fungsi, kompleksitas, ketinggian dan kepemilikan bangunan (PP 16/2021); tagihan resmi dikirim setelah kajian teknis.',
    en: 'the PBG fee is calculated from floor area, function, complexity, height and ownership (PP 16/2021); the official bill is sent after the technical review.',
  },
  fixed: {
    id: 'dikenakan biaya tetap sesuai tarif kantor; tagihan resmi dikirim dengan kode bayar.',
    en: 'a fixed fee set by the office; the official bill comes with a payment code.',
  },
  per_unit: {
    id: 'dikenakan biaya per satuan sesuai tarif kantor; tagihan resmi dikirim dengan kode bayar.',
    en: 'a fee per unit set by the office; the official bill comes with a payment code.',
  },
  table: {
    id: 'dikenakan biaya sesuai tabel tarif kantor; tagihan resmi dikirim dengan kode bayar.',
    en: 'a fee from the office’s tariff table; the official bill comes with a payment code.',
  },
} as const;

export type CannedKey = keyof typeof CANNED;
export const CANNED_KEYS = Object.keys(CANNED) as CannedKey[];

export function cannedAnswers(definition: PermitTypeDefinition, lang: Lang): { key: CannedKey; label: string; text: string }[] {
  const permit = definition.name[lang];
  const list = definition.requirements.map((r) => `• ${r.name[lang]}${r.required ? '' : lang === 'id' ? ' (bila ada)' : ' (if any)'}`).join('\n');
  const params: Record<CannedKey, Record<string, string | number>> = {
    requirements: { permit, list },
    fee: { permit, fee: FEE[definition.feeRule.kind][lang] },
    sla: { permit, days: t(lang, 'catalogue.days', { n: definition.slaWorkingDays }) },
  };
  return CANNED_KEYS.map((key) => ({ key, label: CANNED[key].label[lang], text: fillTemplate(CANNED[key].text[lang], params[key]) }));
}

/** The thread entry the office sees for a claim link sent (the link itself is only in the citizen's message). */
export function claimLinkNote(permit: string, days: number, byHand: boolean): string {
  return byHand
    ? `Draf permohonan ${permit} disiapkan; tautan klaim (berlaku ${days} hari) diberikan petugas secara manual.`
    : `Draf permohonan ${permit} disiapkan; tautan klaim (berlaku ${days} hari) dikirim kepada warga.`;
}
