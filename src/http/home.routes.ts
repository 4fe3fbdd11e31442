import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * A plain landing page so the embedded start shows something real: the office, its permit types,
 * and where the API lives. The citizen portal (question pages, tracking, accounts) replaces it.
 */
export function homeRoutes(app: FastifyInstance, services: Services): void {
  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const types = await services.catalogue.listPermitTypes({ tenantId: request.tenant.id });
    const items = types
      .map((t) => `<li><strong>${escapeHtml(t.definition.name.id)}</strong> <span lang="en">(${escapeHtml(t.definition.name.en)})</span> — ${t.definition.slaWorkingDays} hari kerja</li>`)
      .join('\n');
    const html = `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Izol — ${escapeHtml(request.tenant.name)}</title></head>
<body><main>
<h1>Izol: layanan izin online ${escapeHtml(request.tenant.name)}</h1>
<p>Jenis izin yang dapat diajukan:</p>
<ul>
${items}
</ul>
<p><a href="/api/docs">Dokumentasi API</a> · <a href="/api/openapi.json">OpenAPI</a></p>
</main></body></html>`;
    return reply.type('text/html; charset=utf-8').send(html);
  });
}
