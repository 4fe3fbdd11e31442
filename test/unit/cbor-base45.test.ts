import { describe, expect, it } from 'vitest';
import { base45Decode, base45Encode } from '../../src/signing/base45.js';
import { CborTag, type CborValue, decodeCbor, encodeCbor } from '../../src/signing/cbor.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const text = (s: string) => new TextEncoder().encode(s);

describe('base45 (RFC 9285)', () => {
  // RFC 9285 §4.3 and §4.4.
  it.each([
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
    ['', ''],
  ])('%j <-> %j', (plain, encoded) => {
    expect(base45Encode(text(plain))).toBe(encoded);
    expect(new TextDecoder().decode(base45Decode(encoded))).toBe(plain);
  });

  it('round-trips every byte value and odd lengths', () => {
    const all = Uint8Array.from({ length: 257 }, (_, i) => (i * 7) & 0xff);
    expect(hex(base45Decode(base45Encode(all)))).toBe(hex(all));
    expect(base45Encode(Uint8Array.of(0xff, 0xff))).toBe('FGW');
  });

  it('refuses what RFC 9285 §6 calls invalid', () => {
    expect(() => base45Decode('GGW')).toThrow(/range/); // 65536
    expect(() => base45Decode('ZZ')).toThrow(/range/); // 35 + 35·45 > 255
    expect(() => base45Decode('A')).toThrow(); // a dangling character
    expect(() => base45Decode('bb8')).toThrow(/base45 character/); // lower case is not in the alphabet
  });
});

describe('CBOR (RFC 8949)', () => {
  // RFC 8949 Appendix A, the examples within integers, strings, arrays, maps and tags.
  const vectors: [CborValue, string][] = [
    [0, '00'],
    [1, '01'],
    [10, '0a'],
    [23, '17'],
    [24, '1818'],
    [25, '1819'],
    [100, '1864'],
    [1000, '1903e8'],
    [1000000, '1a000f4240'],
    [1000000000000, '1b000000e8d4a51000'],
    [4294967295, '1affffffff'],
    [4294967296, '1b0000000100000000'],
    [-1, '20'],
    [-10, '29'],
    [-100, '3863'],
    [-1000, '3903e7'],
    [-65537, '3a00010000'],
    [new Uint8Array(0), '40'],
    [bytes('01020304'), '4401020304'],
    ['', '60'],
    ['a', '6161'],
    ['IETF', '6449455446'],
    ['"\\', '62225c'],
    ['\u00fc', '62c3bc'],
    ['\u6c34', '63e6b0b4'],
    ['\ud800\udd51', '64f0908591'],
    [[], '80'],
    [[1, 2, 3], '83010203'],
    [[1, [2, 3], [4, 5]], '8301820203820405'],
    [Array.from({ length: 25 }, (_, i) => i + 1), '98190102030405060708090a0b0c0d0e0f101112131415161718181819'],
    [new Map(), 'a0'],
    [
      new Map([
        [1, 2],
        [3, 4],
      ]),
      'a201020304',
    ],
    [
      new Map<string, CborValue>([
        ['a', 1],
        ['b', [2, 3]],
      ]),
      'a26161016162820203',
    ],
    [['a', new Map([['b', 'c']])], '826161a161626163'],
    [new Map(['a', 'b', 'c', 'd', 'e'].map((k) => [k, k.toUpperCase()])), 'a56161614161626142616361436164614461656145'],
    [new CborTag(1, 1363896240), 'c11a514b67b0'],
    [new CborTag(23, bytes('01020304')), 'd74401020304'],
    [new CborTag(24, bytes('6449455446')), 'd818456449455446'],
    [new CborTag(32, 'http://www.example.com'), 'd82076687474703a2f2f7777772e6578616d706c652e636f6d'],
  ];

  it.each(vectors)('%o is %s', (value, encoded) => {
    expect(hex(encodeCbor(value))).toBe(encoded);
    expect(decodeCbor(bytes(encoded))).toEqual(value);
  });

  it('sorts map keys by their encoded bytes (RFC 8949 §4.2.1), whatever order they were given in', () => {
    const map = new Map<string | number, CborValue>([
      ['aa', 5],
      ['z', 4],
      [-1, 3],
      [100, 2],
      [10, 1],
    ]);
    // 10, 100, -1, "z", "aa": the order of §4.2.1's example.
    expect(hex(encodeCbor(map))).toBe('a50a011864022003617a0462616105');
    expect(
      hex(
        encodeCbor(
          new Map<number, CborValue>([
            [-65537, 1],
            [6, 2],
            [4, 3],
            [1, 4],
          ]),
        ),
      ),
    ).toBe('a40104040306023a0001000001');
  });

  it.each([
    ['5f42010243030405ff', 'indefinite'], // indefinite-length byte string
    ['9fff', 'indefinite'],
    ['1817', 'shortest'], // 23 in two bytes
    ['190017', 'shortest'],
    ['0001', 'after'], // trailing bytes
    ['f93c00', 'float'], // a half float
    ['f5', 'simple'], // true
    ['a201020103', 'duplicate'], // {1: 2, 1: 3}
    ['62c3', 'end'], // text shorter than its length
    ['9affffffff', 'end'], // an array claiming 4 billion items
    ['62c328', 'UTF-8'], // invalid UTF-8
    ['1bffffffffffffffff', 'large'],
  ])('refuses %s (%s)', (encoded, message) => {
    expect(() => decodeCbor(bytes(encoded))).toThrow(new RegExp(message));
  });

  it('refuses to encode what it cannot encode exactly', () => {
    expect(() => encodeCbor(1.5)).toThrow();
    expect(() => encodeCbor(2 ** 60)).toThrow();
  });
});
