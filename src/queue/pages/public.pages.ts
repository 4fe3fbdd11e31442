import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Services } from '../../services.js';
import { AppError } from '../../shared/errors.js';
import type { Lang } from '../../shared/messages.js';
import { officeBaseUrl } from '../../tenants/office-url.js';
import { banner, button, checkbox, csrfField, summaryList, textInput } from '../../web/components.js';
import { html, raw, type SafeHtml } from '../../web/html.js';
import { formatDate, t } from '../../web/i18n.js';
import { pageKit } from '../../web/page-route.js';
import { errorMessage, formText } from '../../web/views.js';
import { queueAsset } from '../queue.assets.js';
import { KIOSK_COOKIE } from '../queue.schemas.js';
import { localTime, type QueueService } from '../queue.service.js';
import { sendDevicePage } from './queue.device.js';
import { surveyInvite } from '../../survey/survey.views.js';

type TicketView = Awaited<ReturnType<QueueService['getTicket']>>;
type DisplayView = Awaited<ReturnType<QueueService['display']>>;

/** How often a display's poller looks at the database for a change (one per office, filter and language on each instance: no pub/sub across instances). */
export const DISPLAY_POLL_MS = 1000;

const ticketParams = z.object({ id: z.uuid() });
const optionalText = (max: number) => z.string().max(max).optional().catch(undefined);

/**
 * What a booking pass's QR code holds (`<office>/antrian/lapor?nomor=…&kode=…`), as a hardware scanner
 * types it into the kiosk's field, or "NUMBER CODE" typed by hand.
 */
export function parsePass(text: string): { number: string; code: string } | null {
  const s = text.trim();
  if (/^https?:\/\//i.test(s)) {
    try {
      const url = new URL(s);
      const number = url.searchParams.get('nomor');
      const code = url.searchParams.get('kode');
      if (url.pathname.endsWith('/antrian/lapor') && number && code) return { number: number.trim().toUpperCase(), code: code.trim().toUpperCase() };
    } catch {
      return null;
    }
    return null;
  }
  const parts = s.split(/\s+/);
  return parts.length === 2 ? { number: parts[0]!.toUpperCase(), code: parts[1]!.toUpperCase() } : null;
}

export function statusText(lang: Lang, status: TicketView['status']): string {
  return t(lang, `queue.status.${status}`);
}

/** The visitor's ticket: position, counter when called, the expected wait and how far past estimates were off. */
function ticketSummary(lang: Lang, timeZone: string, v: TicketView): SafeHtml {
  const rows: { key: string; value: string | SafeHtml }[] = [
    { key: t(lang, 'queue.ticket.service'), value: v.service.name },
    { key: t(lang, 'queue.ticket.status'), value: statusText(lang, v.status) },
  ];
  if (v.position !== null) {
    rows.push({
      key: t(lang, 'queue.ticket.position'),
      value: v.position === 0 ? t(lang, 'queue.ticket.next') : t(lang, 'queue.ticket.ahead', { n: v.position }),
    });
  }
  if (v.estimate.minutes !== null) {
    const error = v.estimate.pastError
      ? t(lang, 'queue.ticket.error', { n: v.estimate.pastError.tickets, minutes: v.estimate.pastError.minutes })
      : t(lang, 'queue.ticket.noerror');
    rows.push({
      key: t(lang, 'queue.ticket.estimate'),
      value: html`<span data-estimate>${t(lang, 'queue.ticket.minutes', { n: v.estimate.minutes })}</span>${
        v.estimate.promisedMinutes !== null ? html`<br><span class="hint">${t(lang, 'queue.ticket.promised', { n: v.estimate.promisedMinutes })}</span>` : ''
      }<br><span class="hint" data-past-error>${error}</span>`,
    });
  }
  return html`${v.status === 'called' && v.counter ? banner(t(lang, 'queue.ticket.counter', { counter: v.counter }), 'success') : ''}
${summaryList(rows)}
${v.slotStart && v.status === 'waiting' ? html`<p>${t(lang, 'queue.ticket.slot', { time: localTime(v.slotStart, timeZone) })}</p>` : ''}
${v.transferredFrom ? html`<p>${t(lang, 'queue.ticket.transferred', { number: v.transferredFrom })}</p>` : ''}`;
}

