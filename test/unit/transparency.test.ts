import { describe, expect, it } from 'vitest';
import { histogramMedian, monthsBetween, percentOf, slaFigures } from '../../src/transparency/transparency.service.js';

describe('the transparency figures’ arithmetic', () => {
  it('the median of a histogram is the median of the values it counts (the mean of the two middle ones for an even count)', () => {
    expect(histogramMedian(new Map())).toBeNull();
    expect(histogramMedian(new Map([[7, 1]]))).toBe(7);
    // 4 5 6 9 11 15 → (6 + 9) / 2
    expect(
      histogramMedian(
        new Map([
          [15, 1],
          [4, 1],
          [9, 1],
          [5, 1],
          [11, 1],
          [6, 1],
        ]),
      ),
    ).toBe(7.5);
    // 2 2 2 10 → 2; 1 3 3 3 → 3
    expect(
      histogramMedian(
        new Map([
          [10, 1],
          [2, 3],
        ]),
      ),
    ).toBe(2);
    expect(
      histogramMedian(
        new Map([
          [1, 1],
          [3, 3],
        ]),
      ),
    ).toBe(3);
    // 1 1 5 5 → 3
    expect(
      histogramMedian(
        new Map([
          [5, 2],
          [1, 2],
        ]),
      ),
    ).toBe(3);
  });

  it('SLA: compliance is within ÷ measured; a file without an outcome is closed but not measured; no outcome at all is not 0%', () => {
    const f = slaFigures([
      { month: '2026-03', permit_code: 'REKLAME', used_days: 9, met: 1, n: 3 },
      { month: '2026-03', permit_code: 'REKLAME', used_days: 15, met: 0, n: 1 },
      { month: '2026-03', permit_code: 'PBG', used_days: 4, met: null, n: 2 },
      { month: '2026-03', permit_code: 'PBG', used_days: null, met: null, n: 1 },
    ]);
    expect(f).toEqual({ closed: 7, measured: 4, withinSla: 3, compliance: { numerator: 3, denominator: 4 }, medianWorkingDays: 9 });
    expect(percentOf(f.compliance)).toBe(75);
    const unmeasured = slaFigures([{ month: '2026-03', permit_code: 'PBG', used_days: null, met: null, n: 2 }]);
    expect(unmeasured.compliance).toEqual({ numerator: 0, denominator: 0 });
    expect(percentOf(unmeasured.compliance)).toBeNull();
    expect(unmeasured.medianWorkingDays).toBeNull();
  });

  it('percentages have one decimal, rounded half up exactly', () => {
    expect(percentOf({ numerator: 1, denominator: 6 })).toBe(16.7);
    expect(percentOf({ numerator: 7, denominator: 24 })).toBe(29.2);
    expect(percentOf({ numerator: 1, denominator: 8 })).toBe(12.5);
    expect(percentOf({ numerator: 0, denominator: 5 })).toBe(0);
  });

  it('the months of a period run across the turn of the year', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-06', '2026-06')).toEqual(['2026-06']);
    expect(monthsBetween('2025-07', '2026-06')).toHaveLength(12);
  });
});
