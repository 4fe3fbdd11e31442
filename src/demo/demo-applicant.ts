import { Readable } from 'node:stream';
import type { Actor } from '../access/actor.js';
import type { Tenant } from '../db/schema.js';
import type { Services } from '../services.js';
import { AppError } from '../shared/errors.js';
import { stateKind } from '../workflow/workflow.engine.js';
import type { Role, WorkflowAction, WorkflowDefinition } from '../workflow/workflow.schema.js';
import { DemoClock } from './demo-clock.js';
import { DEMO_PDF, DEMO_PNG } from './demo-files.js';

/** The permit type of the demo applicant's files: a building permit, whose workflow has a fee, a bill and a site visit. */
export const DEMO_APPLICANT_PERMIT = 'PBG';

/**
 * Siti's building, as DOMAIN.md's worked example has it: 235 m² over two floors, a small-business
 * (UMKM) building, not simple, permanent, private, new. The office's 2026 coefficients price it at
 * Rp 6,176,270.
 */
const WORKED_EXAMPLE: Record<string, string | number | boolean> = {
  floorArea: 235,
  floorCount: 2,
  buildingFunction: 'umkm',
  complexity: 'not_simple',
  permanence: 'permanent',
  ownership: 'private',
  buildingWorkType: 'new',
  lowIncomeHouse: false,
};
/** DOMAIN.md's worked example, the amount assessed when the office has no coefficients for the filing year. */
const WORKED_EXAMPLE_AMOUNT = 6_176_270;

/** What the officers write, per action that needs a reason: shown to Siti on the file's page. */
const REASONS: Record<string, string> = {
  return_to_applicant:
    'Surat Keterangan Rencana Kota (KRK) yang Anda unggah terbit tahun 2019 dan sudah tidak berlaku. Mohon unggah KRK yang masih berlaku, lalu ajukan kembali.',
  reject: 'Menurut KRK, lokasi bangunan berada di garis sempadan sungai Brantas; bangunan gedung baru tidak dapat disetujui di lokasi ini.',
  cancel: 'Permohonan ganda: bangunan yang sama sudah diajukan dengan nomor lain (data demo).',
  send_back: 'Gambar struktur perlu dikaji ulang (data demo).',
};
const DEFAULT_REASON = 'Data demo: alasan contoh dari petugas.';
/** The document the verifier refuses when returning a file, with the reason on the document. */
const REFUSED = { requirement: 'krk', reason: 'KRK sudah tidak berlaku (terbit 2019); unggah KRK yang masih berlaku.' };

/** Hours between two steps of a file (the office's pace in the demo), and between two files' last steps. */
const STEP_HOURS = 40;
const GAP_HOURS = 5;

/**
 * The shortest way from the workflow's first state to `target`, or null when there is none. A file
 * leaves its draft only by being filed (a withdrawn file was sent first; a draft is deleted, not
 * withdrawn), so from the first state only the actions into a state that is not final are taken.
 */
export function pathTo(workflow: WorkflowDefinition, target: string): WorkflowAction[] | null {
  const prev = new Map<string, { from: string; action: WorkflowAction }>();
  const seen = new Set([workflow.initial]);
  const queue = [workflow.initial];
  while (queue.length) {
    const s = queue.shift()!;
    for (const a of workflow.actions) {
      if (!a.from.includes(s) || seen.has(a.to)) continue;
      if (s === workflow.initial && stateKind(workflow, a.to) === 'final') continue;
      seen.add(a.to);
      prev.set(a.to, { from: s, action: a });
      queue.push(a.to);
    }
  }
  if (!seen.has(target)) return null;
  const path: WorkflowAction[] = [];
  for (let s = target; s !== workflow.initial; s = prev.get(s)!.from) path.unshift(prev.get(s)!.action);
  return path;
}

/** A document she replaces: other bytes than the one refused (a PDF with a comment line; an image as it is). */
const replacement = (pdf: boolean, tag: string) => Readable.from([pdf ? Buffer.concat([DEMO_PDF, Buffer.from(`\n% ${tag}`)]) : DEMO_PNG]);

