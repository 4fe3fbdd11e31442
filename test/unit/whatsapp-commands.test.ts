import { describe, expect, it } from 'vitest';
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
