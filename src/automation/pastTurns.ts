// A team's round-robin turn as of a past instant, for a dry run: the turn the
// team has now, less one for each task rules gave the team since then, plus
// the turns the dry run itself has taken so far. An estimate: a rule's
// "assign" step takes a turn without making a task, and deleted tasks are gone.
import type { Db } from '../platform/db/schema.ts';
import type { Action } from './rule.ts';
import * as store from './store.ts';

interface TeamPast {
  /** The turn the next pick takes now. */
  next: number;
  /** When rules made tasks for the team, since the dry run's first event. */
  madeAt: number[];
}

export class PastTurns {
  private readonly taken = new Map<string, number>();

  private constructor(private readonly teams: ReadonlyMap<string, TeamPast>) {}

  /** Read before the dry run writes anything: the teams the rule hands work to in turn. */
  static async load(db: Db, input: { orgId: string; actions: readonly Action[]; since: number }): Promise<PastTurns> {
    const teams = new Map<string, TeamPast>();
    for (const teamId of roundRobinTeams(input.actions)) {
      const turn = await store.currentTurn(db, input.orgId, teamId);
      teams.set(teamId, { next: turn === null ? 0 : turn + 1, madeAt: await store.ruleTaskTimesOfTeam(db, input.orgId, teamId, input.since) });
    }
    return new PastTurns(teams);
  }

  /** The team's turn at `at`, counting this pick as taken. */
  take(teamId: string, at: number): number {
    const past = this.teams.get(teamId) ?? { next: 0, madeAt: [] };
    const taken = this.taken.get(teamId) ?? 0;
    this.taken.set(teamId, taken + 1);
    return Math.max(0, past.next - past.madeAt.filter((t) => t >= at).length) + taken;
  }
}

function roundRobinTeams(actions: readonly Action[]): string[] {
  const teams = actions.flatMap((a) => {
    if (a.type === 'create_task' && a.assign?.strategy === 'round_robin') return [a.assign.teamId];
    if (a.type === 'assign' && a.assign.strategy === 'round_robin') return [a.assign.teamId];
    return [];
  });
  return [...new Set(teams)];
}
