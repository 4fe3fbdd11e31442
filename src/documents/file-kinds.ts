import { fileTypeFromBuffer } from 'file-type';
import type { FileKind } from '../catalogue/catalogue.schema.js';

const KIND_BY_MIME: Record<string, FileKind> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpeg', 'image/png': 'png' };
const EXTENSIONS: Record<FileKind, string[]> = { pdf: ['.pdf'], jpeg: ['.jpg', '.jpeg'], png: ['.png'] };
export const MEDIA_TYPES: Record<FileKind, string> = { pdf: 'application/pdf', jpeg: 'image/jpeg', png: 'image/png' };

export function describeKinds(kinds: readonly FileKind[]): string {
  return kinds.map((k) => k.toUpperCase()).join(', ');
}

/**
 * Decides what a file really is from its first bytes (ASVS v5.0.0-5.2.2) and checks that its name
 * and claimed type agree. Returns the kind, or null when the content is not an accepted kind or
 * the name or claimed type says otherwise (a renamed file).
 */
export async function detectAcceptedKind(input: {
  head: Buffer;
  fileName: string;
  claimedType?: string | undefined;
  accepted: readonly FileKind[];
}): Promise<FileKind | null> {
  const detected = await fileTypeFromBuffer(input.head);
  const kind = detected ? KIND_BY_MIME[detected.mime] : undefined;
  if (!kind || !input.accepted.includes(kind)) return null;
  const ext = input.fileName.toLowerCase().match(/\.[a-z0-9]+$/)?.[0];
  if (!ext || !EXTENSIONS[kind].includes(ext)) return null;
  const claimed = input.claimedType?.toLowerCase().split(';')[0]?.trim();
  if (claimed && claimed !== 'application/octet-stream' && KIND_BY_MIME[claimed] !== kind) return null;
  return kind;
}

/** Keeps a display name safe to show and to put in a header: no paths, no control characters, bounded length. */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? 'file';
  const cleaned = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f"<>|:*?]/g, '_')
    // Bidirectional and invisible format characters: "ktp\u202Efdp.exe.pdf" would show as another name (v5.0.0-5.3.2).
    .replace(/[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, '')
    .trim();
  if (cleaned.length <= 120) return cleaned || 'file';
  const ext = cleaned.match(/\.[A-Za-z0-9]{1,5}$/)?.[0] ?? '';
  return cleaned.slice(0, 120 - ext.length) + ext;
}

/** Text that makes a file something else too, wherever it stands: a page a browser runs, a PHP script or archive stub. */
const ACTIVE_MARKERS = ['<script', '<html', '<!doctype html', '<iframe', '<body', '<svg', '<?php', '__halt_compiler'].map((m) => Buffer.from(m));
const MARKER_OVERLAP = Math.max(...ACTIVE_MARKERS.map((m) => m.length)) - 1;
/** A ZIP's end-of-central-directory record lies in its last 22 + 65535 bytes (the comment's most). */
const ZIP_TAIL = 22 + 65535;

/**
 * Finds what makes an accepted file a polyglot (ASVS v5.0.0-5.2.2, OWASP file upload): HTML or script
 * markup anywhere in it (a PDF that is also a web page), a PHP or PHAR stub, or a ZIP archive appended
 * to it (a JPEG that is also a ZIP or a PHAR). Reads the whole file as a stream; holds at most the last
 * 64 KiB. The markers are 7+ bytes of ASCII and the ZIP record is checked for its structure, so
 * compressed picture or PDF data does not match them by chance. Returns what was found, or null.
 */
export async function findPolyglot(source: AsyncIterable<unknown>): Promise<string | null> {
  let carry = Buffer.alloc(0);
  let tail = Buffer.alloc(0);
  let size = 0;
  for await (const chunk of source) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buf.length;
    const window = Buffer.concat([carry, buf]);
    const lower = Buffer.from(window.toString('latin1').toLowerCase(), 'latin1');
    const marker = ACTIVE_MARKERS.find((m) => lower.includes(m));
    if (marker) return `markup ${marker.toString()}`;
    carry = window.subarray(Math.max(0, window.length - MARKER_OVERLAP));
    tail = Buffer.concat([tail, buf]);
    if (tail.length > 2 * ZIP_TAIL) tail = tail.subarray(tail.length - ZIP_TAIL);
  }
  tail = tail.subarray(Math.max(0, tail.length - ZIP_TAIL));
  for (let at = tail.lastIndexOf('PK\x05\x06'); at >= 0; at = at > 0 ? tail.lastIndexOf('PK\x05\x06', at - 1) : -1) {
    if (at + 22 > tail.length) continue;
    const directorySize = tail.readUInt32LE(at + 12);
    const commentLength = tail.readUInt16LE(at + 20);
    // The record's comment runs to the end of the file, and its central directory ends where the record starts.
    const directoryStart = at - directorySize;
    if (at + 22 + commentLength === tail.length && directoryStart >= 0 && tail.subarray(directoryStart, directoryStart + 4).equals(Buffer.from('PK\x01\x02'))) {
      return `a ZIP archive appended (${size} bytes in all)`;
    }
  }
  return null;
}