/** The board: the ticket each counter serves, and the next numbers per service group. */
function board(lang: Lang, d: DisplayView): SafeHtml {
  return html`<div class="q-board">
<section aria-labelledby="q-serving-title" aria-live="polite">
  <h2 id="q-serving-title">${t(lang, 'queue.display.serving')}</h2>
  <table class="q-serving">
    <thead><tr><th scope="col">${t(lang, 'queue.display.number')}</th><th scope="col">${t(lang, 'queue.display.counter')}</th></tr></thead>
    <tbody id="q-serving-body">${d.nowServing.map(
      (s) => html`<tr data-serving-row data-counter="${s.counter}" data-key="${s.number}@${s.calledAt}"><td>${s.number}</td><td>${s.counter}</td></tr>`,
    )}</tbody>
  </table>
  <p id="q-serving-none"${d.nowServing.length ? html` hidden` : ''}>${t(lang, 'queue.display.none')}</p>
</section>
<section aria-labelledby="q-next-title">
  <h2 id="q-next-title">${t(lang, 'queue.display.next')}</h2>
  <div id="q-next">${d.next.map(
    (n) =>
      html`<h3>${n.service.name}</h3>${
        n.numbers.length ? html`<ol class="q-next">${n.numbers.map((x) => html`<li>${x}</li>`)}</ol>` : html`<p>${t(lang, 'queue.display.nobody')}</p>`
      }`,
  )}</div>
</section>
</div>`;
}

/**
 * The queue's public pages: the kiosk (a ticket per service group, touch-sized, and the booking pass's
 * scan field), the booking pass's check-in (`/antrian/lapor`, the QR code's address), the kiosk's
 * "your number" screen with the QR code to the visitor's ticket page, that page, and the lobby display
 * with its server-sent events stream. All of them work without JavaScript.
 */
