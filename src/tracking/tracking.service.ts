import { timingSafeEqual } from 'node:crypto';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import { stateSummary } from '../catalogue/journey.js';
import type { Db } from '../db/database.js';
import { findApplicationByNumber, listEvents } from '../applications/applications.repository.js';
import { currentDocuments } from '../documents/documents.repository.js';
import { listParcelsOfApplication } from '../parcels/parcels.repository.js';
import { AppError } from '../shared/errors.js';
import { stateOf } from '../workflow/workflow.engine.js';

function sameCode(a: string, b: string): boolean {
  const x = Buffer.from(a.toUpperCase());
  const y = Buffer.from(b.toUpperCase());
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Public tracking by application number and tracking code, for people without an account or a
 * helper at a counter. Shows where the file is and what is needed next; never a name, NIK,
 * address, answer or reason text (reasons can hold personal details).
 */
export function createTrackingService(deps: { db: Db; catalogue: CatalogueService }) {
  async function trackApplication(input: { tenantId: string; number: string; trackingCode: string }) {
    const app = await findApplicationByNumber(deps.db, input.tenantId, input.number.trim().toUpperCase());
    if (!app?.tracking_code || !sameCode(app.tracking_code, input.trackingCode.trim())) {
      throw new AppError('not_found', 'no application with that number and code');
    }
    const { definition, workflow } = await deps.catalogue.getVersion(app.permit_type_version_id);
    const [events, docs, parcels] = await Promise.all([
      listEvents(deps.db, app.tenant_id, app.id),
      currentDocuments(deps.db, app.tenant_id, app.id),
      listParcelsOfApplication(deps.db, app.tenant_id, app.id),
    ]);
    const refused = new Set(docs.filter((d) => d.review_status === 'refused').map((d) => d.requirement_code));
    return {
      number: app.number!,
      permitType: { code: definition.code, name: definition.name },
      state: stateSummary(workflow, app.state),
      submittedAt: app.submitted_at,
      lastChangedAt: app.state_entered_at,
      timeline: events.filter((e) => e.action !== 'create').map((e) => ({ state: e.to_state, label: stateOf(workflow, e.to_state).label, at: e.created_at })),
      documentsToReplace: definition.requirements.filter((r) => refused.has(r.code)).map((r) => ({ code: r.code, name: r.name })),
      // Courier parcels (src/parcels/): the company, tracking number and when; never the sender's details.
      parcels: parcels.map((p) => ({ direction: p.direction, company: p.company, trackingNumber: p.tracking_number, at: p.at, contents: p.contents })),
    };
  }
  return { trackApplication };
}
export type TrackingService = ReturnType<typeof createTrackingService>;
