// The reports of work waiting now: overdue tasks, each person's workload, and
// how long open tasks have been open (aging).
import type { Actor, Deps } from '../platform/context.ts';
import { iso } from '../platform/pagination.ts';
import * as people from '../people/service.ts';
import { type Priority, taskKey } from '../tasks/task.ts';
import { AGE_BUCKETS, type AgeBucketKey, calendarEdges, PRIORITY_WEIGHT, SLOT_MS } from './report.ts';
import { historyStart, loadsAt, overUsual, sampleInstants, type Spell, usualOf, usualWindow, workingDayEndsMemo } from './usual.ts';
import * as store from './store.ts';
import { openSpells } from './usualStore.ts';
import type { AgingView, OverdueView, ReportFilters, WorkloadView } from './views.ts';
import { setting, nameOf, byWeightThenName } from './setting.ts';

export async function overdueReport(deps: Deps, actor: Actor, query: ReportFilters & { limit: number }): Promise<OverdueView> {
  const s = await setting(deps, actor, query);
  const [cells, byLink, unlinked, oldest] = await Promise.all([
    store.overdueByAssigneeAndTeam(deps.db, s.scope, s.now),
    store.overdueByPrimaryLinkType(deps.db, s.scope, s.now),
    // Narrowed to a link type, every task in scope is linked.
    s.scope.linkType === undefined ? store.overdueUnlinked(deps.db, s.scope, s.now) : 0,
    store.oldestOverdue(deps.db, s.scope, s.now, query.limit),
  ]);
  const byAssignee = new Map<string | null, number>();
  const byTeam = new Map<string | null, number>();
  for (const cell of cells) {
    byAssignee.set(cell.assignee_id, (byAssignee.get(cell.assignee_id) ?? 0) + Number(cell.count));
    byTeam.set(cell.team_id, (byTeam.get(cell.team_id) ?? 0) + Number(cell.count));
  }
  const byCount = byWeightThenName<{ name: string | null; count: number }>((r) => r.count);
  const linkTypes = [...byLink.map((r) => ({ linkType: r.key, count: r.count })), ...(unlinked > 0 ? [{ linkType: 'none', count: unlinked }] : [])];
  return {
    ...s.header,
    total: cells.reduce((sum, r) => sum + Number(r.count), 0),
    byPerson: [...byAssignee].map(([key, count]) => ({ assigneeId: key, name: nameOf(s.names, key), count })).sort(byCount),
    byTeam: [...byTeam].map(([key, count]) => ({ teamId: key, name: nameOf(s.names, key), count })).sort(byCount),
    byLinkType: linkTypes.sort((a, b) => b.count - a.count || a.linkType.localeCompare(b.linkType)),
    oldest: oldest.map((t) => ({
      id: t.id,
      key: taskKey(t.number),
      title: t.title,
      priority: t.priority,
      dueAt: iso(t.due_at!),
      overdueMs: s.now - t.due_at!,
      assigneeId: t.assignee_id,
      assigneeName: nameOf(s.names, t.assignee_id),
      teamId: t.team_id,
      teamName: nameOf(s.names, t.team_id),
    })),
  };
}

interface Load {
  open: number;
  overdue: number;
  dueThisWeek: number;
  weightedLoad: number;
}

const emptyLoad = (): Load => ({ open: 0, overdue: 0, dueThisWeek: 0, weightedLoad: 0 });

type UserView = Awaited<ReturnType<typeof people.listUsers>>['items'][number];

