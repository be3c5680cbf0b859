// The `finishline` command line: serve, migrate, token create, two-factor reset, and the rest in HELP.
import { spawn } from 'node:child_process';
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { readConfig } from './config.ts';
import type { Deps } from './platform/context.ts';

// Each command imports what it uses when it runs, so `finishline help` (and every
// command) does not load the HTTP server, both database drivers and the rest.
const load = {
  database: () => import('./platform/db/database.ts'),
  migrations: () => import('./platform/db/migrations.ts'),
  clock: () => import('./platform/clock.ts'),
  people: () => import('./people/service.ts'),
  twoFactor: () => import('./accounts/twoFactorRecovery.ts'),
  server: () => import('./server.ts'),
  demo: () => import('./demo/command.ts'),
  playbooks: () => import('./automation/playbookInstall.ts'),
  backup: () => import('./backup/command.ts'),
  backupService: () => import('./backup/service.ts'),
  automation: () => import('./automation/runner.ts'),
  consumers: () => import('./consumers.ts'),
  webhooks: () => import('./webhooks/webhook.ts'),
  webapp: () => import('./platform/http/webapp.ts'),
  heap: () => import('./platform/heap.ts'),
};

const HELP = `finishline — task management for home-service businesses

Usage: finishline <command> [options]

Commands:
  serve [--workers N|auto]      run the web app and API (PORT, default 3000) in N processes (default 1)
  migrate                       bring the database schema up to date
  worker                        run only the automation worker and time triggers (no HTTP)
  demo [--scale N] [--seed S]   load a demo plumbing business (N more tasks in bulk) and print its login
  bench [--quick] [--tasks N] [--seconds S] [--only a,b]
                                measure the API against the bare stack (1,000,000 tasks; --quick: 100,000)
  export [--out FILE] [--org ID]
                                write a JSON backup of every table (or one organisation's rows), with a progress bar
  import FILE                   restore a JSON backup into an empty database (refused if it holds an organisation)
  backup --out FILE.tar         write one archive: the JSON backup of the whole database and every stored file
  restore FILE.tar              restore such an archive into an empty database, its files included
  token create --email E --name N [--org BUSINESS]
                                create an API token for the user with email E (in the
                                business whose address is BUSINESS, when E is in several)
  two-factor reset --email E [--org BUSINESS]
                                turn off the two-factor sign-in of the user with email E, who lost
                                phone and recovery codes (the owner's own included); ends their sessions
  help                          show this text

Configuration (environment):
  PORT                 HTTP port (default 3000)
  DATABASE_URL         sqlite:PATH (default sqlite:./data/finishline.db) or postgres://…
  FINISHLINE_TICK_MS   how often time triggers are scanned (default 5000)
  LOG_LEVEL            fatal, error, warn, info (default), debug, silent
`;