/**
 * The demo applicant's (Siti's) own files: one building-permit application in each state its workflow
 * has (read from the workflow data, so a state added there gets its file), each carried there through
 * the real services by the officer the workflow names: a draft with some answers; filed; in
 * verification; returned with the verifier's reason and a refused document to replace; resubmitted; in
 * technical review; at the fee; waiting for payment with an open bill for the worked example's amount;
 * paid by QRIS and waiting for the head; waiting for the signature; issued with its signed PDF; refused
 * with the reason; withdrawn by her; cancelled by the office with the reason.
 *
 * Idempotent: each file has an idempotency key of its state, so a second run (another start) finds the
 * files and makes none. Returns how many it made, the states they are in, and any state it could not
 * carry a file to (`missed`, with why).
 */
export async function seedDemoApplicant(
  base: Services,
  tenant: Tenant,
  actors: Record<Role, Actor>,
): Promise<{ created: number; byState: Record<string, number>; missed: string[] }> {
  const realNow = base.clock.now().getTime();
  const end = realNow - 26 * 3_600_000;
  const clock = new DemoClock(end, realNow - 60_000);
  const { createServices } = await import('../services.js');
  const s = createServices({ config: base.config, db: base.db, clock, storage: base.storage });
  const siti = actors.applicant;
  const type = await s.catalogue.getPermitType({ tenantId: tenant.id, code: DEMO_APPLICANT_PERMIT });
  const { workflow, definition } = type;

  // Each state with its way there. The files' last steps are a few hours apart in the workflow's order,
  // the draft the latest, so her list (newest first) reads as the life of one application; the longest
  // way is filed first, so the files are created (and their documents uploaded, within the per-account
  // upload throttle of a minute) in the order they are dated, ten minutes apart at least.
  const plans = workflow.states
    .map((st, i) => ({ state: st.code, index: i, path: pathTo(workflow, st.code) }))
    .filter((p): p is { state: string; index: number; path: WorkflowAction[] } => p.path !== null)
    .map((p) => ({ ...p, start: end - (p.index * GAP_HOURS + p.path.length * STEP_HOURS) * 3_600_000 + p.index * 600_000 }))
    .sort((a, b) => a.start - b.start);

  const byState: Record<string, number> = {};
  const missed: string[] = [];
  let created = 0;
  for (const plan of plans) {
    clock.set(plan.start);
    const draft = plan.path.length === 0;
    const answers = {
      buildingAddress: `Jl. Kawi No. ${12 + plan.index}, Kec. Klojen, Kota Malang`,
      landTitleNumber: `SHM No. ${String(1200 + plan.index * 37).padStart(5, '0')}/Kauman`,
      ...WORKED_EXAMPLE,
    };
    // The draft: the first few answers and her KTP, as she left it.
    const given = draft ? Object.fromEntries(definition.fields.slice(0, 3).map((f) => [f.name, (answers as Record<string, unknown>)[f.name]])) : answers;
    const made = await s.applications.createApplication({
      actor: siti,
      permitTypeCode: definition.code,
      answers: given,
      idempotencyKey: `demo-applicant-${plan.state}`,
    });
    if (!made.created) continue;
    const id = made.application.id;
    for (const req of definition.requirements.filter((r) => r.required).slice(0, draft ? 1 : undefined)) {
      const pdf = req.acceptedTypes.includes('pdf');
      await s.documents.uploadDocument({
        actor: siti,
        applicationId: id,
        requirementCode: req.code,
        fileName: pdf ? `${req.code}.pdf` : `${req.code}.png`,
        source: Readable.from([pdf ? DEMO_PDF : DEMO_PNG]),
      });
    }
    created++;
    try {
      for (const action of plan.path) {
        clock.advance(STEP_HOURS);
        await take(s, workflow, id, action, actors);
      }
    } catch (err) {
      // A step the driver cannot take (a precondition added to the workflow data it does not know yet):
      // the demo still starts, the file stays where it got to, and the summary (and the test) say so.
      if (!(err instanceof AppError)) throw err;
      missed.push(`${plan.state}: ${err.message}`);
    }
    const { app } = await s.applications.getApplication({ actor: siti, applicationId: id });
    byState[app.state] = (byState[app.state] ?? 0) + 1;
  }
  await s.outbox.drain();
  return { created, byState, missed };
}

