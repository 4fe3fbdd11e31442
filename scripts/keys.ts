// npm run keys: makes sure every office has a signing key and prints the key ids.
//   npm run keys                 create a key for each office that has none
//   npm run keys -- --rotate     retire each office's current key and create a new one
//                                (signatures made with retired keys stay verifiable)
import { configOrExit } from './cli.js';
import { createDatabase, type Db } from '../src/db/database.js';
import { systemClock } from '../src/shared/time.js';
import { createSigner } from '../src/signing/signing.js';
import { listTenants } from '../src/tenants/tenants.repository.js';

const argv = process.argv.slice(2);
if (argv.length > 1 || (argv.length === 1 && argv[0] !== '--rotate')) {
  console.error('usage: npm run keys [-- --rotate]');
  process.exit(2);
}
const rotate = argv[0] === '--rotate';

const config = configOrExit();

let db: Db | undefined;
let status = 0;
try {
  db = createDatabase(config.database);
  const signer = createSigner({ config, db, clock: systemClock });
  for (const tenant of await listTenants(db)) {
    if (rotate) {
      const { retired, keyId } = await signer.rotate(tenant.id);
      console.log(`${tenant.code.padEnd(6)} ${keyId} (new; retired ${retired.length ? retired.join(', ') : 'none'})`);
    } else {
      const before = (await signer.publicKeys(tenant.id)).some((k) => k.retiredAt === null);
      const keyId = await signer.ensureKey(tenant.id);
      console.log(`${tenant.code.padEnd(6)} ${keyId}${before ? '' : ' (new)'}`);
    }
  }
} catch (err) {
  console.error(`keys: ${err instanceof Error ? err.message : String(err)}`);
  status = 1;
} finally {
  await db?.destroy().catch(() => undefined);
}
process.exit(status);
