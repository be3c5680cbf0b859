// The month replayed: leads moving through the pipelines, jobs past and
// future, service plans, and tasks in every status, each planned as steps at
// their moment, run through the features' own use cases.
import { DateTime } from 'luxon';
import { createJobBody, createLeadBody, createPipelineBody, createServiceBody, DEFAULT_PIPELINE, type JobStatus } from '../records/records.ts';
import * as records from '../records/service.ts';
import { createTaskBody, updateTaskBody } from '../tasks/task.ts';
import { createTask, updateTask } from '../tasks/service.ts';
import { BLOCKED_BY, DAY, HOUR, jobTitle, LEAD_SOURCES, leadTitle, ORG, PRIORITY_WEIGHTS, SERVICE_PLANS, STATUS_WEIGHTS, TASK_TEMPLATES, type TaskStatus, type TaskTemplate, WAITING_ON } from './business.ts';
import { DEMO_SIZE } from './options.ts';
import { between, type Business, membersOf, type Placed, type Step } from './state.ts';

export function planLeads(biz: Business): Step[] {
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
      steps.push({ at: when, run: () => records.updateLead(deps, owner.actor, { id: placed.id, input: { stage } }) });
    }
  }
  return steps;
}

/** One job in each status, whatever the seed: on the business's day `days` from today, at `hour` o'clock (the one in progress started within the hour). */
const FORCED_JOBS: { status: JobStatus; days: number; hour: number | 'now' }[] = [
  { status: 'completed', days: -3, hour: 9 },
  { status: 'incomplete', days: -2, hour: 10 },
  { status: 'cancelled', days: -5, hour: 14 },
  { status: 'missed', days: -1, hour: 11 },
  { status: 'in_progress', days: 0, hour: 'now' },
  { status: 'scheduled', days: 2, hour: 10 },
];

const QUARTER_HOUR = 15 * 60_000;

/** On the business's own calendar: the day of `at` (in its time zone), `days` later, at `hour` o'clock. */
function visitAt(at: number, days: number, hour: number): number {
  return DateTime.fromMillis(at, { zone: ORG.timezone }).plus({ days }).set({ hour, minute: 0, second: 0, millisecond: 0 }).toMillis();
}

/** When a forced job starts: on the hour in working time, or, for the one in progress, the quarter hour that began at most an hour ago. */
function forcedStart(now: number, forced: (typeof FORCED_JOBS)[number]): number {
  return forced.hour === 'now' ? Math.ceil((now - HOUR) / QUARTER_HOUR) * QUARTER_HOUR : visitAt(now, forced.days, forced.hour);
}

/** Each technician's booked visits, so that a dispatcher's board never books one person twice at once. */
class Bookings {
  private readonly visits = new Map<string, [number, number][]>();
  free(ids: readonly string[], from: number, to: number): boolean {
    return ids.every((id) => !(this.visits.get(id) ?? []).some(([a, b]) => from < b && a < to));
  }
  book(ids: readonly string[], from: number, to: number): void {
    for (const id of ids) this.visits.set(id, [...(this.visits.get(id) ?? []), [from, to]]);
  }
}

/** Tries for a visit no technician of it is already booked in at that time (the last try stands if none is free). */
const PLACEMENT_TRIES = 30;

