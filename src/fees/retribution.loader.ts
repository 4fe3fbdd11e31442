import path from 'node:path';
import { DEFAULT_CATALOGUE_DIR, parseDataFile } from '../catalogue/catalogue.loader.js';
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
  return parseDataFile(file, retributionTableSchema, { title: 'The PBG retribution coefficients are not valid', error: RetributionDataError });
}
