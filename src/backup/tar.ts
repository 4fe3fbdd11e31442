import type { Readable, Writable } from 'node:stream';

/**
 * The smallest POSIX ustar writer and reader the backup needs: regular files only, names split into
 * ustar's prefix and name fields, sizes past 8 GiB in GNU's base-256 form. The archive is an ordinary
 * `.tar.gz` (`tar tzf` lists it); reading it here lets restore check every checksum before it writes
 * a byte, which the system `tar` cannot be asked to do.
 */
const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function splitName(name: string): { prefix: string; name: string } {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', name };
  // ustar: the name is prefix + '/' + name, prefix at most 155 bytes and name at most 100.
  for (let i = name.indexOf('/'); i !== -1; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100) return { prefix, name: rest };
  }
  throw new Error(`archive entry name too long for ustar: ${name}`);
}

/** The 512-byte header of a regular file. */
export function tarHeader(name: string, size: number, mtime: Date): Buffer {
  const header = Buffer.alloc(BLOCK, 0);
  const parts = splitName(name);
  header.write(parts.name, 0, 100, 'utf8');
  header.write(octal(0o644, 8), 100, 8, 'ascii');
  header.write(octal(0, 8), 108, 8, 'ascii');
  header.write(octal(0, 8), 116, 8, 'ascii');
  if (size < 8 ** 11) {
    header.write(octal(size, 12), 124, 12, 'ascii');
  } else {
    // GNU base-256: the top bit of the first byte set, the size big-endian in the rest.
    header[124] = 0x80;
    let v = BigInt(size);
    for (let i = 135; i > 124; i--) {
      header[i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }
  header.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 12, 'ascii');
  header.write('        ', 148, 8, 'ascii');
  header.write('0', 156, 1, 'ascii');
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  header.write(parts.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(octal(sum, 7) + ' ', 148, 8, 'ascii');
  return header;
}

function write(out: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.write(chunk)) resolve();
    else {
      const onError = (err: Error) => reject(err);
      out.once('error', onError);
      out.once('drain', () => {
        out.off('error', onError);
        resolve();
      });
    }
  });
}

/** Writes tar entries to `out` (a gzip stream, usually); `end()` writes the two closing blocks. */
export function tarWriter(out: Writable) {
  return {
    /** One entry of exactly `size` bytes from `source`; every chunk also goes to `onChunk` (hashing). */
    async add(name: string, size: number, source: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer>, onChunk: (chunk: Buffer) => void, mtime = new Date()) {
      await write(out, tarHeader(name, size, mtime));
      let written = 0;
      for await (const raw of source) {
        const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
        written += chunk.length;
        if (written > size) throw new Error(`${name} grew while it was being archived`);
        onChunk(chunk);
        await write(out, chunk);
      }
      if (written !== size) throw new Error(`${name} changed size while it was being archived (${written} of ${size} bytes)`);
      const pad = (BLOCK - (size % BLOCK)) % BLOCK;
      if (pad) await write(out, Buffer.alloc(pad, 0));
    },
    async end() {
      await write(out, Buffer.alloc(BLOCK * 2, 0));
    },
  };
}

/** Pulls exact byte counts out of a stream of chunks. */
class ByteReader {
  private buffered: Buffer[] = [];
  private length = 0;
  private readonly iterator: AsyncIterator<Buffer | Uint8Array>;
  constructor(source: AsyncIterable<Buffer | Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }
  /** Up to `max` bytes (at least one), or null at the end of the stream. */
  async some(max: number): Promise<Buffer | null> {
    if (this.length === 0) {
      const next = await this.iterator.next();
      if (next.done) return null;
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      this.buffered.push(chunk);
      this.length += chunk.length;
      if (chunk.length === 0) return this.some(max);
    }
    const first = this.buffered[0]!;
    if (first.length <= max) {
      this.buffered.shift();
      this.length -= first.length;
      return first;
    }
    this.buffered[0] = first.subarray(max);
    this.length -= max;
    return first.subarray(0, max);
  }
  /** Exactly `n` bytes, or an error if the stream ends first. */
  async exactly(n: number, what: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      const part = await this.some(n - got);
      if (!part) throw new Error(`the archive ends in the middle of ${what}`);
      parts.push(part);
      got += part.length;
    }
    return Buffer.concat(parts);
  }
}

function readString(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

function readSize(block: Buffer): number {
  if ((block[124]! & 0x80) !== 0) {
    let v = 0n;
    for (let i = 125; i < 136; i++) v = (v << 8n) | BigInt(block[i]!);
    return Number(v);
  }
  return parseInt(readString(block, 124, 12).trim() || '0', 8);
}

/**
 * Reads every entry of a tar stream in order. `onEntry` is given the entry's name and size and must
 * consume its content through `chunks` (it may return without reading: the rest is skipped). Only
 * regular files are accepted: a link, a directory or a device in an Izol backup means it is not one.
 */
export async function readTar(
  source: Readable,
  onEntry: (entry: { name: string; size: number }, chunks: AsyncIterable<Buffer>) => Promise<void>,
): Promise<void> {
  const reader = new ByteReader(source);
  for (;;) {
    const block = await reader
      .some(BLOCK)
      .then(async (b) => (b && b.length < BLOCK ? Buffer.concat([b, await reader.exactly(BLOCK - b.length, 'a header')]) : b));
    if (!block) throw new Error('the archive ends without its closing blocks (cut short?)');
    if (block.every((b) => b === 0)) return;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
    const stored = parseInt(readString(block, 148, 8).trim(), 8);
    if (stored !== sum) throw new Error('an archive header is damaged (its checksum does not match)');
    const type = readString(block, 156, 1);
    if (type !== '0' && type !== '') throw new Error(`the archive holds an entry that is not a plain file (type ${JSON.stringify(type)})`);
    const prefix = readString(block, 345, 155);
    const base = readString(block, 0, 100);
    const name = prefix ? `${prefix}/${base}` : base;
    const size = readSize(block);
    let left = size;
    async function* chunks(): AsyncGenerator<Buffer> {
      while (left > 0) {
        const part = await reader.some(Math.min(left, 1 << 16));
        if (!part) throw new Error(`the archive ends in the middle of ${name}`);
        left -= part.length;
        yield part;
      }
    }
    await onEntry({ name, size }, chunks());
    while (left > 0) {
      const part = await reader.some(Math.min(left, 1 << 16));
      if (!part) throw new Error(`the archive ends in the middle of ${name}`);
      left -= part.length;
    }
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (pad) await reader.exactly(pad, `the padding after ${name}`);
  }
}
