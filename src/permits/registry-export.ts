import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';

/**
 * What the registry export keeps in memory between requests (docs/registry.md), each part bounded
 * whatever the number of permits or of filters asked for:
 *
 * - `VerifiedDocuments`: which signed permit documents have already verified, by a digest of exactly
 *   what was checked (office, key id, signature, document text). A key never changes under its id,
 *   so what verified once verifies again; a document edited in the database has another digest and
 *   is checked (and refused) afresh. An export then checks only the permits issued, corrected or
 *   renewed since the last one.
 * - `ExportCopies`: gzip-compressed copies of whole exports per office, for the current version of
 *   the office's registry only, least recently used dropped first, within a byte cap per office.
 */

/** Digests kept per office (16 bytes each, about 80 bytes with the set's own cost): 250,000 is ~20 MB. */
export const MAX_VERIFIED_PER_OFFICE = 250_000;

export class VerifiedDocuments {
  private readonly offices = new Map<string, Set<string>>();

  static digest(p: { tenant_id: string; key_id: string; signature: string; document: string }): string {
    return createHash('sha256').update(`${p.tenant_id}\n${p.key_id}\n${p.signature}\n`).update(p.document).digest().subarray(0, 16).toString('latin1');
  }

  has(tenantId: string, digest: string): boolean {
    return this.offices.get(tenantId)?.has(digest) ?? false;
  }

  add(tenantId: string, digest: string): void {
    let set = this.offices.get(tenantId);
    if (!set) this.offices.set(tenantId, (set = new Set()));
    // Past the cap the office starts again (its next export checks every row once more).
    if (set.size >= MAX_VERIFIED_PER_OFFICE) set.clear();
    set.add(digest);
  }
}

/** Copies kept per office at most, whatever their size (the byte cap applies as well). */
export const MAX_COPIES_PER_OFFICE = 16;

type OfficeCopies = { version: string; bytes: number; copies: Map<string, { etag: string; gzip: Buffer }> };

export class ExportCopies {
  private readonly offices = new Map<string, OfficeCopies>();

  /** `maxBytesPerOffice`: the compressed bytes one office's copies may take together (0: keep none). */
  constructor(readonly maxBytesPerOffice: number) {}

  /** The office's copies for this version: copies of an older version are dropped on the way. */
  private office(tenantId: string, version: string): OfficeCopies {
    let office = this.offices.get(tenantId);
    if (!office || office.version !== version) this.offices.set(tenantId, (office = { version, bytes: 0, copies: new Map() }));
    return office;
  }

  get(tenantId: string, version: string, key: string): { etag: string; gzip: Buffer } | undefined {
    const { copies } = this.office(tenantId, version);
    const copy = copies.get(key);
    if (copy) {
      copies.delete(key);
      copies.set(key, copy); // most recently used last
    }
    return copy;
  }

  put(tenantId: string, version: string, key: string, copy: { etag: string; gzip: Buffer }): void {
    const current = this.offices.get(tenantId);
    // A copy finished after the registry changed describes the old registry: not kept.
    if (current && current.version !== version) return;
    if (copy.gzip.length > this.maxBytesPerOffice) return;
    const office = this.office(tenantId, version);
    const old = office.copies.get(key);
    if (old) {
      office.copies.delete(key);
      office.bytes -= old.gzip.length;
    }
    office.copies.set(key, copy);
    office.bytes += copy.gzip.length;
    while (office.bytes > this.maxBytesPerOffice || office.copies.size > MAX_COPIES_PER_OFFICE) {
      const [oldestKey, oldest] = office.copies.entries().next().value!;
      office.copies.delete(oldestKey);
      office.bytes -= oldest.gzip.length;
    }
  }

  /** The compressed bytes kept for the office now (for tests and logs). */
  bytesKept(tenantId: string): number {
    return this.offices.get(tenantId)?.bytes ?? 0;
  }
}

/**
 * Passes `source`'s chunks through unchanged and, alongside, gzips them into a copy of at most
 * `maxBytes`; `keep` gets the copy only when the source ended and the copy fitted. A consumer that
 * stops early (a client gone) keeps nothing. Writing waits for the side gzip to drain, so the copy's
 * compression holds no more than a chunk in memory either.
 */
export async function* keepingCopy(source: AsyncIterable<Buffer>, maxBytes: number, keep: (gzip: Buffer) => void): AsyncGenerator<Buffer> {
  if (maxBytes <= 0) {
    yield* source;
    return;
  }
  const gzip = createGzip();
  const parts: Buffer[] = [];
  let size = 0;
  let keeping = true;
  gzip.on('data', (chunk: Buffer) => {
    if (!keeping) return;
    size += chunk.length;
    if (size > maxBytes) {
      keeping = false;
      parts.length = 0;
    } else parts.push(chunk);
  });
  try {
    for await (const chunk of source) {
      if (keeping && !gzip.write(chunk)) await once(gzip, 'drain');
      yield chunk;
    }
    if (keeping) {
      gzip.end();
      await once(gzip, 'end');
      if (keeping) keep(Buffer.concat(parts));
    }
  } finally {
    gzip.destroy();
  }
}
