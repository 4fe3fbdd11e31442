import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { revenueChart } from '../../src/revenue/revenue.chart.js';
import { formatPermille, parseRupiah } from '../../src/revenue/revenue.pages.js';
import { dayOfYear, daysInYear, mulDivRound, projectYear, type RevenueReport, revenueCsv } from '../../src/revenue/revenue.service.js';

/** The arithmetic behind % achieved and the projection, and the CSV and chart of a small report. */
describe('revenue arithmetic', () => {
  it('rounds a × b ÷ c half up, exactly (BigInt in the middle)', () => {
    expect(mulDivRound(7_250_000, 1000, 20_000_000)).toBe(363); // 362.5 → 363
    expect(mulDivRound(7_249_999, 1000, 20_000_000)).toBe(362); // 362.49995
    expect(mulDivRound(0, 1000, 5)).toBe(0);
    expect(mulDivRound(12_500_000_000, 365, 74)).toBe(61_655_405_405); // 61,655,405,405.405…
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 1, max: 1e12 }), (total, target) => {
        const p = mulDivRound(total, 1000, target);
        // p is the nearest integer to total × 1000 / target: |p × target − total × 1000| ≤ target / 2.
        const diff = BigInt(p) * BigInt(target) - BigInt(total) * 1000n;
        return 2n * (diff < 0n ? -diff : diff) <= BigInt(target);
      }),
    );
  });

  it('counts the days of a year and the day of the year', () => {
    expect(daysInYear(2026)).toBe(365);
    expect(daysInYear(2028)).toBe(366);
    expect(daysInYear(2100)).toBe(365);
    expect(daysInYear(2000)).toBe(366);
    expect(dayOfYear('2026-01-01')).toBe(1);
    expect(dayOfYear('2026-03-15')).toBe(74);
    expect(dayOfYear('2028-12-31')).toBe(366);
  });

  it('projects a running year at its pace, a past year as its actual, a future year not at all', () => {
    expect(projectYear({ year: 2026, today: '2026-03-15', total: 7_250_000, target: 20_000_000 })).toEqual({
      basis: 'pace',
      amount: 35_760_135, // 7,250,000 ÷ 74 × 365 = 35,760,135.1…
      elapsedDays: 74,
      daysInYear: 365,
      permilleOfTarget: 1788,
    });
    // On 1 January the day counts: the pace is a day's revenue × the year.
    expect(projectYear({ year: 2028, today: '2028-01-01', total: 1_000, target: null })).toMatchObject({
      basis: 'pace',
      amount: 366_000,
      permilleOfTarget: null,
    });
    // On 31 December the projection is the total.
    expect(projectYear({ year: 2026, today: '2026-12-31', total: 123_457, target: null }).amount).toBe(123_457);
    expect(projectYear({ year: 2025, today: '2026-03-15', total: 500_000, target: 1_000_000 })).toMatchObject({
      basis: 'actual',
      amount: 500_000,
      permilleOfTarget: 500,
    });
    expect(projectYear({ year: 2027, today: '2026-03-15', total: 0, target: 1_000_000 })).toMatchObject({
      basis: 'none',
      amount: null,
      permilleOfTarget: null,
    });
  });

  it('writes the percentage from tenths without floating point, and reads rupiah as people type them', () => {
    expect(formatPermille('id', 363)).toBe('36,3%');
    expect(formatPermille('en', 363)).toBe('36.3%');
    expect(formatPermille('id', 12_345)).toBe('1.234,5%');
    expect(formatPermille('id', 0)).toBe('0,0%');
    expect(parseRupiah('12.500.000.000')).toBe(12_500_000_000);
    expect(parseRupiah('Rp 29.000.000')).toBe(29_000_000);
    expect(parseRupiah(' 1 000 ')).toBe(1000);
    for (const bad of ['12,5 juta', '1.5e9', '', 'abc', '-5', '12,50']) expect(parseRupiah(bad)).toBeNaN();
  });
});

describe('revenue CSV and chart', () => {
  const months = Array.from({ length: 12 }, (_, i) => ({ month: i + 1, total: i === 0 ? 3_000_000 : 0, count: i === 0 ? 2 : 0 }));
  const report: RevenueReport = {
    year: 2026,
    timeZone: 'Asia/Jakarta',
    today: '2026-02-10',
    period: 'current',
    permitTypes: [{ code: 'PBG', name: { id: 'Persetujuan "Bangunan" Gedung', en: 'Building approval' }, total: 3_000_000, count: 2, months }],
    months: months.map((m) => ({ ...m, cumulative: 3_000_000 })),
    total: 3_000_000,
    count: 2,
    target: null,
    targetHistory: [],
    achievedPermille: null,
    projection: projectYear({ year: 2026, today: '2026-02-10', total: 3_000_000, target: null }),
  };

  it('has a header and one row per permit type × month, names quoted, amounts as integers', () => {
    const lines = revenueCsv(report).trimEnd().split('\r\n');
    expect(lines).toHaveLength(13);
    expect(lines[0]).toBe('year,month,permit_code,permit_type,payments,amount_idr');
    expect(lines[1]).toBe('2026,1,"PBG","Persetujuan ""Bangunan"" Gedung",2,3000000');
    expect(lines[12]).toBe('2026,12,"PBG","Persetujuan ""Bangunan"" Gedung",0,0');
  });

  it('draws no target line without a target and says so in the description; no bars after this month', () => {
    const svg = revenueChart('id', report).toString();
    expect(svg).toContain('role="img"');
    expect(svg).toContain('Belum ada target, jadi tidak ada garis target.');
    expect(svg).not.toContain('data-target-line');
    expect(svg).toContain('data-month="1" data-cumulative="3000000"');
    expect(svg).toContain('data-month="2" data-cumulative="3000000"');
    expect(svg).not.toContain('data-month="3" data-cumulative');
  });
});
