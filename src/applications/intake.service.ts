import type { Readable } from 'node:stream';
import { requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { DocumentService } from '../documents/documents.service.js';
import { AppError } from '../shared/errors.js';
import type { ApplicationService } from './applications.service.js';
import { answersOf } from '../catalogue/answers.js';

/** The answers column, parsed (validated when written; not trusted as a type here). */

/** The channels a file reaches the front desk through (online filing is the applicant's own). */
export const INTAKE_CHANNELS = ['walk_in', 'courier', 'assisted'] as const;
export type IntakeChannel = (typeof INTAKE_CHANNELS)[number];

/**
 * The front desk takes in a file for a citizen who came in person, sent papers by courier or asked
 * for help: opens it, fills it from the papers, adds the scans and submits it on their behalf. Every
 * step is the front desk's (`application.intake`), on files the front desk took in.
 */
export function createIntakeService(deps: { catalogue: CatalogueService; applications: ApplicationService; documents: DocumentService }) {
  const { applications } = deps;

  function requireFrontDesk(actor: Actor): void {
    requireAccess({ actor, permission: 'application.intake', resource: { tenantId: actor.tenantId } });
  }

  /** What a new intake can be for: the office's open permit types. */
  async function intakeOptions(input: { actor: Actor }) {
    requireFrontDesk(input.actor);
    return { permitTypes: await deps.catalogue.listPermitTypes({ tenantId: input.actor.tenantId }) };
  }

  async function startIntake(input: {
    actor: Actor;
    permitTypeCode: string;
    channel: IntakeChannel;
    channelDetail?: string | undefined;
    applicantName: string;
    applicantContact?: string | undefined;
    /** Writes that commit with the new file (a courier parcel linked to it, src/parcels/). */
    alsoInTransaction?: Parameters<ApplicationService['createApplication']>[0]['alsoInTransaction'];
  }) {
    requireFrontDesk(input.actor);
    return (await applications.createApplication(input)).application;
  }

  /** A file the front desk took in, with whether it can still be filled in (before it is filed). */
  async function getIntakeFile(input: { actor: Actor; applicationId: string }) {
    const { actor } = input;
    requireFrontDesk(actor);
    const view = await applications.getApplication(input);
    const { app } = view;
    if (app.intake_officer_id === null) throw new AppError('not_found', 'not a front-desk file');
    return {
      ...view,
      answers: answersOf(app),
      can: { ...view.can, fill: app.number === null && view.can.edit },
    };
  }

  async function fillIntakeFile(input: { actor: Actor; applicationId: string; answers: Record<string, string | null> }) {
    requireFrontDesk(input.actor);
    return applications.updateApplication(input);
  }

  async function addIntakeScan(input: {
    actor: Actor;
    applicationId: string;
    requirementCode: string;
    fileName: string;
    claimedType?: string | undefined;
    source: Readable;
  }) {
    requireFrontDesk(input.actor);
    return deps.documents.uploadDocument(input);
  }

  async function submitIntakeFile(input: { actor: Actor; applicationId: string }) {
    requireFrontDesk(input.actor);
    return applications.performAction({ ...input, action: 'submit' });
  }

  return { intakeOptions, startIntake, getIntakeFile, fillIntakeFile, addIntakeScan, submitIntakeFile };
}
export type IntakeService = ReturnType<typeof createIntakeService>;
export type IntakeFileView = Awaited<ReturnType<IntakeService['getIntakeFile']>>;
