import { describe, expect, it } from 'vitest';
import { type AccessResource, can, type Permission, requireAccess, systemActor } from '../../src/access/access.js';
import type { Actor } from '../../src/access/actor.js';
import { loadCatalogue } from '../../src/catalogue/catalogue.loader.js';
import type { Application } from '../../src/db/schema.js';
import { ROLES, type Role } from '../../src/workflow/workflow.schema.js';

/**
 * The policy written out by hand, from the access table in ARCHITECTURE.md: the integration suites
 * derive their expectations from `can`, so this fixed table is what catches a rule loosened by mistake.
 */
const OFFICE = 'office-1';
const workflow = loadCatalogue().workflows.find((w) => w.code === 'standard-fee')!;
const person = (role: Role, userId = `${role}-1`, tenantId = OFFICE): Actor => ({ userId, tenantId, role, name: role });
const file = (over: Partial<Application> = {}) =>
  ({ id: 'app-1', tenant_id: OFFICE, applicant_id: 'applicant-1', channel: 'online', intake_officer_id: null, state: 'verification', ...over }) as Application;
const on = (app: Application): AccessResource => ({ application: app, workflow });
const office: AccessResource = { tenantId: OFFICE };

/** Every role's answer for one permission, as the roles in ROLES order. */
const answers = (permission: Permission, resource: AccessResource) => ROLES.map((r) => can(person(r), permission, resource));
const only = (...roles: Role[]) => ROLES.map((r) => roles.includes(r));
const STAFF: Role[] = ['front_desk', 'verifier', 'technical', 'treasurer', 'head', 'admin'];

function verdict(actor: Actor, permission: Permission, resource: AccessResource): string {
  try {
    requireAccess({ actor, permission, resource });
    return 'allow';
  } catch (err) {
    return (err as { code: string }).code;
  }
}

describe('the access policy, role by role (v5.0.0-8.1.1, 8.1.2)', () => {
  it('keeps office-level work to the roles the access table names', () => {
    expect(answers('office.enter', office)).toEqual(only(...STAFF));
    for (const p of ['staff.manage', 'catalogue.manage', 'holidays.manage', 'settings.manage', 'messages.manage'] as const)
      expect(answers(p, office), p).toEqual(only('admin'));
    expect(answers('calendar.watch', office)).toEqual(only('head', 'admin'));
    expect(answers('application.create', office)).toEqual(only('applicant', 'front_desk'));
    expect(answers('application.intake', office)).toEqual(only('front_desk'));
    expect(answers('application.claim', office)).toEqual(only('applicant'));
    expect(answers('application.listOffice', office)).toEqual(only(...STAFF));
    for (const p of ['permit.revoke', 'permit.reissue'] as const) expect(answers(p, office), p).toEqual(only('head'));
    expect(answers('permit.renew', office)).toEqual(only('applicant'));
    expect(answers('account.resolveNik', office)).toEqual(only('front_desk', 'admin'));
    expect(answers('queue.serve', office)).toEqual(only('front_desk', 'admin'));
    for (const p of ['fee.assess', 'note.add', 'note.readInternal', 'application.assign'] as const) expect(answers(p, office), p).toEqual(only(...STAFF));
    expect(answers('document.review', office)).toEqual(only('verifier', 'technical'));
    expect(answers('inspection.record', office)).toEqual(only('technical'));
  });

  it('shows an applicant their own files only, and nobody another office’s', () => {
    const app = file();
    expect(verdict(person('applicant'), 'application.read', on(app))).toBe('allow');
    expect(verdict(person('applicant', 'applicant-2'), 'application.read', on(app))).toBe('not_found');
    for (const role of STAFF) expect(verdict(person(role), 'application.read', on(app)), role).toBe('allow');
    for (const role of ROLES) expect(verdict(person(role, `${role}-1`, 'office-2'), 'application.read', on(app)), role).toBe('not_found');
    expect(verdict(person('admin', 'admin-1', 'office-2'), 'staff.manage', office)).toBe('forbidden');
  });

  it('lets the applicant side edit only while the file is editable, and the front desk only files it took in', () => {
    expect(verdict(person('applicant'), 'application.edit', on(file({ state: 'draft' })))).toBe('allow');
    expect(verdict(person('applicant'), 'application.edit', on(file({ state: 'returned_to_applicant' })))).toBe('allow');
    expect(verdict(person('applicant'), 'application.edit', on(file({ state: 'verification' })))).toBe('invalid_state');
    expect(verdict(person('front_desk'), 'application.edit', on(file({ state: 'draft' })))).toBe('forbidden');
    const counter = file({ state: 'draft', applicant_id: null, channel: 'walk_in', intake_officer_id: 'front_desk-9' });
    expect(verdict(person('front_desk'), 'application.edit', on(counter))).toBe('allow');
    expect(verdict(person('verifier'), 'application.edit', on(counter))).toBe('forbidden');
    expect(verdict(person('front_desk'), 'application.act', on(file()))).toBe('forbidden');
    expect(verdict(person('verifier'), 'application.act', on(file()))).toBe('allow');
  });

  it('lets reviewers and the technical team work on a file only while it is with them', () => {
    const inVerification = on(file({ state: 'verification' }));
    const inTechnicalReview = on(file({ state: 'technical_review' }));
    expect(ROLES.map((r) => verdict(person(r), 'document.review', inVerification))).toEqual(
      ROLES.map((r) => (r === 'verifier' ? 'allow' : r === 'technical' ? 'invalid_state' : 'forbidden')),
    );
    expect(verdict(person('technical'), 'document.review', inTechnicalReview)).toBe('allow');
    expect(verdict(person('verifier'), 'document.review', inTechnicalReview)).toBe('invalid_state');
    for (const p of ['inspection.schedule', 'inspection.record'] as const) {
      expect(
        ROLES.map((r) => verdict(person(r), p, inTechnicalReview)),
        p,
      ).toEqual(ROLES.map((r) => (r === 'technical' ? 'allow' : 'forbidden')));
      expect(verdict(person('technical'), p, inVerification), p).toBe('invalid_state');
    }
  });

  it('gives each system actor its own job and nothing a person does', () => {
    expect(can(systemActor(OFFICE, 'sla-overdue'), 'system.overdueScan', office)).toBe(true);
    expect(can(systemActor(OFFICE, 'sla-overdue'), 'system.expiryReminders', office)).toBe(false);
    expect(can(systemActor(OFFICE, 'expiry-reminders'), 'system.expiryReminders', office)).toBe(true);
    expect(can(systemActor(OFFICE, 'audit-checkpoint'), 'system.auditCheckpoint', office)).toBe(true);
    expect(can(systemActor(OFFICE, 'audit-checkpoint'), 'application.read', on(file()))).toBe(false);
    expect(can(systemActor('office-2', 'sla-overdue'), 'system.overdueScan', office)).toBe(false);
    for (const role of ROLES) expect(can(person(role), 'system.overdueScan', office), role).toBe(false);
  });
});
