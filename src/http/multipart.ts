import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.js';

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
