import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The 68-byte EICAR anti-virus test file. */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

/** Debian's clamav-daemon (scripts/ensure-test-tools.sh installs it). */
const CLAMD = process.env.CLAMD_PATH ?? '/usr/sbin/clamd';

export type Clamd = {
  /** clamd's LocalSocket. */
  socket: string;
  /** clamd's TCPSocket on 127.0.0.1. */
  port: number;
  /** The signature names clamd reports (an unofficial database: clamd adds `.UNOFFICIAL`). */
  signatures: { inside: string };
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
};

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

const ping = (socket: string) =>
  new Promise<boolean>((resolve) => {
    const c = net.createConnection({ path: socket });
    let got = '';
    c.on('connect', () => c.write('zPING\0'));
    c.on('data', (d: Buffer) => (got += d.toString()));
    c.on('close', () => resolve(got.startsWith('PONG')));
    c.on('error', () => resolve(false));
    c.setTimeout(1000, () => c.destroy());
  });

/**
 * A clamd of the test's own: its config, socket, TCP port and signature database in a temporary
 * folder, in the foreground, stopped by `stop()`. No virus database can be downloaded here, so the
 * database holds two local signatures for the EICAR test string: an MD5 hash signature (.hdb,
 * `md5:size:name`) for the file that is exactly the string, and a body signature (.ndb,
 * `name:target:offset:hex`) for the string anywhere in a file (as inside a PDF).
 */
export async function startClamd(): Promise<Clamd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-clamd-'));
  const db = path.join(dir, 'db');
  fs.mkdirSync(db);
  const md5 = createHash('md5').update(EICAR).digest('hex');
  fs.writeFileSync(path.join(db, 'izol.hdb'), `${md5}:${EICAR.length}:Izol.Test.EICAR\n`);
  fs.writeFileSync(path.join(db, 'izol.ndb'), `Izol.Test.EICAR-Inside:0:*:${Buffer.from(EICAR).toString('hex')}\n`);
  const socket = path.join(dir, 'clamd.sock');
  const port = await freePort();
  const conf = path.join(dir, 'clamd.conf');
  fs.writeFileSync(
    conf,
    [
      `LocalSocket ${socket}`,
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      `DatabaseDirectory ${db}`,
      `LogFile ${path.join(dir, 'clamd.log')}`,
      `TemporaryDirectory ${dir}`,
      'Foreground yes',
      'MaxThreads 4',
      // Above MAX_UPLOAD_MB (25): a file the app takes always fits one INSTREAM.
      'StreamMaxLength 30M',
      'SelfCheck 0',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(CLAMD, ['-c', conf], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  while (!(await ping(socket))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = fs.existsSync(path.join(dir, 'clamd.log')) ? fs.readFileSync(path.join(dir, 'clamd.log'), 'utf8') : '';
      child.kill('SIGKILL');
      throw new Error(`clamd (${CLAMD}) did not start: run scripts/ensure-test-tools.sh\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  let stopped = false;
  return {
    socket,
    port,
    signatures: { inside: 'Izol.Test.EICAR-Inside.UNOFFICIAL' },
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async stop() {
      if (stopped) return;
      stopped = true;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
