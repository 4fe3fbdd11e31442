import type { LightMyRequestResponse } from 'fastify';
import { totpAt } from '../../src/auth/totp.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { enrollSecondFactor, type TestContext } from './context.js';

/** A cookie jar over app.inject, so page tests behave like one browser. */
export class PageClient {
  private cookies = new Map<string, string>();
  constructor(
    private ctx: TestContext,
    private host?: string,
  ) {}

  private remember(res: LightMyRequestResponse): void {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }
  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.host ? { host: this.host } : {}), cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...extra };
  }
  /** The Cookie header this browser sends (for a request made by hand). */
  cookieHeader(): string {
    return this.headers().cookie!;
  }
  get csrf(): string {
    return this.cookies.get('__Host-izol-csrf') ?? '';
  }
  async get(url: string): Promise<LightMyRequestResponse> {
    const res = await this.ctx.app.inject({ method: 'GET', url, headers: this.headers() });
    this.remember(res);
    return res;
  }
  /** Posts a urlencoded form; `_csrf` is added unless given. */
  async post(url: string, form: Record<string, string>, opts: { csrf?: boolean; remoteAddress?: string } = {}): Promise<LightMyRequestResponse> {
    // A page with a form sets the anti-forgery cookie (pages without one set none: web-context.ts).
    if (!this.csrf) await this.get('/akun/masuk');
    const body = new URLSearchParams({ ...(opts.csrf === false ? {} : { _csrf: this.csrf }), ...form }).toString();
    const res = await this.ctx.app.inject({
      method: 'POST',
      url,
      headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      payload: body,
      ...(opts.remoteAddress ? { remoteAddress: opts.remoteAddress } : {}),
    });
    this.remember(res);
    return res;
  }
  /** Posts a multipart form with `_csrf` first (unless `csrf: false`) and one file. */
  async upload(
    url: string,
    fileName: string,
    content: Buffer,
    contentType: string,
    opts: { csrf?: boolean; remoteAddress?: string } = {},
  ): Promise<LightMyRequestResponse> {
    if (!this.csrf) await this.get('/akun/masuk');
    const boundary = `----izolpage${Math.random().toString(16).slice(2)}`;
    const payload = Buffer.concat([
      Buffer.from(opts.csrf === false ? '' : `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${this.csrf}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await this.ctx.app.inject({
      method: 'POST',
      url,
      headers: this.headers({ 'content-type': `multipart/form-data; boundary=${boundary}` }),
      payload,
      ...(opts.remoteAddress ? { remoteAddress: opts.remoteAddress } : {}),
    });
    this.remember(res);
    return res;
  }
}

/**
 * A new officer of `role` in the test office, signed in to the pages with the password and the second
 * factor (`/kantor/kode`), as an officer meets the back office: a cookie jar of its own.
 */
export async function signedInOfficer(ctx: TestContext, role: Role, domain = 'kantor.izol.test'): Promise<PageClient> {
  const email = `${role}.${Math.random().toString(36).slice(2, 8)}@${domain}`;
  const password = `${role} kata sandi yang panjang`;
  const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role, name: `Petugas ${role}`, email, password });
  const secret = await enrollSecondFactor(ctx, userId);
  const client = new PageClient(ctx);
  await client.post('/akun/masuk', { login: email, password });
  const code = await client.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) });
  if (code.statusCode !== 303) throw new Error(`second factor refused for ${role}: ${code.statusCode}`);
  return client;
}
