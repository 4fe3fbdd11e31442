import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');
const TYPES: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' };

/**
 * Assets are read once and addressed by content hash, so browsers may cache them for a year. They are
 * compressed once, here, at the strongest settings (brotli 11, gzip 9): compressing them again for
 * every request cost more than the rest of the request (bench/README.md, http.bench.ts).
 */
const assets = new Map(
  ['app.css', 'app.js'].map((name) => {
    const body = fs.readFileSync(path.join(DIR, name));
    const br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
    const gzip = gzipSync(body, { level: 9 });
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    return [name, { body, br, gzip, hash, etag: `"${hash}"`, type: TYPES[name.split('.').pop()!]! }];
  }),
);

/** The encoding to send: brotli, then gzip, when the client accepts it (a q=0 refuses one). */
export function encodingFor(accept: string | undefined): 'br' | 'gzip' | null {
  const offered = new Map(
    (accept ?? '')
      .toLowerCase()
      .split(',')
      .map((part) => {
        const [name = '', ...params] = part.trim().split(';');
        const q = params.map((x) => /^\s*q=([\d.]+)/.exec(x)?.[1]).find(Boolean);
        return [name.trim(), q === undefined ? 1 : Number(q)] as const;
      }),
  );
  if ((offered.get('br') ?? 0) > 0) return 'br';
  if ((offered.get('gzip') ?? 0) > 0) return 'gzip';
  return null;
}

export function assetUrl(name: string): string {
  const a = assets.get(name);
  if (!a) throw new Error(`no asset ${name}`);
  return `/assets/${a.hash}/${name}`;
}

export function assetRoutes(app: FastifyInstance): void {
  // compress: false, the bytes are compressed already; a revalidation with the ETag is a 304. The same
  // file for every office and visitor: a plain route (http/context.ts), no office, session or cookie.
  app.get<{ Params: { hash: string; name: string } }>(
    '/assets/:hash/:name',
    { schema: { hide: true }, config: { plain: true }, compress: false, decompress: false },
    async (request, reply) => {
      const a = assets.get(request.params.name);
      if (!a) return reply.code(404).type('text/plain').send('Not found');
      const fresh = a.hash === request.params.hash;
      void reply
        .type(a.type)
        .header('cache-control', fresh ? 'public, max-age=31536000, immutable' : 'no-cache')
        .header('etag', a.etag)
        .header('vary', 'accept-encoding');
      if (request.headers['if-none-match'] === a.etag) return reply.code(304).send();
      const encoding = encodingFor(request.headers['accept-encoding']);
      if (encoding) void reply.header('content-encoding', encoding);
      return reply.send(encoding === 'br' ? a.br : encoding === 'gzip' ? a.gzip : a.body);
    },
  );
}