export async function workloadReport(deps: Deps, actor: Actor, query: ReportFilters): Promise<WorkloadView> {
  const s = await setting(deps, actor, query);
  const { endOfWeek, startOfToday } = calendarEdges(s.now, s.timezone);
  const history = usualWindow(startOfToday);
  const [open, spells, users, org] = await Promise.all([
    store.openLoad(deps.db, s.scope, s.now, endOfWeek, history.from),
    openSpells(deps.db, s.scope, history),
    allUsers(deps, actor),
    people.getOrg(deps, actor),
  ]);
  const roster = await rosterOf(deps, actor, s.scope, users);
  const loads = new Map<string | null, Load>(roster.map((id) => [id, emptyLoad()]));
  for (const row of open) {
    const load = loads.get(row.assignee_id) ?? emptyLoad();
    load.open += Number(row.open);
    load.overdue += Number(row.overdue);
    load.dueThisWeek += Number(row.due_this_week);
    load.weightedLoad += Number(row.open) * PRIORITY_WEIGHT[row.priority as Priority];
    loads.set(row.assignee_id, load);
  }
  const spellsOf = new Map<string, Spell[]>();
  const addSpell = (assignee: string, spell: Spell) => {
    const list = spellsOf.get(assignee) ?? [];
    list.push(spell);
    spellsOf.set(assignee, list);
  };
  // The tasks open since before the window, at the slot before it: any slot before it says the same to every sample and to when the person's history starts.
  const beforeWindow = Math.floor(history.from / SLOT_MS) - 1;
  for (const row of open) {
    if (row.assignee_id !== null && Number(row.open_before) > 0) {
      addSpell(row.assignee_id, { createdSlot: beforeWindow, closedSlot: null, weight: Number(row.open_before) * PRIORITY_WEIGHT[row.priority as Priority] });
    }
  }
  for (const row of spells) addSpell(row.assignee_id, { createdSlot: row.created_slot, closedSlot: row.closed_slot, weight: PRIORITY_WEIGHT[row.priority as Priority] });
  const byId = new Map(users.map((u) => [u.id, u]));
  const calendar = { timezone: org.timezone, businessHours: org.businessHours, holidays: org.holidays };
  const endsOf = workingDayEndsMemo(calendar, history.from, history.to);
  const usualOfPerson = (id: string) => {
    const user = byId.get(id);
    if (!user) return usualOf([]);
    const person = { id, createdAt: Date.parse(user.createdAt), workingHours: user.workingHours, timeOff: user.timeOff };
    const own = spellsOf.get(id) ?? [];
    return usualOf(loadsAt(own, sampleInstants(person, calendar, history.from, history.to, historyStart(own, history.from), endsOf)));
  };
  const peopleRows = [...loads]
    .filter((entry): entry is [string, Load] => entry[0] !== null)
    .map(([id, load]) => {
      const usual = usualOfPerson(id);
      return { assigneeId: id, name: nameOf(s.names, id), ...load, usualLoad: usual.load, usualDays: usual.days, overloaded: overUsual(load.weightedLoad, usual.load) };
    })
    .sort(byWeightThenName((r) => r.weightedLoad));
  return { ...s.header, weekEndsAt: iso(endOfWeek), usualFrom: iso(history.from), usualTo: iso(history.to), people: peopleRows, unassigned: loads.get(null) ?? emptyLoad() };
}

async function allUsers(deps: Deps, actor: Actor): Promise<UserView[]> {
  const users: UserView[] = [];
  let cursor: string | undefined;
  do {
    const page = await people.listUsers(deps, actor, { limit: 200, cursor });
    users.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return users;
}

/** The people a workload lists even when they have nothing open: the team's members, the one person asked about, or every active user. */
async function rosterOf(deps: Deps, actor: Actor, scope: store.TaskScope, users: UserView[]): Promise<string[]> {
  if (scope.assigneeId !== undefined) return scope.assigneeId === null ? [] : [scope.assigneeId];
  if (scope.teamId !== undefined) return (await people.getTeam(deps, actor, scope.teamId)).memberIds;
  return users.filter((u) => u.active).map((u) => u.id);
}

type AgeCounts = Record<AgeBucketKey, number>;

const emptyAges = (): AgeCounts => Object.fromEntries(AGE_BUCKETS.map((b) => [b.key, 0])) as AgeCounts;

export async function agingReport(deps: Deps, actor: Actor, query: ReportFilters): Promise<AgingView> {
  const s = await setting(deps, actor, query);
  const rows = await store.openByAge(deps.db, s.scope, s.now);
  const overall = emptyAges();
  const byPerson = new Map<string | null, AgeCounts>();
  const byTeam = new Map<string | null, AgeCounts>();
  for (const row of rows) {
    for (const counts of [overall, entry(byPerson, row.assignee_id), entry(byTeam, row.team_id)]) {
      for (const { key } of AGE_BUCKETS) counts[key] += Number(row[key]);
    }
  }
  const total = (c: AgeCounts) => AGE_BUCKETS.reduce((sum, b) => sum + c[b.key], 0);
  const rowsOf = <K extends string>(map: Map<string | null, AgeCounts>, idKey: K) =>
    [...map]
      .map(([id, buckets]) => ({ [idKey]: id, name: nameOf(s.names, id), total: total(buckets), buckets }) as { [P in K]: string | null } & { name: string | null; total: number; buckets: AgeCounts })
      .sort(byWeightThenName((r) => r.total));
  return {
    ...s.header,
    total: total(overall),
    buckets: AGE_BUCKETS.map((b) => ({ bucket: b.key, label: b.label, count: overall[b.key] })),
    byPerson: rowsOf(byPerson, 'assigneeId'),
    byTeam: rowsOf(byTeam, 'teamId'),
  };
}

function entry(map: Map<string | null, AgeCounts>, key: string | null): AgeCounts {
  let counts = map.get(key);
  if (!counts) map.set(key, (counts = emptyAges()));
  return counts;
}
