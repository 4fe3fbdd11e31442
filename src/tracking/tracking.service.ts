import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import { journeySteps, stateSummary } from '../catalogue/journey.js';
import type { Db } from '../db/database.js';
import { findApplication, findApplicationByNumber, listEvents } from '../applications/applications.repository.js';
import { currentDocuments } from '../documents/documents.repository.js';
import { listParcelsOfApplication } from '../parcels/parcels.repository.js';
import { AppError } from '../shared/errors.js';
import { findTenantById } from '../tenants/tenants.repository.js';
import type { Application, Tenant } from '../db/schema.js';
import { stateOf } from '../workflow/workflow.engine.js';
import type { Clock } from '../shared/time.js';
import { computeSla } from '../sla/sla.js';
import { officeToldOfLateness } from './tracking.repository.js';

/**
 * A tracking code as people type it: case does not matter, spaces and hyphens inside are ignored, and
 * I, L and O (which new codes never contain: readableCode's alphabet leaves them out) are read as the
 * digits they look like, 1, 1 and 0.
 */
export function normaliseTrackingCode(code: string): string {
  return code
    .toUpperCase()
    .replace(/[\s\-\u2010-\u2015_.]+/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
}

function sameCode(stored: string, typed: string): boolean {
  const x = Buffer.from(normaliseTrackingCode(stored));
  const y = Buffer.from(normaliseTrackingCode(typed));
  return x.length === y.length && timingSafeEqual(x, y);
}

/** How long a bookmark link works. */
const LINK_DAYS = 30;

/** Digits as people type them: O read as 0, I and L as 1. */
const digitsOf = (s: string) => s.replace(/O/g, '0').replace(/[IL]/g, '1');

/**
 * An application number as people type it, in the stored form `OFFICE-TYPE-YEAR-NNNNNN`: any case,
 * spaces or other dashes between the parts, and the serial with or without its leading zeros
 * (MLG-PBG-2026-12 is MLG-PBG-2026-000012). Null when it does not have the office's number format at
 * all (another office's prefix, a permit type the public catalogue does not have, no year or serial):
 * saying so reveals nothing about which files exist.
 */
export function normaliseNumber(typed: string, officeCode: string, permitCodes: ReadonlySet<string>): string | null {
  const parts = typed
    .trim()
    .toUpperCase()
    .split(/[\s\-\u2010-\u2015_./]+/)
    .filter(Boolean);
  if (parts.length !== 4) return null;
  const [office, type, year, serial] = [parts[0]!, parts[1]!, digitsOf(parts[2]!), digitsOf(parts[3]!)];
  if (office !== officeCode.toUpperCase() || !permitCodes.has(type) || !/^\d{4}$/.test(year) || !/^\d{1,12}$/.test(serial)) return null;
  const n = serial.replace(/^0+(?=\d)/, '');
  return `${office}-${type}-${year}-${n.padStart(6, '0')}`;
}

/**
 * Public tracking by application number and tracking code, for people without an account or a
 * helper at a counter. Shows where the file is and what is needed next; never a name, NIK,
 * address, answer or reason text (reasons can hold personal details).
 */
export function createTrackingService(deps: {
  db: Db;
  catalogue: CatalogueService;
  clock: Clock;
  holidays: { forTenant(tenantId: string): Promise<ReadonlySet<string>> };
  dataKey: Buffer;
}) {
  async function trackApplication(input: { tenantId: string; number: string; trackingCode: string }) {
    const [tenant, types] = await Promise.all([
      findTenantById(deps.db, input.tenantId),
      deps.catalogue.listPermitTypes({ tenantId: input.tenantId, includeDisabled: true }),
    ]);
    if (!tenant) throw new AppError('not_found', 'no such office');
    const number = normaliseNumber(input.number, tenant.code, new Set(types.map((t) => t.definition.code)));
    if (number === null) {
      // Only the format is judged here, against public facts (the office's prefix and catalogue): it says nothing about files.
      // A 404 like any unknown file (the API's contract), with the reason the page turns into its own message.
      throw new AppError('not_found', 'that is not an application number of this office', { params: { reason: 'number_format' } });
    }
    const app = await findApplicationByNumber(deps.db, input.tenantId, number);
    // One neutral answer for a number nobody has and for a wrong code: telling them apart would say a file exists.
    if (!app?.tracking_code || !sameCode(app.tracking_code, input.trackingCode)) {
      throw new AppError('not_found', 'no application with that number and code');
    }
    return view(tenant, app, Math.floor(deps.clock.now().getTime() / 1000) + LINK_DAYS * 86_400);
  }

  /** The signature of a bookmark link: the office, the file and the expiry, keyed with the data key and bound to the file's code. */
  function linkSignature(tenantId: string, applicationId: string, expires: number, trackingCode: string): string {
    return createHmac('sha256', deps.dataKey)
      .update(`tracking-link\0${tenantId}\0${applicationId}\0${expires}\0${normaliseTrackingCode(trackingCode)}`)
      .digest('base64url');
  }

  /**
   * Tracking by a bookmark link (/lacak/t/{id}/{expires}/{signature}) instead of number and code. An
   * altered link (any part) is `link_invalid`, a genuine one past its expiry `link_expired`; both 404s
   * for the API, with the reason for the page's message.
   */
  async function trackByLink(input: { tenantId: string; applicationId: string; expires: string; signature: string }) {
    const invalid = () => new AppError('not_found', 'this tracking link is not valid', { params: { reason: 'link_invalid' } });
    if (!/^\d{1,12}$/.test(input.expires) || !/^[\w-]{1,100}$/.test(input.applicationId) || !/^[\w-]{1,100}$/.test(input.signature)) throw invalid();
    const expires = Number(input.expires);
    const [tenant, app] = await Promise.all([findTenantById(deps.db, input.tenantId), findApplication(deps.db, input.tenantId, input.applicationId)]);
    if (!tenant || !app?.tracking_code || !app.number) throw invalid();
    const want = Buffer.from(linkSignature(tenant.id, app.id, expires, app.tracking_code));
    const got = Buffer.from(input.signature);
    if (want.length !== got.length || !timingSafeEqual(want, got)) throw invalid();
    if (expires * 1000 <= deps.clock.now().getTime()) throw new AppError('not_found', 'this tracking link has expired', { params: { reason: 'link_expired' } });
    return view(tenant, app, expires);
  }

  async function view(tenant: Tenant, app: Application, linkExpires: number) {
    const { definition, workflow } = await deps.catalogue.getVersion(app.permit_type_version_id);
    const [events, docs, parcels, holidays, officeTold] = await Promise.all([
      listEvents(deps.db, app.tenant_id, app.id),
      currentDocuments(deps.db, app.tenant_id, app.id),
      listParcelsOfApplication(deps.db, app.tenant_id, app.id),
      deps.holidays.forTenant(app.tenant_id),
      officeToldOfLateness(deps.db, app.tenant_id, app.id),
    ]);
    const sla = computeSla({ events, workflow, slaWorkingDays: definition.slaWorkingDays, now: deps.clock.now(), timeZone: tenant.time_zone, holidays });
    // "Step N of M": the current state's place on the workflow's way to the permit (the guide's steps); none off that way.
    const steps = journeySteps(workflow);
    const at = steps.findIndex((s) => s.code === app.state);
    const late = sla.status === 'overdue';
    const refused = new Set(docs.filter((d) => d.review_status === 'refused').map((d) => d.requirement_code));
    return {
      number: app.number!,
      permitType: { code: definition.code, name: definition.name },
      state: stateSummary(workflow, app.state),
      submittedAt: app.submitted_at,
      lastChangedAt: app.state_entered_at,
      /** The office date (YYYY-MM-DD) the service standard promises; null before filing and once closed. */
      expectedBy: sla.dueDate,
      step: at >= 0 ? { number: at + 1, of: steps.length } : null,
      /** Past the expected date while the office has the file; officeTold once the overdue scan has told the head. */
      late,
      officeTold: late && officeTold,
      timeline: events.filter((e) => e.action !== 'create').map((e) => ({ state: e.to_state, label: stateOf(workflow, e.to_state).label, at: e.created_at })),
      documentsToReplace: definition.requirements.filter((r) => refused.has(r.code)).map((r) => ({ code: r.code, name: r.name })),
      // Courier parcels (src/parcels/): the company, tracking number and when; never the sender's details.
      parcels: parcels.map((p) => ({ direction: p.direction, company: p.company, trackingNumber: p.tracking_number, at: p.at, contents: p.contents })),
      /** A link to this page to bookmark: the file's id, the expiry and a signature, never the tracking code. */
      bookmark: {
        path: `/lacak/t/${app.id}/${linkExpires}/${linkSignature(tenant.id, app.id, linkExpires, app.tracking_code!)}`,
        expiresAt: new Date(linkExpires * 1000).toISOString(),
      },
    };
  }
  return { trackApplication, trackByLink };
}
export type TrackingService = ReturnType<typeof createTrackingService>;
