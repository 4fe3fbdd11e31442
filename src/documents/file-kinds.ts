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
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '_').trim();
  if (cleaned.length <= 120) return cleaned || 'file';
  const ext = cleaned.match(/\.[A-Za-z0-9]{1,5}$/)?.[0] ?? '';
  return cleaned.slice(0, 120 - ext.length) + ext;
}
