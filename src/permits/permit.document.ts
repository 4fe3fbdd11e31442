import { z } from 'zod';
import type { Answers } from '../catalogue/answers.js';
import type { CertificateTemplate, FieldDefinition, PermitTypeDefinition } from '../catalogue/catalogue.schema.js';
import type { LocalisedText } from '../workflow/workflow.schema.js';

const textSchema = z.object({ id: z.string(), en: z.string() });

/**
 * The permit as data: what is signed, shown on the verification page and printed on the PDF.
 * Everything here is public (it is what the permit itself shows); the holder's masked NIK is printed
 * on the PDF only, so it is covered by the signature through the PDF's hash and never published.
 * Stored rows are read back through this schema (permits.repository.ts), never by a cast.
 */
export const permitDocumentSchema = z.object({
  v: z.literal(1),
  kind: z.literal('permit'),
  office: z.object({ code: z.string(), name: z.string() }),
  id: z.string(),
  number: z.string(),
  verificationCode: z.string(),
  applicationNumber: z.string(),
  permitType: z.object({ code: z.string(), title: textSchema }),
  holder: z.object({ name: z.string() }),
  businessName: z.string().nullable(),
  subject: z.array(z.object({ field: z.string(), label: textSchema, value: textSchema })),
  conditions: z.array(textSchema),
  validFrom: z.string(),
  validUntil: z.string().nullable(),
  issuedAt: z.string(),
  signer: z.object({ name: z.string(), position: z.string() }),
  supersedes: z.object({ number: z.string() }).nullable(),
  pdf: z.object({ sha256: z.string(), size: z.number() }),
});
export type PermitDocument = z.infer<typeof permitDocumentSchema>;

/** The signed proof that a file was received, or that its fee was paid. */
export const receiptDocumentSchema = z.object({
  v: z.literal(1),
  kind: z.literal('receipt'),
  receiptKind: z.enum(['filing', 'payment']),
  office: z.object({ code: z.string(), name: z.string() }),
  verificationCode: z.string(),
  applicationNumber: z.string(),
  permitType: z.object({ code: z.string(), name: textSchema }),
  applicantName: z.string(),
  at: z.string(),
  payment: z.object({ amount: z.number(), reference: z.string() }).nullable(),
});
export type ReceiptDocument = z.infer<typeof receiptDocumentSchema>;

/** The certificate template of a type; a type without one prints its name and nothing else. */
export function certificateOf(definition: PermitTypeDefinition): CertificateTemplate {
  return definition.certificate ?? { title: definition.name, subjectFields: [], conditions: [], publicRegistry: true };
}

const MONTHS = {
  id: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

/** 2026-11-28 → { id: "28 November 2026", en: "28 November 2026" }. */
export function dateText(ymd: string): LocalisedText {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  return { id: `${d} ${MONTHS.id[m - 1]} ${y}`, en: `${d} ${MONTHS.en[m - 1]} ${y}` };
}

/** An answer as the permit prints it, in both languages. */
export function answerText(f: FieldDefinition, value: Answers[string]): LocalisedText {
  switch (f.type) {
    case 'select':
      return f.options.find((o) => o.value === value)?.label ?? { id: String(value), en: String(value) };
    case 'yes_no':
      return value ? { id: 'Ya', en: 'Yes' } : { id: 'Tidak', en: 'No' };
    case 'area_m2':
      return { id: `${String(value).replace('.', ',')} m²`, en: `${String(value)} m²` };
    case 'number':
      return { id: String(value).replace('.', ','), en: String(value) };
    case 'date':
      return dateText(String(value));
    default:
      return { id: String(value), en: String(value) };
  }
}

/** The subject rows of a permit: the template's fields that were answered, in its order. */
export function subjectOf(definition: PermitTypeDefinition, answers: Answers): PermitDocument['subject'] {
  const fields = new Map(definition.fields.map((f) => [f.name, f]));
  const rows: PermitDocument['subject'] = [];
  for (const name of certificateOf(definition).subjectFields) {
    const f = fields.get(name);
    const value = answers[name];
    if (!f || value === undefined || value === '' || value === null) continue;
    rows.push({ field: name, label: f.label, value: answerText(f, value) });
  }
  return rows;
}

export function businessNameOf(definition: PermitTypeDefinition, answers: Answers): string | null {
  const name = certificateOf(definition).businessNameField;
  const value = name ? answers[name] : undefined;
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/** The first address among the printed answers: the registry's OriginalAddress1. */
export function addressOf(definition: PermitTypeDefinition, doc: Pick<PermitDocument, 'subject'>): string | null {
  const addressFields = new Set(definition.fields.filter((f) => f.type === 'address').map((f) => f.name));
  return doc.subject.find((s) => addressFields.has(s.field))?.value.id ?? null;
}

/** The last day of a validity that starts on `fromYmd` and lasts `months`: 2026-11-28 + 12 → 2027-11-27. */
export function validUntil(fromYmd: string, validity: { years: number; months: number } | null): string | null {
  if (!validity) return null;
  const [y, m, d] = fromYmd.split('-').map(Number) as [number, number, number];
  const total = m - 1 + validity.years * 12 + validity.months;
  const year = y + Math.floor(total / 12);
  const month = total % 12;
  // Clamp to the month's end (31 January + 1 month is 28 or 29 February), then step back one day.
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const end = new Date(Date.UTC(year, month, Math.min(d, lastDay)) - 86_400_000);
  return end.toISOString().slice(0, 10);
}

/** Codes are shown in two groups of five (K7Q2M-9XD3F); people may type them with spaces or dashes. */
export function formatVerificationCode(code: string): string {
  return code.length === 10 ? `${code.slice(0, 5)}-${code.slice(5)}` : code;
}

/** Reads a typed code: upper case, no spaces or dashes, and the letters people confuse with digits. */
export function normaliseVerificationCode(raw: string): string {
  return raw.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0').replace(/U/g, 'V');
}
