import type { Kysely } from 'kysely';
import { z } from 'zod';
import { updateAtRevision } from '../applications/applications.repository.js';
import type { Application, Database } from '../db/schema.js';

/** Inspection photos are documents whose requirement code starts with this. */
export const INSPECTION_PHOTO_PREFIX = 'inspection_photo_';

const inspectionRecordSchema = z.object({ result: z.enum(['pass', 'fail']), findings: z.string(), by: z.string().optional() });
/** What the technical team found on the site visit (the `inspection_result` column). */
export type InspectionRecord = z.infer<typeof inspectionRecordSchema> & { recordedAt: string | null };

export function inspectionRecordOf(app: Application): InspectionRecord | null {
  if (!app.inspection_result) return null;
  return { ...inspectionRecordSchema.parse(JSON.parse(app.inspection_result)), recordedAt: app.inspection_recorded_at };
}

/** Plans the site visit; false when the application changed since `app` was read. */
export async function saveInspectionPlan(trx: Kysely<Database>, app: Application, plan: { date: string; officerId: string; at: string }): Promise<boolean> {
  return updateAtRevision(trx, app.id, app.revision, { inspection_scheduled_for: plan.date, inspection_officer_id: plan.officerId, updated_at: plan.at });
}

/** Records the site visit's result; false when the application changed since `app` was read. */
export async function saveInspectionResult(
  trx: Kysely<Database>,
  app: Application,
  record: { result: 'pass' | 'fail'; findings: string; by: string; at: string },
): Promise<boolean> {
  const json = JSON.stringify(inspectionRecordSchema.parse({ result: record.result, findings: record.findings, by: record.by }));
  return updateAtRevision(trx, app.id, app.revision, { inspection_result: json, inspection_recorded_at: record.at, updated_at: record.at });
}
