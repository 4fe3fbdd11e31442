import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/**
 * A photo as a phone camera takes it (issue 16, item 6): 4000 × 3000 pixels (unless told), about 4 MB of JPEG, of
 * random noise smoothed a little (as a sensor's picture is, so it compresses like one), with a red
 * block in the corner of the stored pixels to tell which way up it is shown. `orientation` is the
 * EXIF tag a phone writes when held upright (6: shown turned a quarter clockwise, portrait).
 */
export async function cameraPhoto(opts: { orientation?: number; format?: 'jpeg' | 'png'; width?: number; height?: number } = {}): Promise<Buffer> {
  const { width = 4000, height = 3000 } = opts;
  const small = { width: Math.round(width / 8), height: Math.round(height / 8) };
  const noise = sharp(randomBytes(small.width * small.height * 3), { raw: { ...small, channels: 3 } }).resize(width, height, { kernel: 'cubic' });
  const red = await sharp({ create: { width: 800, height: 800, channels: 3, background: '#ff0000' } })
    .png()
    .toBuffer();
  const base = sharp(await noise.raw().toBuffer(), { raw: { width, height, channels: 3 } }).composite([{ input: red, top: 0, left: 0 }]);
  const encoded = opts.format === 'png' ? base.png({ compressionLevel: 1 }) : base.jpeg({ quality: 93 });
  return encoded.withMetadata(opts.orientation ? { orientation: opts.orientation } : {}).toBuffer();
}

/**
 * A "decompression bomb": a valid PNG header declaring `width` × `height` pixels, with a few bytes of
 * compressed zero rows after it; decoding it whole would take gigabytes.
 */
export function pixelBombPng(width = 20000, height = 20000): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(width + 1))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
