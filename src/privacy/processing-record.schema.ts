import { z } from 'zod';

/**
 * The record of processing activities (UU PDP 27/2022, art. 31: the controller records every
 * processing of personal data) as data: docs/privacy/processing-record.json. The privacy notice page
 * (/privasi), docs/privacy/processing-record.md and the breach report are built from it, and
 * test/integration/processing-record.test.ts holds it against the migrated schema of both databases.
 */

const text = z.object({ id: z.string().min(1), en: z.string().min(1) }).strict();
const slug = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a lower-case id (a-z, 0-9, _)');
/** `table.column`, or `table.*` for every column of a table whose rows are about one person. */
const columnRef = z.string().regex(/^[a-z][a-z0-9_]*\.(?:[a-z][a-z0-9_]*|\*)$/, 'table.column or table.*');

/** The lawful bases of UU PDP art. 20(2), letters a–f. */
export const LEGAL_BASES = {
  consent: { article: { id: 'Pasal 20 ayat (2) huruf a', en: 'art. 20(2)(a)' }, id: 'persetujuan yang sah dan eksplisit', en: 'explicit lawful consent' },
  contract: { article: { id: 'Pasal 20 ayat (2) huruf b', en: 'art. 20(2)(b)' }, id: 'pemenuhan perjanjian', en: 'performing a contract' },
  legal_obligation: {
    article: { id: 'Pasal 20 ayat (2) huruf c', en: 'art. 20(2)(c)' },
    id: 'pemenuhan kewajiban hukum pengendali',
    en: "the controller's legal obligation",
  },
  vital_interests: {
    article: { id: 'Pasal 20 ayat (2) huruf d', en: 'art. 20(2)(d)' },
    id: 'pelindungan kepentingan vital subjek data',
    en: 'the vital interests of the data subject',
  },
  public_task: {
    article: { id: 'Pasal 20 ayat (2) huruf e', en: 'art. 20(2)(e)' },
    id: 'tugas untuk kepentingan umum atau pelayanan publik berdasarkan kewenangan',
    en: 'a task in the public interest or a public service under official authority',
  },
  legitimate_interest: { article: { id: 'Pasal 20 ayat (2) huruf f', en: 'art. 20(2)(f)' }, id: 'kepentingan sah lainnya', en: 'another legitimate interest' },
} as const satisfies Record<string, { article: { id: string; en: string }; id: string; en: string }>;
export type LegalBasis = keyof typeof LEGAL_BASES;
const legalBasis = z.enum(Object.keys(LEGAL_BASES) as [LegalBasis, ...LegalBasis[]]);

export const processingRecordSchema = z
  .object({
    $comment: z.string().optional(),
    /** The day this text of the record took effect (YYYY-MM-DD). */
    version: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    controller: z.object({ name: text, contact: text }).strict(),
    /** Kinds of personal data; `specific` marks UU PDP art. 4(2) data (health, biometric, genetic, criminal, children, personal finance). */
    categories: z
      .array(z.object({ id: slug, name: text, specific: z.boolean(), article: z.string().optional() }).strict())
      .min(1)
      .superRefine((cs, ctx) => {
        for (const c of cs) if (c.specific && !c.article) ctx.addIssue({ code: 'custom', message: `${c.id}: a specific category names its article of UU PDP` });
      }),
    subjects: z.array(z.object({ id: slug, name: text }).strict()).min(1),
    recipients: z.array(z.object({ id: slug, name: text, kind: z.enum(['processor', 'recipient', 'public']), what: text }).strict()).min(1),
    activities: z
      .array(
        z
          .object({
            id: slug,
            name: text,
            purpose: text,
            legalBasis: z.array(legalBasis).min(1),
            legalBasisNote: text,
            subjects: z.array(slug).min(1),
            data: z
              .array(
                z
                  .object({
                    category: slug,
                    columns: z.array(columnRef).min(1),
                    /** Uploaded documents of these catalogue requirement codes hold data of this category (e.g. kk: children). */
                    requirements: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/)).optional(),
                    note: text.optional(),
                  })
                  .strict(),
              )
              .min(1),
            recipients: z.array(slug),
            retention: text,
            safeguards: z.array(text).min(1),
          })
          .strict(),
      )
      .min(1),
    /** Columns a personal-data pattern matches that hold no personal data, with the reason. */
    notPersonal: z.array(z.object({ columns: z.array(columnRef).min(1), reason: text }).strict()),
    /** Tables that hold no personal data at all, with the reason: every table is either here or in an activity. */
    tablesWithoutPersonalData: z.array(z.object({ tables: z.array(slug).min(1), reason: text }).strict()),
  })
  .strict()
  .superRefine((r, ctx) => {
    const unique = (what: string, ids: string[]) => {
      const seen = new Set<string>();
      for (const id of ids) {
        if (seen.has(id)) ctx.addIssue({ code: 'custom', message: `${what} ${id} is listed twice` });
        seen.add(id);
      }
      return seen;
    };
    const categories = unique(
      'category',
      r.categories.map((c) => c.id),
    );
    const subjects = unique(
      'subject',
      r.subjects.map((s) => s.id),
    );
    const recipients = unique(
      'recipient',
      r.recipients.map((s) => s.id),
    );
    unique(
      'activity',
      r.activities.map((a) => a.id),
    );
    for (const a of r.activities) {
      for (const s of a.subjects) if (!subjects.has(s)) ctx.addIssue({ code: 'custom', message: `activity ${a.id}: unknown subject ${s}` });
      for (const p of a.recipients) if (!recipients.has(p)) ctx.addIssue({ code: 'custom', message: `activity ${a.id}: unknown recipient ${p}` });
      for (const d of a.data) if (!categories.has(d.category)) ctx.addIssue({ code: 'custom', message: `activity ${a.id}: unknown category ${d.category}` });
    }
  });

export type ProcessingRecord = z.output<typeof processingRecordSchema>;
export type ProcessingActivity = ProcessingRecord['activities'][number];
