import { z } from 'zod';
import { localisedTextSchema, roleSchema, type WorkflowDefinition, workflowDefinitionSchema } from '../workflow/workflow.schema.js';
import { feeRuleProblems, feeRuleSchema } from '../fees/fee-rule.schema.js';

/** File kinds an office may accept for a requirement; checked by magic bytes, not by name. */
export const FILE_KINDS = ['pdf', 'jpeg', 'png'] as const;
export const fileKindSchema = z.enum(FILE_KINDS);
export type FileKind = z.infer<typeof fileKindSchema>;

const fieldName = z.string().regex(/^[a-z][a-zA-Z0-9]{1,39}$/, 'use camelCase, 2 to 40 characters');
const requirementCode = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'use lower_snake_case, 2 to 40 characters');

export const requirementSchema = z.strictObject({
  code: requirementCode,
  name: localisedTextSchema,
  description: localisedTextSchema.optional(),
  /** One plain line for a first-time applicant: what the document is, who makes it, where to get it. */
  explanation: localisedTextSchema.optional(),
  /**
   * When the document is itself another permit or letter (KRK/KKPR, a SIP): the permit type in this
   * catalogue that issues it, or the page where it is obtained, so the guide and the upload page link to it.
   */
  obtainedBy: z
    .strictObject({
      permitType: z
        .string()
        .regex(/^[A-Z][A-Z0-9]{1,11}$/)
        .optional(),
      url: z.url({ protocol: /^https$/ }).optional(),
      label: localisedTextSchema.optional(),
    })
    .refine((o) => o.permitType !== undefined || o.url !== undefined, 'name a permitType or a url')
    .optional(),
  required: z.boolean(),
  acceptedTypes: z.array(fileKindSchema).min(1),
  /** Largest accepted file, in megabytes (the server also has an overall cap). */
  maxSizeMb: z.number().positive().max(50),
  /**
   * For a requirement that accepts JPEG or PNG: the largest photo received, in megabytes, that the server
   * reduces (1600 px, JPEG quality 80) to fit maxSizeMb instead of refusing it, for a camera photo sent
   * without JavaScript. Default max(maxSizeMb, 10); never more than the server's overall cap.
   */
  photoMaxSizeMb: z.number().positive().max(100).optional(),
});
export type Requirement = z.infer<typeof requirementSchema>;

const fieldBase = {
  name: fieldName,
  label: localisedTextSchema,
  hint: localisedTextSchema.optional(),
  required: z.boolean().default(true),
};

const optionSchema = z.strictObject({ value: z.string().regex(/^[a-z0-9_]{1,40}$/), label: localisedTextSchema });

export const fieldSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...fieldBase,
    type: z.literal('text'),
    minLength: z.number().int().min(0).optional(),
    maxLength: z.number().int().min(1).max(500).default(200),
  }),
  z.strictObject({ ...fieldBase, type: z.literal('textarea'), maxLength: z.number().int().min(1).max(5000).default(2000) }),
  z.strictObject({ ...fieldBase, type: z.literal('number'), min: z.number().optional(), max: z.number().optional(), integer: z.boolean().default(false) }),
  z.strictObject({ ...fieldBase, type: z.literal('date'), notBefore: z.enum(['today']).optional(), notAfter: z.enum(['today']).optional() }),
  z.strictObject({ ...fieldBase, type: z.literal('select'), options: z.array(optionSchema).min(1) }),
  z.strictObject({ ...fieldBase, type: z.literal('yes_no') }),
  z.strictObject({ ...fieldBase, type: z.literal('nik') }),
  z.strictObject({ ...fieldBase, type: z.literal('nib') }),
  z.strictObject({ ...fieldBase, type: z.literal('npwp') }),
  z.strictObject({ ...fieldBase, type: z.literal('kbli') }),
  z.strictObject({ ...fieldBase, type: z.literal('email') }),
  z.strictObject({ ...fieldBase, type: z.literal('phone') }),
  z.strictObject({ ...fieldBase, type: z.literal('address') }),
  z.strictObject({ ...fieldBase, type: z.literal('area_m2'), min: z.number().positive().default(1), max: z.number().positive().default(1_000_000) }),
  z.strictObject({ ...fieldBase, type: z.literal('floor_count'), max: z.number().int().min(1).max(200).default(100) }),
  z.strictObject({ ...fieldBase, type: z.literal('vehicle_plate') }),
]);
export type FieldDefinition = z.infer<typeof fieldSchema>;
export type FieldType = FieldDefinition['type'];

