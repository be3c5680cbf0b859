// Puts the pieces together: database, migrations, the HTTP app and every feature's routes.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { type Config, DEFAULT_TRUST_PROXY } from './config.ts';
import { type Clock, systemClock } from './platform/clock.ts';
import type { Deps } from './platform/context.ts';
import { openDatabase, type OpenDatabase } from './platform/db/database.ts';
import { migrateToLatest } from './platform/db/migrations.ts';
import { refreshStatistics } from './platform/db/statistics.ts';
import { createApp } from './platform/http/app.ts';
import { registerStream } from './platform/http/stream.ts';
import { peopleRoutes } from './people/routes.ts';
import { planRoutes } from './plans/routes.ts';
import { recordRoutes } from './records/routes.ts';
import { intakeRoutes } from './intake/routes.ts';
import { DEFAULT_LEAD_FORM_LIMIT } from './intake/intake.ts';
import { authenticate } from './people/service.ts';
import { reportRoutes } from './reports/routes.ts';
import { taskRoutes } from './tasks/routes.ts';
import { countTasks, tasksOfRecord } from './tasks/reads.ts';
import { countsQuery, taskView } from './tasks/task.ts';
import { listUsers } from './people/service.ts';
import type { StartListSource } from './people/start.ts';
import { hasPlaybookInstalled } from './automation/service.ts';
import { listRecords } from './records/service.ts';
import { leadListQuery } from './records/records.ts';
import { attachmentRoutes } from './tasks/attachmentRoutes.ts';
import { files as fileSettings, type Files, storageUsed } from './tasks/attachments.ts';
import { openBlobStore } from './platform/files/blobs.ts';
import { automationRoutes } from './automation/routes.ts';
import { type Automation, automation as startAutomation, type AutomationConfig } from './automation/runner.ts';
import { auditRoutes } from './audit/routes.ts';
import { calendarRoutes } from './calendar/routes.ts';
import { notificationRoutes } from './notifications/routes.ts';
import { importRoutes } from './imports/routes.ts';
import { recordCsv } from './imports/export.ts';
import { backupRoutes } from './backup/routes.ts';
import { type ConsumerOptions, eventConsumers } from './consumers.ts';
import { webhookRoutes } from './webhooks/routes.ts';
import { openapiWebhooks, webhookPolicy } from './webhooks/webhook.ts';
import { accountRoutes } from './accounts/routes.ts';
import { type AccountMail, accountMail } from './accounts/mail.ts';
import { signInGate } from './accounts/twoFactorSignIn.ts';
import { mayTurnOffPasswordSignIn } from './accounts/sso.ts';
import { loadSecretKey, sealer as makeSealer } from './platform/secrets.ts';
import { smtpMailer } from './notifications/mail.ts';
import packageJson from '../package.json' with { type: 'json' };

export interface ServerOptions extends Pick<Config, 'databaseUrl' | 'logLevel' | 'sessionTtlMs'>, Partial<Pick<Config, 'trustProxy' | 'maxUploadMb' | 'orgStorageMb' | 'filesDir' | 'secretKey' | 'secretKeyFile' | 'ssoAllowPrivate'>>, ConsumerOptions {
  /** Single sign-on: let OpenID providers at http:// and loopback addresses through — for tests with a local provider only; nothing sets it from the environment. */
  ssoAllowLocalIssuers?: boolean;
  /** Where the web app is reached from outside (FINISHLINE_PUBLIC_URL): calendar feed addresses and task links start with it. */
  publicUrl?: string;
  clock?: Clock;
  webDist?: string;
  /** Failed log-ins allowed per client address in a window (default 10 a minute), counted in the database. */
  loginRateLimit?: { max: number; timeWindow: number };
  /** Failed logins allowed per account from one address in a window (default 10 in 15 minutes). */
  accountLoginLimit?: { max: number; windowMs: number };
  /** Lead-form submissions allowed per client address in a window (default 5 in 10 minutes), counted in the database. */
  leadFormLimit?: { max: number; windowMs: number };
  /** Sign-ups allowed per client address in a window (default 10 an hour). */
  signupLimit?: { max: number; windowMs: number };
  /** The automation loop runs in the server unless `loop` is false (tests drive it with server.automation.drain()). */
  automation?: Partial<AutomationConfig> & { loop?: boolean };
}

export interface Server {
  app: FastifyInstance;
  /** Account email (invitations, resets) waiting to go out: `mail.idle()` resolves once it has. */
  mail: AccountMail;
  deps: Deps;
  database: OpenDatabase;
  automation: Automation;
  files: Files;
  close(): Promise<void>;
}

