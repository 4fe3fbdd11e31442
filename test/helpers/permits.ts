import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import type { Actor } from '../../src/access/actor.js';
import { DEMO_PDF, DEMO_PNG } from '../../src/demo/demo-files.js';
import { actionsFor, stateKind } from '../../src/workflow/workflow.engine.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import type { TestContext } from './context.js';

// jsqr is CommonJS whose types declare only a default export; under NodeNext that is `.default`.
const jsQR = jsqr.default;

/** The order officers move a file forward; the first one a role may take is taken. */
const FORWARD = ['start_verification', 'forward', 'recommend', 'assess_fee', 'record_payment', 'approve', 'sign'];
const OFFICERS: Role[] = ['verifier', 'technical', 'treasurer', 'head'];

/**
 * Carries a filed application to `issued` through the services, as the officers would: documents
 * accepted, inspection recorded where required, fee assessed and paid, approved, signed by `head`.
 * Returns the final state (a file back with the applicant gets its refused documents replaced).
 */
export async function carryToIssued(
  ctx: TestContext,
  applicationId: string,
  officers: Partial<Record<Role, Actor>>,
  options: { stopBefore?: string } = {},
): Promise<string> {
  const system: Actor = { userId: 'system', tenantId: ctx.tenant.id, role: 'head', name: 'system' };
  for (let step = 0; step < 30; step++) {
    const { app, workflow, definition, docs } = await ctx.services.applications.getApplication({ actor: system, applicationId });
    if (stateKind(workflow, app.state) === 'final') return app.state;
    const role = OFFICERS.find((r) => actionsFor(workflow, app.state, r).some((a) => FORWARD.includes(a.code)));
    if (!role) {
      const owner = await ctx.db
        .selectFrom('users')
        .select(['id', 'role', 'name'])
        .where('id', '=', app.applicant_id ?? app.intake_officer_id!)
        .executeTakeFirstOrThrow();
      const actor: Actor = { userId: owner.id, tenantId: ctx.tenant.id, role: owner.role as Role, name: owner.name };
      for (const d of docs.filter((x) => x.review_status === 'refused')) {
        const r = definition.requirements.find((q) => q.code === d.requirement_code)!;
        const pdf = r.acceptedTypes.includes('pdf');
        await ctx.services.documents.uploadDocument({
          actor,
          applicationId,
          requirementCode: r.code,
          fileName: pdf ? 'ganti.pdf' : 'ganti.png',
          source: Readable.from([Buffer.concat([pdf ? DEMO_PDF : DEMO_PNG, Buffer.from(`%${step}`)])]),
        });
      }
      const again = actionsFor(workflow, app.state, actor.role).find((a) => workflow.states.find((s) => s.code === a.to)?.kind === 'office');
      await ctx.services.applications.performAction({ actor, applicationId, action: again!.code });
      continue;
    }
    if (!officers[role]) throw new Error(`nobody to move ${app.number} on from ${app.state}`);
    const actor = officers[role];
    const code = FORWARD.find((c) => actionsFor(workflow, app.state, role).some((a) => a.code === c))!;
    if (code === options.stopBefore) return app.state;
    if (code === 'forward') {
      for (const d of docs.filter((x) => x.review_status !== 'accepted')) {
        await ctx.services.documents.reviewDocument({ actor, applicationId, documentId: d.id, status: 'accepted' });
      }
    }
    if (code === 'recommend' && definition.fieldInspection === 'required' && !app.inspection_recorded_at) {
      await ctx.services.inspections.recordInspection({ actor, applicationId, result: 'pass', findings: 'Sesuai dokumen.' });
    }
    await ctx.services.applications.performAction({
      actor,
      applicationId,
      action: code,
      feeAmount: 250_000,
      // Not what the rules give: the reason the treasurer must then give (recordComputedFee).
      feeReason: 'Pengujian: jumlah tetap',
      paymentReference: `NTB-${applicationId.slice(0, 8)}-${step}`,
    });
  }
  throw new Error(`${applicationId} did not reach a final state`);
}

/** Renders page 1 of a PDF with poppler (the way a viewer would) and reads the QR code on it. */
export function readQrFromPdf(pdf: Buffer): string | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-qr-'));
  try {
    fs.writeFileSync(path.join(dir, 'permit.pdf'), pdf);
    execFileSync('pdftoppm', ['-png', '-r', '150', '-singlefile', path.join(dir, 'permit.pdf'), path.join(dir, 'page')]);
    const png = PNG.sync.read(fs.readFileSync(path.join(dir, 'page.png')));
    return jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)?.data ?? null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What `pdfinfo` says about a PDF: it opens, and how many pages it has. */
export function pdfInfo(pdf: Buffer): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-pdf-'));
  try {
    fs.writeFileSync(path.join(dir, 'f.pdf'), pdf);
    const out = execFileSync('pdfinfo', [path.join(dir, 'f.pdf')], { encoding: 'utf8' });
    return Object.fromEntries(
      out
        .split('\n')
        .filter((l) => l.includes(':'))
        .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
