/**
 * The FileStorage contract, run alike on local disk and on a real S3-compatible server (s3rver):
 * content addressing, one kept copy per tenant, streaming in and out, the size limit while streaming
 * (nothing left behind), and the sweep's removeIfIdle with its race against an upload of the same bytes.
 * No database is involved, so this file has no dialect loop.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client, createS3Storage } from '../../src/documents/s3-storage.js';
import { storageUnavailableMessage } from '../../src/documents/storage-driver.js';
import { createLocalStorage, type FileStorage } from '../../src/documents/storage.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { runScript } from '../helpers/scripts.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const NS = '0b6f3a52-4f0e-4c1b-9a3e-1f2a3b4c5d6e';
const OTHER_NS = '7d1e2c3b-0a9f-4e8d-8c7b-6a5f4e3d2c1b';

/** A stream that hands the bytes over in pieces, as a network upload would. */
function chunked(bytes: Buffer, piece = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += piece) yield bytes.subarray(i, i + piece);
    })(),
  );
}

async function readAll(stream: Readable): Promise<{ bytes: Buffer; chunks: number }> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return { bytes: Buffer.concat(parts), chunks: parts.length };
}

async function store(storage: FileStorage, bytes: Buffer, opts: { ns?: string; at?: Date } = {}) {
  const staged = await storage.stage({ source: chunked(bytes), maxBytes: 50 * 1024 * 1024 });
  await staged.commit(opts.ns ?? NS, opts.at);
  return staged;
}

type Driver = {
  storage: FileStorage;
  /** Every stored file or object, as a key relative to the root or bucket. */
  keys(): Promise<string[]>;
  /** For the S3 driver: the client, to place a step between two of the driver's own requests. */
  client?: S3Client;
  close(): Promise<void>;
};

function localDriver(): Promise<Driver> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-storage-'));
  return Promise.resolve({
    storage: createLocalStorage(root),
    keys: () =>
      Promise.resolve(
        fs
          .readdirSync(root, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => path.relative(root, path.join(e.parentPath, e.name))),
      ),
    close: () => Promise.resolve(fs.rmSync(root, { recursive: true, force: true })),
  });
}

async function s3Driver(): Promise<Driver> {
  const s3: TestS3 = await startS3();
  const client = createS3Client(s3.config);
  return {
    storage: createS3Storage(s3.config, client),
    client,
    async keys() {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, ContinuationToken: token }));
        out.push(...(page.Contents ?? []).map((o) => o.Key!));
        token = page.NextContinuationToken;
      } while (token);
      return out;
    },
    async close() {
      client.destroy();
      await s3.stop();
    },
  };
}

