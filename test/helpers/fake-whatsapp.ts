import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/**
 * A local stand-in for Meta's Graph API endpoint POST /{version}/{phone-number-id}/messages (the
 * WhatsApp Business Platform Cloud API), on a real node:http server. It checks what Meta checks
 * that we can see: the path with our phone number id, `Authorization: Bearer <token>`, a JSON body
 * of exactly the documented shape (template with name, language.code and body/button components,
 * or text), and answers like Meta: `{ messaging_product, contacts: [{ input, wa_id }], messages: [{ id: 'wamid…' }] }`,
 * or Meta's error body `{ error: { message, type, code, error_data: { messaging_product, details }, fbtrace_id } }`.
 * Point WHATSAPP_API_URL at `url` (use `env`).
 */

const textParam = z.object({ type: z.literal('text'), text: z.string().min(1) }).strict();
const templateMessage = z
  .object({
    messaging_product: z.literal('whatsapp'),
    recipient_type: z.literal('individual'),
    to: z.string().regex(/^\d{8,15}$/, 'to must be the number in digits, country code first, no plus'),
    type: z.literal('template'),
    template: z
      .object({
        name: z.string().regex(/^[a-z0-9_]{1,512}$/),
        language: z.object({ code: z.string().min(2) }).strict(),
        components: z.array(
          z.union([
            z.object({ type: z.literal('body'), parameters: z.array(textParam).min(1) }).strict(),
            z
              .object({ type: z.literal('button'), sub_type: z.literal('url'), index: z.string().regex(/^\d$/), parameters: z.array(textParam).length(1) })
              .strict(),
          ]),
        ),
      })
      .strict(),
  })
  .strict();
const textMessage = z
  .object({
    messaging_product: z.literal('whatsapp'),
    recipient_type: z.literal('individual'),
    to: z.string().regex(/^\d{8,15}$/),
    type: z.literal('text'),
    text: z.object({ preview_url: z.boolean(), body: z.string().min(1).max(4096) }).strict(),
  })
  .strict();
export const cloudApiRequestSchema = z.union([templateMessage, textMessage]);
export type CloudApiRequest = z.infer<typeof cloudApiRequestSchema>;

export type ReceivedWhatsApp = { body: CloudApiRequest; wamid: string; at: Date };

/** Meta's error body for a failed call. */
export function metaError(code: number, message: string, details: string): { error: Record<string, unknown> } {
  return {
    error: {
      message: `(#${code}) ${message}`,
      type: 'OAuthException',
      code,
      error_data: { messaging_product: 'whatsapp', details },
      fbtrace_id: randomBytes(9).toString('base64url'),
    },
  };
}

export type FakeWhatsApp = {
  /** The Graph API base to put in WHATSAPP_API_URL, e.g. http://127.0.0.1:40123/v21.0 */
  url: string;
  phoneNumberId: string;
  token: string;
  /** The WHATSAPP_* settings for loadConfig / createTestContext. */
  env: Record<string, string>;
  /** Every accepted message, in order (refused ones are not here; see `refused`). */
  received: ReceivedWhatsApp[];
  /** Calls answered with an error (bad shape, bad token, or a failure asked for). */
  refused: { status: number; body: unknown; error: unknown }[];
  /** The next `n` well-formed calls fail: 'server' is HTTP 500 (#131000, retried), 'permanent' HTTP 400 (#131026 Message Undeliverable). */
  failNext(n: number, how?: 'server' | 'permanent'): void;
  /**
   * The next well-formed call is accepted (recorded, its wamid chosen) but not answered until
   * `release()`: a worker waiting on it is "between the call and recording the result".
   */
  holdNext(): { arrived: Promise<ReceivedWhatsApp>; release(): void };
  /** Messages to one number (digits or +62…), oldest first. */
  to(phone: string): ReceivedWhatsApp[];
  close(): Promise<void>;
};

