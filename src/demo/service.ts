// Loads the demo business into a database: people and teams, customers, a
// sales pipeline with leads in every stage, jobs past and future, service
// plans, and tasks in every status — all through the features' own use cases,
// replayed in time order on a hand-moved clock so histories and events read
// like a real month. `scale` then adds that many more tasks in bulk.
import { ManualClock, systemClock } from '../platform/clock.ts';
import type { Deps } from '../platform/context.ts';
import type { OpenDatabase } from '../platform/db/database.ts';
import { createUserBody, teamBody } from '../people/person.ts';
import { createTeam, createUser, credentials, signup } from '../people/service.ts';
import { createClientBody, createContactBody } from '../records/records.ts';
import * as records from '../records/service.ts';
import { address, businessName, DAY, DEMO_PASSWORD, Dice, emailOf, HOUR, ORG, PEOPLE, personName, phone, TEAM_NAMES, type TeamKey } from './business.ts';
import { addBulkTasks } from './bulk.ts';
import { type AutomationRunner, DEMO_SIZE, type DemoOptions, type DemoResult } from './options.ts';
import { type Business, membersOf, type Step } from './state.ts';
import { ruleTaskWork } from './ruleWork.ts';
import { planJobs, planLeads, planServices, planTasks } from './story.ts';

export { type AutomationRunner, DEMO_SIZE, type DemoOptions, type DemoResult, type PlaybookInstaller } from './options.ts';

export async function loadDemo(database: OpenDatabase, options: DemoOptions): Promise<DemoResult> {
  const now = (options.clock ?? systemClock).now();
  const start = Math.floor((now - 30 * DAY) / HOUR) * HOUR;
  const clock = new ManualClock(start);
  const deps: Deps = { db: database.db, clock };
  const dice = new Dice(options.seed);
  const { orgId, email, owner } = await signupOwner(deps);
  const biz: Business = { deps, clock, dice, now, start, owner, people: [], teams: {} as Record<TeamKey, string>, placed: { lead: [], job: [], service: [], client: [] }, contacts: [] };

  await hirePeople(biz, email.split('@')[1]!.replace(/\.demo$/, ''));
  await addCustomers(biz);
  // With its trade's rules in place, the month's events run them once a worker starts: rules and runs to look at.
  if (options.installPlaybook) await options.installPlaybook(deps, owner, ORG.trade);
  // Tasks are planned against the records planned before them (in this order); ids are filled in as the steps run.
  await replay(biz, [...planLeads(biz), ...planJobs(biz), ...planServices(biz), ...planTasks(biz)], options.seed, options.runAutomation);
  clock.set(now);
  await options.runAutomation?.(deps);
  const replayed = await database.db.selectFrom('tasks').select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', orgId).executeTakeFirstOrThrow();

  const bulk = await addBulkTasks(database, biz, options);
  return {
    orgId,
    orgName: ORG.name,
    login: { email, password: DEMO_PASSWORD },
    counts: {
      people: biz.people.length + 1,
      teams: 3,
      contacts: DEMO_SIZE.contacts,
      clients: DEMO_SIZE.households + DEMO_SIZE.businesses,
      pipelines: 2,
      leads: DEMO_SIZE.leads + DEMO_SIZE.commercialLeads,
      jobs: DEMO_SIZE.jobs,
      services: DEMO_SIZE.services,
      // The month's own tasks, those its rules made, and the bulk ones.
      tasks: Number(replayed.n) + options.scale,
    },
    bulk,
  };
}

/**
 * Signs the owner up; a database that already has the demo gets another one beside it
 * (rapidflow-plumbing-2, …), under emails of its own so each demo's login signs straight in to it.
 */