export async function buildServer(options: ServerOptions): Promise<Server> {
  const database = openDatabase(options.databaseUrl);
  await migrateToLatest(database.db);
  await refreshStatistics(database.db);
  const deps: Deps = { db: database.db, clock: options.clock ?? systemClock };
  const sealer = makeSealer(loadSecretKey(options));
  const app = await createApp({
    db: deps.db,
    clock: deps.clock,
    authenticate: (secret) => authenticate(deps, secret),
    logLevel: options.logLevel,
    webDist: options.webDist,
    version: packageJson.version,
    trustProxy: options.trustProxy ?? DEFAULT_TRUST_PROXY,
    openapiWebhooks: openapiWebhooks(),
  });
  const files = fileSettings(deps, {
    blobs: openBlobStore(database.dialect, options.databaseUrl, deps.db, options.filesDir),
    maxUploadBytes: (options.maxUploadMb ?? 25) * 1024 * 1024,
    orgStorageBytes: options.orgStorageMb == null ? null : options.orgStorageMb * 1024 * 1024,
  });
  peopleRoutes(app, deps, {
    storageOf: async (orgId) => ({ usedBytes: await storageUsed(deps.db, orgId), limitBytes: files.orgStorageBytes }),
    startOf: startListOf(deps),
    sessionTtlMs: options.sessionTtlMs,
    loginRateLimit: options.loginRateLimit ?? { max: 10, timeWindow: 60_000 },
    accountLoginLimit: options.accountLoginLimit,
    signupLimit: options.signupLimit,
    signInGate: signInGate(sealer),
    mayTurnOffPasswordSignIn,
  });
  const publicUrl = options.publicUrl ?? process.env.FINISHLINE_PUBLIC_URL ?? 'http://localhost:3000';
  const smtp = options.smtpUrl ? smtpMailer({ smtpUrl: options.smtpUrl, from: options.mailFrom ?? 'Finishline <finishline@localhost>', publicUrl }) : undefined;
  const mail = accountMail({ sender: smtp, publicUrl, onError: (error) => app.log.error({ err: error }, 'account email not sent') });
  accountRoutes(app, deps, { mail, sessionTtlMs: options.sessionTtlMs, sealer, sso: { publicUrl, allowLocalIssuers: options.ssoAllowLocalIssuers, allowPrivate: options.ssoAllowPrivate } });
  auditRoutes(app, deps);
  calendarRoutes(app, deps, { publicUrl });
  taskRoutes(app, deps, files);
  attachmentRoutes(app, deps, files);
  recordRoutes(app, deps, { view: taskView, of: tasksOfRecord }, recordCsv);
  intakeRoutes(app, deps, options.leadFormLimit ?? DEFAULT_LEAD_FORM_LIMIT);
  planRoutes(app, deps);
  importRoutes(app, deps);
  backupRoutes(app, deps, database);
  reportRoutes(app, deps);
  notificationRoutes(app, deps);
  registerStream(app, deps.db);
  const automation = startAutomation(database.worker ? { ...deps, db: database.worker } : deps, { tickMs: 5000, consumers: eventConsumers(options), ...options.automation, onError: (error) => app.log.error({ err: error }, 'automation round failed') });
  automationRoutes(app, deps, automation);
  webhookRoutes(app, deps, webhookPolicy(options.webhooks));
  // A write usually means new events: run the rules promptly rather than at the next tick.
  app.addHook('onResponse', async (request, reply) => {
    if (request.method !== 'GET' && reply.statusCode < 400) automation.wake();
  });
  const handlersDone = trackHandlers(app);
  // Once stopping, every reply ends its connection: a keep-alive connection answered after close began would
  // otherwise stay open, idle, and hold the close up for good.
  let closing = false;
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  await app.ready();
  if (options.automation?.loop !== false) automation.start();
  // Once an hour: the orphan sweep (stored files no attachment names — a delete whose clean-up was cut
  // short — and half-written uploads), and the planner's statistics brought up to date as the data grows.
  const sweeper = setInterval(() => {
    void files.sweep().catch((error) => app.log.error({ err: error }, 'file sweep failed'));
    void refreshStatistics(deps.db).catch((error) => app.log.error({ err: error }, 'statistics not refreshed'));
  }, 3600_000);
  sweeper.unref();
  return {
    app,
    mail,
    deps,
    database,
    automation,
    files,
    async close() {
      closing = true;
      clearInterval(sweeper);
      await automation.stop();
      // Connections idle when closing began are closed at once; one still sending a response (a large
      // download) would otherwise stay open, idle, for the whole keep-alive time once its response is done.
      const idleSweep = setInterval(() => app.server.closeIdleConnections(), 100);
      await app.close().finally(() => clearInterval(idleSweep));
      await mail.idle();
      smtp?.close();
      // A handler can still be at work after its connection went (a client that gave up): the database waits for it.
      await handlersDone(10_000);
      await database.close();
    },
  };
}

/**
 * Resolves once every request's handler has answered (or handed its
 * connection over, as the live stream does), or after `timeoutMs`.
 */
function trackHandlers(app: FastifyInstance): (timeoutMs: number) => Promise<void> {
  const open = new Set<FastifyReply>();
  app.addHook('onRequest', async (_request, reply) => {
    // A reply whose client went away may never see onResponse: forget those already answered.
    if (open.size >= 1000) for (const earlier of open) if (earlier.sent) open.delete(earlier);
    open.add(reply);
  });
  app.addHook('onResponse', async (_request, reply) => {
    open.delete(reply);
  });
  return async (timeoutMs) => {
    const until = Date.now() + timeoutMs;
    while ([...open].some((reply) => !reply.sent) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
  };
}

/** A new business's first steps, each read from its data: people, playbook rules, leads, tasks. */
function startListOf(deps: Deps): StartListSource {
  return async (orgId) => {
    const reader = { userId: 'start-list', orgId, role: 'owner' as const };
    const [people, playbook, leads, tasks] = await Promise.all([
      listUsers(deps, reader, { limit: 2 }),
      hasPlaybookInstalled(deps, orgId),
      listRecords(deps, reader, 'lead', leadListQuery.parse({ limit: '1' })),
      countTasks(deps, reader, countsQuery.parse({ status: 'all' })),
    ]);
    return { team: people.items.length > 1, playbook, lead: leads.items.length > 0, task: tasks.total > 0 };
  };
}
