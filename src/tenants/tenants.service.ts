import type { Db } from '../db/database.js';
import type { Tenant } from '../db/schema.js';
import { findTenantByCode, listTenants, tenantHostnames } from './tenants.repository.js';

/**
 * Which office a request is for. A deployment serves many offices; each is chosen by the host name
 * the citizen typed (izin.malangkota.go.id), falling back to the configured default office.
 * Tenants change rarely, so they are cached and refreshed every minute.
 */
export function createTenantResolver(deps: { db: Db; defaultTenant: string }) {
  let cache: { at: number; tenants: { tenant: Tenant; hosts: string[] }[] } | undefined;
  async function all(): Promise<{ tenant: Tenant; hosts: string[] }[]> {
    if (!cache || Date.now() - cache.at > 60_000) {
      cache = { at: Date.now(), tenants: (await listTenants(deps.db)).map((tenant) => ({ tenant, hosts: tenantHostnames(tenant) })) };
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
