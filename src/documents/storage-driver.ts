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
