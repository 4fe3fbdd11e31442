import { describe, expect, it } from 'vitest';
import { formatPermille, percentOf } from '../../src/dashboard/dashboard.chart.js';
import { buckets, channelShares, median, medianOfCounts, permille, utcOffsetMinutes } from '../../src/dashboard/dashboard.service.js';

describe('the dashboard’s arithmetic', () => {
  it('pools channel shares as sum over sum: two offices of 90 and 10 files give 35%, not the mean of their ratios (55%)', () => {
    const a = { online: 18, assisted: 9, walk_in: 54, courier: 9 }; // 27 of 90 digital: 30%
    const b = { online: 7, assisted: 1, walk_in: 1, courier: 1 }; // 8 of 10: 80%
    const pooled = channelShares({
      online: a.online + b.online,
      assisted: a.assisted + b.assisted,
      walk_in: a.walk_in + b.walk_in,
      courier: a.courier + b.courier,
    });
    expect(pooled.digital).toEqual({ numerator: 35, denominator: 100 });
    expect(pooled.assisted).toEqual({ numerator: 10, denominator: 100 });
    expect(permille(pooled.digital)).toBe(350);
    const mean = ((permille(channelShares(a).digital) ?? 0) + (permille(channelShares(b).digital) ?? 0)) / 2;
    expect(mean).toBe(550);
    expect(permille(pooled.digital)).not.toBe(mean);
  });

  it('rounds tenths of a percent half up exactly, and has no percentage for nothing recorded', () => {
    expect(permille({ numerator: 25, denominator: 31 })).toBe(806); // 80.645…
    expect(permille({ numerator: 7, denominator: 13 })).toBe(538); // 53.846…
    expect(permille({ numerator: 1, denominator: 8 })).toBe(125); // 12.5 exactly
    expect(permille({ numerator: 1, denominator: 2000 })).toBe(1); // 0.05 → 0.1
    expect(permille({ numerator: 0, denominator: 0 })).toBeNull();
    expect(percentOf('id', { numerator: 25, denominator: 31 })).toBe('80,6%');
    expect(percentOf('en', { numerator: 25, denominator: 31 })).toBe('80.6%');
    expect(percentOf('id', { numerator: 0, denominator: 0 })).toBeNull();
    expect(formatPermille('id', 1000)).toBe('100,0%');
  });

  it('the median of working days: the middle one, or the mean of the two middle ones', () => {
    expect(median([15, 5, 11, 9])).toBe(10);
    expect(median([4, 5, 9, 11, 15])).toBe(9);
    expect(median([])).toBeNull();
  });

  it('the median read from a histogram (working days → files) is the median of the list it stands for', () => {
    expect(
      medianOfCounts(
        new Map([
          [0, 2],
          [7, 1],
          [17, 1],
        ]),
      ),
    ).toBe(3.5);
    expect(medianOfCounts(new Map([[9, 0]]))).toBeNull();
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const list = Array.from({ length: 1 + (next() % 40) }, () => next() % 30);
      const counts = new Map<number, number>();
      for (const v of list) counts.set(v, (counts.get(v) ?? 0) + 1);
      expect(medianOfCounts(counts)).toBe(median(list));
    }
  });

  it('cuts a period into days, Monday weeks and months, each clipped to the period', () => {
    expect(buckets('2026-05-30', '2026-06-01', 'day').map((b) => b.start)).toEqual(['2026-05-30', '2026-05-31', '2026-06-01']);
    expect(buckets('2026-05-01', '2026-05-12', 'week')).toEqual([
      { start: '2026-05-01', end: '2026-05-03' },
      { start: '2026-05-04', end: '2026-05-10' },
      { start: '2026-05-11', end: '2026-05-12' },
    ]);
    expect(buckets('2026-01-15', '2026-03-02', 'month')).toEqual([
      { start: '2026-01-15', end: '2026-01-31' },
      { start: '2026-02-01', end: '2026-02-28' },
      { start: '2026-03-01', end: '2026-03-02' },
    ]);
  });

  it('reads Indonesia’s three fixed offsets', () => {
    const at = new Date('2026-05-01T00:00:00Z');
    expect([utcOffsetMinutes('Asia/Jakarta', at), utcOffsetMinutes('Asia/Makassar', at), utcOffsetMinutes('Asia/Jayapura', at)]).toEqual([420, 480, 540]);
  });
});
