import type { Catalogue } from './catalogue/catalogue.loader.js';
import { loadCatalogue } from './catalogue/catalogue.loader.js';
import type { Db } from './db/database.js';
import type { Tenant } from './db/schema.js';
import type { Services } from './services.js';
import { isoNow } from './shared/time.js';
import { countOfficeApplications, findTenantByCode, insertTenant, type TenantBranding } from './tenants/tenants.repository.js';

/** The demo office. A real deployment adds its offices the same way (npm run seed, or the admin pages later). */
export const KOTA_MALANG: OfficeSeed = {
  code: 'MLG',
  name: 'DPMPTSP Kota Malang',
  timeZone: 'Asia/Jakarta',
  hostnames: ['localhost', '127.0.0.1', 'malang.izol.test'],
  branding: {
    logoText: 'Izol Kota Malang',
    primaryColour: '#0b5394',
    address: 'Perkantoran Terpadu Gedung A Lt. 2, Jl. Mayjend Sungkono, Kota Malang',
    phone: '0341-751942',
  },
};

/** Makes sure the office exists with the catalogue installed; returns it. Safe to run at every start. */
export type OfficeSeed = { code: string; name: string; timeZone: string; hostnames: string[]; branding: TenantBranding };

export async function ensureOffice(services: Services, office: OfficeSeed = KOTA_MALANG, catalogue: Catalogue = loadCatalogue()): Promise<Tenant> {
  let tenant = await findTenantByCode(services.db, office.code);
  if (!tenant) {
    try {
      tenant = await insertTenant(services.db, { ...office, now: isoNow(services.clock) });
    } catch {
      // Another instance created it at the same moment.
      tenant = await findTenantByCode(services.db, office.code);
      if (!tenant) throw new Error(`could not create office ${office.code}`);
    }
    services.tenants.invalidate();
  }
  await services.catalogue.installCatalogue({ tenantId: tenant.id, catalogue, actorId: null });
  await services.holidays.seedIfEmpty(tenant.id);
  await services.signer.ensureKey(tenant.id);
  return tenant;
}

/** How many applications an office holds (the server seeds demo data only into an empty one). */
export async function countApplications(db: Db, tenantId: string): Promise<number> {
  return countOfficeApplications(db, tenantId);
}
