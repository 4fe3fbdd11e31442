import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { photoMaxBytes, pictureSize, reducedFileName, reducePhoto } from '../../src/documents/photos.js';
import { cameraPhoto, pixelBombPng } from '../helpers/photos.js';

const MB = 1048576;

describe('camera photo reduction (documents/photos.ts)', () => {
  it('gives a requirement that takes pictures a photo limit of at least 10 MB, its own if larger, within the server cap; none for a PDF-only one', () => {
    expect(photoMaxBytes({ acceptedTypes: ['pdf', 'jpeg', 'png'], maxSizeMb: 2 }, 25 * MB)).toBe(10 * MB);
    expect(photoMaxBytes({ acceptedTypes: ['jpeg'], maxSizeMb: 20 }, 25 * MB)).toBe(20 * MB);
    expect(photoMaxBytes({ acceptedTypes: ['png'], maxSizeMb: 2, photoMaxSizeMb: 15 }, 25 * MB)).toBe(15 * MB);
    expect(photoMaxBytes({ acceptedTypes: ['png'], maxSizeMb: 2, photoMaxSizeMb: 15 }, 3 * MB)).toBe(3 * MB);
    expect(photoMaxBytes({ acceptedTypes: ['pdf'], maxSizeMb: 2 }, 25 * MB)).toBeNull();
  });

  it('keeps a PNG a PNG when the requirement does not take JPEG: 1600 px at most, smaller than it came', async () => {
    const png = await cameraPhoto({ format: 'png', width: 2400, height: 1800 });
    const reduced = await reducePhoto(png, 'png', ['png'], 2 * MB);
    expect(reduced?.kind).toBe('png');
    expect(reduced!.bytes.length).toBeLessThanOrEqual(2 * MB);
    const meta = await sharp(reduced!.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 1600, 1200]);
    expect(reducedFileName('layar.png', 'png', 'png')).toBe('layar.png');
  }, 30_000);

  it('turns a transparent PNG into a JPEG on white, as on paper, when JPEG is accepted, and names it .jpg', async () => {
    const clear = await sharp({ create: { width: 2000, height: 1000, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    const reduced = await reducePhoto(clear, 'png', ['pdf', 'jpeg', 'png'], 2 * MB);
    expect(reduced?.kind).toBe('jpeg');
    const { data, info } = await sharp(reduced!.bytes).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([1600, 800]);
    expect([...data.subarray(0, 3)].every((v) => v > 245)).toBe(true);
    expect(reducedFileName('tangkapan.layar.PNG', 'png', 'jpeg')).toBe('tangkapan.layar.jpg');
  });

  it('reads a picture’s size from its header without decoding it, and gives up (null) on what is no picture', async () => {
    expect(await pictureSize(pixelBombPng(20000, 20000))).toEqual({ width: 20000, height: 20000 });
    const fake = Buffer.alloc(4096, 0x5a);
    fake.set([0xff, 0xd8, 0xff, 0xe0]);
    expect(await pictureSize(fake)).toBeNull();
    expect(await reducePhoto(fake, 'jpeg', ['jpeg'], 2 * MB)).toBeNull();
  });
});
