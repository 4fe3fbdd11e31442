/**
 * The community satisfaction index (SKM, Permenpan RB 14/2017; ../shared/DOMAIN.md): nine elements scored
 * 1–4. Per element the mean over respondents (NRR), each weighted 1/9 (the regulation prints 0.111), summed
 * (the weighted index, 1–4) and multiplied by 25 (the converted index, 25–100). Grade by the converted index
 * rounded to two decimals: D 25.00–64.99 tidak baik, C 65.00–76.60 kurang baik, B 76.61–88.30 baik,
 * A 88.31–100 sangat baik.
 *
 * The weight is the exact 1/9, not 0.111: with 0.111 nine perfect answers give 99.90, not the 100 the
 * regulation's range names. Every answer carries all nine elements (the form requires them), so the
 * converted index is 25 × (sum of all scores) ÷ (9 × respondents), computed as one division: the figure
 * does not depend on float rounding in between.
 *
 * Worked example: two respondents, one answering 4 to everything, one 3 to everything: sum 63, index
 * 25 × 63 ÷ 18 = 87.50, grade B (baik).
 */
export const SKM_ELEMENTS = ['requirements', 'procedure', 'time', 'fee', 'product', 'competence', 'behaviour', 'complaints', 'facilities'] as const;
export type SkmElement = (typeof SKM_ELEMENTS)[number];
export type SkmScore = 1 | 2 | 3 | 4;
export type SkmAnswer = Readonly<Record<SkmElement, SkmScore>>;
export type SkmGrade = 'A' | 'B' | 'C' | 'D';

export const SKM_GRADE_LABELS: Readonly<Record<SkmGrade, { id: string; en: string }>> = {
  A: { id: 'Sangat Baik', en: 'Very good' },
  B: { id: 'Baik', en: 'Good' },
  C: { id: 'Kurang Baik', en: 'Fair' },
  D: { id: 'Tidak Baik', en: 'Poor' },
};

export type SkmResult = {
  respondents: number;
  /** Per element the mean over respondents (NRR), rounded to two decimals for display. */
  means: Readonly<Record<SkmElement, number>>;
  /** Σ NRR × 1/9: the weighted index, 1–4, two decimals. */
  weightedIndex: number;
  /** The weighted index × 25: 25–100, two decimals; the grade is read from this figure. */
  index: number;
  grade: SkmGrade;
  label: { id: string; en: string };
};

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** The grade of a converted index already rounded to two decimals; bands compared in hundredths. */
export function skmGrade(index: number): SkmGrade {
  const hundredths = Math.round(index * 100);
  if (hundredths >= 8831) return 'A';
  if (hundredths >= 7661) return 'B';
  if (hundredths >= 6500) return 'C';
  return 'D';
}

/**
 * The index over per-element score sums (what the repository's aggregate query returns): null when
 * nobody answered, the report then says "no answers yet" instead of a zero.
 */
export function skmFromSums(input: { respondents: number; sums: Readonly<Record<SkmElement, number>> }): SkmResult | null {
  const n = input.respondents;
  if (n <= 0) return null;
  const total = SKM_ELEMENTS.reduce((s, e) => s + input.sums[e], 0);
  const index = round2((25 * total) / (9 * n));
  const means = Object.fromEntries(SKM_ELEMENTS.map((e) => [e, round2(input.sums[e] / n)])) as Record<SkmElement, number>;
  const grade = skmGrade(index);
  return { respondents: n, means, weightedIndex: round2(total / (9 * n)), index, grade, label: SKM_GRADE_LABELS[grade] };
}

/** The index over individual answers. */
export function computeSkm(answers: readonly SkmAnswer[]): SkmResult | null {
  const sums = Object.fromEntries(SKM_ELEMENTS.map((e) => [e, answers.reduce((s, a) => s + a[e], 0)])) as Record<SkmElement, number>;
  return skmFromSums({ respondents: answers.length, sums });
}
