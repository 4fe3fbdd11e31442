import fs from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';

/**
 * The fonts Izol's PDFs print with: DejaVu Sans (regular and bold) and DejaVu Sans Mono Bold, embedded as
 * subsets, so a name or address prints as the person typed it (Latin Extended A/B and Additional,
 * Vietnamese, Turkish, Polish, "smart" quotes and dashes, №, €) instead of the "?" the standard WinAnsi
 * fonts gave. The DejaVu licence (Bitstream Vera terms, free to embed and redistribute) is in
 * node_modules/dejavu-fonts-ttf/LICENSE.
 */
export type PdfFonts = { regular: PDFFont; bold: PDFFont; mono: PDFFont };

/** What a character the font has no glyph for (emoji, CJK, ...) prints as: one per user-perceived character. */
export const MISSING_GLYPH = '\uFFFD';

const FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', mono: 'DejaVuSansMono-Bold.ttf' } as const;
// A fixed six-letter subset tag (PDF 32000-1 9.6.4): deterministic output, and each font in a document differs.
const TAGS = { regular: 'IZOLSR', bold: 'IZOLSB', mono: 'IZOLMB' } as const;
const NAMES = { regular: 'DejaVuSans', bold: 'DejaVuSans-Bold', mono: 'DejaVuSansMono-Bold' } as const;

type Key = keyof typeof FILES;
const KEYS = Object.keys(FILES) as Key[];

/** A font file, read and parsed once per process: the bytes pdf-lib embeds, and the metrics we measure with. */
type Face = { bytes: Uint8Array; covers: ReadonlySet<number>; advance: (codePoint: number) => number };
let faces: Record<Key, Face> | undefined;

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];
const parsed = new WeakMap<Uint8Array, ReturnType<Fontkit['create']>>();
/**
 * fontkit for pdf-lib, handing back the font parsed once per process for our own bytes: pdf-lib would
 * otherwise parse each font again for every PDF (most of a render's time). A fontkit font is read-only
 * after parsing (each embedding makes its own subset), so documents can share it.
 */
const sharedFontkit: Fontkit = { create: (buffer, postscriptName) => parsed.get(buffer) ?? fontkit.create(buffer, postscriptName) };

function load(file: string): Face {
  const bytes = new Uint8Array(fs.readFileSync(createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${file}`)));
  const font = fontkit.create(bytes);
  parsed.set(bytes, font);
  const covers = new Set(font.characterSet);
  const widths = new Map<number, number>();
  const advance = (codePoint: number) => {
    let w = widths.get(codePoint);
    if (w === undefined) {
      w = (font.glyphForCodePoint(codePoint).advanceWidth * 1000) / font.unitsPerEm;
      widths.set(codePoint, w);
    }
    return w;
  };
  return { bytes, covers, advance };
}

/** The three fonts (about 1.8 MB), loaded on first use and kept for the life of the process. */
function allFaces(): Record<Key, Face> {
  faces ??= { regular: load(FILES.regular), bold: load(FILES.bold), mono: load(FILES.mono) };
  return faces;
}

const faceOf = new WeakMap<PDFFont, Face>();

/**
 * Embeds the three fonts into `doc` as subsets (only the glyphs drawn end up in the file). Ligatures are
 * off so every character is its own glyph: copy-paste and search find "fi" as two letters, and a width
 * summed from the glyphs' advance widths is exactly what drawText draws (pdf-lib applies no kerning).
 */
export async function embedPdfFonts(doc: PDFDocument): Promise<PdfFonts> {
  doc.registerFontkit(sharedFontkit);
  const all = allFaces();
  const embed = async (key: Key) => {
    const font = await doc.embedFont(all[key].bytes, {
      subset: true,
      customName: `${TAGS[key]}+${NAMES[key]}`,
      features: { liga: false, clig: false, dlig: false },
    });
    faceOf.set(font, all[key]);
    return font;
  };
  const [regular, bold, mono] = await Promise.all(KEYS.map(embed));
  return { regular: regular!, bold: bold!, mono: mono! };
}

/** The width `font` draws `text` at `size`, from the embedded font's advance widths (cached per process). */
export function textWidth(font: PDFFont, text: string, size: number): number {
  const face = faceOf.get(font);
  if (!face) return font.widthOfTextAtSize(text, size);
  let units = 0;
  for (const ch of text) units += face.advance(ch.codePointAt(0)!);
  return (units * size) / 1000;
}

/** The code points `font` has glyphs for (a font not embedded by embedPdfFonts, e.g. a standard one, is asked). */
function coverageOf(font: PDFFont): ReadonlySet<number> {
  return faceOf.get(font)?.covers ?? new Set(font.getCharacterSet());
}

const graphemes = new Intl.Segmenter('id', { granularity: 'grapheme' });
// Invisible on paper, so dropping them loses nothing: controls, format characters (zero-width space and
// joiner, soft hyphen, direction marks) and variation selectors (the emoji/text presentation switches).
const INVISIBLE = /[\p{Cc}\p{Cf}\u{FE00}-\u{FE0F}\u{E0100}-\u{E01EF}]/gu;
const SPACE = /^\s/u;
const MARK = /\p{M}/gu;

/**
 * Text as `font` can draw it. NFC first (a name typed as "a" + combining breve prints as one "ă"); any
 * whitespace becomes one plain space (wrapping splits on it); then, one user-perceived character at a
 * time: kept when the font has every code point of it, else its compatibility form (NFKC: "ǅ" -> "Dž"),
 * else the base letters without the marks the font lacks, else one MISSING_GLYPH (a whole emoji
 * sequence such as a flag or "👩‍⚕️" is one placeholder, not several). Never throws, so any input renders.
 */
export function printable(text: string, font: PDFFont): string {
  const has = coverageOf(font);
  const covered = (s: string) => {
    for (const ch of s) if (!has.has(ch.codePointAt(0)!)) return false;
    return true;
  };
  let out = '';
  for (const { segment } of graphemes.segment(text.normalize('NFC'))) {
    if (SPACE.test(segment)) {
      out += ' ';
      continue;
    }
    const visible = segment.replace(INVISIBLE, '');
    if (!visible) continue;
    if (covered(visible)) {
      out += visible;
      continue;
    }
    const compatible = visible.normalize('NFKC').replace(INVISIBLE, '');
    const bare = visible.normalize('NFKD').replace(MARK, '').replace(INVISIBLE, '').normalize('NFC');
    out += [compatible, bare].find((s) => s && covered(s)) ?? MISSING_GLYPH;
  }
  return out;
}

/** The user-perceived characters of `text` (so a cut never splits a letter from its accent or an emoji in half). */
export function characters(text: string): string[] {
  return Array.from(graphemes.segment(text), (s) => s.segment);
}
