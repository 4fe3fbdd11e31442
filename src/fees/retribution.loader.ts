import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_CATALOGUE_DIR, jsonPath } from '../catalogue/catalogue.loader.js';
import { type RetributionTable, retributionTableSchema } from './retribution.schema.js';

export const DEFAULT_RETRIBUTION_FILE = path.join(DEFAULT_CATALOGUE_DIR, 'retribution.json');

export class RetributionDataError extends Error {
  override name = 'RetributionDataError';
}

/**
 * Loads and validates the PBG retribution coefficients. A bad file fails at start-up with the file
 * name and the JSON path of each bad value (`offices.MLG.2026.ilo: …`), so an office can fix its data.
 */
export function loadRetributionTable(file: string = DEFAULT_RETRIBUTION_FILE): RetributionTable {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RetributionDataError(`${file}: cannot be read as JSON (${(err as Error).message})`);
  }
  const result = retributionTableSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.slice(0, 20).map((i) => `  ${file} ${jsonPath(i.path)}: ${i.message}`);
    throw new RetributionDataError(`The PBG retribution coefficients are not valid:\n${lines.join('\n')}`);
  }
  return result.data;
}
