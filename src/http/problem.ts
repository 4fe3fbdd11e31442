import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { refusedPermission } from '../access/access.js';
import type { Refusal } from '../audit/refusals.js';
import { AppError, type ErrorCode, type FieldProblem } from '../shared/errors.js';
import { ERROR_MESSAGES, FIELD_MESSAGES, fillTemplate, languageFrom, missingText, type Lang } from '../shared/messages.js';
import { fileTooLargeMessage, releaseUnreadBody } from './multipart.js';

/** RFC 9457 problem details, as every error leaves the API. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().describe('Stable machine-readable error code'),
    errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

function localiseField(p: FieldProblem, lang: Lang): { field: string; code: string; message: string } {
  const template = FIELD_MESSAGES[p.code]?.[lang];
  return { field: p.field, code: p.code, message: template ? fillTemplate(template, p.params) : p.message };
}

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ErrorCode,
  status: number,
  fields?: FieldProblem[],
  params: Record<string, string | number> = {},
) {
  const lang = languageFrom(request.headers['accept-language']);
  const text = ERROR_MESSAGES[code][lang];
  const localisedParams = { ...params };
  if (code === 'precondition_failed' && typeof params.missing === 'string') {
    localisedParams.missing = missingText(params.missing, lang, params);
  }
  // A file too large says its size (as declared) and the limit in MB, and how to make it smaller.
  const detail =
    code === 'file_too_large' && typeof params.maxMb === 'number'
      ? fileTooLargeMessage(request, lang, params.maxMb)
      : fillTemplate(text.detail, localisedParams);
  return reply
    .code(status)
    .type('application/problem+json')
    .header('cache-control', 'no-store')
    .send({
      type: `https://izol.dev/problems/${code.replace(/_/g, '-')}`,
      title: text.title,
      status,
      detail,
      code,
      ...(fields && fields.length ? { errors: fields.map((f) => localiseField(f, lang)) } : {}),
    });
}

/** Maps zod issue codes to our field-message codes, so citizens read Indonesian, not zod's English. */
function valueAt(root: unknown, segments: string[]): unknown {
  let cur: unknown = root;
  for (const s of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}
const shortField = (f: string) => (f.length > 80 ? `${f.slice(0, 77)}...` : f);

function fieldFromZodIssue(
  v: { instancePath?: string; keyword?: string; message?: string; params?: Record<string, unknown> },
  part: string,
  data?: unknown,
): FieldProblem {
  const segments = (v.instancePath ?? '').split('/').filter(Boolean);
  const field = shortField([part === 'body' ? '' : part, ...segments].filter(Boolean).join('.') || part);
  const params = v.params ?? {};
  const present = valueAt(data, segments) !== undefined;
  switch (v.keyword) {
    case 'too_big':
      return params.origin === 'string'
        ? { field, code: 'too_long', message: v.message ?? '', params: { max: Number(params.maximum) } }
        : { field, code: 'too_big', message: v.message ?? '', params: { max: Number(params.maximum) } };
    case 'too_small':
      return params.origin === 'string'
        ? Number(params.minimum) <= 1
          ? { field, code: 'required', message: v.message ?? '' }
          : { field, code: 'too_short', message: v.message ?? '', params: { min: Number(params.minimum) } }
        : { field, code: 'too_small', message: v.message ?? '', params: { min: Number(params.minimum) } };
    case 'unrecognized_keys': {
      const keys = (params.keys as string[] | undefined) ?? [];
      return {
        field: shortField([field === part ? '' : field, keys.join(',')].filter(Boolean).join('.') || field),
        code: 'unknown_field',
        message: v.message ?? '',
      };
    }
    case 'invalid_type':
    case 'invalid_value':
      return present ? { field, code: 'invalid_value', message: v.message ?? '' } : { field, code: 'required', message: v.message ?? '' };
    default:
      return { field, code: 'invalid_value', message: v.message ?? '' };
  }
}

/** Pages answer errors with an HTML page instead of problem+json (see web/web.ts). */
export type PageErrorRenderer = (request: FastifyRequest, reply: FastifyReply, err: unknown) => FastifyReply | null;

/** Told of every refused request (401, 403, and a 404 the access policy gave for someone else's resource). */
export type RefusalHook = (refusal: Refusal) => Promise<unknown>;

/** Which errors are refusals worth an audit row: any 401 or 403 of ours, and the policy's own 404s. */
function refusalOf(err: unknown, request: FastifyRequest): Refusal | null {
  if (!(err instanceof AppError) || !request.tenant) return null;
  const permission = refusedPermission(err);
  if (err.code !== 'unauthenticated' && err.code !== 'forbidden' && !(err.code === 'not_found' && permission)) return null;
  return {
    tenantId: request.tenant.id,
    actorId: request.actor?.userId ?? null,
    address: request.ip,
    method: request.method,
    route: request.routeOptions.url ?? 'unknown route',
    status: err.status,
    verdict: err.code,
    permission,
  };
}

export function registerErrorHandling(app: FastifyInstance, uploadLimitMb: number, pageErrors?: PageErrorRenderer, onRefusal?: RefusalHook): void {
  // Every 413, from the API or a page, may go out before the upload was read to its end: the rest is
  // drained (or, past twice the upload limit, the connection closed) so the next request on a
  // kept-alive connection is not stuck behind it (http/multipart.ts, releaseUnreadBody).
  app.addHook('onSend', (request, reply, payload, done) => {
    if (reply.statusCode === 413) releaseUnreadBody(request, reply, 2 * uploadLimitMb * 1048576);
    done(null, payload);
  });
  app.setErrorHandler(async (err: FastifyError | AppError, request, reply) => {
    const refusal = onRefusal ? refusalOf(err, request) : null;
    // The audit row never changes the answer: a failure to write it is logged, the refusal still goes out.
    if (refusal) await onRefusal!(refusal).catch((e: unknown) => request.log.error({ err: e }, 'could not audit a refused request'));
    const page = pageErrors?.(request, reply, err);
    if (page) return page;
    if (err instanceof AppError) {
      if (err.details.retryAfterSeconds) reply.header('retry-after', String(err.details.retryAfterSeconds));
      if (err.status >= 400 && (err.code === 'forbidden' || err.code === 'unauthenticated')) {
        request.log.info({ code: err.code, why: err.message }, 'access refused');
      }
      return sendProblem(reply, request, err.code, err.status, err.details.fields, err.details.params);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const part = (err as FastifyError).validationContext ?? 'body';
      const data = part === 'body' ? request.body : part === 'querystring' ? request.query : part === 'params' ? request.params : request.headers;
      const fields = err.validation.map((v) => fieldFromZodIssue(v as never, part, data));
      return sendProblem(reply, request, 'invalid_input', 400, fields);
    }
    const status = err.statusCode ?? 500;
    if (['FST_FIELDS_LIMIT', 'FST_FILES_LIMIT', 'FST_PARTS_LIMIT'].includes(err.code)) {
      return sendProblem(reply, request, 'invalid_input', 400, [{ field: 'file', code: 'required', message: 'send one file in a field named "file"' }]);
    }
    if (err.code === 'FST_REQ_FILE_TOO_LARGE') {
      return sendProblem(reply, request, 'file_too_large', 413, undefined, { maxMb: uploadLimitMb });
    }
    if (status === 413) {
      return sendProblem(reply, request, 'request_too_large', 413, undefined, {
        maxMb: Math.round((request.server.initialConfig.bodyLimit ?? 1048576) / 1048576),
      });
    }
    if (status === 429) return sendProblem(reply, request, 'too_many_attempts', 429, undefined, { minutes: 1 });
    if (status >= 400 && status < 500) {
      // Malformed JSON, wrong content type, and the like: the client's mistake, said plainly.
      return sendProblem(reply, request, 'invalid_input', status === 415 ? 415 : 400);
    }
    request.log.error({ err }, 'unhandled error');
    const lang = languageFrom(request.headers['accept-language']);
    // Never a stack trace or internal message in the response (ASVS v5.0.0-16.5.1).
    return reply
      .code(500)
      .type('application/problem+json')
      .send({
        type: 'about:blank',
        title: lang === 'en' ? 'Something went wrong' : 'Terjadi kesalahan',
        status: 500,
        detail:
          lang === 'en'
            ? 'Something went wrong on our side. Nothing was changed. Please try again in a moment.'
            : 'Terjadi kesalahan di sistem kami. Tidak ada yang berubah. Silakan coba lagi sebentar lagi.',
        code: 'internal_error',
      });
  });
  app.setNotFoundHandler(
    (request, reply) => pageErrors?.(request, reply, new AppError('not_found', 'no route')) ?? sendProblem(reply, request, 'not_found', 404),
  );
}
