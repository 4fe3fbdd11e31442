import type { Lang } from '../shared/messages.js';

/**
 * What a citizen's WhatsApp text asks for. Pure: no I/O, so the whole grammar is unit-tested
 * (test/unit/whatsapp-commands.test.ts).
 *
 * - `STATUS <number>` / `CEK <number>`: where the file is; `KUITANSI`/`RECEIPT <number>`: its receipts;
 *   `IZIN`/`PERMIT <number>`: its permit's verification link. Each may carry the tracking code after the
 *   number (`CEK MLG-PBG-2026-000123 7KQ2M9XD`), which opens the file to a number that is not the
 *   applicant's verified one.
 * - `BANTUAN`/`HELP`/`MENU`: the menu.
 * - Anything else is a question for the help desk.
 *
 * Case, spacing and light punctuation are forgiven ("status  mlg-…", "Cek: mlg - pbg - 2026 - 1",
 * "STATUS: …"). A command word followed by words that are not an application number is not a command:
 * "Izin, mau tanya …" (a polite Indonesian opener) is a question, not a permit request.
 */
export type FileCommandKind = 'status' | 'receipt' | 'permit';
export type Command =
  { kind: FileCommandKind; lang: Lang; number: string | null; trackingCode: string | null } | { kind: 'help'; lang: Lang } | { kind: 'other' };
export type CommandKind = Command['kind'];

/**
 * The reply language follows the word the citizen chose: the Indonesian words answer in Indonesian,
 * HELP, RECEIPT and PERMIT in English. STATUS is both languages' word; Indonesian, the office's
 * language, answers it.
 */
const WORDS: Record<string, { kind: FileCommandKind | 'help'; lang: Lang }> = {
  STATUS: { kind: 'status', lang: 'id' },
  CEK: { kind: 'status', lang: 'id' },
  KUITANSI: { kind: 'receipt', lang: 'id' },
  RECEIPT: { kind: 'receipt', lang: 'en' },
  IZIN: { kind: 'permit', lang: 'id' },
  PERMIT: { kind: 'permit', lang: 'en' },
  BANTUAN: { kind: 'help', lang: 'id' },
  MENU: { kind: 'help', lang: 'id' },
  HELP: { kind: 'help', lang: 'en' },
};

/** An application number as Izol gives them: MLG-PBG-2026-000123 (office, type, year, sequence). */
const NUMBER = /^[A-Z0-9]{2,12}(?:-[A-Z0-9]{1,12}){2,4}$/;
/** A tracking code: the readable alphabet's letters and digits (8 today; a little slack for typos to be refused later). */
const TRACKING_CODE = /^[A-Z0-9]{4,20}$/;
/** Words people put before the number or between it and the code ("nomor", "kode", "lacak"), skipped. */
const FILLERS = new Set(['NO', 'NOMOR', 'NUMBER', 'PERMOHONAN', 'APPLICATION', 'KODE', 'CODE', 'LACAK', 'TRACKING', 'TRACK', 'DAN', 'AND']);

/** Parses one text message. Never throws; an empty or unreadable text is `other`. */
export function parseCommand(text: string): Command {
  const normal = text
    .normalize('NFKC')
    .toUpperCase()
    // Dashes people type or phones substitute (en dash, minus sign) are the number's dash.
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    // Spacing around a dash is forgiven inside a number: "MLG - PBG - 2026 - 000123".
    .replace(/\s*-\s*/g, '-')
    .trim();
  const head = /^([A-Z]+)(.*)$/s.exec(normal);
  const word = head?.[1] ? WORDS[head[1]] : undefined;
  if (!head || !word) return { kind: 'other' };
  const rest = head[2] ?? '';
  // The word must end there ("STATUSKU" is not "STATUS"), followed by nothing, spaces or punctuation.
  if (rest !== '' && !/^[\s:.,;#*!?()[\]-]/.test(rest)) return { kind: 'other' };
  const tokens = rest
    .split(/[\s:,;#*!?()[\]]+/)
    .map((t) => t.replace(/^[.-]+|[.-]+$/g, ''))
    .filter((t) => t !== '');
  if (word.kind === 'help') return tokens.length === 0 ? { kind: 'help', lang: word.lang } : { kind: 'other' };
  if (tokens.length === 0) return { kind: word.kind, lang: word.lang, number: null, trackingCode: null };
  const at = tokens.findIndex((t) => !FILLERS.has(t));
  const first = tokens[at];
  if (at < 0 || !first || !NUMBER.test(first)) return { kind: 'other' };
  const code = tokens.slice(at + 1).find((t) => !FILLERS.has(t));
  if (code !== undefined && !TRACKING_CODE.test(code)) return { kind: 'other' };
  return { kind: word.kind, lang: word.lang, number: first, trackingCode: code ?? null };
}
