import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A port nobody listens on right now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export type ServerProcess = { child: ChildProcess; base: string; output: () => string; exited: Promise<unknown> };

/**
 * Starts the real server, `node --import tsx src/server.ts`, directly (no npm or tsx wrapper process,
 * so a SIGKILL hits the server itself), on a free port, and waits until /ready answers 200. The
 * environment is clean: the caller's variables (vitest's BASE_URL among them) do not leak in; `env`
 * wins over the defaults below (no demo data, test mode, warnings only, a 100 ms outbox poll, no load
 * shedding: on a test machine busy with other suites the event loop lags past the 200 ms default, and a
 * test of something else would get 503s; the overload test sets its own limits).
 */
export async function startServer(env: Record<string, string>, options: { readyWithinMs?: number } = {}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TMPDIR: process.env.TMPDIR ?? '/tmp',
      SEED_DEMO: 'never',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      OUTBOX_POLL_MS: '100',
      SHED_EVENT_LOOP_DELAY_MS: '0',
      SHED_MAX_IN_FLIGHT: '0',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      BASE_URL: `http://127.0.0.1:${port}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = once(child, 'exit');
  const base = `http://127.0.0.1:${port}`;
  const within = options.readyWithinMs ?? 60_000;
  const deadline = Date.now() + within;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited during start-up (${child.exitCode ?? child.signalCode}):\n${out}`);
    try {
      const res = await fetch(`${base}/ready`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become ready within ${within / 1000} s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, base, output: () => out, exited };
}

/** Stops a server started above (SIGTERM: a clean shutdown; SIGKILL: a crash) and waits for it to exit. */
export async function stopServer(server: ServerProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill(signal);
  await server.exited;
}
