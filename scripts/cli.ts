import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from '../src/config.js';

/** The settings for a command-line script, or exit 2 with the message naming what to fix. */
export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : String(err));
    process.exit(2);
  }
}

/**
 * Exit codes of every script (office-cli.ts re-exports them): 0 done, 1 refused or failed, 2 bad
 * arguments or settings. Kept here, not in office-cli.ts, which loads every service (2 s of start-up the
 * data scripts do not need).
 */
export const DATA_EXIT = { refused: 1, usage: 2 } as const;

/** Named string options (`--out FILE`); an unknown option or a missing value exits 2 with the usage. */
export function namedOptions<K extends string>(usage: string, names: readonly K[], argv = process.argv.slice(2)): Partial<Record<K, string>> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    });
    return values as Partial<Record<K, string>>;
  } catch (err) {
    console.error(`${(err as Error).message}\n\nusage: ${usage}`);
    process.exit(DATA_EXIT.usage);
  }
}
