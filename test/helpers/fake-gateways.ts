import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { z } from 'zod';

/**
 * Local stand-ins for the SMS provider and the mail server, on real sockets: a node:http server that
 * checks the generic SMS contract (README "Message delivery") and honours Idempotency-Key like a
 * provider that does (a repeated key answers the first message's id and sends nothing), and a real
 * SMTP server (smtp-server) with AUTH, whose mails are parsed with mailparser.
 */

const smsRequestSchema = z.object({ to: z.string().regex(/^\+62\d{8,13}$/), from: z.string().min(1).max(11), text: z.string().min(1).max(480) }).strict();
export type SmsRequest = z.infer<typeof smsRequestSchema>;
export type SentSms = SmsRequest & { id: string; key: string };

export type FakeSms = {
  url: string;
  token: string;
  env: Record<string, string>;
  /** Messages actually sent to phones: once per Idempotency-Key. */
  sent: SentSms[];
  /** Every well-formed call, repeats included (key, and whether it was a repeat). */
  calls: { key: string; repeat: boolean; body: SmsRequest }[];
  /** Calls refused for their shape or token. */
  refused: { status: number; body: string }[];
  /** The next `n` well-formed calls fail: 'server' HTTP 503 (retried), 'permanent' HTTP 422 (an invalid number). */
  failNext(n: number, how?: 'server' | 'permanent'): void;
  /** The next new message is sent (recorded) but answered only at `release()`. */
  holdNext(): { arrived: Promise<SentSms>; release(): void };
  to(phone: string): SentSms[];
  close(): Promise<void>;
};

export async function startFakeSms(opts: { token?: string; senderId?: string } = {}): Promise<FakeSms> {
  const token = opts.token ?? 'sms-test-token-0123456789';
  const senderId = opts.senderId ?? 'IZOLMLG';
  const sent: SentSms[] = [];
  const calls: FakeSms['calls'] = [];
  const refused: FakeSms['refused'] = [];
  const failures: ('server' | 'permanent')[] = [];
  const byKey = new Map<string, SentSms>();
  const holds: { resolveArrived: (s: SentSms) => void; released: Promise<void> }[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const answer = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        const refuse = (status: number, error: string) => {
          refused.push({ status, body: text });
          answer(status, { error });
        };
        if (req.method !== 'POST' || req.url !== '/v1/messages') return refuse(404, `no ${req.method} ${req.url}`);
        if (req.headers.authorization !== `Bearer ${token}`) return refuse(401, 'bad token');
        if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return refuse(415, 'JSON only');
        const key = req.headers['idempotency-key'];
        if (typeof key !== 'string' || key.length < 8) return refuse(400, 'Idempotency-Key header required');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          return refuse(400, 'not JSON');
        }
        const shape = smsRequestSchema.safeParse(parsed);
        if (!shape.success || shape.data.from !== senderId) return refuse(400, shape.success ? 'unknown sender id' : shape.error.issues[0]!.message);
        const failure = failures.shift();
        if (failure === 'server') return answer(503, { error: 'upstream operator unavailable' });
        if (failure === 'permanent') return answer(422, { error: 'the number is not a mobile number in service' });
        const earlier = byKey.get(key);
        calls.push({ key, repeat: earlier !== undefined, body: shape.data });
        if (earlier) return answer(200, { id: earlier.id, status: 'queued' });
        const message: SentSms = { ...shape.data, id: `sms_${randomBytes(10).toString('hex')}`, key };
        byKey.set(key, message);
        sent.push(message);
        const hold = holds.shift();
        if (hold) {
          hold.resolveArrived(message);
          await hold.released;
        }
        answer(201, { id: message.id, status: 'queued' });
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/v1/messages`;
  return {
    url,
    token,
    env: { SMS_API_URL: url, SMS_API_TOKEN: token, SMS_SENDER_ID: senderId },
    sent,
    calls,
    refused,
    failNext(n, how = 'server') {
      for (let i = 0; i < n; i++) failures.push(how);
    },
    holdNext() {
      let resolveArrived!: (s: SentSms) => void;
      let release!: () => void;
      const arrived = new Promise<SentSms>((r) => (resolveArrived = r));
      const released = new Promise<void>((r) => (release = r));
      holds.push({ resolveArrived, released });
      return { arrived, release };
    },
    to: (phone) => sent.filter((s) => s.to === phone),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type ReceivedMail = {
  envelopeFrom: string;
  envelopeTo: string[];
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  language: string;
};

export type FakeSmtp = {
  port: number;
  env: Record<string, string>;
  mails: ReceivedMail[];
  /** Sessions that tried AUTH with the wrong user or password. */
  badLogins: number;
  /** The next `n` messages are refused at DATA: 'temporary' 451 (retried), 'permanent' 550 (mailbox unavailable). */
  failNext(n: number, how?: 'temporary' | 'permanent'): void;
  /** The next message is received (recorded) but its DATA is acknowledged only at `release()`. */
  holdNext(): { arrived: Promise<ReceivedMail>; release(): void };
  to(address: string): ReceivedMail[];
  close(): Promise<void>;
};

/** A real SMTP server on localhost with AUTH PLAIN/LOGIN (no TLS: STARTTLS is not offered). */
export async function startFakeSmtp(opts: { user?: string; pass?: string; from?: string } = {}): Promise<FakeSmtp> {
  const user = opts.user ?? 'izol';
  const pass = opts.pass ?? 'smtp-pass-0123';
  const mails: ReceivedMail[] = [];
  const failures: ('temporary' | 'permanent')[] = [];
  const holds: { resolveArrived: (m: ReceivedMail) => void; released: Promise<void> }[] = [];
  let badLogins = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === pass) return callback(null, { user });
      badLogins++;
      return callback(new Error('535 Authentication failed'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const failure = failures.shift();
        if (failure) {
          const err = Object.assign(new Error(failure === 'temporary' ? 'Try again later' : 'Mailbox unavailable'), {
            responseCode: failure === 'temporary' ? 451 : 550,
          });
          return callback(err);
        }
        simpleParser(Buffer.concat(chunks))
          .then(async (mail) => {
            const lang = mail.headers.get('content-language');
            const received: ReceivedMail = {
              envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              from: mail.from?.text ?? '',
              to: Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? ''),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              messageId: mail.messageId ?? '',
              language: typeof lang === 'string' ? lang : '',
            };
            mails.push(received);
            const hold = holds.shift();
            if (hold) {
              hold.resolveArrived(received);
              await hold.released;
            }
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    env: { SMTP_URL: `smtp://${user}:${pass}@127.0.0.1:${port}`, MAIL_FROM: opts.from ?? 'Izol Kota Malang <izol@malangkota.go.id>' },
    mails,
    get badLogins() {
      return badLogins;
    },
    failNext(n, how = 'temporary') {
      for (let i = 0; i < n; i++) failures.push(how);
    },
    holdNext() {
      let resolveArrived!: (m: ReceivedMail) => void;
      let release!: () => void;
      const arrived = new Promise<ReceivedMail>((r) => (resolveArrived = r));
      const released = new Promise<void>((r) => (release = r));
      holds.push({ resolveArrived, released });
      return { arrived, release };
    },
    to: (address) => mails.filter((m) => m.envelopeTo.includes(address)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