/**
 * Two answers that cannot both be true (a "small house up to 100 m²" of 120.5 m²): when the select
 * `when.field` has one of the `when.in` options, the number answer `field` must lie within min/max.
 * The problem sits on `change`, the answer the applicant should change (one of the two), and its
 * message names the other; `{value}` and `{limit}` in the message are the number typed and the bound.
 */
export const answerCheckSchema = z
  .strictObject({
    when: z.strictObject({ field: fieldName, in: z.array(z.string().regex(/^[a-z0-9_]{1,40}$/)).min(1) }),
    field: fieldName,
    min: z.number().optional(),
    max: z.number().optional(),
    change: fieldName,
    message: localisedTextSchema,
  })
  .refine((c) => c.min !== undefined || c.max !== undefined, 'give min, max or both')
  .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, { path: ['max'], message: 'must not be below min' });
export type AnswerCheck = z.infer<typeof answerCheckSchema>;

const NUMBER_FIELD_TYPES: readonly FieldType[] = ['number', 'area_m2', 'floor_count'];

/** Why an answer check cannot work on this form (a field it names is missing or of the wrong type), if it cannot. */
function answerCheckProblems(check: AnswerCheck, byName: ReadonlyMap<string, FieldDefinition>): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const when = byName.get(check.when.field);
  if (!when || when.type !== 'select') out.push({ path: ['when', 'field'], message: `field "${check.when.field}" is not a select field of this type` });
  else
    check.when.in.forEach((v, i) => {
      if (!when.options.some((o) => o.value === v)) out.push({ path: ['when', 'in', i], message: `"${v}" is not an option of "${when.name}"` });
    });
  const target = byName.get(check.field);
  if (!target || !NUMBER_FIELD_TYPES.includes(target.type)) out.push({ path: ['field'], message: `field "${check.field}" is not a number field of this type` });
  if (check.change !== check.field && check.change !== check.when.field)
    out.push({ path: ['change'], message: `"change" must name one of the two answers ("${check.when.field}" or "${check.field}")` });
  return out;
}

/** Fee rules are data (free, fixed, per unit, table, the PBG formula, with waivers); src/fees/fee-rule.schema.ts defines them, the fee engine interprets them. */
export { feeRuleSchema };

export const validitySchema = z
  .strictObject({ years: z.number().int().min(0).max(50).default(0), months: z.number().int().min(0).max(600).default(0) })
  .refine((v) => v.years > 0 || v.months > 0, 'a validity must last at least a month; use null for no expiry');

/** Field types that hold personal contact or identity data: never printed on a permit or published. */
export const PRIVATE_FIELD_TYPES: readonly FieldType[] = ['nik', 'npwp', 'email', 'phone'];

/**
 * What the issued permit shows (the per-type certificate template): its title, which answers form
 * its subject, the conditions printed on it, and whether it appears in the public registry.
 */
export const certificateSchema = z.strictObject({
  title: localisedTextSchema,
  /** Answers printed on the permit and shown when it is verified, in this order. */
  subjectFields: z.array(fieldName).max(12).default([]),
  /** The answer that names the business or institution, for the registry's search. */
  businessNameField: fieldName.optional(),
  conditions: z.array(localisedTextSchema).max(10).default([]),
  /**
   * For permits about dated activities (an event, a piece of research): the date answers that set
   * the term. The type's `validity` then caps its length; without this the term starts on issue.
   */
  validityFields: z.strictObject({ from: fieldName, until: fieldName }).optional(),
  /** false for permits that are about a private person (a job-seeker card): verifiable, never listed. */
  publicRegistry: z.boolean().default(true),
});
export type CertificateTemplate = z.infer<typeof certificateSchema>;

