import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CacheGenerations, CacheScope } from '../cache/cache-generations.js';
import type { Tenant } from '../db/schema.js';
import { encodingFor } from './assets.js';
import { SESSION_COOKIE } from './web-context.js';

/** How long a kept page is trusted whatever the generations say: the catalogue's "most used first" order and the year of the guide's example move with time. */
export const PAGE_CACHE_MAX_AGE_MS = 60_000;
/** Pages kept per instance (every office, language and address together). */
export const PAGE_CACHE_MAX_ENTRIES = 500;

type Entry = { key: string; stamp: string; tenant: Tenant; at: number; type: string; etag: string; body: Buffer; br: Buffer; gzip: Buffer };
/** What a page request that may be kept carries from the page kit to `sendPage`. */
export type PageCacheSlot = { key: string; stamp: string; tenant: Tenant };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the page kit on an anonymous GET of a page that may be kept: `sendPage` stores what it renders. */
    pageCacheSlot: PageCacheSlot | null;
  }
  interface FastifyInstance {
    pageCache: PageCache;
  }
}

/**
 * Whether this request's answer may come from, or go into, the anonymous page cache: a GET (or HEAD)
 * of an address without a query string, with no session cookie and no bearer token. Someone signed in
 * (or half signed in, waiting for the second factor) always gets a page rendered for them, sent
 * `no-store`, and never kept. An address with a query (a search, or anything a caller makes up) is
 * rendered per request as before: otherwise every made-up `?x=…` would cost a render and two
 * compressions at the highest level, and push a real page out of the cache.
 */
export function anonymous(req: FastifyRequest): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (req.url.includes('?')) return false;
  if (req.actor || req.headers.authorization) return false;
  // The header itself, not the parsed cookies: the same answer on API routes and pages.
  return !SESSION_IN_HEADER.test(req.headers.cookie ?? '');
}
const SESSION_IN_HEADER = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=`);

/**
 * The anonymous page cache (issue 15): public pages that are the same for every visitor who is not
 * signed in (the home page, the catalogue, a guide, its poster) are kept per office, language and
 * address, compressed once (brotli, gzip) with an ETag, so a visit costs a map lookup and a write.
 *
 * An entry is stamped, when its render starts, with the office row it was rendered for and the
 * generations of the scopes the page reads (src/cache/cache-generations.ts): a catalogue change on
 * this instance refills at once, one on another instance after that instance's next poll (about a
 * second); an office change makes a new office row (the tenants cache), so its pages refill too; and
 * nothing is trusted past PAGE_CACHE_MAX_AGE_MS. A page is only stored when the render read no
 * anti-forgery token (`req.csrfUsed`: it has no form of the visitor's), nobody is signed in and it
 * answered 200; the rest is rendered per request as before.
 */
export function createPageCache(deps: { generations: Pick<CacheGenerations, 'stamp'>; maxEntries?: number; maxAgeMs?: number }) {
  const entries = new Map<string, Entry>();
  const maxEntries = deps.maxEntries ?? PAGE_CACHE_MAX_ENTRIES;
  const maxAgeMs = deps.maxAgeMs ?? PAGE_CACHE_MAX_AGE_MS;

  /** The slot for a page that may be kept, or the kept page itself when it is still current. */
  function lookup(req: FastifyRequest, scopes: readonly CacheScope[]): { hit: Entry } | { slot: PageCacheSlot } {
    const key = `${req.tenant.id} ${req.lang} ${req.url}`;
    const stamp = deps.generations.stamp(scopes);
    const entry = entries.get(key);
    if (entry && entry.stamp === stamp && entry.tenant === req.tenant && Date.now() - entry.at < maxAgeMs) return { hit: entry };
    return { slot: { key, stamp, tenant: req.tenant } };
  }

  /** Keeps a rendered answer (a page, or the JSON of a public list) under its slot, compressed once. */
  function store(slot: PageCacheSlot, text: string, type = 'text/html; charset=utf-8'): Entry {
    const body = Buffer.from(text, 'utf8');
    const entry: Entry = {
      ...slot,
      at: Date.now(),
      type,
      etag: createHash('sha256').update(body).digest('base64url').slice(0, 27),
      body,
      br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
      gzip: gzipSync(body, { level: 9 }),
    };
    entries.delete(slot.key);
    entries.set(slot.key, entry);
    // The oldest kept first: a full cache drops the page stored longest ago.
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    return entry;
  }

  /**
   * A kept page as the browser takes it: brotli, gzip or plain (each its own ETag), `no-cache` (a
   * browser asks again each time, and a matching If-None-Match gets a 304), varying by the encoding
   * and the cookies (language, session). The security headers are added by the app's onSend hook.
   */
  function send(req: FastifyRequest, reply: FastifyReply, entry: Entry): FastifyReply {
    const encoding = encodingFor(req.headers['accept-encoding']);
    const etag = `"${entry.etag}${encoding === 'br' ? '-br' : encoding === 'gzip' ? '-gz' : ''}"`;
    void reply.header('cache-control', 'no-cache').header('vary', 'accept-encoding, cookie').header('etag', etag);
    const match = req.headers['if-none-match'];
    if (match && match.split(',').some((m) => m.trim().replace(/^W\//, '') === etag)) return reply.code(304).send();
    void reply.code(200).type(entry.type);
    if (encoding) void reply.header('content-encoding', encoding);
    return reply.send(encoding === 'br' ? entry.br : encoding === 'gzip' ? entry.gzip : entry.body);
  }

  return {
    lookup,
    store,
    send,
    /** Pages kept now (tests, the bench). */
    size: () => entries.size,
  };
}
export type PageCache = ReturnType<typeof createPageCache>;