async function signupOwner(deps: Deps) {
  const owner = PEOPLE[0]!;
  for (let attempt = 1; ; attempt++) {
    const domain = attempt === 1 ? ORG.domain : `${ORG.domain}-${attempt}`;
    const email = emailOf(owner.name, domain);
    if ((await credentials.peopleByEmail(deps.db, email)).length > 0) {
      if (attempt >= 50) throw new Error(`The database has 50 demo businesses already (${email})`);
      continue;
    }
    const result = await signup(deps, { orgName: ORG.name, timezone: ORG.timezone, name: owner.name, email, password: DEMO_PASSWORD }, { sessionTtlMs: HOUR });
    return { orgId: result.org.id, email, owner: { userId: result.user.id, orgId: result.org.id, role: 'owner' as const } };
  }
}

async function hirePeople(biz: Business, domain: string): Promise<void> {
  for (const person of PEOPLE.slice(1)) {
    biz.clock.advance(5 * 60_000);
    const input = createUserBody.parse({ name: person.name, email: emailOf(person.name, domain), role: person.role, password: DEMO_PASSWORD });
    const user = await createUser(biz.deps, biz.owner, input);
    biz.people.push({ id: user.id, actor: { userId: user.id, orgId: biz.owner.orgId, role: person.role }, team: person.team });
  }
  for (const key of Object.keys(TEAM_NAMES) as TeamKey[]) {
    const members = PEOPLE.slice(1).map((p, i) => ({ p, id: biz.people[i]!.id })).filter(({ p }) => p.team === key);
    const managerId = members.find(({ p }) => p.lead)?.id ?? null;
    const team = await createTeam(biz.deps, biz.owner, teamBody.parse({ name: TEAM_NAMES[key], memberIds: members.map((m) => m.id), managerId }));
    biz.teams[key] = team.id;
  }
}

async function addCustomers(biz: Business): Promise<void> {
  const { dice, deps, owner } = biz;
  const office = [owner, ...membersOf(biz, 'office').map((p) => p.actor)];
  for (let i = 0; i < DEMO_SIZE.contacts; i++) {
    biz.clock.advance(7 * 60_000);
    const name = personName(dice);
    const input = createContactBody.parse({ name, phone: phone(dice), email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}${i}@example.com`, address: address(dice) });
    const contact = await records.createContact(deps, dice.pick(office), input);
    biz.contacts.push({ id: contact.id, name, address: contact.address! });
  }
  for (let i = 0; i < DEMO_SIZE.households + DEMO_SIZE.businesses; i++) {
    biz.clock.advance(7 * 60_000);
    const household = i < DEMO_SIZE.households;
    const contact = biz.contacts[i]!;
    const name = household ? `${contact.name.split(' ')[1]} household` : businessName(dice, i - DEMO_SIZE.households);
    const contactIds = household ? [contact.id] : [contact.id, biz.contacts[DEMO_SIZE.contacts - 1 - i]!.id];
    const input = createClientBody.parse({ name, contactIds, address: household ? contact.address : address(dice), notes: household ? '' : 'Commercial account: invoice monthly, PO number required.' });
    const client = await records.createClient(deps, dice.pick(office), input);
    biz.placed.client.push({ id: client.id, name, at: biz.clock.now(), also: [{ type: 'contact', id: contact.id }] });
  }
}

/**
 * Steps run in time order, each on the clock of its moment. The automation, when given, catches up
 * before each step (timers due by then fire first) and after it, and the tasks its rules made are
 * given their own steps — done on time, done late or left open — which join the queue in time order.
 */
async function replay(biz: Business, steps: Step[], seed: number, runAutomation?: AutomationRunner): Promise<void> {
  const queue = [...steps].sort((a, b) => a.at - b.at);
  const ruleWork = ruleTaskWork(biz, new Dice(seed + 1));
  const automate = async () => {
    if (!runAutomation) return;
    await runAutomation(biz.deps);
    for (const step of await ruleWork()) {
      const at = queue.findIndex((s) => s.at > step.at);
      queue.splice(at === -1 ? queue.length : at, 0, step);
    }
  };
  for (let step = queue.shift(); step; step = queue.shift()) {
    biz.clock.set(Math.max(step.at, biz.clock.now()));
    await automate();
    await step.run();
    await automate();
  }
}
