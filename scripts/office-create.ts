// npm run office:create -- --code SBY --name "DPMPTSP Kota Surabaya" --host izin.surabaya.go.id \
//     --timezone Asia/Jakarta --admin-email admin@surabaya.go.id [--admin-name "Budi Santoso"]
// Creates an office with its catalogue, holidays and signing key, and its first admin (no password
// yet); prints the admin's one-time set-up link (24 hours, single use). Exit 2: bad arguments;
// exit 1: refused (code or host taken), nothing created.
import { loadCatalogueRelease } from '../src/catalogue/catalogue.loader.js';
import { officeProblems, SETUP_LINK_HOURS } from '../src/tenants/office-setup.service.js';
import { EXIT, options, withServices } from './office-cli.js';

const USAGE =
  'npm run office:create -- --code SBY --name "DPMPTSP Kota Surabaya" --host izin.surabaya.go.id --timezone Asia/Jakarta --admin-email admin@surabaya.go.id [--admin-name "Nama Admin"]';
const opts = options(USAGE, ['code', 'name', 'host', 'timezone', 'admin-email', 'admin-name']);
const missing = (['code', 'name', 'host', 'timezone', 'admin-email'] as const).filter((k) => opts[k] === undefined);
if (missing.length) {
  console.error(`office:create: missing ${missing.map((m) => `--${m}`).join(', ')}\n\nusage: ${USAGE}`);
  process.exit(EXIT.usage);
}
const input = {
  code: opts.code!,
  name: opts.name!,
  host: opts.host!,
  timeZone: opts.timezone!,
  adminEmail: opts['admin-email']!,
  adminName: opts['admin-name'],
};
// The arguments are checked before the database is touched.
const FLAG: Record<string, string> = { timeZone: 'timezone', adminEmail: 'admin-email', adminName: 'admin-name' };
const { problems } = officeProblems(input);
if (problems.length) {
  console.error(`office:create: fix these arguments:\n${problems.map((p) => `  --${FLAG[p.field] ?? p.field}: ${p.message}`).join('\n')}\n\nusage: ${USAGE}`);
  process.exit(EXIT.usage);
}
const release = loadCatalogueRelease();

await withServices('office:create', async (services) => {
  const made = await services.officeSetup.createOffice({ ...input, release });
  console.log(
    [
      `Office ${made.tenant.code} created: ${made.tenant.name} at ${made.link.url.split('/').slice(0, 3).join('/')} (${made.tenant.time_zone})`,
      `  catalogue release ${made.release}: ${made.catalogue.created} permit types; ${made.holidays} holidays; signing key ${made.keyId}`,
      `  first admin: ${made.admin.email} (no password yet)`,
      '',
      `Give this one-time set-up link to ${made.admin.email} (valid ${SETUP_LINK_HOURS} hours, until ${made.link.expiresAt}; it works once):`,
      '',
      `  ${made.link.url}`,
      '',
      `A lost or expired link: npm run office:setup-link -- --code ${made.tenant.code}`,
    ].join('\n'),
  );
  // A request for a host no office answers to (a health check by IP address) is served by DEFAULT_TENANT.
  if (services.config.defaultTenant !== made.tenant.code && !(await services.officeSetup.listOffices()).some((o) => o.code === services.config.defaultTenant)) {
    console.log(`\nDEFAULT_TENANT is ${services.config.defaultTenant}, which is no office here: set DEFAULT_TENANT=${made.tenant.code} for the server.`);
  }
});
