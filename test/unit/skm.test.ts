import { describe, expect, it } from 'vitest';
import { computeSkm, skmGrade, type SkmAnswer } from '../../src/survey/skm.js';

const answer = (scores: readonly [number, number, number, number, number, number, number, number, number]): SkmAnswer => {
  const [requirements, procedure, time, fee, product, competence, behaviour, complaints, facilities] = scores;
  return { requirements, procedure, time, fee, product, competence, behaviour, complaints, facilities } as SkmAnswer;
};

describe('SKM index (Permenpan RB 14/2017)', () => {
  /*
   * Hand computation, four respondents, elements in the regulation's order (U1 requirements … U9 facilities):
   *   R1: 4 4 3 4 4 3 4 2 3   (sum 31)
   *   R2: 3 3 3 4 3 3 4 2 3   (sum 28)
   *   R3: 4 3 2 4 4 4 4 3 3   (sum 31)
   *   R4: 3 4 3 4 3 4 3 1 2   (sum 27)
   * Per element sums: U1 14, U2 14, U3 11, U4 16, U5 14, U6 14, U7 15, U8 8, U9 11 (total 117).
   * NRR = sum ÷ 4: 3.50 3.50 2.75 4.00 3.50 3.50 3.75 2.00 2.75.
   * Weighted: Σ NRR × 1/9 = 29.25 ÷ 9 = 3.25.
   * Converted: 3.25 × 25 = 81.25 → band B 76.61–88.30, "Baik".
   */
  it('matches the hand computation over four respondents', () => {
    const result = computeSkm([
      answer([4, 4, 3, 4, 4, 3, 4, 2, 3]),
      answer([3, 3, 3, 4, 3, 3, 4, 2, 3]),
      answer([4, 3, 2, 4, 4, 4, 4, 3, 3]),
      answer([3, 4, 3, 4, 3, 4, 3, 1, 2]),
    ]);
    expect(result).toEqual({
      respondents: 4,
      means: { requirements: 3.5, procedure: 3.5, time: 2.75, fee: 4, product: 3.5, competence: 3.5, behaviour: 3.75, complaints: 2, facilities: 2.75 },
      weightedIndex: 3.25,
      index: 81.25,
      grade: 'B',
      label: { id: 'Baik', en: 'Good' },
    });
  });

  /*
   * Three respondents: R1 all 4 (36), R2 all 4 (36), R3 4 4 4 4 4 4 4 4 3 (35): total 107.
   * 25 × 107 ÷ 27 = 2675 ÷ 27 = 99.074… → 99.07, grade A "Sangat Baik"; weighted 107 ÷ 27 = 3.962… → 3.96;
   * U9 mean 11 ÷ 3 = 3.666… → 3.67.
   */
  it('rounds to two decimals and grades A', () => {
    const all4 = answer([4, 4, 4, 4, 4, 4, 4, 4, 4]);
    const result = computeSkm([all4, all4, answer([4, 4, 4, 4, 4, 4, 4, 4, 3])]);
    expect(result?.index).toBe(99.07);
    expect(result?.weightedIndex).toBe(3.96);
    expect(result?.means.facilities).toBe(3.67);
    expect(result?.grade).toBe('A');
    expect(result?.label.id).toBe('Sangat Baik');
  });

  it('spans 25 to 100: all 1 is 25.00 (D, Tidak Baik), all 4 is 100.00', () => {
    expect(computeSkm([answer([1, 1, 1, 1, 1, 1, 1, 1, 1])])).toMatchObject({ index: 25, grade: 'D', label: { id: 'Tidak Baik' } });
    expect(computeSkm([answer([4, 4, 4, 4, 4, 4, 4, 4, 4])])).toMatchObject({ index: 100, grade: 'A' });
  });

  it('grades at the band edges of DOMAIN.md', () => {
    expect([64.99, 65, 76.6, 76.61, 88.3, 88.31].map(skmGrade)).toEqual(['D', 'C', 'C', 'B', 'B', 'A']);
  });

  /* 2 respondents: R1 3 3 3 3 3 3 3 3 2 (26), R2 3 3 3 3 3 3 3 2 2 (25): 25 × 51 ÷ 18 = 70.83…→ 70.83, C "Kurang Baik". */
  it('grades C, Kurang Baik', () => {
    const result = computeSkm([answer([3, 3, 3, 3, 3, 3, 3, 3, 2]), answer([3, 3, 3, 3, 3, 3, 3, 2, 2])]);
    expect(result).toMatchObject({ index: 70.83, grade: 'C', label: { id: 'Kurang Baik' } });
  });

  it('gives no index without answers', () => {
    expect(computeSkm([])).toBeNull();
  });
});