describe.each([
  ['local disk', localDriver],
  ['S3 (s3rver)', s3Driver],
] as const)('file storage contract: %s', (_name, makeDriver) => {
  let d: Driver;
  beforeAll(async () => {
    d = await makeDriver();
  });
  afterAll(async () => d?.close());

  /** The kept files' keys (the S3 driver's dates, under `_used/`, are its own bookkeeping). */
  const kept = async () => (await d.keys()).filter((k) => !k.startsWith('_used/') && !k.startsWith('tmp/')).sort();
  const leftovers = async () => (await d.keys()).filter((k) => k.startsWith('tmp/'));

  it('stages while hashing, keeps the file under <tenant>/<sha[0:2]>/<sha> only once committed, and gives the first 4100 bytes', async () => {
    const bytes = randomBytes(10_000);
    const staged = await d.storage.stage({ source: chunked(bytes, 1000), maxBytes: 10_000 });
    expect(staged.sha256).toBe(sha256(bytes));
    expect(staged.sizeBytes).toBe(10_000);
    expect(staged.head.equals(bytes.subarray(0, 4100))).toBe(true);
    expect(await d.storage.exists(NS, staged.sha256)).toBe(false);
    await staged.commit(NS);
    expect(await d.storage.exists(NS, staged.sha256)).toBe(true);
    expect(await kept()).toContain(`${NS}/${staged.sha256.slice(0, 2)}/${staged.sha256}`);
    expect((await readAll(await d.storage.open(NS, staged.sha256))).bytes.equals(bytes)).toBe(true);
    expect(await leftovers()).toEqual([]);
  });

  it('keeps the same bytes once per tenant, and apart for another tenant', async () => {
    const bytes = randomBytes(3000);
    const before = (await kept()).length;
    await store(d.storage, bytes);
    await store(d.storage, bytes);
    await store(d.storage, bytes, { ns: OTHER_NS });
    const after = await kept();
    expect(after.length - before).toBe(2);
    expect(after.filter((k) => k.endsWith(sha256(bytes))).map((k) => k.split('/')[0])).toEqual([NS, OTHER_NS].sort());
    expect(await leftovers()).toEqual([]);
  });

  it('reads a staged file back whole before it is kept (what the virus scanner reads), twice', async () => {
    const bytes = randomBytes(7_000_000);
    const staged = await d.storage.stage({ source: chunked(bytes, 100_000), maxBytes: 8_000_000 });
    expect((await readAll(staged.open())).bytes.equals(bytes)).toBe(true);
    expect((await readAll(staged.open())).bytes.equals(bytes)).toBe(true);
    expect(await d.storage.exists(NS, staged.sha256)).toBe(false);
    await staged.discard();
    expect(await leftovers()).toEqual([]);
  });

  it('discards a staged file without keeping anything', async () => {
    const before = await kept();
    const staged = await d.storage.stage({ source: chunked(randomBytes(2000)), maxBytes: 5000 });
    await staged.discard();
    expect(await kept()).toEqual(before);
    expect(await leftovers()).toEqual([]);
  });

  it('takes in and gives back a 12 MB file as a stream, in many pieces', async () => {
    const bytes = randomBytes(12 * 1024 * 1024);
    const staged = await store(d.storage, bytes);
    expect(staged.sha256).toBe(sha256(bytes));
    expect(staged.sizeBytes).toBe(bytes.length);
    const stream = await d.storage.open(NS, staged.sha256);
    expect(stream).toBeInstanceOf(Readable);
    const back = await readAll(stream);
    expect(back.bytes.equals(bytes)).toBe(true);
    expect(back.chunks).toBeGreaterThan(10);
    expect(await leftovers()).toEqual([]);
  });

  it.each([
    ['within one part', 3000, 2000],
    ['after a first multipart part was sent', 7 * 1024 * 1024, 6 * 1024 * 1024],
  ])('refuses a file over the limit %s with file_too_large, and leaves nothing behind', async (_when, size, limit) => {
    const before = await kept();
    const bytes = randomBytes(size);
    await expect(d.storage.stage({ source: chunked(bytes), maxBytes: limit })).rejects.toMatchObject({
      code: 'file_too_large',
      details: { params: { maxMb: Math.round((limit / 1048576) * 10) / 10 } },
    });
    expect(await kept()).toEqual(before);
    expect(await leftovers()).toEqual([]);
    expect(await d.storage.exists(NS, sha256(bytes))).toBe(false);
  });

  it('a missing file: exists says no, open fails as for a missing file on disk (ENOENT), remove is quiet', async () => {
    const absent = sha256(randomBytes(10));
    expect(await d.storage.exists(NS, absent)).toBe(false);
    await expect(d.storage.open(NS, absent)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(d.storage.remove(NS, absent)).resolves.toBeUndefined();
    expect(await d.storage.removeIfIdle(NS, absent, new Date())).toBe('missing');
  });

  it('removes a kept file, and refuses keys that are not a tenant and a SHA-256', async () => {
    const staged = await store(d.storage, randomBytes(500));
    await d.storage.remove(NS, staged.sha256);
    expect(await d.storage.exists(NS, staged.sha256)).toBe(false);
    await expect(d.storage.open('../etc', staged.sha256)).rejects.toThrow(/unsafe/);
    await expect(d.storage.open(NS, '../../passwd')).rejects.toThrow(/not a sha256/);
  });

  it('removeIfIdle deletes a file last used before the cut-off, keeps one used since (also by an identical upload)', async () => {
    const t0 = new Date('2026-11-20T03:00:00Z');
    const later = new Date('2026-11-20T03:30:00Z');
    const old = await store(d.storage, randomBytes(800), { at: t0 });
    expect(await d.storage.removeIfIdle(NS, old.sha256, new Date('2026-11-20T03:15:00Z'))).toBe('removed');
    expect(await d.storage.exists(NS, old.sha256)).toBe(false);

    const bytes = randomBytes(900);
    const reused = await store(d.storage, bytes, { at: t0 });
    // The same bytes uploaded again later: the kept file is dated anew, the second copy dropped.
    await store(d.storage, bytes, { at: later });
    expect(await d.storage.removeIfIdle(NS, reused.sha256, new Date('2026-11-20T03:15:00Z'))).toBe('kept');
    expect((await readAll(await d.storage.open(NS, reused.sha256))).bytes.equals(bytes)).toBe(true);
    // Used exactly at the cut-off counts as used.
    expect(await d.storage.removeIfIdle(NS, reused.sha256, later)).toBe('kept');
    expect(await leftovers()).toEqual([]);
  });
});

describe('S3 removeIfIdle against an upload of the same bytes committing in the middle of it', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3();
  });
  afterAll(async () => s3?.stop());

  /** A client that runs `during` once, just before or just after the first request `command` makes for `key`. */
  function clientWithStep(command: string, key: string, when: 'before' | 'after', during: () => Promise<void>): S3Client {
    const client = createS3Client(s3.config);
    let armed = true;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const hit = armed && context.commandName === command && (args.input as { Key?: string }).Key === key;
        if (hit) armed = false;
        if (hit && when === 'before') await during();
        const out = await next(args);
        if (hit && when === 'after') await during();
        return out;
      },
      { step: 'initialize', name: 'testInterleaving' },
    );
    return client;
  }

  const t0 = new Date('2026-11-20T03:00:00Z');
  const cutOff = new Date('2026-11-20T03:15:00Z');
  const fresh = new Date('2026-11-20T03:20:00Z');

  async function keptOnce(bytes: Buffer) {
    const plain = createS3Storage(s3.config);
    await (await plain.stage({ source: chunked(bytes), maxBytes: 4096 })).commit(NS, t0);
    return plain;
  }

  async function expectStays(plain: FileStorage, bytes: Buffer) {
    const sha = sha256(bytes);
    expect(await plain.exists(NS, sha)).toBe(true);
    expect((await readAll(await plain.open(NS, sha))).bytes.equals(bytes)).toBe(true);
    const client = createS3Client(s3.config);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'tmp/' }));
    expect(listed.Contents ?? []).toEqual([]);
    client.destroy();
  }

  it.each(['before', 'after'] as const)('an upload committed just %s the sweep deletes the file: the file stays', async (when) => {
    const bytes = randomBytes(2048);
    const sha = sha256(bytes);
    const plain = await keptOnce(bytes);
    const racing = await plain.stage({ source: chunked(bytes), maxBytes: 4096 });
    const client = clientWithStep('DeleteObjectCommand', `${NS}/${sha.slice(0, 2)}/${sha}`, when, () => racing.commit(NS, fresh));
    expect(await createS3Storage(s3.config, client).removeIfIdle(NS, sha, cutOff)).toBe('kept');
    client.destroy();
    await expectStays(plain, bytes);
  });

  it('an upload that found the file kept just before the sweep began: the sweep sees its date, the file stays', async () => {
    const bytes = randomBytes(2048);
    const sha = sha256(bytes);
    const plain = await keptOnce(bytes);
    let found!: () => void;
    const foundKept = new Promise<void>((resolve) => (found = resolve));
    let release!: () => void;
    const sweepDone = new Promise<void>((resolve) => (release = resolve));
    // The upload's existence check answers, then the upload waits until the whole sweep is over.
    const client = clientWithStep('HeadObjectCommand', `${NS}/${sha.slice(0, 2)}/${sha}`, 'after', async () => {
      found();
      await sweepDone;
    });
    const racing = await createS3Storage(s3.config, client).stage({ source: chunked(bytes), maxBytes: 4096 });
    const committing = racing.commit(NS, fresh);
    await foundKept;
    const outcome = await plain.removeIfIdle(NS, sha, cutOff);
    release();
    await committing;
    client.destroy();
    expect(outcome).toBe('kept');
    await expectStays(plain, bytes);
  });
});

