import { describe, expect, it } from 'vitest';
import { CATALOGUES, t } from '../../src/web/i18n.js';

describe('the message catalogue', () => {
  it('defines each key in one feature catalogue only', () => {
    const owners = new Map<string, string[]>();
    for (const [feature, catalogue] of Object.entries(CATALOGUES)) {
      for (const key of Object.keys(catalogue)) owners.set(key, [...(owners.get(key) ?? []), feature]);
    }
    const twice = [...owners].filter(([, features]) => features.length > 1);
    expect(twice).toEqual([]);
    expect(owners.size).toBeGreaterThan(500);
  });

  it('says "1 year" and "2 years" in English, and "1 tahun" in Indonesian', () => {
    expect(t('en', 'guide.validity.years', { n: 1 })).toBe('1 year');
    expect(t('en', 'guide.validity.years', { n: 2 })).toBe('2 years');
    expect(t('en', 'guide.validity.months', { n: 1 })).toBe('1 month');
    expect(t('en', 'catalogue.days', { n: 1 })).toBe('1 working day');
    expect(t('en', 'catalogue.days', { n: 14 })).toBe('14 working days');
    expect(t('id', 'guide.validity.years', { n: 1 })).toBe('1 tahun');
    expect(t('en', 'office.queue.lead', { n: 1 })).toBe('1 file waits for your role.');
  });
});
