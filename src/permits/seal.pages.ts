import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.js';
import { localDate } from '../shared/time.js';
import { SEAL_PREFIX, sealFromPath } from '../signing/seal.js';
import { summaryList } from '../web/components.js';
import { html, type SafeHtml } from '../web/html.js';
import { formatDateTime, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { dateText, formatVerificationCode } from './permit.document.js';
import type { SealVerification } from './permits.service.js';

/** True if a /v/ path segment is a sealed text rather than a typed verification code. */
export function isSealedPath(segment: string): boolean {
  return segment.toUpperCase().startsWith(SEAL_PREFIX);
}

/** The sealed text of a /V/… or /v/… request: the raw path after the prefix, percent-decoded. */
function sealedTextOf(req: FastifyRequest): string | null {
  const path = req.url.split('?')[0] ?? '';
  return sealFromPath(path.slice(3));
}

/**
 * What a sealed QR code opens (docs/verification.md): the office checks the seal against its keys,
 * current and retired, and says valid, expired or not authentic, with the sealed data; its records then
 * add whether the permit was revoked or replaced since. Nothing shown is more than the QR code holds.
 */
export async function sealPage(req: FastifyRequest, reply: FastifyReply, services: Services): Promise<FastifyReply> {
  const lang = req.lang;
  const zone = req.tenant.time_zone;
  const text = sealedTextOf(req);
  const v: SealVerification = text
    ? await services.permits.verifySeal({ tenantId: req.tenant.id, sealedText: text })
    : { seal: 'not_authentic', reason: 'not percent-decodable' };
  const again = html`<p><a href="/verifikasi">${t(lang, 'verification.again')}</a></p>`;
  const box = (kind: string, heading: string, body: SafeHtml, seal: string) =>
    html`<div class="verdict verdict--${kind.replace('_', '-')}" data-verification-status="${kind}" data-seal-status="${seal}">
  <h1 class="verdict__title">${heading}</h1>
  ${body}
</div>`;

  if (v.seal === 'not_authentic') {
    const heading = t(lang, 'verification.result.not_authentic');
    return sendPage(req, reply, {
      title: heading,
      body: html`${box('not_authentic', heading, html`<p>${t(lang, 'seal.not_authentic.text')}</p>`, 'not_authentic')}${again}`,
    });
  }

  const { claims, online } = v;
  const until = claims.exp === null ? null : dateText(localDate(new Date(claims.exp * 1000).toISOString(), zone))[lang];
  const revokedAt = online.revokedAt ? formatDateTime(lang, online.revokedAt, zone) : '–';
  let kind: string;
  let text2: SafeHtml;
  if (online.status === 'not_authentic') {
    kind = 'not_authentic';
    text2 = html`<p>${t(lang, 'verification.result.not_authentic.status')}</p>`;
  } else if (online.status === 'revoked') {
    kind = 'revoked';
    text2 = html`<p>${t(lang, 'verification.result.revoked.text', { date: revokedAt })}</p>
  ${online.revocationReason ? html`<p data-revocation-reason>${t(lang, 'verification.result.revoked.reason', { reason: online.revocationReason })}</p>` : ''}`;
  } else if (online.status === 'superseded') {
    kind = 'superseded';
    text2 = html`<p>${t(lang, 'verification.result.superseded.text')} <a href="/v/${claims.permit.v}">${claims.permit.n}</a></p>`;
  } else if (v.seal === 'expired' || online.status === 'expired') {
    kind = 'expired';
    text2 = html`<p>${t(lang, 'seal.expired.text', { date: until ?? '–' })}</p>`;
  } else {
    kind = 'valid';
    text2 = html`<p>${t(lang, 'seal.valid.text', { office: req.tenant.name })}</p>`;
  }
  const heading = t(lang, `verification.result.${kind}` as 'verification.result.valid');
  const onlineText =
    online.status === 'not_found'
      ? t(lang, 'seal.online.not_found')
      : online.status === 'not_authentic'
        ? t(lang, 'verification.result.not_authentic')
        : t(lang, `permit.status.${online.status}`);
  return sendPage(req, reply, {
    title: heading,
    body: html`${box(kind, heading, text2, v.seal)}
<h2>${t(lang, 'seal.data')}</h2>
${summaryList([
  { key: t(lang, 'permit.number'), value: html`<span data-permit-number>${claims.permit.n}</span>` },
  { key: t(lang, 'seal.type'), value: claims.permit.t },
  { key: t(lang, 'permit.holder'), value: html`<span data-seal-holder>${claims.permit.h}</span>` },
  ...(claims.permit.s ? [{ key: t(lang, 'seal.subject'), value: claims.permit.s }] : []),
  { key: t(lang, 'seal.until'), value: until ?? t(lang, 'seal.until.none') },
  { key: t(lang, 'permit.issued'), value: formatDateTime(lang, new Date(claims.iat * 1000).toISOString(), zone) },
  { key: t(lang, 'seal.office'), value: claims.iss },
  { key: t(lang, 'permit.code'), value: formatVerificationCode(claims.permit.v) },
  { key: t(lang, 'seal.key'), value: html`<code>${v.keyId}</code>` },
  { key: t(lang, 'seal.online'), value: html`<span data-online-status="${online.status}">${onlineText}</span>` },
])}
<p>${t(lang, 'seal.offline')}</p>
<ul>
  ${online.status === 'not_found' ? '' : html`<li><a href="/v/${claims.permit.v}">${t(lang, 'seal.record')}</a></li>`}
  <li><a href="/.well-known/izol-signing-keys.json">${t(lang, 'verification.signature.keys')}</a></li>
</ul>
${again}`,
  });
}

/** /V/<sealed text> (what the QR code holds, upper case to stay in the QR alphanumeric mode) and /v/<sealed text>. */
export function sealPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  for (const prefix of ['/V/*', '/v/*']) {
    page.get(prefix, { access: 'anyone', rateLimit: { max: 60, timeWindow: '1 minute' } }, ({ req, reply }) => sealPage(req, reply, services));
  }
}