export function planJobs(biz: Business): Step[] {
  const { dice, deps, now, start } = biz;
  const field = membersOf(biz, 'field');
  const dispatch = [biz.owner, ...membersOf(biz, 'office').map((p) => p.actor)];
  const steps: Step[] = [];
  // Every technician has a visit today (at 9, 11 or 13 o'clock) and the first three a second one at 15, so each has a day to open.
  const today = [...field.map((tech, k) => ({ tech, hour: 9 + (k % 3) * 2 })), ...field.slice(0, 3).map((tech) => ({ tech, hour: 15 }))];
  // Today's visits last at most two hours, so one technician's day does not run its visits into each other; booked
  // first, so the other jobs are placed around them.
  const bookings = new Bookings();
  for (const visit of today) bookings.book([visit.tech.id], visitAt(now, 0, visit.hour), visitAt(now, 0, visit.hour) + 2 * HOUR);
  for (let i = 0; i < DEMO_SIZE.jobs; i++) {
    const forced = FORCED_JOBS[i];
    const todays = forced ? undefined : today[i - FORCED_JOBS.length];
    let scheduledStart = 0;
    let scheduledEnd = 0;
    let technicianIds: string[] = [];
    for (let attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
      // Visits start on the hour between 8 and 15 o'clock, the business's time, as a dispatcher books them.
      const someDay = visitAt(now + between(dice, -20 * DAY, 14 * DAY), 0, dice.int(8, 15));
      scheduledStart = forced ? forcedStart(now, forced) : todays ? visitAt(now, 0, todays.hour) : someDay;
      const hours = dice.int(1, 4);
      scheduledEnd = scheduledStart + (todays ? Math.min(hours, 2) : hours) * HOUR;
      const technicians = dice.chance(0.3) ? [dice.pick(field), dice.pick(field)] : [dice.pick(field)];
      technicianIds = todays ? [todays.tech.id] : [...new Set(technicians.map((t) => t.id))];
      if (todays || bookings.free(technicianIds, scheduledStart, scheduledEnd)) break;
    }
    if (!todays) bookings.book(technicianIds, scheduledStart, scheduledEnd);
    const client = dice.pick(biz.placed.client);
    const createdAt = Math.max(start + 2 * HOUR, Math.min(scheduledStart - dice.int(1, 7) * DAY, now - 2 * HOUR));
    const status: JobStatus =
      forced?.status ??
      (scheduledEnd < now ? dice.weighted({ completed: 14, incomplete: 2, cancelled: 2, missed: 2 }) : scheduledStart < now ? 'in_progress' : 'scheduled');
    const title = jobTitle(dice);
    const placed: Placed = { id: '', name: `${title} — ${client.name}`, at: createdAt, also: [{ type: 'client', id: client.id }], visit: { start: scheduledStart, end: scheduledEnd, completed: status === 'completed' } };
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
      steps.push({ at: Math.max(at, createdAt + 60_000), run: () => records.updateJob(deps, status === 'cancelled' || status === 'missed' ? actor : tech.actor, { id: placed.id, input: { status } }) });
    }
  }
  return steps;
}

export function planServices(biz: Business): Step[] {
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

/** Whether a task of this kind fits this record now: before a visit still to come, or after one completed at least hours ago. */
function fitsVisit(template: TaskTemplate, record: Placed, now: number): boolean {
  if (!template.visit || !record.visit) return true;
  return template.visit === 'before' ? record.visit.start > now + 4 * HOUR : record.visit.completed && record.visit.end < now - 5 * HOUR;
}

export function planTasks(biz: Business): Step[] {
  const { dice, deps, now } = biz;
  const steps: Step[] = [];
  // One task of each kind per record: picking both at random let the same job get "Confirm the appointment" twice.
  const used = new Set<string>();
  const pickUnused = () => {
    for (;;) {
      const template = dice.pick(TASK_TEMPLATES);
      const record = dice.pick(biz.placed[template.record]);
      if (!fitsVisit(template, record, now)) continue;
      const key = `${template.title}\u0000${template.record}\u0000${biz.placed[template.record].indexOf(record)}`;
      if (used.has(key)) continue;
      used.add(key);
      return { template, record };
    }
  };
  for (let i = 0; i < DEMO_SIZE.tasks; i++) {
    const { template, record } = pickUnused();
    const forced = FORCED_TASKS[i];
    const status = forced?.status ?? dice.weighted(STATUS_WEIGHTS);
    // A job's follow-up is written once its visit is over; anything else once its record exists.
    const after = template.visit === 'after' && record.visit ? record.visit.end + HOUR : record.at + HOUR;
    const at = between(dice, Math.max(after, now - 21 * DAY), now - 3 * HOUR);
    const overdue = forced ? forced.overdue : dice.chance(0.3);
    // What comes before a visit is due before it starts.
    const dueBy = template.visit === 'before' && record.visit ? record.visit.start - HOUR : now + 240 * HOUR;
    const dueAt = overdue && status !== 'done' && status !== 'cancelled' ? between(dice, at + HOUR, now - HOUR) : dice.chance(0.15) ? null : between(dice, now + 2 * HOUR, dueBy);
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
