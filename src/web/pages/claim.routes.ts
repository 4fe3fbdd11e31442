import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { fillTemplate, type Lang } from '../../shared/messages.js';
import type { Services } from '../../services.js';
import { button, csrfField, errorFor, type FieldError, textInput } from '../components.js';
import { html } from '../html.js';
import { sendPage } from '../layout.js';
import { checkCsrf, field, requiredMessage, signedIn } from './helpers.js';

const M = {
  title: { id: 'Klaim berkas dari loket', en: 'Claim a file from the front desk' },
  lead: {
    id: 'Bila berkas Anda diterima di loket, lewat kurir, atau dibantu petugas, Anda menerima nomor permohonan dan kode klaim lewat WhatsApp atau email. Masukkan keduanya untuk mengikuti berkas di akun Anda.',
    en: 'If the office took in your file at the counter, by courier or with an officer’s help, you received the application number and a claim code by WhatsApp or email. Enter both to follow the file in your account.',
  },
  number: { id: 'Nomor permohonan', en: 'Application number' },
  code: { id: 'Kode klaim', en: 'Claim code' },
  submit: { id: 'Klaim berkas', en: 'Claim the file' },
  notFound: {
    id: 'Nomor dan kode klaim tidak cocok, kodenya sudah dipakai, atau sudah kedaluwarsa. Periksa pesan dari kami, atau hubungi loket.',
    en: 'The number and claim code do not match, the code was used, or it has expired. Check our message, or contact the counter.',
  },
} as const;
const m = (lang: Lang, key: keyof typeof M) => fillTemplate(M[key][lang]);

/** A citizen takes a front-desk file into their account (number + claim code from the message). */
export function claimPages(app: FastifyInstance, services: Services): void {
  const page = (req: FastifyRequest, reply: FastifyReply, values: { number?: string; code?: string } = {}, errors: FieldError[] = []) => {
    const lang = req.lang;
    return sendPage(req, reply, {
      title: m(lang, 'title'),
      errors,
      back: '/permohonan',
      body: html`<h1>${m(lang, 'title')}</h1><p>${m(lang, 'lead')}</p>
<form method="post" action="/permohonan/klaim" novalidate>${csrfField(req)}
  ${textInput({ lang, name: 'number', label: m(lang, 'number'), value: values.number, error: errorFor(errors, 'number'), width: 'medium', maxlength: 40, spellcheck: false })}
  ${textInput({ lang, name: 'code', label: m(lang, 'code'), value: values.code, error: errorFor(errors, 'code'), width: 'short', maxlength: 20, spellcheck: false, autocomplete: 'off' })}
  ${button(m(lang, 'submit'))}
</form>`,
    });
  };

  app.get('/permohonan/klaim', { schema: { hide: true } }, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    return page(req, reply);
  });

  app.post('/permohonan/klaim', { schema: { hide: true }, config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const values = { number: field(req.body, 'number', 40).trim(), code: field(req.body, 'code', 20).trim() };
    const errors: FieldError[] = [];
    if (!values.number) errors.push({ field: 'number', message: requiredMessage(req.lang, m(req.lang, 'number')) });
    if (!values.code) errors.push({ field: 'code', message: requiredMessage(req.lang, m(req.lang, 'code')) });
    if (errors.length) return page(req, reply, values, errors);
    try {
      const claimed = await services.applications.claimApplication({ actor, number: values.number, claimCode: values.code });
      return reply.redirect(`/permohonan/${claimed.id}`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'not_found' && err.code !== 'forbidden')) throw err;
      return page(req, reply, values, [{ field: 'number', message: m(req.lang, 'notFound') }]);
    }
  });
}
