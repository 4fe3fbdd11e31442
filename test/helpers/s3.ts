import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { loadConfig, type Config } from '../../src/config.js';

/** The credentials s3rver checks signatures against (its documented defaults). */
const S3RVER_KEY = 'S3RVER';

export type TestS3 = {
  /** STORAGE_DRIVER and the S3_* variables, for loadConfig, createTestContext(dialect, env) or a child process. */
  env: Record<string, string>;
  /** The same, parsed: for createS3Storage / createFileStorage directly. */
  config: Extract<Config['storage'], { driver: 's3' }>;
  /** The bucket's name (fresh per server). */
  bucket: string;
  stop(): Promise<void>;
};

/**
 * A real S3-compatible server (s3rver, in this process) on a free port, with a fresh data directory and
 * one empty bucket. Each call is independent; call stop() in afterAll (it removes the data directory).
 */
export async function startS3(): Promise<TestS3> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-s3-'));
  const bucket = `izol-${path
    .basename(directory)
    .slice('izol-s3-'.length)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')}`;
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const env = {
    STORAGE_DRIVER: 's3',
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    S3_BUCKET: bucket,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: S3RVER_KEY,
    S3_SECRET_ACCESS_KEY: S3RVER_KEY,
    S3_FORCE_PATH_STYLE: '1',
  };
  const storage = loadConfig({ NODE_ENV: 'test', ...env }).storage;
  if (storage.driver !== 's3') throw new Error('startS3: the configuration did not pick the s3 driver');
  return {
    env,
    config: storage,
    bucket,
    async stop() {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
