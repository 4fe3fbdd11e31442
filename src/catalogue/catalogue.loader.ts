import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { workflowDefinitionSchema, type WorkflowDefinition } from '../workflow/workflow.schema.js';
import { obtainedByProblems, permitTypeSchema, type PermitTypeDefinition } from './catalogue.schema.js';

export const DEFAULT_CATALOGUE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../seed-data');

export type Catalogue = { workflows: WorkflowDefinition[]; permitTypes: PermitTypeDefinition[] };

/**
 * A catalogue as a numbered release of the seed files (catalogue-release.json beside them). An office
 * adopts a release once: a start installs the files only when the office has no catalogue or the files
 * carry a newer release than it adopted (ARCHITECTURE.md, "Catalogue releases").
 */
export type CatalogueRelease = { release: number; catalogue: Catalogue };

const releaseFileSchema = z.strictObject({
  release: z.number().int().positive(),
  date: z.iso.date().optional(),
  notes: z.string().optional(),
});

export class CatalogueError extends Error {
  override name = 'CatalogueError';
}

/** `[3].requirements[0].maxSizeMb`: the JSON path of a zod issue, as a person would look for it. */
export function jsonPath(issuePath: readonly PropertyKey[]): string {
  return (
    issuePath
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '') || '(root)'
  );
}

/**
 * Reads a JSON data file (catalogue, retribution coefficients, holidays …) and validates it with its
 * schema. A bad file fails with the file name and the JSON path of each bad value (the first 20), so
 * an office can fix its data; `title` says what is not valid and `error` is the error class thrown.
 */
export function parseDataFile<T extends z.ZodType>(file: string, schema: T, fail: { title: string; error: new (message: string) => Error }): z.output<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new fail.error(`${file}: cannot be read as JSON (${(err as Error).message})`);
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.slice(0, 20).map((i) => `  ${file} ${jsonPath(i.path)}: ${i.message}`);
    throw new fail.error(`${fail.title}:\n${lines.join('\n')}`);
  }
  return result.data;
}

const parseFile = <T extends z.ZodType>(file: string, schema: T) =>
  parseDataFile(file, schema, { title: 'The permit catalogue is not valid', error: CatalogueError });

/**
 * Loads and validates a catalogue folder (workflows.json + permit-types.json). A bad file fails
 * with the file name and the path of each bad field, so an office can fix its data.
 */
export function loadCatalogue(dir: string = DEFAULT_CATALOGUE_DIR): Catalogue {
  const workflowsFile = path.join(dir, 'workflows.json');
  const typesFile = path.join(dir, 'permit-types.json');
  const workflows = parseFile(workflowsFile, z.array(workflowDefinitionSchema).min(1));
  const permitTypes = parseFile(typesFile, z.array(permitTypeSchema).min(1));
  const problems: string[] = [];
  const workflowCodes = new Set<string>();
  workflows.forEach((w, i) => {
    if (workflowCodes.has(w.code)) problems.push(`  ${workflowsFile} [${i}].code: workflow "${w.code}" is defined twice`);
    workflowCodes.add(w.code);
  });
  const typeCodes = new Set<string>();
  permitTypes.forEach((t, i) => {
    if (!workflowCodes.has(t.workflow)) problems.push(`  ${typesFile} [${i}].workflow: workflow "${t.workflow}" is not in workflows.json`);
    if (typeCodes.has(t.code)) problems.push(`  ${typesFile} [${i}].code: permit type "${t.code}" is defined twice`);
    typeCodes.add(t.code);
  });
  permitTypes.forEach((t, i) => {
    for (const p of obtainedByProblems(t, typeCodes)) problems.push(`  ${typesFile} [${i}].${jsonPath(p.path)}: ${p.message}`);
  });
  if (problems.length > 0) throw new CatalogueError(`The permit catalogue is not valid:\n${problems.join('\n')}`);
  return { workflows, permitTypes };
}

/**
 * Loads a catalogue folder with its release number (catalogue-release.json: `{ "release": 2, … }`).
 * Raise the number when you change workflows.json or permit-types.json and want running offices to
 * take the change at their next start.
 */
export function loadCatalogueRelease(dir: string = DEFAULT_CATALOGUE_DIR): CatalogueRelease {
  const { release } = parseFile(path.join(dir, 'catalogue-release.json'), releaseFileSchema);
  return { release, catalogue: loadCatalogue(dir) };
}