/** How long SIGTERM lets requests in flight finish. */
const STOP_GRACE_MS = 10_000;

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { workers: { type: 'string', default: '1' } } });
  const workers = values.workers === 'auto' ? availableParallelism() : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError('--workers must be a whole number of processes, or auto (one per core)');
  const config = readConfig();
  if (cluster.isPrimary) await (await load.webapp()).ensureWebAppBuilt(config.webDist);
  if (cluster.isPrimary && workers > 1) return superviseWorkers(workers, config.databaseUrl);
  (await load.heap()).capHeapGrowth();
  // Under --workers, one process (index 0) runs the automation loop and time
  // triggers, so they fire once however many processes serve HTTP.
  const runsAutomation = !cluster.isWorker || process.env.FINISHLINE_WORKER_INDEX === '0';
  const [{ buildServer }, { webhookPolicyFromEnv }, { automationConfigFromEnv }] = await Promise.all([load.server(), load.webhooks(), load.automation()]);
  const server = await buildServer({
    ...config,
    webDist: config.webDist,
    webhooks: webhookPolicyFromEnv(process.env),
    automation: { ...automationConfigFromEnv(process.env, config.tickMs), loop: runsAutomation },
  });
  await server.app.listen({ port: config.port, host: config.host });
  // Output nobody reads any more (a supervisor that went away) must not stop the process from ending.
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info(`${signal}: finishing requests in flight, then stopping`);
    // Requests in flight get ten seconds; then their connections are closed, and whatever is
    // still pending after five more does not keep the process: it exits all the same.
    setTimeout(() => server.app.server.closeAllConnections(), STOP_GRACE_MS).unref();
    setTimeout(() => process.exit(1), STOP_GRACE_MS + 5_000).unref();
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** The primary of `serve --workers N`: migrates once, keeps N server processes up, stops them all on SIGTERM. */
async function superviseWorkers(count: number, databaseUrl: string): Promise<void> {
  const [{ openDatabase }, { migrateToLatest }] = await Promise.all([load.database(), load.migrations()]);
  const database = openDatabase(databaseUrl);
  await migrateToLatest(database.db);
  await database.close();
  let stopping = false;
  const fork = (index: number) => {
    const worker = cluster.fork({ FINISHLINE_WORKER_INDEX: String(index) });
    worker.on('exit', (code) => {
      if (stopping) return;
      console.error(`server process ${index} exited (${code}); starting another`);
      setTimeout(() => fork(index), 500);
    });
  };
  for (let index = 0; index < count; index++) fork(index);
  console.log(`serving with ${count} processes`);
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const running = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    await Promise.all(running.map((w) => new Promise<void>((resolve) => {
      w.once('exit', () => resolve());
      w.process.kill('SIGTERM');
    })));
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

/** The automation worker alone: any number may run against one PostgreSQL database. */
async function worker(): Promise<void> {
  const config = readConfig();
  const [{ openDatabase }, { migrateToLatest }, { systemClock }, { automation, automationConfigFromEnv }, { eventConsumers }, { webhookPolicyFromEnv }] = await Promise.all([
    load.database(), load.migrations(), load.clock(), load.automation(), load.consumers(), load.webhooks(),
  ]);
  const database = openDatabase(config.databaseUrl);
  await migrateToLatest(database.db);
  const loop = automation({ db: database.db, clock: systemClock }, { ...automationConfigFromEnv(process.env, config.tickMs), consumers: eventConsumers({ ...config, webhooks: webhookPolicyFromEnv(process.env) }), onError: (error) => console.error(error) });
  loop.start();
  console.log(`automation worker ${loop.options.workerId} running, tick ${config.tickMs} ms`);
  const stop = async () => {
    await loop.stop();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

async function migrate(): Promise<void> {
  const { databaseUrl } = readConfig();
  const [{ openDatabase }, { migrateToLatest }] = await Promise.all([load.database(), load.migrations()]);
  const database = openDatabase(databaseUrl);
  const applied = await migrateToLatest(database.db);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The schema is up to date.');
  await database.close();
}

async function token(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { email: { type: 'string' }, name: { type: 'string' }, org: { type: 'string' } } });
  if (positionals[0] !== 'create' || !values.email) throw new UsageError('Usage: finishline token create --email E [--name N] [--org BUSINESS]');
  const { createApiTokenFor } = await load.people();
  await withDatabase(async (deps) => {
    const created = await createApiTokenFor(deps, values.email!, values.name ?? 'command line', values.org).catch((error: unknown) => {
      throw refusedAccount(error, values.email!, values.org);
    });
    console.log(created.token);
  });
}

/** A command naming an account by email declines in one line when there is none, or it is ambiguous or has nothing to do; anything else stays an error. */
function refusedAccount(error: unknown, email: string, org: string | undefined): unknown {
  if (error instanceof Error && error.name === 'NotFound') return new Refused(`No account has the email ${email}${org ? ` in the business ${org}` : ''}`);
  return error instanceof Error && error.name === 'Conflict' ? new Refused(error.message) : error;
}

/** Runs a command's work on the configured database, its schema brought up to date first, and closes it after. */
async function withDatabase(work: (deps: Deps) => Promise<void>): Promise<void> {
  const { databaseUrl } = readConfig();
  const [{ openDatabase }, { migrateToLatest }, { systemClock }] = await Promise.all([load.database(), load.migrations(), load.clock()]);
  const database = openDatabase(databaseUrl);
  await migrateToLatest(database.db);
  try {
    await work({ db: database.db, clock: systemClock });
  } finally {
    await database.close();
  }
}

async function twoFactor(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { email: { type: 'string' }, org: { type: 'string' } } });
  if (positionals[0] !== 'reset' || !values.email) throw new UsageError('Usage: finishline two-factor reset --email E [--org BUSINESS]');
  const { resetTwoFactorFromCommandLine } = await load.twoFactor();
  await withDatabase(async (deps) => {
    const done = await resetTwoFactorFromCommandLine(deps, values.email!, values.org).catch((error: unknown) => {
      throw refusedAccount(error, values.email!, values.org);
    });
    const sessions = done.sessionsEnded === 1 ? '1 session' : `${done.sessionsEnded} sessions`;
    const next = done.setUpAgain ? 'They sign in with their password and set two-factor up again, as the business requires.' : 'They sign in with their password alone until they turn it on again.';
    console.log(`Two-factor sign-in turned off for ${done.name} at ${done.orgName}; ${sessions} ended. ${next}`);
  });
}

/** The benchmark lives beside the code, not in it: run it as its own process. */
async function bench(args: string[]): Promise<void> {
  const script = new URL('../bench/main.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) process.exitCode = code ?? 1;
}

class UsageError extends Error {}
/** A command that declines with a one-line reason (exit code 1), not a crash with a stack trace. */
class Refused extends Error {}

async function main(argv: string[]): Promise<void> {
  const [command = 'help', ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'migrate':
      return migrate();
    case 'worker':
      return worker();
    case 'demo': {
      // The demo lies below automation: its playbook installer is handed in here.
      const [{ demoCommand }, { installPlaybook }, { runByHand }, { eventConsumers }] = await Promise.all([load.demo(), load.playbooks(), load.automation(), load.consumers()]);
      return demoCommand(rest, {
        installPlaybook: async (deps, owner, trade) => void (await installPlaybook(deps, owner, { key: trade })),
        // The worker runs on the demo's clock as the month is replayed (no email: nobody is at those addresses).
        runAutomation: runByHand(eventConsumers({})),
      });
    }
    case 'token':
      return token(rest);
    case 'two-factor':
      return twoFactor(rest);
    case 'export':
    case 'import':
    case 'backup':
    case 'restore': {
      const [backup, { BackupRefused }] = await Promise.all([load.backup(), load.backupService()]);
      const commands = { export: backup.exportCommand, import: backup.importCommand, backup: backup.backupCommand, restore: backup.restoreCommand };
      return commands[command](rest).catch((error: unknown) => {
        throw error instanceof BackupRefused ? new Refused(error.message) : error;
      });
    }
    case 'bench':
      return bench(rest);
    case 'help':
    case '--help':
    case '-h':
      console.log(HELP);
      return;
    default:
      throw new UsageError(`Unknown command "${command}".\n\n${HELP}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof UsageError || error instanceof Refused ? error.message : error);
  process.exit(error instanceof UsageError ? 2 : 1);
});
