import { fillMissingSlaOutcomes } from './sla/outcomes.js';
import { bumpGeneration, CACHE_SCOPES } from './cache/cache-generations.js';
import { type Catalogue, type CatalogueRelease, loadCatalogueRelease } from './catalogue/catalogue.loader.js';
import type { Db } from './db/database.js';
import type { Tenant } from './db/schema.js';
import type { Services } from './services.js';
import { isoNow } from './shared/time.js';
import { countOfficeApplications, findTenantByCode, insertTenant, listTenants, type TenantBranding } from './tenants/tenants.repository.js';

/** The demo office, created only outside production. A real office is created by npm run office:create (src/tenants/office-setup.service.ts). */
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

export type OfficeSeed = { code: string; name: string; timeZone: string; hostnames: string[]; branding: TenantBranding };

/**
 * Makes sure the office exists and is prepared (catalogue adopted by release, holidays, signing key);
 * returns it. Safe to run at every start. A bare catalogue (tests) counts as release 0: installed
 * into an office that has none, never over anything.
 */
export async function ensureOffice(
  services: Services,
  office: OfficeSeed = KOTA_MALANG,
  catalogue: Catalogue | CatalogueRelease = loadCatalogueRelease(),
): Promise<Tenant> {
  let tenant = await findTenantByCode(services.db, office.code);
  if (!tenant) {
    try {
      tenant = await insertTenant(services.db, { ...office, now: isoNow(services.clock) });
    } catch {
      // Another instance created it at the same moment.
      tenant = await findTenantByCode(services.db, office.code);
      if (!tenant) throw new Error(`could not create office ${office.code}`);
    }
    // Another instance already serving learns of the office within a second, not a minute.
    await bumpGeneration(services.db, CACHE_SCOPES.tenants, isoNow(services.clock));
    services.tenants.invalidate();
  }
  const release = 'release' in catalogue ? catalogue : { release: 0, catalogue };
  await services.officeSetup.prepareOffice({ tenantId: tenant.id, release });
  await services.appointments.seedDefaults(tenant.id);
  return tenant;
}

/**
 * What a start does for the offices: outside production the demo office is made sure of (`demo`);
 * then every office adopts the seed catalogue's release if it is newer than the one it has (never
 * over an admin's edits), gets its holidays if it has none and a signing key. Returns every office;
 * none at all in production means nobody ran npm run office:create yet. Files closed before the SLA
 * outcome columns (migration 0035) get theirs.
 */
export async function prepareOffices(
  services: Services,
  opts: { demo: boolean; release?: CatalogueRelease },
): Promise<{ offices: Tenant[]; demo: Tenant | null }> {
  const release = opts.release ?? loadCatalogueRelease();
  const demo = opts.demo ? await ensureOffice(services, KOTA_MALANG, release) : null;
  const offices = await listTenants(services.db);
  for (const office of offices) {
    if (office.id !== demo?.id) await services.officeSetup.prepareOffice({ tenantId: office.id, release });
    await services.appointments.seedDefaults(office.id);
  }
  // Files closed before migration 0035 get their SLA outcome once (later ones are written as they close).
  await fillMissingSlaOutcomes({ db: services.db, catalogue: services.catalogue, holidays: services.holidays });
  // Permits revoked or replaced before migration 0037 get their signed status statement once.
  await services.permits.signMissingStatements();
  return { offices, demo };
}

/** How many applications an office holds (the server seeds demo data only into an empty one). */
export async function countApplications(db: Db, tenantId: string): Promise<number> {
  return countOfficeApplications(db, tenantId);
}
