import type { Config } from '../config.js';
import { createLocalStorage, type FileStorage } from './storage.js';

/** The file storage the configuration names: local disk (the embedded default) or an S3-compatible bucket. */
export function createFileStorage(config: Config['storage']): FileStorage {
  switch (config.driver) {
    case 'local':
      return createLocalStorage(config.dir);
    case 's3':
      throw new Error('STORAGE_DRIVER=s3: the S3 driver is not built yet');
  }
}
