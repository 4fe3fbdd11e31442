/**
 * RFC 6266 / RFC 8187: an ASCII fallback plus the exact UTF-8 name. `inline` opens in the tab,
 * `attachment` downloads. The name is a display name only (files are stored by content hash).
 */
export function contentDisposition(kind: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  // RFC 8187 attr-chars: encodeURIComponent leaves ' ( ) * bare, which the grammar does not allow.
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
