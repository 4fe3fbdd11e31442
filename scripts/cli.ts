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
