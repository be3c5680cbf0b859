// The weekly summary by email: every worker round, outside any transaction,
// queues a summary for each owner, admin and manager whose Monday 07:00 has
// come in their own time zone (one row per person per ISO week), then sends
// what is queued through the same mailer, lease and retries as the morning
// digest. The figures are the Reports page's, as that person would see it.
import { NotFound } from '../platform/errors.ts';
import type { Actor, Deps, Role } from '../platform/context.ts';
import type { Consumer } from '../events.ts';
import * as automation from '../automation/service.ts';
import type { MailConfig, Mailer } from '../notifications/mail.ts';
import { retryDelayMs } from '../notifications/notification.ts';
import { getPreferences } from '../notifications/service.ts';
import * as people from '../people/service.ts';
import { roleAtLeast } from '../people/person.ts';
import * as tasks from '../tasks/service.ts';
import { listQuery } from '../tasks/task.ts';
import * as progress from './progress.ts';
import * as workload from './workload.ts';
import { mondaySomewhere, nothingToTell, summaryWeekAt, type WeeklyContent, weeklyEmail, WEEKLY_ROLES } from './weekly.ts';
import * as store from './weeklyStore.ts';

const LEASE_MS = 5 * 60_000;
const QUARTER_HOUR = 15 * 60_000;
const BATCH = 50;

export interface WeeklySummaryOptions {
  /** Email is off when absent: nothing is queued or sent. */
  mail?: MailConfig;
  /** The one mailer the notifications send through too. */
  mailer?: Mailer;
}

export function weeklySummaryConsumer(options: WeeklySummaryOptions): Consumer {
  const { mail, mailer } = options;
  /** The people this process already queued a summary for, by id, with the week; and the quarter-hour it last looked in. */
  const queued = { people: new Map<string, string>(), slot: -1 };
  return {
    name: 'weekly-summaries',
    events: [],
    runs: 'after rules',
    handle: async () => {},
    async tick(deps) {
      if (!mail || !mailer) return 0;
      await queueDue(deps, queued);
      return sendDue(deps, mail, mailer);
    },
  };
}

/**
 * Queues the summary of everyone whose Monday morning has come and who has none for this week yet (skipped when
 * they turned it off). Every zone's offset is a whole number of quarter-hours, so 07:00 anywhere begins a UTC
 * quarter-hour: people are looked at once per quarter-hour, and only while it is Monday somewhere.
 */
async function queueDue(deps: Deps, queued: { people: Map<string, string>; slot: number }): Promise<void> {
  const now = deps.clock.now();
  const slot = Math.floor(now / QUARTER_HOUR);
  if (slot === queued.slot || !mondaySomewhere(now)) return;
  for (const person of await people.activePeopleInRoles(deps, WEEKLY_ROLES)) {
    const week = summaryWeekAt(now, person.timezone);
    if (!week || queued.people.get(person.id) === week.week) continue;
    const actor: Actor = { userId: person.id, orgId: person.orgId, role: person.role };
    const wants = (await getPreferences(deps, actor)).weekly.email;
    await store.insertWeekly(deps.db, {
      org_id: person.orgId,
      user_id: person.id,
      week: week.week,
      period_from: week.from,
      period_to: week.to,
      time_zone: person.timezone,
      state: wants ? 'pending' : 'skipped',
      attempts: 0,
      next_at: now,
      created_at: now,
    });
    queued.people.set(person.id, week.week);
  }
  queued.slot = slot;
}

async function sendDue(deps: Deps, mail: MailConfig, mailer: Mailer): Promise<number> {
  const now = deps.clock.now();
  let settled = 0;
  for (const row of await store.dueWeekly(deps.db, now, BATCH)) {
    if (!(await store.claimWeekly(deps.db, row, now, now + LEASE_MS))) continue;
    const user = await people.getUser(deps, { userId: row.user_id, orgId: row.org_id, role: 'owner' }, row.user_id).catch((error: unknown) => {
      if (error instanceof NotFound) return null;
      throw error;
    });
    const actor: Actor | null = user && { userId: user.id, orgId: row.org_id, role: user.role as Role };
    // Deactivated, no longer a manager, or turned it off since it was queued: not sent.
    if (!user || !actor || !user.active || !roleAtLeast(actor.role, 'manager') || !(await getPreferences(deps, actor)).weekly.email) {
      await store.settleWeekly(deps.db, row, { state: 'skipped' });
      settled++;
      continue;
    }
    const content = await weeklyContentOf(deps, actor, row);
    if (nothingToTell(content)) {
      await store.settleWeekly(deps.db, row, { state: 'empty' });
      settled++;
      continue;
    }
    try {
      await mailer.send(weeklyEmail(mail, user, content));
      await store.settleWeekly(deps.db, row, { state: 'sent', sent_at: deps.clock.now(), error: null });
      settled++;
    } catch (error) {
      const attempts = row.attempts + 1;
      await store.settleWeekly(deps.db, row, { attempts, next_at: now + retryDelayMs(attempts), error: (error instanceof Error ? error.message : String(error)).slice(0, 500) });
      // The server is likely down or slow: the rest wait for the next round.
      break;
    }
  }
  return settled;
}

/** Last week's figures as the Reports page shows them to this person, for the period queued. */
export async function weeklyContentOf(deps: Deps, actor: Actor, row: Pick<store.WeeklyRow, 'period_from' | 'period_to' | 'time_zone'>): Promise<WeeklyContent> {
  const now = deps.clock.now();
  const period = { from: row.period_from, to: row.period_to };
  const [org, summary, throughput, overdue, open, late] = await Promise.all([
    people.getOrg(deps, actor),
    progress.summaryReport(deps, actor, period),
    progress.throughputReport(deps, actor, { ...period, interval: 'week' }),
    workload.overdueReport(deps, actor, { limit: 1 }),
    tasks.listTasks(deps, actor, listQuery.parse({ sort: 'created', limit: '3' })),
    store.lateByRule(deps.db, { orgId: actor.orgId }, period, now),
  ]);
  const worst = late
    .map((r) => ({ ruleId: r.source_rule_id, late: Number(r.late), created: Number(r.created) }))
    .filter((r) => r.late > 0)
    .sort((a, b) => b.late - a.late || b.created - a.created || a.ruleId.localeCompare(b.ruleId))[0];
  const ruleName = worst
    ? await automation.getRule(deps, actor, worst.ruleId).then(
        (rule) => rule.name,
        (error: unknown) => {
          if (error instanceof NotFound) return null;
          throw error;
        },
      )
    : null;
  const due = summary.withDueDate + summary.overdueDueInWindow;
  return {
    business: org.name,
    role: actor.role === 'owner' || actor.role === 'admin' ? actor.role : 'manager',
    zone: row.time_zone,
    period,
    now,
    created: throughput.totals.created,
    completed: summary.completed,
    onTime: { done: summary.onTime, due, rate: summary.onTimeRateWithOverdue },
    overdue: { total: overdue.total, byPerson: overdue.byPerson },
    oldest: open.items.map((t) => ({ key: t.key, title: t.title, createdAt: Date.parse(t.createdAt) })),
    lateRule: worst ? { name: ruleName, late: worst.late, created: worst.created } : null,
  };
}
