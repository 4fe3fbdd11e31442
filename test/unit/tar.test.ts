/**
 * The backup's tar format (src/backup/tar.ts) against GNU tar: what it writes, `tar` lists and
 * extracts byte for byte (names past ustar's 100 bytes included), and what it reads back is what
 * was written; a damaged header is refused.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readTar, tarWriter } from '../../src/backup/tar.js';

const entries = [
  { name: 'izol.db', body: randomBytes(70_000) },
  { name: `files/${'c'.repeat(36)}/ab/ab${'0'.repeat(62)}`, body: randomBytes(513) },
  { name: 'empty', body: Buffer.alloc(0) },
  { name: 'manifest.json', body: Buffer.from('{"a":1}\n') },
];

async function archive(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on('data', (c: Buffer) => chunks.push(c));
  const tar = tarWriter(out);
  for (const e of entries) await tar.add(e.name, e.body.length, [e.body], () => undefined, new Date('2026-12-02T00:00:00Z'));
  await tar.end();
  out.end();
  return Buffer.concat(chunks);
}

describe('backup tar format', () => {
  it('GNU tar lists and extracts what it writes, byte for byte', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-tar-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.tar'), await archive());
      expect(execFileSync('tar', ['tf', 'a.tar'], { cwd: dir, encoding: 'utf8' }).trim().split('\n')).toEqual(entries.map((e) => e.name));
      fs.mkdirSync(path.join(dir, 'x'));
      execFileSync('tar', ['xf', '../a.tar'], { cwd: path.join(dir, 'x') });
      for (const e of entries) expect(fs.readFileSync(path.join(dir, 'x', e.name)).equals(e.body), e.name).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads back every entry it wrote, and refuses a damaged header', async () => {
    const bytes = await archive();
    const read: { name: string; body: Buffer }[] = [];
    await readTar(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), async ({ name }, chunks) => {
      const parts: Buffer[] = [];
      for await (const c of chunks) parts.push(c);
      read.push({ name, body: Buffer.concat(parts) });
    });
    expect(read).toEqual(entries);

    const damaged = Buffer.from(bytes);
    damaged[10] = damaged[10]! ^ 0xff;
    await expect(readTar(Readable.from([damaged]), () => Promise.resolve())).rejects.toThrow('an archive header is damaged');
    await expect(readTar(Readable.from([bytes.subarray(0, 2048)]), () => Promise.resolve())).rejects.toThrow(/ends/);
  });
});
