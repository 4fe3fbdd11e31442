import type { Tenant } from '../db/schema.js';
import { tenantHostnames } from './tenants.repository.js';

/** Where the deployment answers (BASE_URL) and which office answers there. */
export type OfficeAddress = { baseUrl: string; defaultTenant: string };

/**
 * An office's own public address, for links in permits (QR codes) and messages. A request finds its
 * office by host name, so a link to another office's page must use that office's host. The default
 * office uses BASE_URL; another office its first host name, with BASE_URL's scheme and port.
 */
export function officeBaseUrl(address: OfficeAddress, tenant: Pick<Tenant, 'code' | 'hostnames'>): string {
  const host = tenant.code === address.defaultTenant ? undefined : tenantHostnames(tenant)[0];
  if (!host) return address.baseUrl;
  const url = new URL(address.baseUrl);
  url.hostname = host;
  return url.origin;
}
