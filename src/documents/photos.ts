import sharp from 'sharp';
import type { FileKind, Requirement } from '../catalogue/catalogue.schema.js';

/**
 * Camera photos (issue 16, item 6). A KTP photographed with a phone is 3–5 MB; the KTP takes 2 MB.
 * With JavaScript the browser reduces it before sending (web/assets/app.js, the same numbers); without,
 * the server receives it up to the requirement's photo limit and keeps a reduced copy instead:
 * turned upright per its EXIF orientation, its longest side at most 1600 px (a KTP still reads well),
 * JPEG at quality 80 (a PNG stays PNG, compressed, unless the requirement accepts JPEG), and without
 * its metadata (EXIF, GPS position, camera serial): what is stored is only the picture.
 */
export const PHOTO_REDUCTION = {
  longestSide: 1600,
  jpegQuality: 80,
  /** The photo limit of a requirement that does not set photoMaxSizeMb: at least 10 MB, or its own limit if larger. */
  defaultPhotoMaxMb: 10,
  /**
   * The most pixels a picture may have, checked from its header before anything is decoded (and again
   * by sharp's limitInputPixels): 120 megapixels holds a 108 MP phone camera's full resolution
   * (12000 × 9000); a "decompression bomb" (a few kilobytes declaring 50000 × 50000) is refused.
   */
  maxPixels: 120_000_000,
} as const;

// One photo at a time per request, and nothing kept between requests (sharp caches decoded files by default).
sharp.cache(false);

const MB = 1048576;
export const isImageKind = (k: FileKind): k is 'jpeg' | 'png' => k === 'jpeg' || k === 'png';

/**
 * The largest camera photo a requirement receives, in bytes, before reduction; null when it accepts no
 * JPEG or PNG (a PDF over the limit is refused as it was). Capped by the server's overall limit.
 */
export function photoMaxBytes(requirement: Pick<Requirement, 'acceptedTypes' | 'maxSizeMb' | 'photoMaxSizeMb'>, maxUploadBytes: number): number | null {
  if (!requirement.acceptedTypes.some(isImageKind)) return null;
  const mb = Math.max(requirement.photoMaxSizeMb ?? PHOTO_REDUCTION.defaultPhotoMaxMb, requirement.maxSizeMb);
  return Math.min(Math.round(mb * MB), maxUploadBytes);
}

/** A picture's width and height from its header (nothing decoded), or null when sharp cannot read one. */
export async function pictureSize(bytes: Buffer): Promise<{ width: number; height: number } | null> {
  try {
    const m = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (!m.width || !m.height) return null;
    // EXIF orientations 5–8 turn the picture a quarter: its upright width is the stored height.
    return (m.orientation ?? 1) >= 5 ? { width: m.height, height: m.width } : { width: m.width, height: m.height };
  } catch {
    return null;
  }
}

/**
 * The reduced photo and its kind, or null when it cannot be decoded (a damaged or disguised file: the
 * caller refuses it as too large, which it is). JPEG stays JPEG; PNG becomes JPEG when the requirement
 * accepts JPEG (a screenshot or a scan photo, far smaller so), else a compressed PNG, quantised to a
 * palette when the plain compression is not small enough.
 */
export async function reducePhoto(
  bytes: Buffer,
  kind: 'jpeg' | 'png',
  accepted: readonly FileKind[],
  maxBytes: number,
): Promise<{ bytes: Buffer; kind: 'jpeg' | 'png' } | null> {
  const { longestSide, jpegQuality, maxPixels } = PHOTO_REDUCTION;
  // rotate() with no angle turns the picture per its EXIF orientation; output carries no metadata unless asked.
  const upright = () =>
    sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error', sequentialRead: true })
      .rotate()
      .resize({ width: longestSide, height: longestSide, fit: 'inside', withoutEnlargement: true });
  try {
    if (kind === 'jpeg' || accepted.includes('jpeg')) {
      // A transparent PNG's background becomes white, as on paper, not black.
      const out = await upright().flatten({ background: '#ffffff' }).jpeg({ quality: jpegQuality }).toBuffer();
      return { bytes: out, kind: 'jpeg' };
    }
    const png = await upright().png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer();
    if (png.length <= maxBytes) return { bytes: png, kind: 'png' };
    // Quantising at the least effort: the default effort takes some 20 s of CPU on a noisy 1600 px picture, this about 2 s.
    return { bytes: await upright().png({ compressionLevel: 9, palette: true, effort: 1 }).toBuffer(), kind: 'png' };
  } catch {
    return null;
  }
}

/** The name the reduced copy is kept under: the same, with .jpg when a PNG became JPEG. */
export function reducedFileName(fileName: string, from: FileKind, to: FileKind): string {
  if (from === to) return fileName;
  return `${fileName.replace(/\.[A-Za-z0-9]+$/, '')}.jpg`;
}

/** Whether the first bytes are a JPEG's or a PNG's (the staged file is judged fully by file-type later). */
export function looksLikePicture(head: Buffer): boolean {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return true;
  return head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
}
