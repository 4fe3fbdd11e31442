import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { decryptField, encryptField, sha256Hex } from '../shared/crypto.js';
import { type Clock, isoNow } from '../shared/time.js';
import type { PreparedPdfSigner } from './pdf-signer.js';
import { findCurrentKey, findKeyById, insertKey as insertKeyRow, listPublicKeys, retireActiveKeys, type SigningKeyRow } from './signing.repository.js';

export type SignatureAlg = 'Ed25519';

export type Signature = { alg: SignatureAlg; keyId: string; /** base64url */ signature: string };

export type PublicKeyInfo = { keyId: string; alg: SignatureAlg; publicKeyPem: string; createdAt: string; retiredAt: string | null };

/**
 * The signing seam (PP 71/2019: a change after signing must be detectable and the signer identified).
 * The built-in implementation keeps an Ed25519 key per office in the database; an office that needs a
 * certified signature plugs in a provider here (a BSrE-style remote sign/verify API) instead.
 */
/** A signer bound to one office's current key; signing with it reads nothing from the database. */
export interface PreparedSigner {
  keyId: string;
  sign(data: Buffer): Promise<Signature>;
  /** The office's PDF signer (PAdES, src/signing/pdf-signer.ts), when the deployment signs PDFs. */
  pdf?: PreparedPdfSigner;
}

export interface Signer {
  /** The id of the key that signs for the office now. */
  keyId(tenantId: string): Promise<string>;
  sign(tenantId: string, data: Buffer): Promise<Signature>;
  /**
   * Looks the office's key up once, before a transaction, so that signing inside the transaction
   * needs no second database connection (SQLite has one) and holds no lock while a key is fetched.
   */
  /** `pdf`: also the office's PDF signer (PreparedSigner.pdf), only for what renders a permit PDF (issuing, re-issuing). */
  prepare(tenantId: string, options?: { pdf?: boolean }): Promise<PreparedSigner>;
  /** True only if `sig` is a valid signature over `data` by one of the office's keys (current or retired). */
  verify(tenantId: string, data: Buffer, sig: Signature): Promise<boolean>;
  /** Every key of the office, newest first, for publication. Never the private half. */
  publicKeys(tenantId: string): Promise<PublicKeyInfo[]>;
}

/** A signer that manages its own keys (the built-in one); a remote provider would make these no-ops. */
export interface ManagedSigner extends Signer {
  /** Creates a key for the office if it has no usable one; returns the current key id. */
  ensureKey(tenantId: string): Promise<string>;
  /** Retires the office's current key(s) and creates a new one; old signatures stay verifiable. */
  rotate(tenantId: string): Promise<{ retired: string[]; keyId: string }>;
}

type KeyRow = SigningKeyRow;

function keyIdOf(publicKey: KeyObject): string {
  return sha256Hex(publicKey.export({ type: 'spki', format: 'der' })).slice(0, 32);
}

export function createEd25519Signer(deps: { db: Kysely<Database>; dataKey: Buffer; clock: Clock }): ManagedSigner {
  const { db, dataKey, clock } = deps;
  // Keys never change under an id, so what was decrypted and checked once can be kept.
  const privateKeys = new Map<string, KeyObject>();
  const publicKeys = new Map<string, { tenantId: string; key: KeyObject }>();

  const currentRow = (tenantId: string) => findCurrentKey(db, tenantId);

  async function insertKey(trx: Kysely<Database>, tenantId: string): Promise<string> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const id = keyIdOf(publicKey);
    await insertKeyRow(trx, {
      id,
      tenant_id: tenantId,
      alg: 'Ed25519',
      public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      private_key_encrypted: encryptField(dataKey, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
      created_at: isoNow(clock),
      retired_at: null,
    });
    privateKeys.set(id, privateKey);
    return id;
  }

  /**
   * A key row is trusted only if its private half decrypts with our data key and matches its public
   * half: a row slipped into the table by someone with database access but without the data key
   * (a public key of their own) can then not make forged checkpoints verify.
   */
  function loadPrivate(row: KeyRow): KeyObject {
    const cached = privateKeys.get(row.id);
    if (cached) return cached;
    const privateKey = createPrivateKey(decryptField(dataKey, row.private_key_encrypted));
    const derived = createPublicKey(privateKey);
    if (keyIdOf(derived) !== row.id || derived.export({ type: 'spki', format: 'pem' }).toString() !== row.public_key_pem) {
      throw new Error(`signing key ${row.id} does not match its stored public key`);
    }
    privateKeys.set(row.id, privateKey);
    return privateKey;
  }

  async function ensureKey(tenantId: string): Promise<string> {
    const row = await currentRow(tenantId);
    if (row) return row.id;
    try {
      return await insertKey(db, tenantId);
    } catch (err) {
      // Another instance made the office's first key at the same moment: the unique index on current
      // keys (migration 0044) let one in, and this instance signs with that one.
      const theirs = isUniqueViolation(err, 'signing_keys_current') ? await currentRow(tenantId) : undefined;
      if (!theirs) throw err;
      return theirs.id;
    }
  }

  async function currentKey(tenantId: string): Promise<KeyRow> {
    let row = await currentRow(tenantId);
    if (!row) {
      await ensureKey(tenantId);
      row = await currentRow(tenantId);
    }
    if (!row) throw new Error(`no signing key for tenant ${tenantId}`);
    return row;
  }

  return {
    ensureKey,

    async rotate(tenantId) {
      return db.transaction().execute(async (trx) => {
        const retired = await retireActiveKeys(trx, tenantId, isoNow(clock));
        const keyId = await insertKey(trx, tenantId);
        return { retired, keyId };
      });
    },

    async keyId(tenantId) {
      return (await currentKey(tenantId)).id;
    },

    async sign(tenantId, data) {
      const row = await currentKey(tenantId);
      const signature = cryptoSign(null, data, loadPrivate(row)).toString('base64url');
      return { alg: 'Ed25519', keyId: row.id, signature };
    },

    async prepare(tenantId) {
      const row = await currentKey(tenantId);
      const privateKey = loadPrivate(row);
      return {
        keyId: row.id,
        // Promise-shaped like a remote provider's signing, though this one needs no I/O.
        sign: (data) => Promise.resolve({ alg: 'Ed25519', keyId: row.id, signature: cryptoSign(null, data, privateKey).toString('base64url') }),
      };
    },

    async verify(tenantId, data, sig) {
      if (sig?.alg !== 'Ed25519' || typeof sig.keyId !== 'string' || typeof sig.signature !== 'string') return false;
      if (!/^[A-Za-z0-9_-]+$/.test(sig.signature)) return false;
      let entry = publicKeys.get(sig.keyId);
      if (!entry) {
        const row = await findKeyById(db, sig.keyId);
        if (!row || row.alg !== 'Ed25519') return false;
        try {
          entry = { tenantId: row.tenant_id, key: createPublicKey(loadPrivate(row)) };
        } catch {
          return false; // not decryptable with our data key, or halves that do not match: not our key
        }
        publicKeys.set(sig.keyId, entry);
      }
      if (entry.tenantId !== tenantId) return false;
      try {
        return cryptoVerify(null, data, entry.key, Buffer.from(sig.signature, 'base64url'));
      } catch {
        return false;
      }
    },

    async publicKeys(tenantId) {
      const rows = await listPublicKeys(db, tenantId);
      return rows.map((r) => ({ keyId: r.id, alg: r.alg, publicKeyPem: r.public_key_pem, createdAt: r.created_at, retiredAt: r.retired_at }));
    },
  };
}