describe('S3 upload memory', () => {
  it('a 40 MB upload is held at most about one multipart part at a time, not whole', async () => {
    const s3 = await startS3();
    const client = createS3Client(s3.config);
    let read = 0;
    let sent = 0;
    let mostHeld = 0;
    // Counts what the server has acknowledged, part by part.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'UploadPartCommand') sent += (args.input as { Body: Buffer }).Body.length;
        return out;
      },
      { step: 'initialize', name: 'countSentParts' },
    );
    const size = 40 * 1024 * 1024;
    const hash = createHash('sha256');
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < size; i += 64 * 1024) {
          const piece = randomBytes(64 * 1024);
          hash.update(piece);
          read += piece.length;
          mostHeld = Math.max(mostHeld, read - sent);
          yield piece;
        }
      })(),
    );
    try {
      const staged = await createS3Storage(s3.config, client).stage({ source, maxBytes: size });
      await staged.commit(NS);
      expect(staged.sha256).toBe(hash.digest('hex'));
      expect(sent).toBe(size);
      // One 5 MB part, the piece being read and the stream's small read-ahead: far from 40 MB.
      expect(mostHeld).toBeLessThanOrEqual(2 * 5 * 1024 * 1024);
    } finally {
      client.destroy();
      await s3.stop();
    }
  });
});

