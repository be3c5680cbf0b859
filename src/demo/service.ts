// Loads the demo business into a database: people and teams, customers, a
// sales pipeline with leads in every stage, jobs past and future, service
// plans, and tasks in every status — all through the features' own use cases,
// replayed in time order on a hand-moved clock so histories and events read
// like a real month. `scale` then adds that many more tasks in bulk.
import { ManualClock, systemClock, type Clock } from '../platform/clock.ts';
import type { Actor, Deps } from '../platform/context.ts';
import type { OpenDatabase } from '../platform/db/database.ts';
import type { Db } from '../platform/db/schema.ts';
import { Conflict } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { createUserBody, teamBody } from '../people/person.ts';
import { createTeam, createUser, reserveTaskNumbers, signup } from '../people/service.ts';
import {
  createClientBody,
  createContactBody,
  createJobBody,
  createLeadBody,
  createPipelineBody,
  createServiceBody,
  DEFAULT_PIPELINE,
  type JobStatus,
} from '../records/records.ts';
import * as records from '../records/service.ts';
import { createTaskBody, updateTaskBody } from '../tasks/task.ts';
import { createTask, updateTask } from '../tasks/service.ts';
import {
  address,
  BLOCKED_BY,
  businessName,
  DAY,
  DEMO_PASSWORD,
  Dice,
  emailOf,
  HOUR,
  jobTitle,
  LEAD_SOURCES,
  leadTitle,
  ORG,
  PEOPLE,
  personName,
  phone,
  PRIORITY_WEIGHTS,
  type RecordKind,
  SERVICE_PLANS,
  STATUS_WEIGHTS,
  TASK_TEMPLATES,
  TEAM_NAMES,
  type TaskStatus,
  type TeamKey,
  WAITING_ON,
} from './business.ts';
import { fillReportRollups } from '../platform/db/migrations.ts';
import { type BulkHistory, type BulkLink, type BulkTask, insertTaskBatch, withoutTaskIndexes } from './store.ts';

/** How big the demo business is, before `scale`. */
export const DEMO_SIZE = { contacts: 40, households: 16, businesses: 8, leads: 30, commercialLeads: 4, jobs: 36, services: 16, tasks: 90 };

export interface DemoOptions {
  seed: number;
  /** Extra tasks to add in bulk (0 for none). */
  scale: number;
  clock?: Clock;
  /** Bulk tasks per transaction. */
  batchSize?: number;
  /** From how many bulk tasks the task indexes are dropped and built again at the end (default 100,000). */
  rebuildIndexesFrom?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface DemoResult {
  orgId: string;
  orgName: string;
  login: { email: string; password: string };
  counts: { people: number; teams: number; contacts: number; clients: number; pipelines: number; leads: number; jobs: number; services: number; tasks: number };
  bulk: { tasks: number; ms: number; perSecond: number };
}

interface Placed {
  id: string;
  name: string;
  at: number;
  /** Records a task about this one also links to (a lead's contact, a job's client). */
  also: { type: 'contact' | 'client'; id: string }[];
}

interface Business {
  deps: Deps;
  clock: ManualClock;
  dice: Dice;
  now: number;
  start: number;
  owner: Actor;
  people: { id: string; actor: Actor; team: TeamKey | null }[];
  teams: Record<TeamKey, string>;
  placed: Record<RecordKind, Placed[]>;
  contacts: { id: string; name: string; address: string }[];
}

type Step = { at: number; run: () => Promise<unknown> };

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
  // Tasks are planned against the records planned before them (in this order); ids are filled in as the steps run.
  await replay(biz, [...planLeads(biz), ...planJobs(biz), ...planServices(biz), ...planTasks(biz)]);
  clock.set(now);

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
      tasks: DEMO_SIZE.tasks + options.scale,
    },
    bulk,
  };
}

