import type { Lang } from '../shared/messages.js';

/** WIB, WITA, WIT: what Indonesians call their three zones; other zones keep Intl's short name. */
const ZONE_NAMES: Record<string, string> = { 'Asia/Jakarta': 'WIB', 'Asia/Pontianak': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' };

/** "Senin, 23 November 2026 pukul 08.00 WIB" / "Monday, 23 November 2026 at 08:00 WIB": an instant in the office's zone. */
export function formatWhen(iso: string, timeZone: string, lang: Lang): string {
  const d = new Date(iso);
  const locale = lang === 'id' ? 'id-ID' : 'en-GB';
  const date = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(d);
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
  const zone =
    ZONE_NAMES[timeZone] ??
    new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ??
    timeZone;
  return lang === 'id' ? `${date} pukul ${time} ${zone}` : `${date} at ${time} ${zone}`;
}

/** "08.00" / "08:00": the time of day of an instant in the office's zone. */
export function formatTime(iso: string, timeZone: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

/** "Senin, 23 November 2026": a local date (YYYY-MM-DD). */
export function formatDay(ymd: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(`${ymd}T00:00:00Z`));
}

/** The booking pass's address, for the pass link in messages and the pass page. */
export function passPath(number: string, code: string): string {
  return `/janji-temu/tiket?nomor=${encodeURIComponent(number)}&kode=${encodeURIComponent(code)}`;
}

/** The address the QR code on the pass holds (the contract with the queue: its check-in page). */
export function checkInUrl(base: string, number: string, code: string): string {
  return `${base}/antrian/lapor?nomor=${encodeURIComponent(number)}&kode=${encodeURIComponent(code)}`;
}
