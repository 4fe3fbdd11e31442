/**
 * Backup and restore (issue 15, docs/backup.md), as an operator runs them: on SQLite `npm run backup`
 * (online backup + files, one archive with a manifest and checksums) and `npm run restore` into a new
 * folder; on PostgreSQL `scripts/pg-backup.sh` (pg_dump / pg_restore) into a new database. The restored
 * service answers the same application, document bytes, permit, permit PDF, parcel and parcel photo,
 * and its audit chains verify. A damaged or cut archive is refused before anything is written.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreBackup } from '../../src/backup/backup.js';
import { createTestDatabase, DIALECTS } from '../helpers/databases.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { type OfficeReads, seedOffice, served, serviceOver } from '../helpers/office-data.js';
import { runScript } from '../helpers/scripts.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function runShell(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [script, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TMPDIR: process.env.TMPDIR ?? '/tmp', NODE_ENV: 'test', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.each(DIALECTS)('backup and restore (%s)', (dialect) => {
  let ctx: TestContext;
  let reads: OfficeReads;
  let before: Awaited<ReturnType<typeof served>>;
  const cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    reads = await seedOffice(ctx);
    before = await served(ctx.app, ctx.services, reads);
  }, 120_000);
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
    await ctx?.close();
  });

  if (dialect === 'sqlite') {
    let archive: string;

    it('npm run backup writes one archive; npm run restore into a new folder serves the same office, and its audit verifies', async () => {
      archive = path.join(path.dirname(ctx.storageDir), 'backups', 'izol.tar.gz');
      const made = await runScript('scripts/backup.ts', ctx.databaseUrl, ['--out', archive], { STORAGE_DIR: ctx.storageDir });
      expect(made.code, made.stderr + made.stdout).toBe(0);
      expect(made.stdout).toMatch(/Backup written: .*izol\.tar\.gz/);
      expect(made.stdout).toMatch(/SHA-256 of the archive: [0-9a-f]{64}/);

      const to = path.join(path.dirname(ctx.storageDir), 'restored');
      const restored = await runScript('scripts/restore.ts', ctx.databaseUrl, [archive, '--to', to]);
      expect(restored.code, restored.stderr + restored.stdout).toBe(0);
      expect(restored.stdout).toContain('every SHA-256 matches');
      expect(restored.stdout).toContain('All 2 audit chains are intact.');
      expect(restored.stdout).toContain(`DATABASE_URL=sqlite:${path.join(to, 'izol.db')}`);
      expect(restored.stdout).toContain(`STORAGE_DIR=${path.join(to, 'files')}`);

      const manifest = JSON.parse(fs.readFileSync(path.join(to, 'manifest.json'), 'utf8')) as {
        database: { lastMigration: string; tables: Record<string, number> };
        entries: { path: string; sha256: string }[];
        missingFiles: string[];
      };
      expect(manifest.database.lastMigration).toMatch(/^00\d\d_/);
      expect(manifest.database.tables.permits).toBe(1);
      expect(manifest.missingFiles).toEqual([]);
      // Every stored file of the office is in the archive under its own SHA-256.
      expect(manifest.entries.filter((e) => e.path.startsWith('files/')).every((e) => e.path.endsWith(e.sha256))).toBe(true);

      const service = await serviceOver(ctx, { DATABASE_URL: `sqlite:${path.join(to, 'izol.db')}`, STORAGE_DIR: path.join(to, 'files') });
      cleanup.push(() => service.close());
      const after = await served(service.app, service.services, reads);
      expect(Object.keys(after)).toEqual(Object.keys(before));
      for (const [name, res] of Object.entries(before)) {
        expect(res.status, name).toBe(200);
        expect(after[name], name).toEqual(res);
      }
      expect(before['permit PDF']!.body.subarray(0, 5).toString()).toBe('%PDF-');
    });

    it('a damaged or cut archive is refused before anything is written, and so is a folder that is not empty', async () => {
      const bytes = fs.readFileSync(archive);
      const damaged = Buffer.from(bytes);
      damaged[Math.floor(damaged.length / 2)]! ^= 0xff;
      const file = path.join(path.dirname(archive), 'damaged.tar.gz');
      fs.writeFileSync(file, damaged);
      const into = path.join(path.dirname(archive), 'into-damaged');
      const res = await runScript('scripts/restore.ts', ctx.databaseUrl, [file, '--to', into]);
      expect(res.code, res.stdout).toBe(1);
      expect(res.stderr).toMatch(/restore: .*(damaged|cannot be read)/);
      expect(fs.existsSync(into)).toBe(false);

      // The same checks, in-process: a cut archive, and one whose manifest no longer matches a file.
      const cut = path.join(path.dirname(archive), 'cut.tar.gz');
      fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.8)));
      await expect(restoreBackup({ archive: cut, to: path.join(path.dirname(archive), 'into-cut') })).rejects.toThrow(/cannot be read|ends/);
      expect(fs.existsSync(path.join(path.dirname(archive), 'into-cut'))).toBe(false);

      const busy = path.join(path.dirname(archive), 'busy');
      fs.mkdirSync(busy);
      fs.writeFileSync(path.join(busy, 'izol.db'), 'the running office');
      await expect(restoreBackup({ archive, to: busy })).rejects.toThrow('is not an empty folder');
      expect(fs.readFileSync(path.join(busy, 'izol.db'), 'utf8')).toBe('the running office');
    });

    it('npm run backup on PostgreSQL points to pg_dump and writes nothing', async () => {
      const res = await runScript('scripts/backup.ts', 'postgres://postgres@127.0.0.1:5432/none', ['--out', path.join(path.dirname(archive), 'pg.tar.gz')]);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain('scripts/pg-backup.sh');
      expect(fs.existsSync(path.join(path.dirname(archive), 'pg.tar.gz'))).toBe(false);
    });
  } else {
    it('scripts/pg-backup.sh dumps and restores into a new database that serves the same office, and its audit verifies', async () => {
      const dump = path.join(path.dirname(ctx.storageDir), 'izol.dump');
      const made = await runShell('scripts/pg-backup.sh', ['backup', dump], { DATABASE_URL: ctx.databaseUrl });
      expect(made.code, made.stderr).toBe(0);
      expect(fs.readFileSync(`${dump}.sha256`, 'utf8')).toMatch(/^[0-9a-f]{64} {2}izol\.dump\n$/);

      const fresh = await createTestDatabase('postgres');
      cleanup.push(() => fresh.drop());
      const restored = await runShell('scripts/pg-backup.sh', ['restore', dump], { DATABASE_URL: fresh.url });
      expect(restored.code, restored.stderr + restored.stdout).toBe(0);
      expect(restored.stdout).toContain('All 2 audit chains are intact.');

      // A second restore into the now-used database is refused.
      const again = await runShell('scripts/pg-backup.sh', ['restore', dump], { DATABASE_URL: fresh.url });
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('restore only into a new, empty database');

      const service = await serviceOver(ctx, { DATABASE_URL: fresh.url, STORAGE_DIR: ctx.storageDir });
      cleanup.push(() => service.close());
      const after = await served(service.app, service.services, reads);
      for (const [name, res] of Object.entries(before)) {
        expect(res.status, name).toBe(200);
        expect(after[name], name).toEqual(res);
      }
    });

    it('a damaged dump is refused and the target database stays empty', async () => {
      const dump = path.join(path.dirname(ctx.storageDir), 'izol.dump');
      const bytes = fs.readFileSync(dump);
      bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
      const damaged = path.join(path.dirname(ctx.storageDir), 'damaged.dump');
      fs.writeFileSync(damaged, bytes);
      fs.copyFileSync(`${dump}.sha256`, `${damaged}.sha256`);
      fs.writeFileSync(`${damaged}.sha256`, fs.readFileSync(`${dump}.sha256`, 'utf8').replace('izol.dump', 'damaged.dump'));
      const fresh = await createTestDatabase('postgres');
      cleanup.push(() => fresh.drop());
      const res = await runShell('scripts/pg-backup.sh', ['restore', damaged], { DATABASE_URL: fresh.url });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('the dump is damaged, nothing restored');
    });
  }
});