/** Signs the owner up; a database that already has the demo gets another one beside it (rapidflow-plumbing-2, …). */
async function signupOwner(deps: Deps) {
  const owner = PEOPLE[0]!;
  for (let attempt = 1; ; attempt++) {
    const domain = attempt === 1 ? ORG.domain : `${ORG.domain}-${attempt}`;
    const email = emailOf(owner.name, domain);
    try {
      const result = await signup(deps, { orgName: ORG.name, timezone: ORG.timezone, name: owner.name, email, password: DEMO_PASSWORD }, { sessionTtlMs: HOUR });
      return { orgId: result.org.id, email, owner: { userId: result.user.id, orgId: result.org.id, role: 'owner' as const } };
    } catch (error) {
      if (!(error instanceof Conflict) || attempt >= 50) throw error;
    }
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

function membersOf(biz: Business, team: TeamKey) {
  return biz.people.filter((p) => p.team === team);
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

/** Steps run in time order, each on the clock of its moment. */
async function replay(biz: Business, steps: Step[]): Promise<void> {
  steps.sort((a, b) => a.at - b.at);
  for (const step of steps) {
    biz.clock.set(Math.max(step.at, biz.clock.now()));
    await step.run();
  }
}

function between(dice: Dice, from: number, to: number): number {
  return to <= from ? from : from + Math.floor(dice.float() * (to - from));
}

function planLeads(biz: Business): Step[] {
  const { dice, deps, now, start } = biz;
  const sales = membersOf(biz, 'sales');
  const stages = DEFAULT_PIPELINE.stages.map((s) => s.key);
  const steps: Step[] = [];
  const commercial = { id: '' };
  steps.push({
    at: start + HOUR,
    run: async () => {
      const input = createPipelineBody.parse({
        name: 'Commercial contracts',
        stages: [{ key: 'enquiry', name: 'Enquiry' }, { key: 'site_visit', name: 'Site visit' }, { key: 'proposal', name: 'Proposal sent' }, { key: 'won', name: 'Won' }, { key: 'lost', name: 'Lost' }],
      });
      commercial.id = (await records.createPipeline(deps, biz.owner, input)).id;
    },
  });
  for (let i = 0; i < DEMO_SIZE.leads + DEMO_SIZE.commercialLeads; i++) {
    const isCommercial = i >= DEMO_SIZE.leads;
    const contact = biz.contacts[DEMO_SIZE.households + DEMO_SIZE.businesses + (i % (DEMO_SIZE.contacts - DEMO_SIZE.households - DEMO_SIZE.businesses))] ?? dice.pick(biz.contacts);
    const path = isCommercial ? ['enquiry', 'site_visit', 'proposal', 'won', 'lost'] : stages;
    // Every stage holds leads: the first of each pipeline's round goes to each stage in turn.
    const target = i < stages.length ? i : Number(dice.weighted({ 0: 4, 1: 3, 2: 3, 3: 2, 4: 1 }));
    const moves = target <= 2 ? path.slice(1, target + 1) : [...path.slice(1, 3), path[target]!];
    const at = between(dice, start + DAY, now - (moves.length + 1) * DAY);
    const owner = dice.pick(sales);
    const title = leadTitle(dice, contact.name);
    const placed: Placed = { id: '', name: title, at, also: [{ type: 'contact', id: contact.id }] };
    biz.placed.lead.push(placed);
    const value = dice.int(3, 240) * 50;
    const source = dice.weighted(LEAD_SOURCES);
    steps.push({
      at,
      run: async () => {
        const input = createLeadBody.parse({ title, contactId: contact.id, value, source, ownerId: owner.id, ...(isCommercial && { pipelineId: commercial.id }) });
        placed.id = (await records.createLead(deps, owner.actor, input)).id;
      },
    });
    let when = at;
    for (const stage of moves) {
      when = between(dice, when + 2 * HOUR, Math.min(when + 3 * DAY, now - HOUR));
      steps.push({ at: when, run: () => records.updateLead(deps, owner.actor, placed.id, { stage }) });
    }
  }
  return steps;
}

const FORCED_JOBS: { status: JobStatus; offset: number }[] = [
  { status: 'completed', offset: -3 * DAY },
  { status: 'incomplete', offset: -2 * DAY },
  { status: 'cancelled', offset: -5 * DAY },
  { status: 'missed', offset: -1 * DAY },
  { status: 'in_progress', offset: -HOUR },
  { status: 'scheduled', offset: 2 * DAY },
];

function planJobs(biz: Business): Step[] {
  const { dice, deps, now, start } = biz;
  const field = membersOf(biz, 'field');
  const dispatch = [biz.owner, ...membersOf(biz, 'office').map((p) => p.actor)];
  const steps: Step[] = [];
  const day = (t: number) => Math.floor(t / DAY) * DAY;
  for (let i = 0; i < DEMO_SIZE.jobs; i++) {
    const forced = FORCED_JOBS[i];
    const scheduledStart = forced ? now + forced.offset : day(now + between(dice, -20 * DAY, 14 * DAY)) + dice.int(8, 15) * HOUR;
    const scheduledEnd = scheduledStart + dice.int(1, 4) * HOUR;
    const client = dice.pick(biz.placed.client);
    const technicians = dice.chance(0.3) ? [dice.pick(field), dice.pick(field)] : [dice.pick(field)];
    const technicianIds = [...new Set(technicians.map((t) => t.id))];
    const createdAt = Math.max(start + 2 * HOUR, Math.min(scheduledStart - dice.int(1, 7) * DAY, now - 2 * HOUR));
    const status: JobStatus =
      forced?.status ??
      (scheduledEnd < now ? dice.weighted({ completed: 14, incomplete: 2, cancelled: 2, missed: 2 }) : scheduledStart < now ? 'in_progress' : 'scheduled');
    const title = jobTitle(dice);
    const placed: Placed = { id: '', name: `${title} — ${client.name}`, at: createdAt, also: [{ type: 'client', id: client.id }] };
    biz.placed.job.push(placed);
    const actor = dice.pick(dispatch);
    steps.push({
      at: createdAt,
      run: async () => {
        const input = createJobBody.parse({ title: placed.name, clientId: client.id, address: (await records.getRecord(deps, actor, 'client', client.id)).address, scheduledStart: new Date(scheduledStart).toISOString(), scheduledEnd: new Date(scheduledEnd).toISOString(), technicianIds });
        placed.id = (await records.createJob(deps, actor, input)).id;
      },
    });
    if (status !== 'scheduled') {
      const at = status === 'cancelled' ? Math.min(scheduledStart - HOUR, now - HOUR) : status === 'in_progress' ? Math.min(scheduledStart, now - 60_000) : Math.min(scheduledEnd, now - 60_000);
      const tech = biz.people.find((p) => p.id === technicianIds[0])!;
      steps.push({ at: Math.max(at, createdAt + 60_000), run: () => records.updateJob(deps, status === 'cancelled' || status === 'missed' ? actor : tech.actor, placed.id, { status }) });
    }
  }
  return steps;
}

function planServices(biz: Business): Step[] {
  const { dice, deps, now, start } = biz;
  const office = [biz.owner, ...membersOf(biz, 'office').map((p) => p.actor)];
  return Array.from({ length: DEMO_SIZE.services }, (_, i) => {
    const plan = SERVICE_PLANS[i % SERVICE_PLANS.length]!;
    const client = biz.placed.client[(i * 5) % biz.placed.client.length]!;
    const at = between(dice, start + 3 * HOUR, now - 5 * DAY);
    const nextDueAt = Math.floor((now + between(dice, -10 * DAY, 120 * DAY)) / HOUR) * HOUR;
    const placed: Placed = { id: '', name: `${plan.title} — ${client.name}`, at, also: [{ type: 'client', id: client.id }] };
    biz.placed.service.push(placed);
    const actor = dice.pick(office);
    return {
      at,
      run: async () => {
        const input = createServiceBody.parse({ title: placed.name, clientId: client.id, kind: plan.kind, nextDueAt: new Date(nextDueAt).toISOString() });
        placed.id = (await records.createService(deps, actor, input)).id;
      },
    };
  });
}

const FORCED_TASKS: { status: TaskStatus; overdue: boolean }[] = [
  { status: 'open', overdue: false },
  { status: 'in_progress', overdue: false },
  { status: 'waiting', overdue: false },
  { status: 'blocked', overdue: false },
  { status: 'done', overdue: false },
  { status: 'cancelled', overdue: false },
  { status: 'open', overdue: true },
  { status: 'in_progress', overdue: true },
  { status: 'open', overdue: true },
  { status: 'blocked', overdue: true },
];

function planTasks(biz: Business): Step[] {
  const { dice, deps, now } = biz;
  const steps: Step[] = [];
  for (let i = 0; i < DEMO_SIZE.tasks; i++) {
    const template = dice.pick(TASK_TEMPLATES);
    const record = dice.pick(biz.placed[template.record]);
    const forced = FORCED_TASKS[i];
    const status = forced?.status ?? dice.weighted(STATUS_WEIGHTS);
    const at = between(dice, Math.max(record.at + HOUR, now - 21 * DAY), now - 3 * HOUR);
    const overdue = forced ? forced.overdue : dice.chance(0.3);
    const dueAt = overdue && status !== 'done' && status !== 'cancelled' ? between(dice, at + HOUR, now - HOUR) : dice.chance(0.15) ? null : now + dice.int(2, 240) * HOUR;
    const members = membersOf(biz, template.team);
    const picked = dice.chance(0.85) ? dice.pick(members) : null;
    // The owner signs in first: give them every eighth task so My work has something in each section.
    const assignee = i % 8 === 0 ? { id: biz.owner.userId, actor: biz.owner } : picked;
    const links = [{ type: template.record, id: '' }, ...record.also];
    const priority = dice.weighted(PRIORITY_WEIGHTS);
    const key = { value: '' };
    steps.push({
      at,
      run: async () => {
        links[0]!.id = record.id;
        const input = createTaskBody.parse({
          title: template.title.replace('{name}', record.name),
          priority,
          dueAt: dueAt === null ? null : new Date(dueAt).toISOString(),
          assigneeId: assignee?.id ?? null,
          teamId: biz.teams[template.team],
          links,
          checklist: template.checklist ?? [],
        });
        key.value = (await createTask(deps, biz.owner, input, { kind: 'manual' })).key;
      },
    });
    if (status === 'open') continue;
    const actor = assignee?.actor ?? biz.owner;
    const change =
      status === 'waiting' ? { status, waitingOn: dice.pick(WAITING_ON) } : status === 'blocked' ? { status, blockedReason: dice.pick(BLOCKED_BY) } : { status };
    steps.push({ at: between(dice, at + 20 * 60_000, Math.min(at + 3 * DAY, now - 60_000)), run: () => updateTask(deps, actor, key.value, updateTaskBody.parse(change)) });
  }
  return steps;
}

// --- bulk -----------------------------------------------------------------------

const INDEX_REBUILD_FROM = 100_000;
const PRIORITY_RANK = { urgent: 0, high: 1, normal: 2, low: 3 } as const;
const NO_DUE_DATE = 8_640_000_000_000_000;

async function addBulkTasks(database: OpenDatabase, biz: Business, options: DemoOptions): Promise<DemoResult['bulk']> {
  const total = options.scale;
  if (total <= 0) return { tasks: 0, ms: 0, perSecond: 0 };
  const started = performance.now();
  const batchSize = options.batchSize ?? 10_000;
  const first = await database.db.transaction().execute((trx) => reserveTaskNumbers(trx, biz.owner.orgId, total));
  // Its own dice, so the base business is the same whatever the scale.
  const dice = new Dice(options.seed * 7919 + 1);
  const people = biz.people.filter((p) => p.team !== null);
  const load = async (within?: Db) => {
    options.onProgress?.(0, total);
    for (let done = 0; done < total; ) {
      const count = Math.min(batchSize, total - done);
      const tasks: BulkTask[] = [];
      const links: BulkLink[] = [];
      const history: BulkHistory[] = [];
      for (let i = 0; i < count; i++) bulkTask(biz, dice, people, first + done + i, tasks, links, history);
      await insertTaskBatch(database, { tasks, links, history }, within);
      done += count;
      options.onProgress?.(done, total);
    }
  };
  // Past this size, building the indexes once at the end beats keeping them up to date row by row.
  if (total >= (options.rebuildIndexesFrom ?? INDEX_REBUILD_FROM)) await withoutTaskIndexes(database, load);
  else await load();
  // The rows went in around the task service: the reports' rollup is rebuilt from their history.
  await fillReportRollups(database.db, biz.owner.orgId);
  const ms = Math.round(performance.now() - started);
  return { tasks: total, ms, perSecond: Math.round(total / Math.max(ms / 1000, 0.001)) };
}

function bulkTask(biz: Business, dice: Dice, people: Business['people'], number: number, tasks: BulkTask[], links: BulkLink[], history: BulkHistory[]): void {
  const { now, owner } = biz;
  const template = dice.pick(TASK_TEMPLATES);
  const record = dice.pick(biz.placed[template.record]);
  const status = dice.weighted(STATUS_WEIGHTS);
  const final = status === 'done' || status === 'cancelled';
  const createdAt = now - dice.int(1, 180 * 24) * HOUR;
  const updatedAt = status === 'open' ? createdAt : Math.min(createdAt + dice.int(1, 120) * HOUR, now);
  const dueAt = dice.chance(0.15) ? null : createdAt + dice.int(2, 14 * 24) * HOUR;
  const team = people.filter((p) => p.team === template.team);
  const assignee = dice.chance(0.85) ? dice.pick(team) : null;
  const priority = dice.weighted(PRIORITY_WEIGHTS);
  const id = newId();
  const taskLinks = [{ type: template.record, id: record.id }, ...record.also];
  // Columns left out take their defaults.
  const row = {
    id,
    org_id: owner.orgId,
    number,
    title: template.title.replace('{name}', record.name),
    description: '',
    status,
    active: final ? 0 : 1,
    priority,
    priority_rank: PRIORITY_RANK[priority],
    due_at: dueAt,
    due_sort: dueAt ?? NO_DUE_DATE,
    assignee_id: assignee?.id ?? null,
    team_id: biz.teams[template.team],
    links: JSON.stringify(taskLinks),
    checklist: '[]',
    waiting_on: status === 'waiting' ? dice.pick(WAITING_ON) : null,
    blocked_reason: status === 'blocked' ? dice.pick(BLOCKED_BY) : null,
    source_kind: 'api',
    source_rule_id: null,
    source_event_id: null,
    recurrence: null,
    created_by_id: owner.userId,
    created_at: createdAt,
    updated_at: updatedAt,
    completed_at: status === 'done' ? updatedAt : null,
    version: status === 'open' ? 1 : 2,
  };
  tasks.push(row as BulkTask);
  for (const link of taskLinks) links.push({ org_id: owner.orgId, task_id: id, record_type: link.type, record_id: link.id });
  const actorId = assignee?.id ?? owner.userId;
  history.push({ id: newId(), org_id: owner.orgId, task_id: id, actor_id: owner.userId, at: createdAt, field: 'status', from_value: null, to_value: 'open' });
  if (status !== 'open') history.push({ id: newId(), org_id: owner.orgId, task_id: id, actor_id: actorId, at: updatedAt, field: 'status', from_value: 'open', to_value: status });
}
