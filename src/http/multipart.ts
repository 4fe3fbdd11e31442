import type { MultipartFile } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.js';
import { ERROR_MESSAGES, FILE_SIZE_SENTENCE, fillTemplate, type Lang } from '../shared/messages.js';

/**
 * The one file part of an API upload (multipart/form-data, field "file"), read as a stream, or a 400
 * that tells the client how to send it. `what` names the file in that message ("the file", "the
 * photo"). Pages upload through the page kit (web/page-route.ts), which also checks anti-forgery.
 */
export async function readFilePart(request: FastifyRequest, opts: { maxBytes: number; what: string; fields?: number }): Promise<MultipartFile> {
  const problem = (message: string, why: string) => new AppError('invalid_input', why, { fields: [{ field: 'file', code: 'required', message }] });
  if (!request.isMultipart()) throw problem(`send ${opts.what} as multipart/form-data in a field named "file"`, 'not multipart');
  let part: MultipartFile | undefined;
  try {
    part = await request.file({ limits: { fileSize: opts.maxBytes, files: 1, fields: opts.fields ?? 0 } });
  } catch (err) {
    // Fastify's own errors (too many parts, too large) keep their status; anything else is a malformed body.
    if ((err as { statusCode?: number }).statusCode) throw err;
    throw problem(`send ${opts.what} as multipart/form-data in a field named "file"`, 'malformed multipart');
  }
  if (part?.fieldname !== 'file') throw problem(`send ${opts.what} in a field named "file"`, 'no file part');
  return part;
}

/**
 * Runs an upload that reads the part's stream, and answers a body that breaks part-way (cut off before
 * its closing boundary, say: the stream errors while the upload reads it) with the 400 of a malformed
 * body instead of a 500. The service's own refusals (AppError) go out as they are.
 */
export async function uploadingPart<T>(part: MultipartFile, what: string, upload: () => Promise<T>): Promise<T> {
  let broken = false;
  part.file.on('error', () => {
    broken = true;
  });
  try {
    return await upload();
  } catch (err) {
    if (!(err instanceof AppError) && (broken || part.file.errored === err)) {
      throw new AppError('invalid_input', 'malformed multipart', {
        fields: [{ field: 'file', code: 'required', message: `send ${what} as multipart/form-data in a field named "file"` }],
      });
    }
    throw err;
  }
}

const MB = 1048576;

/**
 * After an early answer to an upload (a 413 sent once the file passed its limit, before the browser
 * had sent the rest), lets the rest of the body go so the kept-alive connection is usable again.
 * Without this the unread rest stayed on the connection: the request was paused, the browser could not
 * finish sending, and its next request on that connection waited for the server's keep-alive timeout
 * (Fastify's 72 s: the "73-second hang" of issue 16, item 6).
 *
 * Why drain first, and close only beyond a cap: answering `Connection: close` alone makes the server
 * close a socket the browser is still writing to; the unread bytes in the kernel's buffer turn that
 * close into a TCP reset, and a browser that gets a reset before it reads the answer shows "connection
 * reset" instead of our page with its error summary (RFC 9112 §9.6 asks for a lingering close for this
 * reason). Draining reads and discards the rest, so the answer always arrives and the connection is
 * reused. A body that declares no length (chunked), or more than `drainUpToBytes`, is not worth
 * reading to the end: that one is answered with `Connection: close` (so no request follows on it),
 * drained while the answer goes out, and cut once it has brought `drainUpToBytes`.
 */
export function releaseUnreadBody(request: FastifyRequest, reply: FastifyReply, drainUpToBytes: number): void {
  const raw = request.raw;
  if (raw.complete || raw.readableEnded || raw.destroyed) return;
  const declared = Number(request.headers['content-length']);
  if (!(Number.isSafeInteger(declared) && declared <= drainUpToBytes)) reply.header('connection', 'close');
  // The multipart parser may still be piped in, waiting on a file stream nobody reads any more.
  raw.unpipe();
  let drained = 0;
  raw.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > drainUpToBytes) raw.socket?.destroy();
  });
  raw.resume();
}

/** The size a client declared for its upload, in bytes (the whole body: the file and a few hundred bytes of form). */
export function declaredUploadBytes(request: FastifyRequest): number | null {
  const declared = Number(request.headers['content-length']);
  return Number.isSafeInteger(declared) && declared > 0 ? declared : null;
}

/** Megabytes as people read them: one decimal at most, the decimal comma in Indonesian ("2,6 MB"). */
export function formatMb(bytes: number, lang: Lang): string {
  return new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'id-ID', { maximumFractionDigits: 1 }).format(bytes / MB);
}

/**
 * The "file too large" message with the file's size when the request declared it (Content-Length)
 * and the limit, both in MB, and how to make a photo smaller (messages.ts, file_too_large).
 */
export function fileTooLargeMessage(request: FastifyRequest, lang: Lang, maxMb: number): string {
  const size = declaredUploadBytes(request);
  const limit = formatMb(maxMb * MB, lang);
  const text = fillTemplate(ERROR_MESSAGES.file_too_large[lang].detail, { maxMb: limit });
  // A size that rounds to the limit (the form's own bytes) would read "2 MB, more than 2 MB": said without it.
  if (size === null || formatMb(size, lang) === limit) return text;
  return `${fillTemplate(FILE_SIZE_SENTENCE[lang], { sizeMb: formatMb(size, lang) })} ${text}`;
}
