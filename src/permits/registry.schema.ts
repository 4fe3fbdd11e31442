import { z } from 'zod';

/**
 * One row of the open-data export of issued permits. Field names follow the Building and Land
 * Development Specification (BLDS, permitdata.org) where one fits; HolderName, BusinessName and
 * VerificationCode are Izol's own. Only what the permit itself publicly shows: never a NIK, phone
 * number or email address. docs/registry.md explains each field; /api/v1/registry/schema.json
 * publishes this schema as JSON Schema.
 */
export const registryRecordSchema = z
  .strictObject({
    PermitNum: z.string().describe('Permit number, unique within the office: TYPE/SEQUENCE/OFFICE/YEAR'),
    Description: z.string().describe('The permit title and its printed subject (address, size, place, …)'),
    AppliedDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .nullable()
      .describe('Date the application was filed (YYYY-MM-DD, office time zone)'),
    IssuedDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .describe('Date the permit was signed and issued (YYYY-MM-DD)'),
    ExpiresDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .nullable()
      .describe('Last day of validity; null when the permit does not expire'),
    StatusCurrent: z.enum(['valid', 'expired', 'revoked', 'superseded']).describe('Status today'),
    StatusCurrentMapped: z
      .enum(['Permit Issued', 'Permit Cancelled'])
      .describe('BLDS mapping: valid is Permit Issued; expired, revoked and superseded are Permit Cancelled'),
    StatusDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .describe('Date the current status began'),
    OriginalAddress1: z.string().nullable().describe('The address printed on the permit (building, billboard, practice place, venue), if any'),
    Jurisdiction: z.string().describe('The issuing office'),
    PermitType: z.string().describe('Permit type code (e.g. PBG, REKLAME, SIPDOK)'),
    PermitTypeDesc: z.string().describe('Permit type name in Indonesian'),
    HolderName: z.string().describe('Name of the permit holder as printed on the permit'),
    BusinessName: z.string().nullable().describe('Business, institution, practice place or event named on the permit, if any'),
    VerificationCode: z.string().describe('The code printed under the QR code'),
    Link: z.string().describe('Public verification page of the permit'),
  })
  .meta({ id: 'RegistryRecord' });
export type RegistryRecord = z.infer<typeof registryRecordSchema>;

/** The column order of the CSV export: the schema's field order. */
export const REGISTRY_COLUMNS = Object.keys(registryRecordSchema.shape) as (keyof RegistryRecord)[];

export const registryStatusSchema = z.enum(['valid', 'expired', 'revoked', 'superseded']);
export type PublicPermitStatus = z.infer<typeof registryStatusSchema>;

/** A registry search: all optional; dates are issue dates (YYYY-MM-DD) in the office's time zone. */
export type RegistryFilters = {
  q?: string | undefined;
  type?: string | undefined;
  status?: PublicPermitStatus | undefined;
  from?: string | undefined;
  to?: string | undefined;
};

/**
 * RFC 4180 CSV: every field quoted, quotes doubled, CRLF line ends; null is an empty field. A value
 * a spreadsheet would run as a formula (starting with = + - @ or a control character) gets a leading
 * apostrophe, as OWASP advises against CSV injection; the JSON export carries the value unchanged.
 */
export function toCsv(records: readonly RegistryRecord[]): string {
  return `${CSV_HEADER}${records.map(csvLine).join('')}`;
}

/** The CSV's first line (the column names), with its CRLF. */
export const CSV_HEADER = `${REGISTRY_COLUMNS.join(',')}\r\n`;

/** One record as one CSV line with its CRLF (toCsv's rules), so the export can be written row by row. */
export function csvLine(record: RegistryRecord): string {
  const cell = (v: string | null) => (v === null ? '' : `"${(/^[=+\-@\t\r]/.test(v) ? `'${v}` : v).replace(/"/g, '""')}"`);
  return `${REGISTRY_COLUMNS.map((c) => cell(record[c])).join(',')}\r\n`;
}

/** The record schema as one self-contained JSON Schema (2020-12) document, as published. */
export function registryJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(registryRecordSchema) as { $defs?: Record<string, Record<string, unknown>> };
  const record = generated.$defs?.RegistryRecord ?? generated;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Izol permit registry record',
    description: 'One issued permit in the open-data export (CSV columns in this order). BLDS field names where they fit; no NIK, phone or email.',
    ...record,
  };
}
