import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');
const TYPES: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' };

/** Assets are read once and addressed by content hash, so browsers may cache them for a year. */
const assets = new Map(
  ['app.css', 'app.js'].map((name) => {
    const body = fs.readFileSync(path.join(DIR, name));
    return [name, { body, hash: createHash('sha256').update(body).digest('hex').slice(0, 12), type: TYPES[name.split('.').pop()!]! }];
  }),
);

export function assetUrl(name: string): string {
  const a = assets.get(name);
  if (!a) throw new Error(`no asset ${name}`);
  return `/assets/${a.hash}/${name}`;
}

export function assetRoutes(app: FastifyInstance): void {
  app.get<{ Params: { hash: string; name: string } }>('/assets/:hash/:name', { schema: { hide: true } }, async (request, reply) => {
    const a = assets.get(request.params.name);
    if (!a) return reply.code(404).type('text/plain').send('Not found');
    const fresh = a.hash === request.params.hash;
    return reply
      .type(a.type)
      .header('cache-control', fresh ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(a.body);
  });
}
