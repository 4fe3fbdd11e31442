/**
 * The lobby display's stream (issue 11), on SQLite and PostgreSQL: however many displays watch the same
 * queue on an instance, the database is read once a second, not once a second per display; the reading
 * stops when the last display goes away; and one address cannot hold more than a few streams open.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAMS_PER_ADDRESS } from '../../src/queue/pages/public.pages.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, type TestContext } from '../helpers/context.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(DIALECTS)('queue display stream (%s)', (dialect) => {
  let ctx: TestContext;
  let port: number;
  // Every display read starts with the office's queue settings: one such statement is one read.
  let reads = 0;

  beforeAll(async () => {
    ctx = await createTestContext(
      dialect,
      {},
      {
        log: (event) => {
          if (event.level === 'query' && /from "queue_settings"/i.test(event.query.sql)) reads++;
        },
      },
    );
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    port = (ctx.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await ctx?.close();
  });

  /** Opens a stream; resolves once it answered, with its status and the display events received so far. */
  const open = async (path = '/antrian/layar/peristiwa') => {
    const events: string[] = [];
    const req = http.get({ host: '127.0.0.1', port, path });
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      body += chunk;
      for (const p of chunk.split('\n\n')) if (p.startsWith('event: display')) events.push(p);
    });
    req.on('error', () => undefined);
    return { status: res.statusCode, events, body: () => body, close: () => req.destroy() };
  };
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i++) await sleep(50);
    expect(check()).toBe(true);
  };

  it('reads the display once a second for all the displays watching it, and stops after the last leaves', async () => {
    const streams: Awaited<ReturnType<typeof open>>[] = [];
    for (let i = 0; i < STREAMS_PER_ADDRESS; i++) streams.push(await open());
    expect(streams.map((s) => s.status)).toEqual(Array(STREAMS_PER_ADDRESS).fill(200));
    // Each display gets the board, the late ones at once from the shared reading.
    await until(() => streams.every((s) => s.events.length >= 1));
    reads = 0;
    await sleep(3_200);
    // About three readings in 3.2 seconds for five displays (one each would be fifteen).
    expect(reads).toBeGreaterThanOrEqual(2);
    expect(reads).toBeLessThanOrEqual(4);

    // One more from the same address is refused, with a message, and reads nothing further.
    const extra = await open();
    expect(extra.status).toBe(429);
    await until(() => extra.body().includes('Terlalu banyak layar antrean'));

    for (const s of streams) s.close();
    await sleep(300);
    reads = 0;
    await sleep(2_200);
    expect(reads).toBe(0);

    // The address's places are free again, and a new display starts a new reading.
    const again = await open('/antrian/layar/peristiwa?layanan=KONSULTASI');
    expect(again.status).toBe(200);
    await until(() => again.events.length >= 1);
    again.close();
  });
});
