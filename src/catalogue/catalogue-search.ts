import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_CATALOGUE_DIR } from './catalogue.loader.js';

/**
 * Search that understands how people ask: any word of the query matches, word order and case do not
 * matter, simple Indonesian affixes are stripped ("membangun" finds "bangun"), and the words people
 * use ("warung", "tambah lantai", "IMB") are kept as data in seed-data/search-synonyms.json.
 * Everything here except `loadSearchData` is pure.
 */

const localisedList = z.strictObject({ id: z.array(z.string().min(1)), en: z.array(z.string().min(1)) });
const typeCode = z.string().regex(/^[A-Z0-9]{2,12}$/, 'a permit type code such as PBG');

/**
 * The shape of seed-data/search-synonyms.json:
 * - `compounds`: phrases whose words mean something else together ("rumah sakit" is a hospital, not a
 *   house); inside a permit type's name or description they only match a query holding the whole phrase.
 * - `topics`: the groups of the portal's list, in order, each `{ code, name: { id, en }, permitTypes: [codes] }`;
 *   a permit type belongs to the first topic naming it (types named by none go to a last "other" group).
 * - `synonyms`: by permit type code, the words and phrases people use for it, `{ id: [...], en: [...] }`.
 */
export const searchDataSchema = z.strictObject({
  compounds: z.array(z.string().min(1)),
  topics: z.array(
    z.strictObject({
      code: z.string().regex(/^[a-z_]+$/),
      name: z.strictObject({ id: z.string().min(1), en: z.string().min(1) }),
      permitTypes: z.array(typeCode),
    }),
  ),
  synonyms: z.record(typeCode, localisedList),
});
export type SearchData = z.infer<typeof searchDataSchema>;

export const DEFAULT_SEARCH_DATA_FILE = path.join(DEFAULT_CATALOGUE_DIR, 'search-synonyms.json');

