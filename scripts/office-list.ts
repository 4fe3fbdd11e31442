// npm run office:list: every office with its host names, time zone, staff accounts and catalogue release.
import { options, withServices } from './office-cli.js';

options('npm run office:list', []);
await withServices('office:list', async (services) => {
  const offices = await services.officeSetup.listOffices();
  if (offices.length === 0) {
    console.log('No office yet: npm run office:create -- --code … (see README, "Creating an office").');
    return;
  }
  const rows = [
    ['CODE', 'NAME', 'HOSTS', 'TIME ZONE', 'STAFF', 'CATALOGUE'],
    ...offices.map((o) => [
      o.code,
      o.name,
      o.hosts.join(', '),
      o.timeZone,
      String(o.staff),
      o.catalogueRelease === null ? '-' : `release ${o.catalogueRelease}`,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows)
    console.log(
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
});
