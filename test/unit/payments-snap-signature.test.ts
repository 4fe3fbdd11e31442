import { createHash, createHmac, createSign, createVerify, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkSnapTimestamp,
  formatSnapTimestamp,
  minifyJsonBody,
  parseSnapTimestamp,
  signAccessTokenRequest,
  signSymmetric,
  SnapBodyError,
  snapBodyDigest,
  symmetricStringToSign,
  verifyAccessTokenSignature,
  verifySymmetric,
  type SymmetricRequest,
} from '../../src/payments/snap-signature.js';
import type { Clock } from '../../src/shared/time.js';

const SECRET = 'demo-bank-client-secret-2026';
const PRETTY_BODY = `{
  "partnerServiceId": "   12345",
  "customerNo": "000000000123",
  "virtualAccountNo": "   12345000000000123",
  "inquiryRequestId": "abc 123",
  "amount": { "value": "150000.00", "currency": "IDR" }
}`;
/** The same body minified by hand: whitespace outside strings gone, "abc 123" and the padding kept. */
const MINIFIED =
  '{"partnerServiceId":"   12345","customerNo":"000000000123","virtualAccountNo":"   12345000000000123","inquiryRequestId":"abc 123","amount":{"value":"150000.00","currency":"IDR"}}';
const REQUEST: SymmetricRequest = {
  method: 'POST',
  path: '/snap/v1.0/transfer-va/inquiry',
  accessToken: 'tok-abc.def',
  body: PRETTY_BODY,
  timestamp: '2026-12-01T10:00:00+07:00',
};

describe('minifyJsonBody (SNAP minify(RequestBody))', () => {
  it('removes whitespace outside strings only, keeping order, spelling and escapes', () => {
    expect(minifyJsonBody(PRETTY_BODY)).toBe(MINIFIED);
    // Integer-like keys stay where they are (JSON.stringify(JSON.parse()) would move "1" first).
    expect(minifyJsonBody('{ "b": 1, "1": 2 }')).toBe('{"b":1,"1":2}');
    // Numbers and escapes as written (re-serialising would give 100, 100, "A" and "/").
    expect(minifyJsonBody('{ "a": 100.00, "b": 1e2, "c": "\\u0041", "d": "\\/" }')).toBe('{"a":100.00,"b":1e2,"c":"\\u0041","d":"\\/"}');
    // An escaped quote does not end the string; the spaces after it are inside the string.
    expect(minifyJsonBody('{ "q": "say \\"hi  there\\"  " , "t":\t[ 1 ,\r\n 2 ] }')).toBe('{"q":"say \\"hi  there\\"  ","t":[1,2]}');
    expect(minifyJsonBody(MINIFIED)).toBe(MINIFIED);
  });

  it('gives back the compact serialisation of any pretty-printed JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(1, 2, '\t', ' \r\n '), (value, indent) => {
        expect(minifyJsonBody(JSON.stringify(value, null, indent))).toBe(JSON.stringify(value));
      }),
      { numRuns: 300 },
    );
  });

  it('turns a missing body into the empty string, as the spec says', () => {
    expect(minifyJsonBody('')).toBe('');
    expect(minifyJsonBody(' \n ')).toBe('');
    expect(snapBodyDigest('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('refuses a body that is not JSON', () => {
    expect(() => minifyJsonBody('{"a":')).toThrow(SnapBodyError);
    expect(() => minifyJsonBody('partnerServiceId=1')).toThrow('the request body is not valid JSON');
  });
});

