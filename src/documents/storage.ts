import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../shared/errors.js';

/** A file received and hashed but not yet kept: the caller checks it, then commits or discards it. */
export interface StagedFile {
  sha256: string;
  sizeBytes: number;
  /** The first bytes, for the magic-byte check. */
  head: Buffer;
  /**
   * Keeps the file under its hash, dated `at` (default now). When the namespace holds the same bytes
   * already, this copy is dropped and the kept file is dated `at` instead, so the sweep (file-sweep.job.ts)
   * sees it as just used and leaves it while the row that will point at it is being written.
   */
  commit(namespace: string, at?: Date): Promise<void>;
  discard(): Promise<void>;
  /** The staged bytes from the start, for a scanner that reads the whole file (clamd INSTREAM). */
  open(): Readable;
}

/**
 * Where uploaded files live. Content-addressed: a file is stored once per namespace (tenant) under
 * its SHA-256, never under a name a user chose (ASVS v5.0.0-5.3.2). The local-disk implementation
 * below is the embedded default; s3-storage.ts keeps the same layout in an S3-compatible bucket.
 */
export interface FileStorage {
  stage(input: { source: Readable; maxBytes: number }): Promise<StagedFile>;
  open(namespace: string, sha256: string): Promise<Readable>;
  exists(namespace: string, sha256: string): Promise<boolean>;
  /** Deletes a kept file; no error if it is gone already. */
  remove(namespace: string, sha256: string): Promise<void>;
  /**
   * Deletes a kept file unless it was committed (or an identical copy was) at or after `idleSince`:
   * 'removed', 'kept' (used since) or 'missing'. The caller has checked that no row points at it; an
   * upload of the same bytes racing this call either dates the file before it is taken aside (then it
   * is put back) or finds it gone and keeps its own copy, so a file about to be referenced stays.
   */
  removeIfIdle(namespace: string, sha256: string, idleSince: Date): Promise<'removed' | 'kept' | 'missing'>;
  /** The store answers (local: the folder can be written; S3: the bucket answers these credentials). Checked at start-up. */
  ready(): Promise<boolean>;
}

/** How many leading bytes a StagedFile keeps as `head` (file-type detection reads up to 4100). */
export const HEAD_BYTES = 4100;

/** The refusal every driver gives when a file grows past its limit while it is received. */
export function fileTooLarge(maxBytes: number): AppError {
  return new AppError('file_too_large', 'upload exceeds the limit', { params: { maxMb: Math.round((maxBytes / 1048576) * 10) / 10 } });
}

/** A namespace (tenant id) as one storage path segment: nothing a path or key could be steered with. */
/**
 * An upload as it streams: its chunks (hashed and counted on the way; past `maxBytes` the source is
 * destroyed and 'file_too_large' thrown, also kept as `refused`), then its digest, size and first bytes.
 * Both drivers stage through it.
 */
export function meter(source: Readable, maxBytes: number) {
  const hash = createHash('sha256');
  const headParts: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  let refused: AppError | undefined;
  async function* chunks(): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buf.length;
      if (size > maxBytes) {
        refused = fileTooLarge(maxBytes);
        source.destroy();
        throw refused;
      }
      if (headLength < HEAD_BYTES) {
        headParts.push(buf.subarray(0, HEAD_BYTES - headLength));
        headLength += Math.min(buf.length, HEAD_BYTES - headLength);
      }
      hash.update(buf);
      yield buf;
    }
  }
  return {
    chunks: chunks(),
    get refused() {
      return refused;
    },
    digest: () => ({ sha256: hash.digest('hex'), sizeBytes: size, head: Buffer.concat(headParts) }),
  };
}

export function safeSegment(s: string): string {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(s)) throw new Error(`unsafe storage path segment ${JSON.stringify(s)}`);
  return s;
}

export function createLocalStorage(root: string): FileStorage {
  const tmpDir = path.join(root, 'tmp');
  const finalPath = (namespace: string, sha256: string) => {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256');
    return path.join(root, safeSegment(namespace), sha256.slice(0, 2), sha256);
  };

  return {
    async stage({ source, maxBytes }) {
      await fs.promises.mkdir(tmpDir, { recursive: true });
      const tmp = path.join(tmpDir, randomUUID());
      const upload = meter(source, maxBytes);
      const handle = await fs.promises.open(tmp, 'wx', 0o600);
      try {
        for await (const buf of upload.chunks) await handle.write(buf);
        // Flush to disk before the database row that points at the file can commit.
        await handle.sync();
      } catch (err) {
        await handle.close();
        await fs.promises.rm(tmp, { force: true });
        throw err;
      }
      await handle.close();
      const { sha256, sizeBytes, head } = upload.digest();
      return {
        sha256,
        sizeBytes,
        head,
        async commit(namespace, at = new Date()) {
          const dest = finalPath(namespace, sha256);
          await fs.promises.mkdir(path.dirname(dest), { recursive: true });
          // Dating the kept copy is the existence check: one step, so a sweep cannot slip in between.
          const kept = await fs.promises.utimes(dest, at, at).then(
            () => true,
            (err: NodeJS.ErrnoException) => {
              if (err.code === 'ENOENT') return false;
              throw err;
            },
          );
          if (kept) {
            await fs.promises.rm(tmp, { force: true });
          } else {
            await fs.promises.rename(tmp, dest);
            await fs.promises.utimes(dest, at, at);
          }
        },
        async discard() {
          await fs.promises.rm(tmp, { force: true });
        },
        open() {
          return fs.createReadStream(tmp);
        },
      };
    },
    async open(namespace, sha256) {
      const file = finalPath(namespace, sha256);
      await fs.promises.access(file);
      return fs.createReadStream(file);
    },
    async remove(namespace, sha256) {
      await fs.promises.rm(finalPath(namespace, sha256), { force: true });
    },
    async removeIfIdle(namespace, sha256, idleSince) {
      const file = finalPath(namespace, sha256);
      const aside = path.join(tmpDir, `sweep-${randomUUID()}`);
      await fs.promises.mkdir(tmpDir, { recursive: true });
      // Taken aside first (atomic), then judged: an upload that dated it before the move is seen here.
      const moved = await fs.promises.rename(file, aside).then(
        () => true,
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return false;
          throw err;
        },
      );
      if (!moved) return 'missing';
      const { mtimeMs } = await fs.promises.stat(aside);
      if (mtimeMs >= idleSince.getTime()) {
        // Put back (an upload that found it gone meanwhile kept the same bytes there: replacing them is harmless).
        await fs.promises.rename(aside, file);
        return 'kept';
      }
      await fs.promises.rm(aside, { force: true });
      return 'removed';
    },
    async exists(namespace, sha256) {
      return fs.promises.access(finalPath(namespace, sha256)).then(
        () => true,
        () => false,
      );
    },
    async ready() {
      return fs.promises
        .mkdir(tmpDir, { recursive: true })
        .then(() => fs.promises.access(root, fs.constants.W_OK))
        .then(
          () => true,
          () => false,
        );
    },
  };
}