describe('readiness, checked at start-up (src/server.ts exits 78 with the message)', () => {
  it('S3: ready while its bucket answers; a bucket that is not there is named, with what to check', async () => {
    const s3 = await startS3();
    try {
      expect(await createS3Storage(s3.config).ready()).toBe(true);
      const missing = { ...s3.config, bucket: 'izol-no-such-bucket' };
      expect(await createS3Storage(missing).ready()).toBe(false);
      expect(storageUnavailableMessage(missing)).toContain(
        `Izol cannot start: the bucket S3_BUCKET=izol-no-such-bucket does not answer at ${s3.env.S3_ENDPOINT}`,
      );
    } finally {
      await s3.stop();
    }
  });

  it('S3: an upload into a bucket that is not there fails, and the rest of the upload is not read', async () => {
    const s3 = await startS3();
    try {
      const source = chunked(randomBytes(8 * 1024 * 1024));
      const storage = createS3Storage({ ...s3.config, bucket: 'izol-no-such-bucket' });
      await expect(storage.stage({ source, maxBytes: 10 * 1024 * 1024 })).rejects.toMatchObject({ name: 'NoSuchBucket' });
      expect(source.destroyed).toBe(true);
    } finally {
      await s3.stop();
    }
  });

  it('a process making the S3 store prints no AWS SDK NodeVersionSupportWarning (Node 20)', async () => {
    const s3 = await startS3();
    try {
      const run = await runScript('test/helpers/s3-storage-probe.ts', 'sqlite::memory:', [], s3.env);
      expect(run.stdout.trim()).toBe('storage ready: true');
      expect(run.stderr).not.toMatch(/NodeVersionSupportWarning|AWS SDK for JavaScript/);
      expect(run.code).toBe(0);
    } finally {
      await s3.stop();
    }
  });

  it('local disk: ready when the folder can be made and written, not under a file', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-storage-'));
    try {
      expect(await createLocalStorage(path.join(root, 'files')).ready()).toBe(true);
      fs.writeFileSync(path.join(root, 'plain-file'), 'x');
      expect(await createLocalStorage(path.join(root, 'plain-file', 'files')).ready()).toBe(false);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