describe('symmetric signature (transaction requests)', () => {
  // The independent route: the stringToSign written out by hand, hashed and keyed with node:crypto directly.
  const bodyHash = createHash('sha256').update(MINIFIED).digest('hex');
  const handStringToSign = `POST:/snap/v1.0/transfer-va/inquiry:tok-abc.def:${bodyHash}:2026-12-01T10:00:00+07:00`;
  const handSignature = createHmac('sha512', SECRET).update(handStringToSign).digest('base64');

  it('builds METHOD:path:token:sha256hex(minified body):timestamp and signs it with HMAC-SHA512 in base64', () => {
    expect(bodyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(symmetricStringToSign(REQUEST)).toBe(handStringToSign);
    expect(symmetricStringToSign({ ...REQUEST, method: 'post' })).toBe(handStringToSign);
    expect(signSymmetric(SECRET, REQUEST)).toBe(handSignature);
    expect(signSymmetric(SECRET, REQUEST, 'hex')).toBe(createHmac('sha512', SECRET).update(handStringToSign).digest('hex'));
  });

  it('verifies the bank signature, also when the bank sent the body minified', () => {
    expect(verifySymmetric(SECRET, REQUEST, handSignature)).toBe(true);
    expect(verifySymmetric(SECRET, { ...REQUEST, body: MINIFIED }, handSignature)).toBe(true);
    expect(verifySymmetric(SECRET, REQUEST, createHmac('sha512', SECRET).update(handStringToSign).digest('hex'), 'hex')).toBe(true);
  });

  it('refuses a tampered body, path, token, timestamp or method, a wrong secret, and a malformed or missing signature', () => {
    const tampered: SymmetricRequest[] = [
      { ...REQUEST, body: PRETTY_BODY.replace('150000.00', '15000.00') },
      { ...REQUEST, body: PRETTY_BODY.replace('"abc 123"', '"abc  123"') },
      { ...REQUEST, body: '' },
      { ...REQUEST, path: '/snap/v1.0/transfer-va/payment' },
      { ...REQUEST, path: '/snap/v1.0/transfer-va/inquiry?x=1' },
      { ...REQUEST, accessToken: 'tok-abc.deg' },
      { ...REQUEST, timestamp: '2026-12-01T10:00:01+07:00' },
      { ...REQUEST, method: 'PUT' },
    ];
    for (const req of tampered) expect(verifySymmetric(SECRET, req, handSignature)).toBe(false);
    expect(verifySymmetric('another-secret', REQUEST, handSignature)).toBe(false);
    expect(verifySymmetric(SECRET, REQUEST, undefined)).toBe(false);
    expect(verifySymmetric(SECRET, REQUEST, '')).toBe(false);
    expect(verifySymmetric(SECRET, REQUEST, `${handSignature}!`)).toBe(false);
    expect(verifySymmetric(SECRET, REQUEST, ` ${handSignature}`)).toBe(false);
    expect(verifySymmetric(SECRET, REQUEST, handSignature.slice(0, 40))).toBe(false);
    expect(verifySymmetric(SECRET, REQUEST, handSignature, 'hex')).toBe(false);
    expect(() => verifySymmetric(SECRET, { ...REQUEST, body: '{"broken"' }, handSignature)).toThrow(SnapBodyError);
  });
});

describe('asymmetric signature (B2B access-token request)', () => {
  const bank = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const CLIENT_ID = 'BANKJATIM-DEMO-01';
  const TS = '2026-12-01T10:00:00+07:00';

  it('verifies a SHA256withRSA signature over clientId|timestamp made independently with createSign', () => {
    const signature = createSign('RSA-SHA256').update(`${CLIENT_ID}|${TS}`).sign(bank.privateKey, 'base64');
    expect(verifyAccessTokenSignature(bank.publicKey, CLIENT_ID, TS, signature)).toBe(true);
    const pem = bank.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(verifyAccessTokenSignature(pem, CLIENT_ID, TS, signature)).toBe(true);
  });

  it('signs so that an independent verifier (createVerify) accepts it; PKCS#1 v1.5 is deterministic', () => {
    const signature = signAccessTokenRequest(bank.privateKey, CLIENT_ID, TS);
    expect(createVerify('RSA-SHA256').update(`${CLIENT_ID}|${TS}`).verify(bank.publicKey, signature, 'base64')).toBe(true);
    expect(signature).toBe(createSign('RSA-SHA256').update(`${CLIENT_ID}|${TS}`).sign(bank.privateKey, 'base64'));
    const pem = bank.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(signAccessTokenRequest(pem, CLIENT_ID, TS, 'hex')).toBe(Buffer.from(signature, 'base64').toString('hex'));
  });

  it('refuses a wrong key, another client id or timestamp, and malformed signatures', () => {
    const signature = signAccessTokenRequest(bank.privateKey, CLIENT_ID, TS);
    expect(verifyAccessTokenSignature(stranger.publicKey, CLIENT_ID, TS, signature)).toBe(false);
    expect(verifyAccessTokenSignature(bank.publicKey, CLIENT_ID, TS, signAccessTokenRequest(stranger.privateKey, CLIENT_ID, TS))).toBe(false);
    expect(verifyAccessTokenSignature(bank.publicKey, 'BANKJATIM-DEMO-02', TS, signature)).toBe(false);
    expect(verifyAccessTokenSignature(bank.publicKey, CLIENT_ID, '2026-12-01T10:00:01+07:00', signature)).toBe(false);
    expect(verifyAccessTokenSignature(bank.publicKey, CLIENT_ID, TS, undefined)).toBe(false);
    expect(verifyAccessTokenSignature(bank.publicKey, CLIENT_ID, TS, 'not*base64')).toBe(false);
    expect(verifyAccessTokenSignature(bank.publicKey, CLIENT_ID, TS, signature.slice(4))).toBe(false);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(verifyAccessTokenSignature(ec.publicKey, CLIENT_ID, TS, signature)).toBe(false);
  });
});

describe('X-TIMESTAMP', () => {
  const NOW = new Date('2026-12-01T03:00:00.000Z'); // 10:00 WIB
  const clock: Clock = { now: () => NOW };

  it('parses SNAP timestamps with an offset, Z, or fractional seconds', () => {
    expect(parseSnapTimestamp('2026-12-01T10:00:00+07:00')?.toISOString()).toBe('2026-12-01T03:00:00.000Z');
    expect(parseSnapTimestamp('2026-12-01T03:00:00Z')?.toISOString()).toBe('2026-12-01T03:00:00.000Z');
    expect(parseSnapTimestamp('2026-11-30T22:30:00-04:30')?.toISOString()).toBe('2026-12-01T03:00:00.000Z');
    expect(parseSnapTimestamp('2026-12-01T10:00:00.5+07:00')?.toISOString()).toBe('2026-12-01T03:00:00.500Z');
    expect(parseSnapTimestamp('2028-02-29T00:00:00+07:00')?.toISOString()).toBe('2028-02-28T17:00:00.000Z');
  });

  it('refuses other shapes and impossible dates', () => {
    for (const bad of [
      '2026-12-01T10:00:00',
      '2026-12-01 10:00:00+07:00',
      '2026-12-01T10:00+07:00',
      '2026-12-01T10:00:00+0700',
      '2026-12-01T10:00:00.1234+07:00',
      '2026-02-29T10:00:00+07:00',
      '2026-13-01T10:00:00+07:00',
      '2026-12-01T24:00:00+07:00',
      '2026-12-01T10:60:00+07:00',
      '2026-12-01T10:00:00+15:00',
      '1764558000',
      '',
    ]) {
      expect(parseSnapTimestamp(bad)).toBeNull();
      const result = checkSnapTimestamp(bad, clock);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toBe('format');
    }
    expect(checkSnapTimestamp(undefined, clock)).toMatchObject({ ok: false, reason: 'format' });
  });

  it('accepts up to exactly 5 minutes either way and refuses one second beyond', () => {
    expect(checkSnapTimestamp('2026-12-01T10:00:00+07:00', clock)).toMatchObject({ ok: true, skewMs: 0 });
    expect(checkSnapTimestamp('2026-12-01T10:05:00+07:00', clock)).toMatchObject({ ok: true, skewMs: 300_000 });
    expect(checkSnapTimestamp('2026-12-01T09:55:00+07:00', clock)).toMatchObject({ ok: true, skewMs: -300_000 });
    expect(checkSnapTimestamp('2026-12-01T10:05:01+07:00', clock)).toMatchObject({ ok: false, reason: 'outside_window', skewMs: 301_000 });
    expect(checkSnapTimestamp('2026-12-01T09:54:59+07:00', clock)).toMatchObject({ ok: false, reason: 'outside_window', skewMs: -301_000 });
    // The same instant in another zone is judged by the instant, not the wall clock.
    expect(checkSnapTimestamp('2026-12-01T03:04:59Z', clock).ok).toBe(true);
    expect(checkSnapTimestamp('2026-12-01T03:00:00+07:00', clock).ok).toBe(false);
  });

  it('takes another window', () => {
    expect(checkSnapTimestamp('2026-12-01T10:01:00+07:00', clock, 60_000).ok).toBe(true);
    expect(checkSnapTimestamp('2026-12-01T10:01:01+07:00', clock, 60_000).ok).toBe(false);
  });

  it('formats an instant as X-TIMESTAMP in WIB by default, and the result parses back', () => {
    expect(formatSnapTimestamp(NOW)).toBe('2026-12-01T10:00:00+07:00');
    expect(formatSnapTimestamp(NOW, 0)).toBe('2026-12-01T03:00:00+00:00');
    expect(formatSnapTimestamp(NOW, -270)).toBe('2026-11-30T22:30:00-04:30');
    expect(parseSnapTimestamp(formatSnapTimestamp(new Date('2026-12-31T23:59:59Z')))?.toISOString()).toBe('2026-12-31T23:59:59.000Z');
  });
});