/** One step of the way, by whoever the workflow names, with what it needs first (reviews, the site visit, the payment). */
async function take(s: Services, workflow: WorkflowDefinition, applicationId: string, action: WorkflowAction, actors: Record<Role, Actor>): Promise<void> {
  const siti = actors.applicant;
  const actor = action.roles.includes('applicant') ? siti : actors[action.roles[0]!];
  const view = () => s.applications.getApplication({ actor, applicationId });
  if (action.preconditions.includes('all_required_documents_accepted')) {
    for (const d of (await view()).docs.filter((x) => x.review_status !== 'accepted'))
      await s.documents.reviewDocument({ actor, applicationId, documentId: d.id, status: 'accepted' });
  }
  if (action.preconditions.includes('no_document_refused')) {
    const { docs, definition } = await view();
    for (const d of docs.filter((x) => x.review_status === 'refused')) {
      const pdf = definition.requirements.find((r) => r.code === d.requirement_code)?.acceptedTypes.includes('pdf') ?? true;
      await s.documents.uploadDocument({
        actor: siti,
        applicationId,
        requirementCode: d.requirement_code,
        fileName: d.file_name,
        source: replacement(pdf, `v2 ${d.id}`),
      });
    }
  }
  if (action.preconditions.includes('inspection_recorded') && !(await view()).app.inspection_recorded_at) {
    await s.inspections.recordInspection({
      actor,
      applicationId,
      result: 'pass',
      findings: 'Lokasi sesuai gambar situasi; garis sempadan jalan dipenuhi (data demo).',
    });
  }
  // A return to the applicant names the document to replace, with its own reason.
  if (action.requiresReason && stateKind(workflow, action.to) === 'applicant') {
    const { docs } = await view();
    const refused = docs.find((d) => d.requirement_code === REFUSED.requirement) ?? docs[0];
    if (refused) await s.documents.reviewDocument({ actor, applicationId, documentId: refused.id, status: 'refused', reason: REFUSED.reason });
  }
  if (action.input === 'payment_reference' && (await payByQris(s, siti, applicationId))) return;
  let fee: { feeAmount?: number; feeReason?: string } = {};
  if (action.input === 'fee_amount') {
    try {
      fee = { feeAmount: (await s.fees.assessFor({ actor, applicationId })).amount };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // No coefficients for the filing year (a demo started in a year seed-data/retribution.json lacks).
      fee = { feeAmount: WORKED_EXAMPLE_AMOUNT, feeReason: 'Data demo: contoh perhitungan DOMAIN.md' };
    }
  }
  await s.applications.performAction({
    actor,
    applicationId,
    action: action.code,
    ...(action.requiresReason ? { reason: REASONS[action.code] ?? DEFAULT_REASON } : {}),
    ...fee,
    ...(action.input === 'payment_reference' ? { paymentReference: `NTB-DEMO-${applicationId.slice(0, 8)}` } : {}),
  });
}

/**
 * Siti pays the open bill by scanning its QRIS: the notification the office's QRIS endpoint hands the
 * payment service once the bank's signature checks out. False when there is no open bill (an office
 * without payment settings), and the treasurer then records the payment at the bank counter.
 */
async function payByQris(s: Services, siti: Actor, applicationId: string): Promise<boolean> {
  const { bills } = await s.bills.listForApplication({ actor: siti, applicationId });
  const open = bills.find((b) => b.status === 'open');
  if (!open) return false;
  const outcome = await s.payments.receive({
    tenantId: siti.tenantId,
    provider: 'qris',
    providerPaymentId: `DEMO-QRIS-${open.number}`,
    bill: { billNumber: open.number },
    amount: open.amount,
    paidAt: s.clock.now().toISOString(),
    bankReference: `DEMO-QRIS-${open.number}`,
    payerName: siti.name,
    details: { billNumber: open.number, issuerName: 'Bank Demo Izol' },
  });
  if (outcome.outcome !== 'recorded') throw new Error(`demo applicant: the QRIS payment of ${open.number} was ${outcome.outcome}`);
  return true;
}
