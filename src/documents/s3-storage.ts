import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Config } from '../config.js';
import { meter, safeSegment, type FileStorage } from './storage.js';

export type S3StorageConfig = Extract<Config['storage'], { driver: 's3' }>;

/**
 * A multipart part (S3's smallest). lib-storage fills a part, then sends it, PART_QUEUE at a time: an
 * upload in flight holds about PART_QUEUE × PART_BYTES plus the stream's read-ahead, whatever the file's
 * size (measured: 5.4 MB at most for a 40 MB upload; 21 MB with lib-storage's default queue of 4).
 */
const PART_BYTES = 5 * 1024 * 1024;
const PART_QUEUE = 1;

/**
 * The local layout, as object keys in one bucket (docs/storage.md):
 *   `<namespace>/<sha256[0:2]>/<sha256>`  a kept file (content-addressed, one per tenant)
 *   `_used/<namespace>/<sha256[0:2]>/<sha256>`  its date: an empty object, metadata `used-at` (ISO instant)
 *   `tmp/<uuid>`  a staged upload; `tmp/sweep-<uuid>`  a file the sweep has taken aside
 * A namespace is `[A-Za-z0-9-]` (safeSegment), so neither `_used` nor a tenant can collide with another.
 *
 * Why the date is a separate object, not metadata on the file or its LastModified: commit dates with the
 * caller's clock (`at`), which LastModified cannot carry; and the sweep must still see a date written
 * while it deletes the file, which a date stored on the deleted object cannot give (see removeIfIdle).
 */
const USED_PREFIX = '_used';

/**
 * Keeps the AWS SDK's NodeVersionSupportWarning (SDK releases after early January 2027 need Node >= 22)
 * out of the server's output, through the switch its maintainers give for it (aws/aws-sdk-js-v3#7983),
 * unless the operator set that variable. The runtime pin (Node 20) is what has to move before then.
 */
function quietNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