export function queuePublicPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  const address = { baseUrl: services.config.baseUrl, defaultTenant: services.config.defaultTenant };

  app.get<{ Params: { hash: string; name: string } }>('/antrian/aset/:hash/:name', { schema: { hide: true } }, async (request, reply) => {
    const a = queueAsset(request.params.name);
    if (!a) return reply.code(404).type('text/plain').send('Not found');
    return reply
      .type(a.type)
      .header('cache-control', a.hash === request.params.hash ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(a.body);
  });

  /**
   * The kiosk. Only a device an admin enrolled (its cookie) gives out numbers; any other shows why, and
   * keeps the booking pass's field (checking in needs the pass's code, not the kiosk).
   */
  const kiosk = async (req: FastifyRequest, reply: FastifyReply, problem?: { message: string; status: number; scan?: string }) => {
    const lang = req.lang;
    const enrolled = await services.queue.isKiosk({ tenant: req.tenant, token: req.cookies[KIOSK_COOKIE] });
    const status = await services.queue.kioskStatus({ tenant: req.tenant, lang });
    const closed = status.closed ? errorMessage(req, status.closed) : null;
    return sendDevicePage(req, reply, {
      title: t(lang, enrolled ? 'queue.kiosk.title' : 'queue.kiosk.notEnrolled'),
      status: problem?.status ?? (enrolled ? 200 : 403),
      body: html`<h1>${t(lang, enrolled ? 'queue.kiosk.title' : 'queue.kiosk.notEnrolled')}</h1>
${problem ? html`<div class="error-summary" role="alert" tabindex="-1" data-error-summary><p>${problem.message}</p></div>` : ''}
${
  !enrolled
    ? html`<p class="lead" data-kiosk-not-enrolled>${t(lang, 'queue.kiosk.notEnrolled.text')}</p>`
    : closed
      ? html`<h2>${t(lang, 'queue.kiosk.closed')}</h2><p>${closed}</p>`
      : html`<p class="lead">${t(lang, 'queue.kiosk.lead')}</p>
<form method="post" action="/antrian/tiket">${csrfField(req)}
  ${checkbox({ lang, name: 'prioritas', label: t(lang, 'queue.kiosk.priority') })}
  <h2>${t(lang, 'queue.kiosk.services')}</h2>
  <ul class="q-services">${status.services.map(
    (s) =>
      html`<li><button type="submit" class="button q-service" name="service" value="${s.code}">${s.name}<small>${t(lang, 'queue.kiosk.waiting', { n: s.waiting })}</small></button></li>`,
  )}</ul>
</form>`
}
<form method="get" action="/antrian/lapor" novalidate>
  ${textInput({ lang, name: 'pass', label: t(lang, 'queue.kiosk.scan'), hint: t(lang, 'queue.kiosk.scan.hint'), value: problem?.scan, autocomplete: 'off', spellcheck: false, maxlength: 500 })}
  ${button(t(lang, 'queue.kiosk.scan.submit'), { secondary: true })}
</form>`,
    });
  };

  page.get('/antrian', { access: 'anyone' }, ({ req, reply }) => kiosk(req, reply));

  page.post(
    '/antrian/tiket',
    {
      access: 'anyone',
      rateLimit: { max: 60, timeWindow: '1 minute' },
      form: () => z.object({ service: formText(30), prioritas: z.string().optional() }),
    },
    async ({ req, reply, form }) => {
      if (!form.ok) return kiosk(req, reply, { message: t(req.lang, 'page.error.text'), status: 400 });
      try {
        const ticket = await services.queue.issueTicket({
          tenant: req.tenant,
          actor: null,
          service: form.data.service,
          priority: form.data.prioritas === 'yes',
          lang: req.lang,
          kioskToken: req.cookies[KIOSK_COOKIE],
        });
        return reply.redirect(`/antrian/kios/${ticket.id}`, 303);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        return kiosk(req, reply, { message: errorMessage(req, err), status: err.status });
      }
    },
  );

  /** The kiosk's "your number" screen: the number, large, and the QR code of the visitor's ticket page; back to the kiosk after a minute. */
  page.get('/antrian/kios/:id', { access: 'anyone', params: ticketParams }, async ({ req, reply, lang, params }) => {
    const v = await services.queue.getTicket({ tenant: req.tenant, id: params.id, lang });
    const url = `${officeBaseUrl(address, req.tenant)}/antrian/tiket/${v.id}`;
    const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return sendDevicePage(req, reply, {
      title: `${t(lang, 'queue.kiosk.yours')} ${v.number}`,
      body: html`<h1>${t(lang, 'queue.kiosk.yours')}</h1>
<p class="q-number" data-ticket-number>${v.number}</p>
${ticketSummary(lang, req.tenant.time_zone, v)}
<figure class="q-qr">${raw(svg.replace('<svg ', `<svg role="img" aria-label="${t(lang, 'queue.kiosk.qr')}" `))}<figcaption>${t(lang, 'queue.kiosk.qr')}</figcaption></figure>
<p><a href="/antrian/tiket/${v.id}" data-ticket-link>${t(lang, 'queue.kiosk.open')}</a></p>
<button type="button" class="button button--secondary no-print" data-print hidden>${t(lang, 'print')}</button>
<a href="/antrian" role="button" draggable="false" class="button q-service">${t(lang, 'queue.kiosk.done')}</a>`,
    });
  });

  /**
   * The visitor's ticket page on their phone (the QR code's address). It does not refresh itself (a page
   * that reloads under a screen reader loses the reader's place, WCAG 2.2.1): the visitor reloads it.
   */
  page.get('/antrian/tiket/:id', { access: 'anyone', params: ticketParams }, async ({ req, reply, lang, params }) => {
    const v = await services.queue.getTicket({ tenant: req.tenant, id: params.id, lang });
    // The SKM survey's link once the visit is completed (src/survey/); null before, and once answered.
    const survey = await services.survey.invitationOfTicket({ tenantId: req.tenant.id, ticketId: v.id });
    const done = v.status === 'completed' || v.status === 'no_show';
    return sendDevicePage(req, reply, {
      title: t(lang, 'queue.ticket.title', { number: v.number }),
      body: html`<h1>${t(lang, 'queue.ticket.title', { number: v.number })}</h1>
<p class="q-number">${v.number}</p>
${ticketSummary(lang, req.tenant.time_zone, v)}
${done ? '' : html`<p class="hint">${t(lang, 'queue.ticket.refresh.hint')}</p>`}
${surveyInvite(lang, survey)}
<p><a href="/antrian/tiket/${v.id}">${t(lang, 'queue.ticket.refresh')}</a></p>`,
    });
  });

  const passMessage = (req: FastifyRequest, reply: FastifyReply, message: string, status: number) =>
    sendDevicePage(req, reply, {
      title: t(req.lang, 'queue.pass.title'),
      status,
      body: html`<h1>${t(req.lang, 'queue.pass.title')}</h1>
<div class="error-summary" role="alert" tabindex="-1" data-error-summary><p>${message}</p></div>
<a href="/antrian" role="button" draggable="false" class="button q-service">${t(req.lang, 'queue.pass.back')}</a>`,
    });

  /** The booking pass's address (its QR code), or the kiosk's scan field: the booking to confirm. */
  page.get(
    '/antrian/lapor',
    {
      access: 'anyone',
      rateLimit: { max: 30, timeWindow: '1 minute' },
      query: z.object({ nomor: optionalText(40), kode: optionalText(20), pass: optionalText(500) }),
    },
    async ({ req, reply, lang, query }) => {
      const pass =
        query.pass !== undefined
          ? parsePass(query.pass)
          : query.nomor && query.kode
            ? { number: query.nomor.trim().toUpperCase(), code: query.kode.trim() }
            : null;
      if (!pass) {
        if (query.pass === undefined && query.nomor === undefined) return reply.redirect('/antrian', 303);
        return kiosk(req, reply, { message: t(lang, 'queue.pass.unreadable'), status: 400, scan: query.pass });
      }
      let status: Awaited<ReturnType<QueueService['passStatus']>>;
      try {
        status = await services.queue.passStatus({ tenant: req.tenant, number: pass.number, code: pass.code, lang });
      } catch (err) {
        if (err instanceof AppError && err.code === 'not_found') return passMessage(req, reply, t(lang, 'queue.pass.notfound'), 404);
        throw err;
      }
      if (status.ticket) return reply.redirect(`/antrian/kios/${status.ticket.id}`, 303);
      if (status.booking.status !== 'booked' && status.booking.status !== 'checked_in') return passMessage(req, reply, t(lang, 'queue.pass.notbooked'), 409);
      if (!status.forToday) {
        return passMessage(req, reply, t(lang, 'queue.pass.otherday', { date: formatDate(lang, status.booking.starts_at, req.tenant.time_zone) }), 409);
      }
      return sendDevicePage(req, reply, {
        title: t(lang, 'queue.pass.title'),
        body: html`<h1>${t(lang, 'queue.pass.title')}</h1>
${summaryList([
  { key: t(lang, 'queue.pass.booking'), value: status.booking.number },
  { key: t(lang, 'queue.pass.service'), value: status.service.name },
  { key: t(lang, 'queue.pass.time'), value: localTime(status.booking.starts_at, req.tenant.time_zone) },
])}
<p>${t(lang, 'queue.pass.lead')}</p>
<form method="post" action="/antrian/lapor">${csrfField(req)}
  <input type="hidden" name="nomor" value="${pass.number}"><input type="hidden" name="kode" value="${pass.code}">
  ${checkbox({ lang, name: 'prioritas', label: t(lang, 'queue.kiosk.priority') })}
  ${button(t(lang, 'queue.pass.submit'))}
</form>
<p><a href="/antrian">${t(lang, 'queue.pass.back')}</a></p>`,
      });
    },
  );

  page.post(
    '/antrian/lapor',
    {
      access: 'anyone',
      rateLimit: { max: 30, timeWindow: '1 minute' },
      form: () => z.object({ nomor: formText(40), kode: formText(20), prioritas: z.string().optional() }),
    },
    async ({ req, reply, lang, form }) => {
      if (!form.ok || !form.data.nomor || !form.data.kode) return passMessage(req, reply, t(lang, 'queue.pass.unreadable'), 400);
      try {
        const ticket = await services.queue.checkIn({
          tenant: req.tenant,
          number: form.data.nomor.toUpperCase(),
          code: form.data.kode,
          priority: form.data.prioritas === 'yes',
          lang,
        });
        return reply.redirect(`/antrian/kios/${ticket.id}`, 303);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        if (err.code === 'not_found') return passMessage(req, reply, t(lang, 'queue.pass.notfound'), 404);
        if (err.code === 'invalid_state') return passMessage(req, reply, t(lang, 'queue.pass.notbooked'), 409);
        return passMessage(req, reply, errorMessage(req, err), err.status);
      }
    },
  );

  const displayQuery = z.object({ layanan: optionalText(30) });

  /** The lobby display: full screen, large; live over server-sent events, and a refresh every 15 seconds without JavaScript. */
  page.get('/antrian/layar', { access: 'anyone', query: displayQuery }, async ({ req, reply, lang, query }) => {
    const d = await services.queue.display({ tenant: req.tenant, service: query.layanan, lang });
    const stream = `/antrian/layar/peristiwa${query.layanan ? `?layanan=${encodeURIComponent(query.layanan)}` : ''}`;
    return sendDevicePage(req, reply, {
      title: t(lang, 'queue.display.title'),
      display: true,
      refresh: { seconds: 15, onlyWithoutScript: true },
      body: html`<div data-queue-display data-stream="${stream}" data-lang="${lang}" data-say="${t(lang, 'queue.display.say')}" data-nobody="${t(lang, 'queue.display.nobody')}">
<h1 class="visually-hidden">${t(lang, 'queue.display.title')}</h1>
${board(lang, d)}
<p id="q-live" class="q-live" role="status" data-live="${t(lang, 'queue.display.live')}" data-offline="${t(lang, 'queue.display.offline')}"></p>
<button type="button" id="q-sound" class="button button--secondary q-sound" aria-pressed="false" data-on="${t(lang, 'queue.display.sound')}" data-off="${t(
        lang,
        'queue.display.soundOff',
      )}" hidden>${t(lang, 'queue.display.sound')}</button>
</div>`,
    });
  });

  /**
   * The display's stream. One poller per (office, service filter, language) on this instance reads the
   * display from the database every DISPLAY_POLL_MS and sends it to every stream watching it when it
   * changed (so a call at a counter served by another instance shows too), with a comment line now and
   * then to keep proxies from closing a quiet stream; it starts with the first stream and stops with the
   * last (and when the app closes). At most STREAMS_PER_ADDRESS streams per client address, and the route
   * is rate limited: a public page cannot be made to read the database without end. The browser
   * reconnects by itself.
   */
  const hub = displayHub();
  const perAddress = new Map<string, number>();
  page.get(
    '/antrian/layar/peristiwa',
    { access: 'anyone', query: displayQuery, rateLimit: { max: 60, timeWindow: '1 minute' } },
    async ({ req, reply, lang, query }) => {
      // An unknown group is refused before the stream opens.
      const service = query.layanan;
      await services.queue.display({ tenant: req.tenant, service, lang });
      const address = req.ip;
      const mine = perAddress.get(address) ?? 0;
      if (mine >= STREAMS_PER_ADDRESS) {
        return reply.code(429).header('retry-after', '60').type('text/plain; charset=utf-8').send(t(lang, 'queue.display.tooMany'));
      }
      perAddress.set(address, mine + 1);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      res.write('retry: 3000\n\n');
      let open = true;
      const leave = hub.subscribe(`${req.tenant.id}|${service ?? ''}|${lang}`, () => services.queue.display({ tenant: req.tenant, service, lang }), {
        send: (d) => res.write(`event: display\ndata: ${d}\n\n`),
        ping: () => res.write(': still here\n\n'),
        end: () => end(),
        warn: (err) => req.log.warn({ err }, 'queue display stream: reading the display failed'),
      });
      const end = () => {
        if (!open) return;
        open = false;
        leave();
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left > 0) perAddress.set(address, left);
        else perAddress.delete(address);
        res.end();
      };
      req.raw.on('close', end);
      return reply;
    },
  );
  app.addHook('preClose', (done) => {
    hub.close();
    done();
  });
}

