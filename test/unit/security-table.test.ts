import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { idsIn, loadRequirements, renderTable, scanTitles, TABLE_FILE, uncovered, withoutStatuses } from '../../scripts/security-table.js';

/**
 * docs/security.md, the table of SECURITY.md's items and the tests that prove them (issue 15, item 8),
 * is generated from the test titles: it must be regenerated (`npm run security:table`) when a title that
 * names an id changes, and every item must have a test or be marked pending in docs/security-requirements.json.
 */
describe('the security table (docs/security.md)', () => {
  const reqs = loadRequirements();
  const refs = scanTitles();

  it('reads the ids a title names, including the bare ones listed after a v5.0.0 id', () => {
    expect(idsIn('the matrix (ASVS v5.0.0-8.2.1, 2.3.1)')).toEqual(['v5.0.0-8.2.1', 'v5.0.0-2.3.1']);
    expect(idsIn('allow-list validation (v5.0.0-2.2.1/2.2.2) and FILES-2, LAW-3')).toEqual(['v5.0.0-2.2.1', 'v5.0.0-2.2.2', 'FILES-2', 'LAW-3']);
    expect(idsIn('version 5.0.0 of nothing, 2.3.1 alone')).toEqual([]);
  });

  it('is up to date with the test titles (run npm run security:table)', () => {
    const current = fs.readFileSync(TABLE_FILE, 'utf8');
    expect(withoutStatuses(current)).toBe(withoutStatuses(renderTable(reqs, refs, null)));
  });

  it('has a test, or a pending note, for every SECURITY.md item', () => {
    expect(reqs.length).toBeGreaterThanOrEqual(29 + 6 + 6 + 9);
    expect(uncovered(reqs, refs).map((r) => `${r.item} (${r.ids.join(', ')}): ${r.requirement}`)).toEqual([]);
  });
});
