import type { Config } from '../config.js';
import { createS3Storage } from './s3-storage.js';
import { createLocalStorage, type FileStorage } from './storage.js';

/** The file storage the configuration names: local disk (the embedded default) or an S3-compatible bucket. */
export function createFileStorage(config: Config['storage']): FileStorage {
  switch (config.driver) {
    case 'local':
      return createLocalStorage(config.dir);
    case 's3':
      return createS3Storage(config);
  }
}

/** What to tell the operator when the configured store does not answer at start-up (storage.ready()). */
export function storageUnavailableMessage(config: Config['storage']): string {
  switch (config.driver) {
    case 'local':
      return `Izol cannot start: the file store STORAGE_DIR=${config.dir} cannot be created or written by this user.`;
    case 's3':
      return (
        `Izol cannot start: the bucket S3_BUCKET=${config.bucket} does not answer at ${config.endpoint ?? `AWS S3 (S3_REGION=${config.region})`}.\n` +
        '  Check that it exists (Izol does not create it), S3_ENDPOINT, S3_REGION, S3_FORCE_PATH_STYLE, and that the\n' +
        '  credentials (S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY, or the AWS default chain) may list it (docs/storage.md).'
      );
  }
}
