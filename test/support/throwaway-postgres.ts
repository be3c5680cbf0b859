// A PostgreSQL instance of the test's own, in a temporary directory on a free
// port, that a test may stop and start at will without touching the shared
// cluster other tests use. Returns the reason when one cannot be made here.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes.ts';

const BIN = process.env.FINISHLINE_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface ThrowawayPostgres {
  url: string;
  stop(): void;
  start(): void;
  destroy(): void;
}

function asPostgresUser(): (command: string, args: string[]) => void {
  const root = userInfo().uid === 0;
  return (command, args) => {
    const [file, argv] = root ? ['runuser', ['-u', 'postgres', '--', join(BIN, command), ...args]] : [join(BIN, command), args];
    execFileSync(file, argv, { stdio: 'pipe', timeout: 120_000 });
  };
}

export async function throwawayPostgres(): Promise<ThrowawayPostgres | string> {
  if (!existsSync(join(BIN, 'initdb'))) return `no PostgreSQL binaries in ${BIN}`;
  const dir = mkdtempSync(join(tmpdir(), 'finishline-pg-'));
  const data = join(dir, 'data');
  const run = asPostgresUser();
  try {
    if (userInfo().uid === 0) {
      const ids = execFileSync('id', ['-u', 'postgres']).toString().trim();
      const gid = execFileSync('id', ['-g', 'postgres']).toString().trim();
      chownSync(dir, Number(ids), Number(gid));
    }
    chmodSync(dir, 0o700);
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return `cannot create a PostgreSQL instance of our own: ${(error as Error).message.split('\n')[0]}`;
  }
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const instance: ThrowawayPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']),
    stop: () => run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']),
    destroy: () => {
      try {
        instance.stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    instance.start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return `cannot start a PostgreSQL instance of our own: ${(error as Error).message.split('\n')[0]}`;
  }
  return instance;
}