/**
 * A note for the office written into public text ("nomor dan tahun harus dicek oleh kantor"): it
 * belongs in `dataNote`, which public pages never show.
 */
const DATA_NOTE_PATTERN = /harus dicek|perlu dicek|belum dicek|\b(to be|must be|should be) (checked|confirmed)\b|\bcheck(ed)? by (the )?office\b|\bTODO\b/i;
const DATA_NOTE_MESSAGE = 'an internal note for the office ("harus dicek …") belongs in dataNote, which public pages do not show';
export function isDataNote(text: string): boolean {
  return DATA_NOTE_PATTERN.test(text);
}

export const permitTypeSchema = z
  .strictObject({
    code: z.string().regex(/^[A-Z][A-Z0-9]{1,11}$/, 'use 2 to 12 capital letters or digits'),
    category: z.enum(['building', 'advertising', 'health', 'transport', 'employment', 'education', 'research', 'event', 'business']),
    name: localisedTextSchema,
    description: localisedTextSchema,
    audience: localisedTextSchema,
    legalBasis: z.array(z.string().min(3).max(300)).min(1),
    requirements: z.array(requirementSchema).min(1),
    fields: z.array(fieldSchema).min(1),
    slaWorkingDays: z.number().int().min(0).max(365),
    feeRule: feeRuleSchema,
    workflow: z.string(),
    fieldInspection: z.enum(['none', 'optional', 'required']),
    /** null: the permit does not expire (e.g. PBG, valid while the building is unchanged). */
    validity: validitySchema.nullable(),
    signerRole: roleSchema,
    renewable: z.boolean(),
    /** Whether foreign residents (KITAS/KITAP holders, no NIK) may apply; the guide says so either way. */
    foreignResidents: z.boolean().default(false),
    /** The permit certificate; without one, the title is the type's name and nothing else is printed. */
    certificate: certificateSchema.optional(),
    /** Answers that contradict each other, caught on saving and on submitting with a message that says which to change. */
    answerChecks: z.array(answerCheckSchema).max(30).default([]),
    /** Where a figure is uncertain (see DOMAIN.md), say so here so the office checks it. */
    dataNote: z.string().max(1000).optional(),
  })
  .superRefine((pt, ctx) => {
    const names = new Set<string>();
    pt.fields.forEach((f, i) => {
      if (names.has(f.name)) ctx.addIssue({ code: 'custom', path: ['fields', i, 'name'], message: `field "${f.name}" is defined twice` });
      names.add(f.name);
    });
    const byName = new Map(pt.fields.map((f) => [f.name, f]));
    const printed = [
      ...(pt.certificate?.subjectFields ?? []).map((n, i) => ({ n, path: ['certificate', 'subjectFields', i] })),
      ...(pt.certificate?.businessNameField ? [{ n: pt.certificate.businessNameField, path: ['certificate', 'businessNameField'] }] : []),
    ];
    const dated = pt.certificate?.validityFields;
    if (dated) {
      for (const [key, n] of Object.entries(dated)) {
        if (byName.get(n)?.type !== 'date')
          ctx.addIssue({ code: 'custom', path: ['certificate', 'validityFields', key], message: `field "${n}" is not a date field of this type` });
      }
    }
    for (const { n, path } of printed) {
      const f = byName.get(n);
      if (!f) ctx.addIssue({ code: 'custom', path, message: `field "${n}" is not defined` });
      else if (PRIVATE_FIELD_TYPES.includes(f.type))
        ctx.addIssue({ code: 'custom', path, message: `field "${n}" holds personal data (${f.type}) and cannot be printed on a permit` });
    }
    pt.answerChecks.forEach((c, i) => {
      for (const p of answerCheckProblems(c, byName)) ctx.addIssue({ code: 'custom', path: ['answerChecks', i, ...p.path], message: p.message });
    });
    for (const p of feeRuleProblems(pt.feeRule, pt.fields)) ctx.addIssue({ code: 'custom', path: ['feeRule', ...p.path], message: p.message });
    pt.legalBasis.forEach((l, i) => {
      if (isDataNote(l)) ctx.addIssue({ code: 'custom', path: ['legalBasis', i], message: DATA_NOTE_MESSAGE });
    });
    if (pt.feeRule.kind !== 'free')
      pt.feeRule.waivers.forEach((w, i) => {
        if (isDataNote(w.legalBasis)) ctx.addIssue({ code: 'custom', path: ['feeRule', 'waivers', i, 'legalBasis'], message: DATA_NOTE_MESSAGE });
      });
    for (const [key, text] of [
      ['name', pt.name],
      ['description', pt.description],
      ['audience', pt.audience],
    ] as const) {
      for (const lang of ['id', 'en'] as const) if (isDataNote(text[lang])) ctx.addIssue({ code: 'custom', path: [key, lang], message: DATA_NOTE_MESSAGE });
    }
    pt.requirements.forEach((r, i) => {
      for (const key of ['name', 'description', 'explanation'] as const)
        for (const lang of ['id', 'en'] as const)
          if (isDataNote(r[key]?.[lang] ?? '')) ctx.addIssue({ code: 'custom', path: ['requirements', i, key, lang], message: DATA_NOTE_MESSAGE });
    });
    const codes = new Set<string>();
    pt.requirements.forEach((r, i) => {
      if (codes.has(r.code)) ctx.addIssue({ code: 'custom', path: ['requirements', i, 'code'], message: `requirement "${r.code}" is defined twice` });
      codes.add(r.code);
    });
  });
