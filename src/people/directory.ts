// The names of an organisation's people and teams by id: what exports and reports show beside each id.
import type { Actor, Deps } from '../platform/context.ts';
import { listTeams } from './teams.ts';
import { listUsers } from './users.ts';

export async function namesById(deps: Deps, actor: Actor): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const list of [listUsers, listTeams]) {
    let cursor: string | undefined;
    do {
      const page = await list(deps, actor, { limit: 200, cursor });
      for (const item of page.items) names.set(item.id, item.name);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return names;
}
