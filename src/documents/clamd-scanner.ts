import net from 'node:net';
import { once } from 'node:events';
import { AppError } from '../shared/errors.js';
import type { VirusScanner } from './scanner.js';

/** Where clamd listens: its LocalSocket (a Unix socket path) or its TCPSocket (host and port). */
export type ClamdAddress = { socket: string } | { host: string; port: number };

/** clamd's own default chunk size for INSTREAM clients is well below its StreamMaxLength; 64 KiB keeps memory flat. */
const CHUNK_BYTES = 64 * 1024;

/**
 * The VirusScanner over ClamAV's daemon, with the INSTREAM command (clamd(8)): `zINSTREAM\0`, then the
 * file in chunks, each prefixed by its length as a 4-byte big-endian integer, ended by a zero-length
 * chunk; clamd answers one NUL-terminated line, `stream: OK`, `stream: <signature> FOUND`, or
 * `<reason> ERROR` (e.g. `INSTREAM size limit exceeded. ERROR` past its StreamMaxLength, which must
 * be at least MAX_UPLOAD_MB). The file is streamed from the staged copy, never held in memory.
 *
 * Fails closed (ASVS v5.0.0-5.4.3, 16.5.3): clamd unreachable, slower than `timeoutMs`, answering an
 * ERROR or anything unexpected is `scanner_unavailable` (503, "try again later"); the upload is
 * refused and its staged file discarded, never kept unscanned.
 */
export function createClamdScanner(options: { address: ClamdAddress; timeoutMs?: number }): VirusScanner {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const where = 'socket' in options.address ? options.address.socket : `${options.address.host}:${options.address.port}`;
  const unavailable = (why: string) => new AppError('scanner_unavailable', `clamd at ${where}: ${why}`, { retryAfterSeconds: 60 });

  return {
    async scan(file) {
      const answer = await instream(options.address, file.open(), timeoutMs).catch((err: unknown) => {
        throw unavailable(err instanceof Error ? err.message : String(err));
      });
      const found = /^stream: (.+) FOUND$/.exec(answer);
      if (found) return { clean: false, signature: found[1]! };
      if (answer === 'stream: OK') return { clean: true };
      throw unavailable(`no verdict: ${JSON.stringify(answer.slice(0, 200))}`);
    },
    /** clamd's PING: ready when it answers PONG within `timeoutMs` (the readiness probe's short wait). */
    async ready(timeout) {
      return (await ping(options.address, timeout).catch(() => '')) === 'PONG';
    },
  };
}

/** Sends `zPING` and resolves with clamd's reply line (without its NUL). */
async function ping(address: ClamdAddress, timeoutMs: number): Promise<string> {
  const sock = 'socket' in address ? net.createConnection({ path: address.socket }) : net.createConnection({ host: address.host, port: address.port });
  const timer = setTimeout(() => sock.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    const reply = new Promise<string>((resolve, reject) => {
      let got = Buffer.alloc(0);
      sock.on('data', (d: Buffer) => {
        got = Buffer.concat([got, d]);
        const end = got.indexOf(0);
        if (end >= 0) resolve(got.subarray(0, end).toString('utf8'));
        else if (got.length > 64) reject(new Error('reply too long'));
      });
      sock.on('error', reject);
      sock.on('close', () => reject(new Error('closed without an answer')));
    });
    reply.catch(() => undefined); // a refused connection rejects both; the connect below reports it
    await once(sock, 'connect');
    sock.write('zPING\0');
    return await reply;
  } finally {
    clearTimeout(timer);
    sock.destroy();
  }
}

/** Sends the file with INSTREAM and resolves with clamd's reply line (without its NUL). */
async function instream(address: ClamdAddress, source: AsyncIterable<unknown> & { destroy(): void }, timeoutMs: number): Promise<string> {
  const sock = 'socket' in address ? net.createConnection({ path: address.socket }) : net.createConnection({ host: address.host, port: address.port });
  const timer = setTimeout(() => sock.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  const reply = new Promise<string>((resolve, reject) => {
    let got = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      const end = got.indexOf(0);
      if (end >= 0) resolve(got.subarray(0, end).toString('utf8'));
      if (got.length > 4096) reject(new Error('reply too long'));
    });
    sock.on('end', () => (got.length ? resolve(got.toString('utf8').replace(/\0$/, '')) : reject(new Error('closed without an answer'))));
    sock.on('error', reject);
    sock.on('close', () => reject(new Error('closed without an answer')));
  });
  // A rejection before the reply is awaited (the connection refused while sending) is handled below.
  reply.catch(() => undefined);
  const write = async (buf: Buffer) => {
    if (!sock.write(buf)) await once(sock, 'drain');
  };
  try {
    await once(sock, 'connect');
    const sent = (async () => {
      await write(Buffer.from('zINSTREAM\0'));
      for await (const chunk of source) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        for (let at = 0; at < buf.length; at += CHUNK_BYTES) {
          const part = buf.subarray(at, at + CHUNK_BYTES);
          const size = Buffer.alloc(4);
          size.writeUInt32BE(part.length);
          await write(Buffer.concat([size, part]));
        }
      }
      await write(Buffer.alloc(4));
    })();
    // clamd may answer (and close) before the whole file is sent, e.g. past its StreamMaxLength: its answer wins.
    const first = await Promise.race([
      sent.then(
        () => null,
        () => reply,
      ),
      reply,
    ]);
    return first ?? (await reply);
  } finally {
    clearTimeout(timer);
    source.destroy();
    sock.destroy();
  }
}
