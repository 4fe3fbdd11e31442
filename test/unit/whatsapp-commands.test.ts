import { describe, expect, it } from 'vitest';
import { mayLearnAbout } from '../../src/whatsapp/whatsapp.access.js';
import { parseCommand } from '../../src/whatsapp/whatsapp.commands.js';

const N = 'MLG-PBG-2026-000123';

describe('WhatsApp commands', () => {
  it.each([
    [`STATUS ${N}`, 'status', 'id'],
    [`status  ${N.toLowerCase()}`, 'status', 'id'],
    [`Cek ${N.toLowerCase()}`, 'status', 'id'],
    [`STATUS: ${N}`, 'status', 'id'],
    [`  cek:${N}.  `, 'status', 'id'],
    [`CEK nomor ${N}`, 'status', 'id'],
    [`cek permohonan no. ${N}`, 'status', 'id'],
    [`Kuitansi ${N}`, 'receipt', 'id'],
    [`RECEIPT ${N}`, 'receipt', 'en'],
    [`izin ${N}`, 'permit', 'id'],
    [`Permit: ${N}`, 'permit', 'en'],
    [`STATUS\n${N}`, 'status', 'id'],
  ])('reads %j as %s in %s', (text, kind, lang) => {
    expect(parseCommand(text)).toEqual({ kind, lang, number: N, trackingCode: null });
  });

  it('forgives spaces around the dashes and the dashes phones substitute', () => {
    expect(parseCommand('cek mlg - pbg - 2026 - 000123')).toMatchObject({ kind: 'status', number: N });
    expect(parseCommand('CEK MLG\u2013PBG\u20132026\u2013000123')).toMatchObject({ kind: 'status', number: N });
  });

  it('takes the tracking code after the number, with or without the word "kode"', () => {
    expect(parseCommand(`CEK ${N} 7kq2m9xd`)).toEqual({ kind: 'status', lang: 'id', number: N, trackingCode: '7KQ2M9XD' });
    expect(parseCommand(`cek ${N} kode 7KQ2M9XD`)).toMatchObject({ number: N, trackingCode: '7KQ2M9XD' });
    expect(parseCommand(`STATUS ${N}, code: 7KQ2M9XD`)).toMatchObject({ number: N, trackingCode: '7KQ2M9XD' });
    expect(parseCommand(`izin ${N} 7KQ2M9XD`)).toMatchObject({ kind: 'permit', trackingCode: '7KQ2M9XD' });
  });

  it('knows a command word without a number (to explain how to write it)', () => {
    expect(parseCommand('STATUS')).toEqual({ kind: 'status', lang: 'id', number: null, trackingCode: null });
    expect(parseCommand('receipt?')).toEqual({ kind: 'receipt', lang: 'en', number: null, trackingCode: null });
  });

  it.each([
    ['BANTUAN', 'id'],
    ['bantuan', 'id'],
    [' Help! ', 'en'],
    ['menu', 'id'],
  ])('reads %j as the menu in %s', (text, lang) => {
    expect(parseCommand(text)).toEqual({ kind: 'help', lang });
  });

  it.each([
    'Selamat siang, berkas saya kapan selesai?',
    'Izin, mau tanya syarat PBG apa saja?',
    'izin bertanya',
    'Help me with my permit please',
    'Statusnya bagaimana?',
    `STATUSKU ${N}`,
    `Status permohonan saya bagaimana ya`,
    `CEK ${N} ada yang salah?`,
    'CEK 12345',
    '',
    '   ',
    '👍',
  ])('keeps %j for the help desk', (text) => {
    expect(parseCommand(text)).toEqual({ kind: 'other' });
  });
});

describe('who may learn about a file over WhatsApp', () => {
  const phone = '+6281234500001';
  const app = { applicant_id: 'u1', tracking_code: '7KQ2M9XD' };
  const account = { id: 'u1', phone, phone_verified_at: '2026-11-20T03:00:00.000Z', disabled_at: null };

  it.each([
    ['the applicant from their verified number', app, { phone, account }, null, true],
    ['the applicant before their number was verified', app, { phone, account: { ...account, phone_verified_at: null } }, null, false],
    [
      'the applicant whose email, not their number, was verified',
      app,
      { phone, account: { ...account, phone_verified_at: null, email_verified_at: '2026-11-20T03:00:00.000Z' } },
      null,
      false,
    ],
    ['a disabled account', app, { phone, account: { ...account, disabled_at: '2026-11-21T00:00:00.000Z' } }, null, false],
    ["another account's verified number", app, { phone, account: { ...account, id: 'u2' } }, null, false],
    ['a number with no account', app, { phone, account: undefined }, null, false],
    ['a number with no account, with the tracking code', app, { phone, account: undefined }, '7kq2m9xd', true],
    ['a number with no account, with a wrong code', app, { phone, account: undefined }, '7KQ2M9XE', false],
    ['a number with no account, with a longer code', app, { phone, account: undefined }, '7KQ2M9XDX', false],
    ['a counter file nobody claimed, with its code', { applicant_id: null, tracking_code: '7KQ2M9XD' }, { phone, account: undefined }, '7KQ2M9XD', true],
    ['a counter file nobody claimed, without a code', { applicant_id: null, tracking_code: '7KQ2M9XD' }, { phone, account }, null, false],
  ] as const)('%s', (_who, file, sender, code, expected) => {
    expect(mayLearnAbout(file, sender, code)).toBe(expected);
  });
});