export async function startFakeWhatsApp(opts: { phoneNumberId?: string; token?: string; version?: string } = {}): Promise<FakeWhatsApp> {
  const phoneNumberId = opts.phoneNumberId ?? '109876543210987';
  const token = opts.token ?? 'EAAtest-whatsapp-token-0123456789';
  const version = opts.version ?? 'v21.0';
  const received: ReceivedWhatsApp[] = [];
  const refused: FakeWhatsApp['refused'] = [];
  const failures: ('server' | 'permanent')[] = [];
  const holds: { resolveArrived: (r: ReceivedWhatsApp) => void; released: Promise<void> }[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const answer = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        const refuse = (status: number, body: { error: unknown }) => {
          refused.push({ status, body: bodyText, error: body.error });
          answer(status, body);
        };
        const bodyText = Buffer.concat(chunks).toString('utf8');
        if (req.method !== 'POST' || req.url !== `/${version}/${phoneNumberId}/messages`) {
          return refuse(404, metaError(803, 'Some of the aliases you requested do not exist', `unknown path ${req.method} ${req.url}`));
        }
        if (req.headers.authorization !== `Bearer ${token}`) {
          return refuse(401, metaError(190, 'Invalid OAuth access token - Cannot parse access token', 'bad or missing Bearer token'));
        }
        if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
          return refuse(400, metaError(100, 'Invalid parameter', 'Content-Type must be application/json'));
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(bodyText);
        } catch {
          return refuse(400, metaError(100, 'Invalid parameter', 'the body is not JSON'));
        }
        const shape = cloudApiRequestSchema.safeParse(parsed);
        if (!shape.success)
          return refuse(400, metaError(100, 'Invalid parameter', shape.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')));
        const failure = failures.shift();
        if (failure === 'server') return refuse(500, metaError(131000, 'Something went wrong', 'Message failed to send due to an unknown error.'));
        if (failure === 'permanent') return refuse(400, metaError(131026, 'Message Undeliverable.', 'Message Undeliverable.'));
        const wamid = `wamid.${randomBytes(24).toString('base64url')}`;
        const got: ReceivedWhatsApp = { body: shape.data, wamid, at: new Date() };
        received.push(got);
        const hold = holds.shift();
        if (hold) {
          hold.resolveArrived(got);
          await hold.released;
        }
        answer(200, {
          messaging_product: 'whatsapp',
          contacts: [{ input: shape.data.to, wa_id: shape.data.to }],
          messages: [shape.data.type === 'template' ? { id: wamid, message_status: 'accepted' } : { id: wamid }],
        });
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/${version}`;
  return {
    url,
    phoneNumberId,
    token,
    env: {
      WHATSAPP_API_URL: url,
      WHATSAPP_PHONE_NUMBER_ID: phoneNumberId,
      WHATSAPP_TOKEN: token,
      WHATSAPP_APP_SECRET: 'test-app-secret-0123',
      WHATSAPP_VERIFY_TOKEN: 'test-verify-token-0123',
    },
    received,
    refused,
    failNext(n, how = 'server') {
      for (let i = 0; i < n; i++) failures.push(how);
    },
    holdNext() {
      let resolveArrived!: (r: ReceivedWhatsApp) => void;
      let release!: () => void;
      const arrived = new Promise<ReceivedWhatsApp>((r) => (resolveArrived = r));
      const released = new Promise<void>((r) => (release = r));
      holds.push({ resolveArrived, released });
      return { arrived, release };
    },
    to(phone) {
      const digits = phone.replace(/\D/g, '');
      return received.filter((r) => r.body.to === digits);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Digits only: a WhatsApp id (wa_id, from) is the number without its plus sign. */
export const digits = (phone: string) => phone.replace(/\D/g, '');

let wamids = 0;
/** A message id of Meta's shape, new at each call. */
export const nextWamid = () => `wamid.HBgLNjI4MTIzNDUwMDAwMRUCABIYFDNBOTk${String(++wamids).padStart(6, '0')}AA=`;

/** A messages webhook exactly as Meta sends it, for one text from `from`. */
export function textWebhook(phoneNumberId: string, m: { from: string; body: string; wamid?: string; name?: string }) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '6281100001111', phone_number_id: phoneNumberId },
              contacts: [{ profile: { name: m.name ?? 'Warga Malang' }, wa_id: digits(m.from) }],
              messages: [{ from: digits(m.from), id: m.wamid ?? nextWamid(), timestamp: '1795658400', type: 'text', text: { body: m.body } }],
            },
          },
        ],
      },
    ],
  };
}