export function createS3Client(config: S3StorageConfig): S3Client {
  const { accessKeyId, secretAccessKey } = config;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new Error('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both, or neither to use the default AWS credential chain');
  }
  quietNodeVersionWarning();
  return new S3Client({
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
    // Checksums only where S3 requires them: the SDK's newer default (a CRC on every request and response)
    // is refused or mishandled by many S3-compatible servers (s3rver, older MinIO and Ceph). TLS guards
    // the bytes in transit; the SHA-256 computed while streaming names what was sent (it is not re-checked
    // against the bucket on download).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

function isNotFound(err: unknown): boolean {
  return err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 404 || err.name === 'NoSuchKey' || err.name === 'NotFound');
}

/** The same error the local driver's open gives for a missing file (fs: code ENOENT), so callers see one behaviour. */
function missingFile(key: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOENT: no stored object ${key}`), { code: 'ENOENT' });
}

/**
 * The FileStorage of local disk, in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, …): uploads and
 * downloads stream (bounded memory, multipart above PART_BYTES), hashed while they are sent. Relies on
 * strong read-after-write consistency (AWS S3 since December 2020, MinIO), which removeIfIdle needs.
 */
export function createS3Storage(config: S3StorageConfig, client: S3Client = createS3Client(config)): FileStorage {
  const Bucket = config.bucket;
  const finalKey = (namespace: string, sha256: string) => {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256');
    return `${safeSegment(namespace)}/${sha256.slice(0, 2)}/${sha256}`;
  };
  const usedKey = (namespace: string, sha256: string) => `${USED_PREFIX}/${finalKey(namespace, sha256)}`;

  const copy = (from: string, to: string) =>
    client.send(new CopyObjectCommand({ Bucket, Key: to, CopySource: `${Bucket}/${from}`, MetadataDirective: 'COPY' }));
  const remove = (key: string) => client.send(new DeleteObjectCommand({ Bucket, Key: key }));
  const head = (key: string) =>
    client.send(new HeadObjectCommand({ Bucket, Key: key })).then(
      (res) => res,
      (err: unknown) => {
        if (isNotFound(err)) return null;
        throw err;
      },
    );
  const markUsed = (namespace: string, sha256: string, at: Date) =>
    client.send(new PutObjectCommand({ Bucket, Key: usedKey(namespace, sha256), Body: '', ContentLength: 0, Metadata: { 'used-at': at.toISOString() } }));
  const usedSince = async (namespace: string, sha256: string, since: Date): Promise<boolean> => {
    const usedAt = (await head(usedKey(namespace, sha256)))?.Metadata?.['used-at'];
    return usedAt !== undefined && Date.parse(usedAt) >= since.getTime();
  };

  return {
    async stage({ source, maxBytes }) {
      const stagingKey = `tmp/${randomUUID()}`;
      const metered = meter(source, maxBytes);
      // A failed or refused upload leaves nothing: below one part nothing was sent yet; a multipart
      // upload is aborted by lib-storage (leavePartsOnError: false), and the delete covers the rest.
      const upload = new Upload({
        client,
        params: { Bucket, Key: stagingKey, Body: Readable.from(metered.chunks), ContentType: 'application/octet-stream' },
        partSize: PART_BYTES,
        queueSize: PART_QUEUE,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (err) {
        // The bucket failed (or the limit was crossed): the rest of the upload is not read.
        if (!source.destroyed) source.destroy();
        await remove(stagingKey).catch(() => undefined);
        throw metered.refused ?? err;
      }
      const { sha256, ...staged } = metered.digest();
      return {
        sha256,
        ...staged,
        async commit(namespace, at = new Date()) {
          const key = finalKey(namespace, sha256);
          // Dated before the existence check: a sweep judging this file after it deleted it sees the date
          // and puts the file back; one that judged earlier deleted it before the check, which then
          // finds it gone and keeps this copy.
          await markUsed(namespace, sha256, at);
          if (!(await head(key))) await copy(stagingKey, key);
          await remove(stagingKey);
        },
        async discard() {
          await remove(stagingKey);
        },
        open() {
          // The staged object, streamed from the bucket (the scanner and the polyglot check read it whole).
          return Readable.from(
            (async function* () {
              const res = await client.send(new GetObjectCommand({ Bucket, Key: stagingKey }));
              if (!(res.Body instanceof Readable)) throw new Error('S3 GetObject body is not a Node stream');
              for await (const chunk of res.Body) yield chunk as Buffer;
            })(),
          );
        },
      };
    },

    async open(namespace, sha256) {
      const key = finalKey(namespace, sha256);
      const res = await client.send(new GetObjectCommand({ Bucket, Key: key })).catch((err: unknown) => {
        throw isNotFound(err) ? missingFile(key) : err;
      });
      // In Node the body is the HTTP response itself: streamed to the caller, never buffered here.
      if (!(res.Body instanceof Readable)) throw new Error('S3 GetObject body is not a Node stream');
      return res.Body;
    },

    async exists(namespace, sha256) {
      return (await head(finalKey(namespace, sha256))) !== null;
    },

    async remove(namespace, sha256) {
      await remove(finalKey(namespace, sha256));
      await remove(usedKey(namespace, sha256));
    },

    /**
     * S3 has no atomic rename, so "take aside, then judge" becomes: copy aside, delete, then read the
     * date (a separate object, which the delete leaves). A commit racing this dates first and checks
     * for the file second (see commit), so either its date is seen here and the file is put back, or
     * its check comes after the delete and it keeps its own copy: the file about to be referenced stays.
     * Honest limits: (1) between the delete and the put-back (a few requests) a download of that file
     * fails, as between the two renames on local disk; (2) a sweep that dies in that window leaves the
     * bytes only in `tmp/sweep-<uuid>` (local disk: in `tmp/`); (3) it needs strong read-after-write
     * consistency — on an eventually consistent S3-compatible store a fresh date can be missed.
     * A date without a file is left behind (tiny; overwritten by the next commit of those bytes).
     */
    async removeIfIdle(namespace, sha256, idleSince) {
      const key = finalKey(namespace, sha256);
      if (!(await head(key))) return 'missing';
      if (await usedSince(namespace, sha256, idleSince)) return 'kept';
      const aside = `tmp/sweep-${randomUUID()}`;
      const copied = await copy(key, aside).then(
        () => true,
        (err: unknown) => {
          if (isNotFound(err)) return false;
          throw err;
        },
      );
      if (!copied) return 'missing';
      await remove(key);
      if (await usedSince(namespace, sha256, idleSince)) {
        // Put back (a racing upload that found it gone wrote the same bytes there: overwriting is harmless).
        await copy(aside, key);
        await remove(aside);
        return 'kept';
      }
      await remove(aside);
      return 'removed';
    },

    /** HeadBucket: the bucket exists and these credentials may list it (which 404s on missing keys need too). */
    async ready() {
      return client.send(new HeadBucketCommand({ Bucket })).then(
        () => true,
        () => false,
      );
    },
  };
}
