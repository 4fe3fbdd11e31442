/**
 * A child process for storage-drivers.test.ts: makes the configured file store as the server does
 * (loadConfig → createFileStorage) and checks it, so the test can read everything the process prints.
 */
import { loadConfig } from '../../src/config.js';
import { createFileStorage } from '../../src/documents/storage-driver.js';

const config = loadConfig();
const ready = await createFileStorage(config.storage).ready();
console.log(`storage ready: ${String(ready)}`);
