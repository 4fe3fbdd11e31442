import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/catalogue/catalogue.loader.js';
import { journeySteps, stateOutcome, stateSummary } from '../../src/catalogue/journey.js';
import type { WorkflowDefinition } from '../../src/workflow/workflow.schema.js';
import { stateTag } from '../../src/web/views.js';

const { workflows } = loadCatalogue();

describe('what citizens are told about a workflow, read from its data', () => {
  it.each(workflows.map((w) => [w.code, w] as const))(
    '%s: the guide lists the office steps to the permit, without the return and resubmission',
    (_code, wf) => {
      const steps = journeySteps(wf).map((s) => s.code);
      const expected = [...wf.states.filter((s) => s.kind === 'office' && s.code !== 'resubmitted').map((s) => s.code), 'issued'];
      expect(steps).toEqual(expected);
    },
  );

  it('follows a renamed or added state without a code change', () => {
    const wf: WorkflowDefinition = {
      code: 'tiny',
      initial: 'baru',
      states: [
        { code: 'baru', kind: 'draft', label: { id: 'Baru', en: 'New' }, nextStep: { id: '-', en: '-' } },
        { code: 'periksa', kind: 'office', label: { id: 'Diperiksa', en: 'Checked' }, nextStep: { id: '-', en: '-' } },
        { code: 'perbaiki', kind: 'applicant', label: { id: 'Diperbaiki', en: 'To correct' }, nextStep: { id: '-', en: '-' } },
        { code: 'terbit', kind: 'final', label: { id: 'Terbit', en: 'Issued' }, nextStep: { id: '-', en: '-' } },
        { code: 'tolak', kind: 'final', label: { id: 'Ditolak', en: 'Refused' }, nextStep: { id: '-', en: '-' } },
      ],
      actions: [
        {
          code: 'kirim',
          label: { id: 'Kirim', en: 'Send' },
          from: ['baru', 'perbaiki'],
          to: 'periksa',
          roles: ['applicant'],
          preconditions: [],
          requiresReason: false,
          issuesPermit: false,
        },
        {
          code: 'balik',
          label: { id: 'Balik', en: 'Back' },
          from: ['periksa'],
          to: 'perbaiki',
          roles: ['verifier'],
          preconditions: [],
          requiresReason: true,
          issuesPermit: false,
        },
        {
          code: 'tolak',
          label: { id: 'Tolak', en: 'Refuse' },
          from: ['periksa'],
          to: 'tolak',
          roles: ['verifier'],
          preconditions: [],
          requiresReason: true,
          issuesPermit: false,
        },
        {
          code: 'teken',
          label: { id: 'Teken', en: 'Sign' },
          from: ['periksa'],
          to: 'terbit',
          roles: ['head'],
          preconditions: [],
          requiresReason: false,
          issuesPermit: true,
        },
      ],
    };
    expect(journeySteps(wf).map((s) => s.code)).toEqual(['periksa', 'terbit']);
    expect([stateOutcome(wf, 'terbit'), stateOutcome(wf, 'tolak'), stateOutcome(wf, 'perbaiki')]).toEqual(['permit', 'closed', null]);
  });

  it('colours a state tag by its kind and, once closed, by whether the permit was issued', () => {
    const wf = workflows.find((w) => w.code === 'standard-fee')!;
    const colour = (code: string) => /tag--(\w+)/.exec(stateTag('en', stateSummary(wf, code)).value)?.[1];
    expect(
      Object.fromEntries(['draft', 'verification', 'returned_to_applicant', 'issued', 'rejected', 'withdrawn', 'cancelled'].map((c) => [c, colour(c)])),
    ).toEqual({
      draft: 'grey',
      verification: 'blue',
      returned_to_applicant: 'yellow',
      issued: 'green',
      rejected: 'red',
      withdrawn: 'red',
      cancelled: 'red',
    });
  });
});
