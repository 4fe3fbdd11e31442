import { CACHE_SCOPES, type CacheGenerations } from '../cache/cache-generations.js';
import type { Db } from '../db/database.js';
import type { Tenant } from '../db/schema.js';
import { findTenantByCode, listTenants, tenantHostnames } from './tenants.repository.js';

/**
 * Which office a request is for. A deployment serves many offices; each is chosen by the host name
 * the citizen typed (izin.malangkota.go.id), falling back to the configured default office.
 * Tenants change rarely, so they are cached: dropped by a change this instance makes, read again once a
 * change on another instance is seen (the 'tenants' generation, polled about once a second:
 * src/cache/cache-generations.ts), and after a minute at most in any case.
 */
export function createTenantResolver(deps: { db: Db; defaultTenant: string; generations: Pick<CacheGenerations, 'current'> }) {
  let cache: { at: number; generation: number; tenants: Promise<{ tenant: Tenant; hosts: string[] }[]> } | undefined;
  function all(): Promise<{ tenant: Tenant; hosts: string[] }[]> {
    const generation = deps.generations.current(CACHE_SCOPES.tenants);
    if (!cache || cache.generation !== generation || Date.now() - cache.at > 60_000) {
      const tenants = listTenants(deps.db).then((rows) => rows.map((tenant) => ({ tenant, hosts: tenantHostnames(tenant) })));
      const entry = { at: Date.now(), generation, tenants };
      // A failed read is not kept: the next request tries again.
      tenants.catch(() => {
        if (cache === entry) cache = undefined;
      });
      cache = entry;
    }
    return cache.tenants;
  }
  return {
    async forHost(host: string | undefined): Promise<Tenant | undefined> {
      const name = (host ?? '').split(':')[0]?.toLowerCase() ?? '';
      const tenants = await all();
      const byHost = tenants.find((t) => t.hosts.includes(name))?.tenant;
      return byHost ?? tenants.find((t) => t.tenant.code === deps.defaultTenant)?.tenant ?? (await findTenantByCode(deps.db, deps.defaultTenant));
    },
    invalidate(): void {
      cache = undefined;
    },
  };
}
export type TenantResolver = ReturnType<typeof createTenantResolver>;
