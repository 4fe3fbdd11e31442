// npm run office:setup-link -- --code SBY: a new one-time set-up link for an office whose first admin
// never used theirs (lost or expired); the old link stops working. Refused once the admin has set up.
import { SETUP_LINK_HOURS } from '../src/tenants/office-setup.service.js';
import { EXIT, options, withServices } from './office-cli.js';

const USAGE = 'npm run office:setup-link -- --code SBY';
const opts = options(USAGE, ['code']);
if (!opts.code) {
  console.error(`office:setup-link: missing --code\n\nusage: ${USAGE}`);
  process.exit(EXIT.usage);
}
await withServices('office:setup-link', async (services) => {
  const link = await services.officeSetup.renewSetupLink({ code: opts.code! });
  const lines = [
    `New set-up link for ${link.email}, first admin of ${link.tenant.code} (valid ${SETUP_LINK_HOURS} hours, until ${link.expiresAt}; it works once).`,
  ];
  if (link.replaced) lines.push('The previous link no longer works.');
  console.log([...lines, '', `  ${link.url}`].join('\n'));
});
