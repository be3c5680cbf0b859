// What a task's creation adds to its history: its status, then the assignee,
// team and due date it was created with (those it has) and its priority. Only
// the status entry is stored — the reports and the status-flow rollup read
// it; the others were two thirds of the history's rows and are derived when
// the history is read: the value a field had at creation is the `from` of its
// first change, or the task's value if it never changed.
import type { Selectable } from 'kysely';
import type { TaskHistoryTable } from '../platform/db/schema.ts';
import { iso } from '../platform/pagination.ts';
import type { FieldChange } from './change.ts';
import { isHistoryKey, keyBeside } from './historyIds.ts';

type HistoryRow = Selectable<TaskHistoryTable>;

/** A task's state at its creation, the due date as the history writes it (ISO 8601). */
export interface CreatedState {
  status: string;
  assigneeId: string | null;
  teamId: string | null;
  dueAt: string | null;
  priority: string;
}

/** The creation's entries, in the order they were always written (and their ids follow). */
export function creationChanges(state: CreatedState): FieldChange[] {
  const created: FieldChange[] = [{ field: 'status', from: null, to: state.status }];
  if (state.assigneeId) created.push({ field: 'assigneeId', from: null, to: state.assigneeId });
  if (state.teamId) created.push({ field: 'teamId', from: null, to: state.teamId });
  if (state.dueAt !== null) created.push({ field: 'dueAt', from: null, to: state.dueAt });
  created.push({ field: 'priority', from: null, to: state.priority });
  return created;
}

/**
 * A task's stored history, (at, id) order, with the creation's entries that
 * are not stored put back after its status entry. Each has the status entry's
 * instant and actor, and the id of its field in the creation's change
 * (historyIds.ts); a creation stored before keys took ids for them: the status
 * entry's id plus their place (1, 2, …), as the id generator makes ids one
 * after another. Nothing is derived for a task without a stored creation (no
 * status entry from nothing), nor for one whose creation entries are all
 * stored (a priority entry from nothing: written before migration 0031, which
 * left them where they did not match what would be derived).
 */
export function withCreationEntries(task: { assignee_id: string | null; team_id: string | null; due_at: number | null; priority: string }, rows: readonly HistoryRow[]): HistoryRow[] {
  const first = (field: string) => rows.find((r) => r.field === field);
  // A status is never null: the status entry from nothing is the creation's.
  const status = rows.find((r) => r.field === 'status' && r.from_value === null);
  if (!status || status.to_value === null) return [...rows];
  if (rows.some((r) => r.field === 'priority' && r.from_value === null)) return [...rows];
  const atCreation = (field: FieldChange['field'], now: string | null) => {
    const change = first(field);
    return change ? change.from_value : now;
  };
  const changes = creationChanges({
    status: status.to_value,
    assigneeId: atCreation('assigneeId', task.assignee_id),
    teamId: atCreation('teamId', task.team_id),
    dueAt: atCreation('dueAt', iso(task.due_at)),
    priority: atCreation('priority', task.priority) ?? task.priority,
  }).slice(1);
  const derived = changes.map((c, i) => ({ ...status, id: isHistoryKey(status.id) ? keyBeside(status.id, c.field) : idAfter(status.id, i + 1), field: c.field, from_value: c.from, to_value: c.to }));
  const next = rows.indexOf(status) + 1;
  return [...rows.slice(0, next), ...derived, ...rows.slice(next)];
}

const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';

/** The id `n` after this one (a lower-case ULID): its random part plus n, carried as the id generator carries it. */
export function idAfter(id: string, n: number): string {
  // An id the generator did not make (a test's, say) gets n after a dot: still its own, and after it.
  if (!/^[0-9a-hjkmnp-tv-z]+$/.test(id)) return `${id}.${n}`;
  const digits = [...id].map((c) => BASE32.indexOf(c));
  let carry = n;
  for (let i = digits.length - 1; i >= 0 && carry > 0; i--) {
    const sum = digits[i]! + carry;
    digits[i] = sum % 32;
    carry = Math.floor(sum / 32);
  }
  return digits.map((d) => BASE32[d]).join('');
}
