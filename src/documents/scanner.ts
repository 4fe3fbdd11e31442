import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

/**
 * The malware-scanning hook every upload passes before it is kept (SECURITY.md, OWASP file upload).
 * The built-in scanner knows signatures by SHA-256 (with the EICAR test file, since no signature
 * database can be downloaded here) and finds the EICAR test string at the start of a file. An office
 * plugs in ClamAV (clamd-scanner.ts, VIRUS_SCANNER=clamd) or its provider's scanner behind the same interface.
 * A scanner that cannot give a verdict throws `scanner_unavailable`: the upload is refused, never kept unscanned.
 */
export interface VirusScanner {
  scan(file: {
    sha256: string;
    head: Buffer;
    /** The whole staged file from its start, for a scanner that reads every byte. */
    open(): Readable;
  }): Promise<{ clean: true } | { clean: false; signature: string }>;
  /** Whether the scanner answers now, for the readiness probe; absent for one that runs in this process. */
  ready?(timeoutMs: number): Promise<boolean>;
}

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

export function createSignatureScanner(extra: Record<string, string> = {}): VirusScanner {
  const bySha = new Map<string, string>([[createHash('sha256').update(EICAR).digest('hex'), 'EICAR-Test-File'], ...Object.entries(extra)]);
  return {
    scan({ sha256, head }) {
      const known = bySha.get(sha256);
      if (known) return Promise.resolve({ clean: false, signature: known });
      if (head.subarray(0, 128).includes(EICAR)) return Promise.resolve({ clean: false, signature: 'EICAR-Test-File' });
      return Promise.resolve({ clean: true });
    },
  };
}
