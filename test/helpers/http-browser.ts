import http from 'node:http';

/**
 * A browser in miniature over a real listening server, for what app.inject cannot show: one kept-alive
 * connection (maxSockets 1, so a request left hanging on it delays the next one, as in a browser), a
 * cookie jar, and multipart uploads posted as a browser without JavaScript posts them.
 */
export type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string; ms: number };

export class OneConnectionBrowser {
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private cookies = new Map<string, string>();
  constructor(private port: number) {}

  send(method: string, path: string, opts: { headers?: Record<string, string>; body?: Buffer } = {}): Promise<Answer> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          agent: this.agent,
          // Generous: the test measures the time itself; this only keeps a hang from running for ever.
          timeout: 90_000,
          headers: {
            cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
            ...(opts.body ? { 'content-length': String(opts.body.length) } : {}),
            ...opts.headers,
          },
        },
        (res) => {
          for (const c of [res.headers['set-cookie'] ?? []].flat()) {
            const [pair] = c.split(';');
            const eq = pair!.indexOf('=');
            const name = pair!.slice(0, eq);
            const value = pair!.slice(eq + 1);
            if (value === '') this.cookies.delete(name);
            else this.cookies.set(name, value);
          }
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 90 s`)));
      // A server that answers early and closes may reset the upload still being written: the answer counts.
      req.on('error', reject);
      req.end(opts.body);
    });
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  get csrf(): string {
    return this.cookies.get('__Host-izol-csrf') ?? '';
  }

  /** A multipart form as a browser without JavaScript posts it: `_csrf` first, then the file. */
  upload(path: string, fileName: string, content: Buffer, type: string, extra: Record<string, string> = {}): Promise<Answer> {
    const boundary = `----izolbrowser${Math.random().toString(16).slice(2)}`;
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${this.csrf}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${type}\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return this.send('POST', path, { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...extra } });
  }

  close(): void {
    this.agent.destroy();
  }
}
