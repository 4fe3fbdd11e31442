import { describe, expect, it } from 'vitest';
import { answerText, dateText, formatVerificationCode, normaliseVerificationCode, validUntil } from '../../src/permits/permit.document.js';
import { verificationUrl } from '../../src/permits/permits.issuer.js';
import { permitStatus } from '../../src/permits/permits.service.js';
import { REGISTRY_COLUMNS, toCsv, type RegistryRecord } from '../../src/permits/registry.schema.js';

describe('validity', () => {
  it('ends the day before the same date a term later', () => {
    expect(validUntil('2026-11-28', { years: 1, months: 0 })).toBe('2027-11-27');
    expect(validUntil('2026-11-28', { years: 5, months: 0 })).toBe('2031-11-27');
    expect(validUntil('2026-11-28', { years: 0, months: 6 })).toBe('2027-05-27');
    expect(validUntil('2026-12-15', { years: 0, months: 1 })).toBe('2027-01-14');
  });
  it('clamps to the end of a shorter month', () => {
    expect(validUntil('2027-01-31', { years: 0, months: 1 })).toBe('2027-02-27'); // 28 February, less a day
    expect(validUntil('2028-01-31', { years: 0, months: 1 })).toBe('2028-02-28'); // leap year: 29 February, less a day
    expect(validUntil('2028-02-29', { years: 1, months: 0 })).toBe('2029-02-27');
  });
  it('follows an event’s own dates, capped by the type’s term', async () => {
    const { catalogueFileSchema } = await import('../../src/catalogue/catalogue.schema.js');
    const fs = await import('node:fs');
    const file = catalogueFileSchema.parse({
      workflows: JSON.parse(fs.readFileSync('seed-data/workflows.json', 'utf8')) as unknown,
      permitTypes: JSON.parse(fs.readFileSync('seed-data/permit-types.json', 'utf8')) as unknown,
    });
    const event = file.permitTypes.find((t) => t.code === 'KERAMAIAN')!;
    expect(event.certificate!.validityFields).toEqual({ from: 'startDate', until: 'endDate' });
    // A template naming a field that is not a date is refused when the catalogue loads.
    const broken = { ...event, certificate: { ...event.certificate!, validityFields: { from: 'eventName', until: 'endDate' } } };
    expect(catalogueFileSchema.safeParse({ workflows: file.workflows, permitTypes: [broken] }).success).toBe(false);
    // A signer who could not take the workflow's signing action is refused too.
    const unsignable = catalogueFileSchema.safeParse({ workflows: file.workflows, permitTypes: [{ ...event, signerRole: 'verifier' }] });
    expect(unsignable.success).toBe(false);
    expect(JSON.stringify(unsignable.error?.issues)).toContain('cannot take the action that issues the permit');
  });
  it('is open-ended without a term', () => {
    expect(validUntil('2026-11-28', null)).toBeNull();
  });
  it('reads "expired" from the dates and never from storage', () => {
    expect(permitStatus({ status: 'valid', valid_until: '2027-11-27' }, '2027-11-27')).toBe('valid');
    expect(permitStatus({ status: 'valid', valid_until: '2027-11-27' }, '2027-11-28')).toBe('expired');
    expect(permitStatus({ status: 'valid', valid_until: null }, '2099-01-01')).toBe('valid');
    expect(permitStatus({ status: 'revoked', valid_until: '2020-01-01' }, '2027-01-01')).toBe('revoked');
  });
});

describe('verification codes', () => {
  it('are shown in two groups of five and read back however they are typed', () => {
    expect(formatVerificationCode('K7Q2M9XD3F')).toBe('K7Q2M-9XD3F');
    expect(normaliseVerificationCode(' k7q2m - 9xd3f ')).toBe('K7Q2M9XD3F');
    // Letters that look like digits are read as the digits (the alphabet has no I, L, O or U).
    expect(normaliseVerificationCode('IL0O-u')).toBe('1100V');
  });
  it('open a page on the issuing office’s own host', () => {
    const address = { baseUrl: 'https://izin.malangkota.go.id', defaultTenant: 'MLG' };
    expect(verificationUrl(address, { code: 'MLG', hostnames: '["localhost"]' }, 'K7Q2M9XD3F')).toBe('https://izin.malangkota.go.id/v/K7Q2M9XD3F');
    expect(verificationUrl(address, { code: 'BTU', hostnames: '["izin.batukota.go.id","batu.izol.test"]' }, 'K7Q2M9XD3F')).toBe(
      'https://izin.batukota.go.id/v/K7Q2M9XD3F',
    );
    expect(verificationUrl({ baseUrl: 'http://localhost:3000', defaultTenant: 'MLG' }, { code: 'BTU', hostnames: '["batu.localhost"]' }, 'X')).toBe(
      'http://batu.localhost:3000/v/X',
    );
  });
});

describe('printed answers', () => {
  it('write numbers, areas and dates the Indonesian way, and in English', () => {
    expect(answerText({ type: 'number', name: 'widthM', label: { id: 'Lebar', en: 'Width' }, required: true, integer: false }, 2.5)).toEqual({
      id: '2,5',
      en: '2.5',
    });
    expect(answerText({ type: 'area_m2', name: 'floorArea', label: { id: 'Luas', en: 'Area' }, required: true, min: 1, max: 10 }, 120.5)).toEqual({
      id: '120,5 m²',
      en: '120.5 m²',
    });
    expect(answerText({ type: 'yes_no', name: 'isRenewal', label: { id: 'P', en: 'R' }, required: true }, true)).toEqual({ id: 'Ya', en: 'Yes' });
    expect(dateText('2027-06-01')).toEqual({ id: '1 Juni 2027', en: '1 June 2027' });
  });
});

describe('registry CSV', () => {
  const record: RegistryRecord = {
    PermitNum: 'REKLAME/00001/MLG/2026',
    Description: 'Izin "reklame"; Jl. Ijen',
    AppliedDate: '2026-11-01',
    IssuedDate: '2026-11-20',
    ExpiresDate: null,
    StatusCurrent: 'valid',
    StatusCurrentMapped: 'Permit Issued',
    StatusDate: '2026-11-20',
    OriginalAddress1: 'Jl. Ijen, Malang',
    Jurisdiction: 'DPMPTSP Kota Malang',
    PermitType: 'REKLAME',
    PermitTypeDesc: 'Izin Penyelenggaraan Reklame',
    HolderName: '=HYPERLINK("http://x")',
    BusinessName: null,
    VerificationCode: 'K7Q2M9XD3F',
    Link: 'https://x/v/K7Q2M9XD3F',
  };
  it('quotes every field, doubles quotes, leaves nulls empty and defuses formulas', () => {
    const [header, row] = toCsv([record]).split('\r\n');
    expect(header).toBe(REGISTRY_COLUMNS.join(','));
    expect(row).toContain('"Izin ""reklame""; Jl. Ijen"');
    expect(row).toContain('"Jl. Ijen, Malang","DPMPTSP Kota Malang"');
    expect(row).toContain(',,"K7Q2M9XD3F"'); // BusinessName is null
    expect(row).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(row).toContain('"2026-11-20",,"valid"');
  });
});
