import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Clock } from '../shared/time.js';
import { createBuiltinPdfSigner, createRemotePdfSigner, withPdfSigning } from './pdf-signer.js';
import { createEd25519Signer } from './signer.js';

/** The deployment's root CA name: the host readers see in "issued by". */
export function pdfRootName(baseUrl: string): string {
  let host = baseUrl;
  try {
    host = new URL(baseUrl).host;
  } catch {
    // keep the address as given
  }
  return `Izol Root CA (${host})`;
}

/** The office signer of the composition root and scripts/keys.ts: Ed25519 for JSON, PAdES for PDFs (built in or remote). */
export function createSigner(deps: { config: Config; db: Db; clock: Clock; fetch?: typeof fetch }) {
  const { config, db, clock } = deps;
  const ed25519 = createEd25519Signer({ db, dataKey: config.dataEncryptionKey, clock });
  const builtin = createBuiltinPdfSigner({ db, dataKey: config.dataEncryptionKey, clock, rootName: pdfRootName(config.baseUrl) });
  const pdf = config.pdfSigner.kind === 'remote' ? createRemotePdfSigner(config.pdfSigner, builtin, deps.fetch) : builtin;
  return withPdfSigning(ed25519, pdf);
}
