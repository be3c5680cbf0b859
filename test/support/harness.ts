// Runs a block of API tests once per database, each against its own real
// server (listening on a port) and its own fresh database.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ManualClock } from '../../src/platform/clock.ts';
import { buildServer, type Server, type ServerOptions } from '../../src/server.ts';
import { type DatabaseChoice, testDatabases } from './databases.ts';
import { type Client, client } from './http.ts';

export interface Org {
  id: string;
  token: string;
  user: { id: string; email: string; role: string; name: string };
  api: Client;
}

export interface Member {
  id: string;
  token: string;
  user: { id: string; email: string; role: string; name: string };
  api: Client;
}

export interface TestContext {
  dialect: 'sqlite' | 'postgres';
  baseUrl: string;
  clock: ManualClock;
  server: Server;
  /** A client with no credentials. */
  anonymous: Client;
  client(token?: string): Client;
  /** Signs up a new organisation; its owner's token and client. */
  signup(orgName?: string): Promise<Org>;
  /** Adds a person with this role to the organisation and logs them in. */
  addUser(org: Org, role: 'admin' | 'manager' | 'member', name?: string): Promise<Member>;
  createTask(api: Client, body?: Record<string, unknown>): Promise<any>;
  /** Creates a CRM record (contacts, clients, leads, jobs, services, pipelines) with a plausible body, overridden by `body`. */
  createRecord(api: Client, plural: RecordPlural, body?: Record<string, unknown>): Promise<any>;
}

export const PASSWORD = 'a long enough password';

export type RecordPlural = 'contacts' | 'clients' | 'leads' | 'jobs' | 'services' | 'pipelines';
const RECORD_DEFAULTS: Record<RecordPlural, Record<string, unknown>> = {
  contacts: { name: 'Dana Reyes', phone: '+44 20 7946 0018', address: '12 Elm Road, Leeds' },
  clients: { name: 'Reyes Household', address: '12 Elm Road, Leeds' },
  leads: { title: 'Boiler replacement quote', source: 'website', value: 2400 },
  jobs: { title: 'Replace kitchen tap', address: '12 Elm Road, Leeds' },
  services: { title: 'Annual boiler service', kind: 'maintenance_plan' },
  pipelines: { name: 'Commercial', stages: [{ key: 'enquiry', name: 'Enquiry' }, { key: 'site_visit', name: 'Site visit' }, { key: 'won', name: 'Won' }] },
};

const choices = await testDatabases();

export function forEachDatabase(title: string, body: (ctx: TestContext) => void, options: Partial<ServerOptions> = {}): void {
  describe.each(choices)(`${title} [$name]`, (choice: DatabaseChoice) => {
    const ctx = {} as TestContext;
    describe.skipIf(choice.skip !== null)(choice.skip ? `skipped: ${choice.skip}` : 'on a fresh database', () => {
      const database = choice.make();
      beforeAll(async () => {
        const clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));
        const server = await buildServer({
          databaseUrl: await database.create(),
          logLevel: 'silent',
          sessionTtlMs: 14 * 24 * 3600_000,
          clock,
          loginRateLimit: { max: 1000, timeWindow: 60_000 },
          leadFormLimit: { max: 1000, windowMs: 60_000 },
          signupLimit: { max: 1000, windowMs: 3600_000 },
          automation: { loop: false },
          secretKey: randomBytes(32).toString('hex'),
          ...options,
        });
        const address = await server.app.listen({ port: 0, host: '127.0.0.1' });
        Object.assign(ctx, makeContext(choice.name, address, clock, server));
      });
      afterAll(async () => {
        await ctx.server?.close();
        await database.drop();
      });
      body(ctx);
    });
  });
}

function makeContext(dialect: 'sqlite' | 'postgres', baseUrl: string, clock: ManualClock, server: Server): TestContext {
  const signup = async (orgName = 'Acme Plumbing'): Promise<Org> => {
    const email = `owner-${randomBytes(5).toString('hex')}@example.test`;
    const res = await client(baseUrl).post('/api/v1/signup', { orgName, timezone: 'Europe/London', name: 'Olive Owner', email, password: PASSWORD });
    expect(res.status, res.text).toBe(201);
    return { id: res.body.org.id, token: res.body.token, user: res.body.user, api: client(baseUrl, res.body.token) };
  };
  const addUser = async (org: Org, role: 'admin' | 'manager' | 'member', name = `${role} ${randomBytes(3).toString('hex')}`): Promise<Member> => {
    const email = `${role}-${randomBytes(5).toString('hex')}@example.test`;
    const created = await org.api.post('/api/v1/users', { name, email, role, password: PASSWORD });
    expect(created.status, created.text).toBe(201);
    const session = await client(baseUrl).post('/api/v1/sessions', { email, password: PASSWORD });
    expect(session.status, session.text).toBe(201);
    return { id: created.body.id, token: session.body.token, user: created.body, api: client(baseUrl, session.body.token) };
  };
  const createTask = async (api: Client, body: Record<string, unknown> = {}) => {
    const res = await api.post('/api/v1/tasks', { title: 'Call the customer back', ...body });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  const createRecord = async (api: Client, plural: RecordPlural, body: Record<string, unknown> = {}) => {
    const res = await api.post(`/api/v1/${plural}`, { ...RECORD_DEFAULTS[plural], ...body });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  return { dialect, baseUrl, clock, server, anonymous: client(baseUrl), client: (token) => client(baseUrl, token), signup, addUser, createTask, createRecord };
}
