// Teams: their names, members and manager (admins change them; everyone reads them).
import type { Actor, Deps } from '../platform/context.ts';
import { Conflict, NotFound } from '../platform/errors.ts';
import { newKey } from '../platform/ids.ts';
import { checkVersion, decodeCursor, encodeCursor, pageOf } from '../platform/pagination.ts';
import { requireRole, type TeamInput, type UpdateTeamInput } from './person.ts';
import { presentTeam } from './present.ts';
import * as store from './store.ts';

export async function listTeams(deps: Deps, actor: Actor, page: { limit: number; cursor?: string }) {
  const after = page.cursor ? String(decodeCursor(page.cursor, ['text'])[0]) : undefined;
  const rows = await store.listTeams(deps.db, actor.orgId, { limit: page.limit + 1, after });
  const { items, nextCursor } = pageOf(rows, page.limit, (r) => encodeCursor([r.id]));
  const members = await store.teamMemberIds(deps.db, actor.orgId, items.map((t) => t.id));
  return { items: items.map((t) => presentTeam(t, members.get(t.id) ?? [])), nextCursor };
}

export async function getTeam(deps: Deps, actor: Actor, teamId: string) {
  const team = await store.findTeam(deps.db, actor.orgId, teamId);
  if (!team) throw new NotFound('Team');
  const members = await store.teamMemberIds(deps.db, actor.orgId, [teamId]);
  return presentTeam(team, members.get(teamId) ?? []);
}

export async function createTeam(deps: Deps, actor: Actor, input: TeamInput) {
  requireRole(actor, 'admin');
  const id = newKey();
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const memberIds = [...new Set(input.memberIds)];
    await checkPeople(trx, actor.orgId, { memberIds, managerId: input.managerId });
    if (await store.findTeamByName(trx, actor.orgId, input.name)) throw teamNameTaken(input.name);
    await store.insertTeam(trx, { id, org_id: actor.orgId, name: input.name, manager_id: input.managerId, created_at: now, updated_at: now, version: 1 });
    await store.replaceTeamMembers(trx, actor.orgId, id, memberIds);
    const team = await store.findTeam(trx, actor.orgId, id);
    return presentTeam(team!, memberIds.sort());
  });
}

export interface TeamChange {
  teamId: string;
  changes: UpdateTeamInput;
  /** The version the caller last saw (If-Match); a newer one answers 412. */
  ifVersion?: number;
}

export async function updateTeam(deps: Deps, actor: Actor, { teamId, changes: input, ifVersion }: TeamChange) {
  requireRole(actor, 'admin');
  return deps.db.transaction().execute(async (trx) => {
    const team = await store.findTeam(trx, actor.orgId, teamId);
    if (!team) throw new NotFound('Team');
    checkVersion(team.version, ifVersion);
    const memberIds = input.memberIds ? [...new Set(input.memberIds)] : undefined;
    await checkPeople(trx, actor.orgId, { memberIds: memberIds ?? [], managerId: input.managerId ?? null });
    if (input.name !== undefined && input.name !== team.name && (await store.findTeamByName(trx, actor.orgId, input.name))) {
      throw teamNameTaken(input.name);
    }
    await store.updateTeam(trx, actor.orgId, teamId, {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.managerId !== undefined && { manager_id: input.managerId }),
      updated_at: deps.clock.now(),
      version: team.version + 1,
    });
    if (memberIds) await store.replaceTeamMembers(trx, actor.orgId, teamId, memberIds);
    const updated = await store.findTeam(trx, actor.orgId, teamId);
    const members = await store.teamMemberIds(trx, actor.orgId, [teamId]);
    return presentTeam(updated!, members.get(teamId) ?? []);
  });
}

/** 404 naming each member or manager id that is not a person of this organisation. */
async function checkPeople(db: Deps['db'], orgId: string, team: { memberIds: string[]; managerId: string | null }): Promise<void> {
  const { memberIds, managerId } = team;
  const wanted = managerId ? [...memberIds, managerId] : memberIds;
  const found = await store.existingUserIds(db, orgId, wanted);
  const errors = memberIds.flatMap((id, i) => (found.has(id) ? [] : [{ path: `memberIds.${i}`, message: 'no such user' }]));
  if (managerId && !found.has(managerId)) errors.push({ path: 'managerId', message: 'no such user' });
  if (errors.length > 0) throw new NotFound('User', errors);
}

function teamNameTaken(name: string): Conflict {
  return new Conflict(`A team named "${name}" already exists`, [{ path: 'name', message: 'is already taken' }]);
}
