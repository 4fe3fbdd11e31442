// npm run office:list: every office with its host names, time zone, staff accounts, catalogue release and
// this month's digital take-up (online and assisted filings of all filed), and the take-up pooled over every office.
import { permille } from '../src/dashboard/dashboard.service.js';
import { options, withServices } from './office-cli.js';

options('npm run office:list', []);
await withServices('office:list', async (services) => {
  const offices = await services.officeSetup.listOffices();
  if (offices.length === 0) {
    console.log('No office yet: npm run office:create -- --code … (see README, "Creating an office").');
    return;
  }
  const takeUp = await services.dashboard.getDeploymentTakeUp();
  const digitalOf = new Map(takeUp.offices.map((o) => [o.code, o.takeUp.digital]));
  const share = (r: { numerator: number; denominator: number } | undefined) => {
    if (!r || r.denominator === 0) return 'none filed';
    const p = permille(r)!;
    return `${r.numerator} of ${r.denominator} (${Math.trunc(p / 10)}.${p % 10}%)`;
  };
  const rows = [
    ['CODE', 'NAME', 'HOSTS', 'TIME ZONE', 'STAFF', 'CATALOGUE', `DIGITAL ${takeUp.month}`],
    ...offices.map((o) => [
      o.code,
      o.name,
      o.hosts.join(', '),
      o.timeZone,
      String(o.staff),
      o.catalogueRelease === null ? '-' : `release ${o.catalogueRelease}`,
      share(digitalOf.get(o.code)),
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
  console.log(`\nDigital take-up ${takeUp.month}, all offices pooled (sum over sum): ${share(takeUp.total.digital)}`);
});