export type PermitTypeDefinition = z.infer<typeof permitTypeSchema>;

/** Why the type's signer could never sign its permits under this workflow, or null if it can. */
export function signerProblem(pt: Pick<PermitTypeDefinition, 'signerRole' | 'workflow'>, wf: WorkflowDefinition): string | null {
  return wf.actions.some((a) => a.issuesPermit && !a.roles.includes(pt.signerRole))
    ? `the signer (${pt.signerRole}) cannot take the action that issues the permit in workflow "${pt.workflow}"`
    : null;
}

/** Requirements whose `obtainedBy.permitType` names no permit type of the catalogue (a link to nowhere). */
export function obtainedByProblems(
  pt: Pick<PermitTypeDefinition, 'requirements'>,
  typeCodes: ReadonlySet<string>,
): { path: (string | number)[]; message: string }[] {
  return pt.requirements.flatMap((r, j) =>
    r.obtainedBy?.permitType !== undefined && !typeCodes.has(r.obtainedBy.permitType)
      ? [{ path: ['requirements', j, 'obtainedBy', 'permitType'], message: `permit type "${r.obtainedBy.permitType}" is not in this catalogue` }]
      : [],
  );
}

export const catalogueFileSchema = z
  .strictObject({
    workflows: z.array(workflowDefinitionSchema).min(1),
    permitTypes: z.array(permitTypeSchema).min(1),
  })
  .superRefine((cat, ctx) => {
    const workflows = new Map(cat.workflows.map((w) => [w.code, w]));
    const types = new Set<string>();
    cat.permitTypes.forEach((pt, i) => {
      const wf = workflows.get(pt.workflow);
      if (!wf) ctx.addIssue({ code: 'custom', path: ['permitTypes', i, 'workflow'], message: `workflow "${pt.workflow}" is not defined in this file` });
      else if (signerProblem(pt, wf)) ctx.addIssue({ code: 'custom', path: ['permitTypes', i, 'signerRole'], message: signerProblem(pt, wf)! });
      if (types.has(pt.code)) ctx.addIssue({ code: 'custom', path: ['permitTypes', i, 'code'], message: `permit type "${pt.code}" is defined twice` });
      types.add(pt.code);
    });
    cat.permitTypes.forEach((pt, i) => {
      for (const p of obtainedByProblems(pt, types)) ctx.addIssue({ code: 'custom', path: ['permitTypes', i, ...p.path], message: p.message });
    });
  });
export type CatalogueFile = z.infer<typeof catalogueFileSchema>;