/** How many display streams one client address may hold open at once (a lobby has a TV or two). */
export const STREAMS_PER_ADDRESS = 5;

type Subscriber = { send: (data: string) => void; ping: () => void; end: () => void; warn: (err: unknown) => void };

/**
 * The displays' shared pollers on this instance: one per key, reading with the first subscriber's
 * `read`, fanning each change out to all its subscribers; a late subscriber gets the last display at
 * once.
 */
export function displayHub() {
  type Poller = { subscribers: Set<Subscriber>; last: string; quiet: number; timer?: NodeJS.Timeout; stopped: boolean };
  const pollers = new Map<string, Poller>();
  const stop = (key: string, p: Poller) => {
    p.stopped = true;
    clearTimeout(p.timer);
    if (pollers.get(key) === p) pollers.delete(key);
  };
  return {
    subscribe(key: string, read: () => Promise<unknown>, sub: Subscriber): () => void {
      let p = pollers.get(key);
      if (!p) {
        const poller: Poller = { subscribers: new Set(), last: '', quiet: 0, stopped: false };
        pollers.set(key, poller);
        const tick = async () => {
          try {
            const d = JSON.stringify(await read());
            if (poller.stopped) return;
            if (d !== poller.last) {
              poller.last = d;
              poller.quiet = 0;
              for (const s of poller.subscribers) s.send(d);
            } else if (++poller.quiet % 15 === 0) for (const s of poller.subscribers) s.ping();
          } catch (err) {
            for (const s of poller.subscribers) {
              s.warn(err);
              break;
            }
          }
          if (!poller.stopped) poller.timer = setTimeout(() => void tick(), DISPLAY_POLL_MS);
        };
        p = poller;
        void tick();
      } else if (p.last) sub.send(p.last);
      const mine = p;
      mine.subscribers.add(sub);
      return () => {
        mine.subscribers.delete(sub);
        if (mine.subscribers.size === 0) stop(key, mine);
      };
    },
    /** How many pollers run now. */
    get size() {
      return pollers.size;
    },
    /** Ends every stream and stops every poller (the app closing). */
    close() {
      for (const [key, p] of [...pollers]) {
        for (const s of [...p.subscribers]) s.end();
        stop(key, p);
      }
    },
  };
}