/** Reads and validates the synonyms file; a malformed file fails at start with the path and the problem. */
export function loadSearchData(file: string = DEFAULT_SEARCH_DATA_FILE): SearchData {
  const parsed = searchDataSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** What search reads of a permit type. */
export type SearchableType = { code: string; name: { id: string; en: string }; description: { id: string; en: string } };

const STOP_WORDS = new Set([
  // Indonesian
  'di', 'ke', 'dari', 'dan', 'atau', 'yang', 'untuk', 'buat', 'saya', 'aku', 'kami', 'mau', 'ingin', 'ini', 'itu', 'dengan', 'pada', 'bagi',
  'izin', 'ijin', 'surat', 'cara', 'bagaimana', 'gimana', 'apa', 'mengurus', 'urus', 'bikin', 'membuat', 'baru', 'kota', 'malang',
  // English
  'a', 'an', 'the', 'of', 'for', 'to', 'in', 'on', 'and', 'or', 'my', 'i', 'want', 'how', 'do', 'get', 'permit', 'licence', 'license', 'new', 'city',
]); // prettier-ignore

const PREFIXES: readonly [string, string][] = [
  ['meng', ''],
  ['meny', 's'],
  ['mem', ''],
  ['men', ''],
  ['me', ''],
  ['peng', ''],
  ['peny', 's'],
  ['pem', ''],
  ['pen', ''],
  ['per', ''],
  ['pe', ''],
  ['ber', ''],
  ['be', ''],
  ['ter', ''],
  ['di', ''],
  ['ke', ''],
];
const SUFFIXES = ['nya', 'kan', 'an', 'i'];

/** A word without simple Indonesian affixes (and an English plural s): "membangun", "bangunan" → "bangun". */
export function stem(word: string): string {
  let w = word;
  if (w.length >= 6) {
    for (const [p, r] of PREFIXES) {
      if (w.startsWith(p) && w.length - p.length + r.length >= 4) {
        w = r + w.slice(p.length);
        break;
      }
    }
  }
  for (const s of SUFFIXES) {
    if (w.endsWith(s) && w.length - s.length >= 4) {
      w = w.slice(0, -s.length);
      break;
    }
  }
  if (w.length > 4 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  return w;
}

/** Lower case, accents and punctuation gone, split on anything that is not a letter or digit. */
export function words(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** A text as stems, with each compound phrase joined into one token so its words do not match alone. */
function stems(text: string, compounds: readonly string[][]): string[] {
  const ws = words(text);
  const out: string[] = [];
  for (let i = 0; i < ws.length; i++) {
    const c = compounds.find((cw) => cw.every((w, k) => ws[i + k] === w));
    if (c) {
      out.push(c.join('_'));
      i += c.length - 1;
    } else out.push(stem(ws[i]!));
  }
  return out;
}

/** The query's tokens: stems without stop words (all of them if the query is only stop words). */
export function tokenise(query: string, compounds: readonly string[] = []): string[] {
  const cw = compounds.map(words);
  return withoutStopWords(stems(query, cw));
}

function withoutStopWords(tokens: string[]): string[] {
  const kept = tokens.filter((t) => !STOP_WORDS.has(t));
  return kept.length ? kept : tokens;
}

const WEIGHT = { code: 12, phrase: 10, synonym: 6, name: 5, description: 1 } as const;

/** A search over a catalogue, prepared once: score and rank permit types for a query. */
export function createSearch(data: SearchData) {
  const compounds = data.compounds.map(words).filter((c) => c.length > 1);
  // By the permit type object itself: a newly published version (a new definition) is indexed afresh.
  const index = new WeakMap<SearchableType, { name: Set<string>; description: Set<string>; phrases: string[][] }>();

  function entry(t: SearchableType) {
    let e = index.get(t);
    if (!e) {
      const syn = data.synonyms[t.code];
      e = {
        name: new Set([...stems(t.name.id, compounds), ...stems(t.name.en, compounds)]),
        description: new Set([...stems(t.description.id, compounds), ...stems(t.description.en, compounds)]),
        phrases: [...(syn?.id ?? []), ...(syn?.en ?? [])].map((p) => withoutStopWords(stems(p, compounds))).filter((p) => p.length > 0),
      };
      index.set(t, e);
    }
    return e;
  }

  /**
   * How well a permit type answers the query; 0 is no match. Each query word counts once, at its
   * best: the type's code, a word of a synonym, its name, its description. A synonym phrase of
   * several words whose words are all in the query, in any order, counts more than its words, so
   * "tambah lantai" beats "lantai".
   */
  function score(t: SearchableType, query: string): number {
    const tokens = tokenise(query, data.compounds);
    if (!tokens.length) return 0;
    const e = entry(t);
    const code = t.code.toLowerCase();
    let total = 0;
    for (const tok of tokens) {
      if (tok === code) total += WEIGHT.code;
      else if (e.phrases.some((p) => p.length === 1 && p[0] === tok)) total += WEIGHT.synonym;
      else if (e.name.has(tok)) total += WEIGHT.name;
      else if (e.phrases.some((p) => p.includes(tok))) total += WEIGHT.description + 1;
      else if (e.description.has(tok)) total += WEIGHT.description;
    }
    for (const p of e.phrases) if (p.length > 1 && p.every((w) => tokens.includes(w))) total += WEIGHT.phrase * (p.length - 1);
    return total;
  }

  /**
   * The permit types matching the query, best first; ties go to the most used (`usage` by code),
   * then the catalogue's order. An empty query matches nothing: the caller shows the whole list.
   * `view` says what to read of each item.
   */
  function rank<T>(types: readonly T[], query: string, view: (t: T) => SearchableType, usage: ReadonlyMap<string, number> = new Map()): T[] {
    return types
      .map((t, i) => ({ t, i, s: score(view(t), query), u: usage.get(view(t).code) ?? 0 }))
      .filter((x) => x.s > 0)
      .sort((a, b) => b.s - a.s || b.u - a.u || a.i - b.i)
      .map((x) => x.t);
  }

  return { score, rank };
}

export type TopicGroup<T> = { code: string; name: { id: string; en: string }; types: T[] };

/**
 * The whole catalogue grouped by topic: each type in the first topic naming it, types no topic names in
 * a last "other" group; inside a group the most used first (then the catalogue's order), and the groups
 * ordered by their applications in total (then the data's order). Empty groups are left out.
 */
export function groupByTopic<T>(
  types: readonly T[],
  codeOf: (t: T) => string,
  data: SearchData,
  usage: ReadonlyMap<string, number> = new Map(),
): TopicGroup<T>[] {
  const topicOf = new Map<string, number>();
  data.topics.forEach((tp, i) => tp.permitTypes.forEach((c) => topicOf.has(c) || topicOf.set(c, i)));
  const other = { code: 'other', name: { id: 'Lainnya', en: 'Other' }, permitTypes: [] as string[] };
  const topics = [...data.topics, other];
  const groups = topics.map((tp) => ({ code: tp.code, name: tp.name, types: [] as { t: T; i: number }[] }));
  types.forEach((t, i) => groups[topicOf.get(codeOf(t)) ?? topics.length - 1]!.types.push({ t, i }));
  const used = (c: string) => usage.get(c) ?? 0;
  return groups
    .map((g, gi) => ({
      gi,
      total: g.types.reduce((n, x) => n + used(codeOf(x.t)), 0),
      group: { code: g.code, name: g.name, types: g.types.sort((a, b) => used(codeOf(b.t)) - used(codeOf(a.t)) || a.i - b.i).map((x) => x.t) },
    }))
    .filter((g) => g.group.types.length > 0)
    .sort((a, b) => (a.group.code === 'other' ? 1 : 0) - (b.group.code === 'other' ? 1 : 0) || b.total - a.total || a.gi - b.gi)
    .map((g) => g.group);
}
