// The task list: filters and sorts kept in the URL, saved views, and bulk edit with undo.
import { useMemo, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { type BulkChanges, PRIORITIES, PRIORITY_LABEL, STATUS_LABEL, STATUSES, type Task } from '../api/types.ts';
import { useTaskDrawer } from '../shell/drawerRoute.ts';
import { fromLocalInput } from '../shell/format.ts';
import { useListKeyboard, useShortcut } from '../shell/keyboard.ts';
import { EmptyState, PageHeader } from '../shell/PageHeader.tsx';
import { showToast } from '../shell/toasts.tsx';
import { type Permissions, RIGHT_HOLDERS, usePermissions } from '../people/rights.ts';
import { useBulkEdit, useDeleteTasks, useToggleDone } from '../tasks/mutations.ts';
import { useTaskCounts } from '../board/columns.ts';
import { type TaskFilter, useTaskList, useTeams } from '../tasks/queries.ts';
import { useSavedViews } from '../tasks/savedViews.ts';
import { toggleSelection } from '../tasks/selection.ts';
import { ReportFilterChips } from '../tasks/ReportFilterChips.tsx';
import { REPORT_FILTER_KEYS } from '../tasks/reportChips.ts';
import { TaskRow } from '../tasks/TaskRow.tsx';
import { useUserMap } from '../tasks/useUserMap.ts';

const FILTER_KEYS = ['q', 'status', 'assignee', 'team', 'priority', 'overdue', 'sort', ...REPORT_FILTER_KEYS] as const;
const SORTS: [string, string][] = [['due', 'Due date'], ['priority', 'Priority'], ['-created', 'Newest'], ['-updated', 'Recently changed']];

export function List() {
  const search = useSearch();
  const [location, navigate] = useLocation();
  const params = new URLSearchParams(search);
  const filter: TaskFilter = Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? undefined]).filter(([, v]) => v));
  const filterKey = FILTER_KEYS.map((k) => `${k}=${filter[k] ?? ''}`).join('&');
  const list = useTaskList(filter);
  const { sort: _sort, ...countFilter } = filter;
  const counts = useTaskCounts(countFilter);
  const matching = counts.data?.total;
  const users = useUserMap();
  const teams = useTeams();
  const drawer = useTaskDrawer();
  const toggleDone = useToggleDone();
  const bulkEdit = useBulkEdit();
  const deleteTasks = useDeleteTasks();
  const may = usePermissions();
  const savedViews = useSavedViews();
  const [selected, setSelected] = useState<Map<string, Task>>(new Map());
  const [anchor, setAnchor] = useState<string | null>(null);
  /** How many tasks matched when "select all matching" was chosen: what the bulk change expects to find. */
  const [allMatching, setAllMatching] = useState<number | null>(null);
  const [selectionFor, setSelectionFor] = useState(filterKey);
  if (selectionFor !== filterKey) {
    // A new filter starts a new selection.
    setSelectionFor(filterKey);
    setSelected(new Map());
    setAllMatching(null);
  }

  const tasks = useMemo(() => list.data?.items ?? [], [list.data]);
  const ids = useMemo(() => tasks.map((t) => t.id), [tasks]);
  const keyboard = useListKeyboard(tasks, { open: (t) => drawer.open(t.key), edit: (t) => drawer.open(t.key, true), toggleDone });
  useShortcut((event) => {
    if (event.key === '/') {
      event.preventDefault();
      document.querySelector<HTMLInputElement>('#list-search')?.focus();
    }
  });

  const setFilter = (key: string, value: string) => removeFilters([key], value);
  /** Takes these filters out of the address (or sets the first to a value). */
  const removeFilters = (keys: string[], value = '') => {
    const next = new URLSearchParams(search);
    for (const key of keys) next.delete(key);
    if (value) next.set(keys[0]!, value);
    next.delete('task');
    const text = next.toString();
    navigate(text ? `${location}?${text}` : location);
  };

  const select = (task: Task, event: React.MouseEvent) => {
    const nextIds = toggleSelection(new Set(selected.keys()), ids, task.id, anchor, event.shiftKey);
    setSelected(new Map([...nextIds].map((id) => [id, selected.get(id) ?? tasks.find((t) => t.id === id)!])));
    setAnchor(task.id);
    setAllMatching(null);
  };
  const allShownSelected = tasks.length > 0 && tasks.every((t) => selected.has(t.id));
  const selectAllShown = () => {
    setSelected(allShownSelected ? new Map() : new Map(tasks.map((t) => [t.id, t])));
    setAllMatching(null);
  };
  // Every task the filters match, by the filters themselves: the server changes them all in one
  // transaction, provided they are still the number shown here.
  const selectAllMatching = () => setAllMatching(matching ?? null);
  const matchingTarget = allMatching !== null ? { filter: countFilter, expected: allMatching } : null;
  const selectedCount = matchingTarget ? matchingTarget.expected : selected.size;
  const clear = () => {
    setSelected(new Map());
    setAllMatching(null);
  };
  const applyBulk = async (set: BulkChanges, label: string) => {
    const chosen = [...selected.values()];
    clear();
    await bulkEdit(matchingTarget ? { ...matchingTarget, shown: chosen } : { tasks: chosen }, set, label);
  };

  const viewSearch = new URLSearchParams(FILTER_KEYS.flatMap((k) => (filter[k] ? [[k, filter[k]!]] : []))).toString();
  const [naming, setNaming] = useState<string | null>(null);

  return (
    <div className="page page-wide">
      <PageHeader title="Tasks" subtitle={list.data ? `${matching ?? `${tasks.length}${list.data.nextCursor ? '+' : ''}`} matching` : undefined}>
        <a className="button" href={`/api/v1/tasks${viewSearch ? `?${viewSearch}&` : '?'}format=csv`} download>Export CSV</a>
      </PageHeader>

      <nav className="views" aria-label="Saved views">
        <button type="button" className={`view-tab ${viewSearch === '' ? 'active' : ''}`} onClick={() => navigate(location)}>All open</button>
        {savedViews.views.map((view) => (
          <span key={view.name} className={`view-tab ${view.search === viewSearch ? 'active' : ''}`}>
            <button type="button" onClick={() => navigate(view.search ? `${location}?${view.search}` : location)}>{view.name}</button>
            <button type="button" className="view-remove" aria-label={`Remove view ${view.name}`} onClick={() => savedViews.remove(view.name)}>×</button>
          </span>
        ))}
        {naming === null ? (
          <button type="button" className="view-tab view-save" onClick={() => setNaming('')}>+ Save view</button>
        ) : (
          <form
            className="view-name"
            onSubmit={(event) => {
              event.preventDefault();
              if (!naming.trim()) return;
              savedViews.save({ name: naming.trim(), search: viewSearch });
              showToast(`Saved view "${naming.trim()}"`);
              setNaming(null);
            }}
          >
            <input autoFocus aria-label="View name" placeholder="View name" value={naming} onChange={(e) => setNaming(e.target.value)} onBlur={() => !naming && setNaming(null)} />
          </form>
        )}
      </nav>

      <div className="filters" role="search">
        <input id="list-search" type="search" placeholder="Search  /" aria-label="Search" defaultValue={filter.q ?? ''} onChange={(e) => setFilter('q', e.target.value)} />
        <select aria-label="Status" value={filter.status ?? ''} onChange={(e) => setFilter('status', e.target.value)}>
          <option value="">Not done</option>
          <option value="all">Any status</option>
          {STATUSES.map((s) => <option key={s} value={s}>{STATUS_LABEL[s]}</option>)}
        </select>
        <select aria-label="Assignee" value={filter.assignee ?? ''} onChange={(e) => setFilter('assignee', e.target.value)}>
          <option value="">Anyone</option>
          <option value="me">Me</option>
          <option value="none">Unowned</option>
          {[...users.values()].map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
        </select>
        <select aria-label="Team" value={filter.team ?? ''} onChange={(e) => setFilter('team', e.target.value)}>
          <option value="">Any team</option>
          {(teams.data ?? []).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </select>
        <select aria-label="Priority" value={filter.priority ?? ''} onChange={(e) => setFilter('priority', e.target.value)}>
          <option value="">Any priority</option>
          {PRIORITIES.map((p) => <option key={p} value={p}>{PRIORITY_LABEL[p]}</option>)}
        </select>
        <label className="check">
          <input type="checkbox" checked={filter.overdue === 'true'} onChange={(e) => setFilter('overdue', e.target.checked ? 'true' : '')} /> Overdue
        </label>
        <select aria-label="Sort" value={filter.sort ?? 'due'} onChange={(e) => setFilter('sort', e.target.value === 'due' ? '' : e.target.value)}>
          {SORTS.map(([value, label]) => <option key={value} value={value}>Sort: {label}</option>)}
        </select>
      </div>

      <ReportFilterChips params={params} onRemove={(keys) => removeFilters(keys)} />

      {tasks.length > 0 && (
        <div className="list-head">
          <input type="checkbox" aria-label="Select all shown" checked={allShownSelected} onChange={selectAllShown} />
          {allShownSelected && list.data?.nextCursor && allMatching === null && (
            <button type="button" className="link-button" onClick={selectAllMatching} disabled={matching === undefined}>Select all {matching ?? ''} matching</button>
          )}
          {matchingTarget && <span className="muted">All {matchingTarget.expected} matching tasks selected</span>}
          {matchingTarget && matching !== undefined && matching !== matchingTarget.expected && (
            <span className="error" role="status">{matching} match now: <button type="button" className="link-button" onClick={selectAllMatching}>select all {matching} instead</button></span>
          )}
        </div>
      )}

      {list.isPending ? (
        <p className="muted pad">Loading…</p>
      ) : list.isError ? (
        <p className="error pad">Could not load tasks: {String(list.error.message)}</p>
      ) : tasks.length === 0 ? (
        <EmptyState title="No tasks match" hint="Change the filters, or press c to add one." />
      ) : (
        <ul className="task-list">
          {tasks.map((task) => (
            <TaskRow
              key={task.id}
              task={task}
              users={users}
              focused={keyboard.focusedId === task.id}
              selected={selected.has(task.id)}
              onSelect={select}
              onOpen={(t) => {
                keyboard.setFocusedId(t.id);
                drawer.open(t.key);
              }}
              onToggleDone={toggleDone}
            />
          ))}
        </ul>
      )}

      {selectedCount > 0 && (
        <BulkBar
          count={selectedCount}
          users={[...users.values()]}
          may={may}
          // Every task chosen must be one the person may delete; "all matching" names tasks not loaded here.
          mayDelete={may.has('deleteOthersTasks') || (!matchingTarget && [...selected.values()].every((t) => may.mayDelete(t)))}
          mayUnassign={may.has('assignOthers') || (!matchingTarget && [...selected.values()].every((t) => may.mayAssign(t.assigneeId, null)))}
          onApply={(set, label) => void applyBulk(set, label)}
          onDelete={() => {
            const chosen = [...selected.values()];
            clear();
            deleteTasks(chosen, matchingTarget ?? undefined);
          }}
          onClear={clear}
        />
      )}
    </div>
  );
}

function BulkBar({ count, users, may, mayDelete, mayUnassign, onApply, onDelete, onClear }: {
  count: number;
  users: { id: string; name: string }[];
  may: Permissions;
  mayDelete: boolean;
  mayUnassign: boolean;
  onApply: (set: BulkChanges, label: string) => void;
  onDelete: () => void;
  onClear: () => void;
}) {
  return (
    <div className="bulk-bar" role="toolbar" aria-label="Bulk edit">
      <strong>{count} selected</strong>
      <select aria-label="Set status" value="" onChange={(e) => e.target.value && onApply({ status: e.target.value as Task['status'] }, `Status → ${STATUS_LABEL[e.target.value as Task['status']]}`)}>
        <option value="">Status…</option>
        {STATUSES.filter((s) => s !== 'waiting' && s !== 'blocked').map((s) => <option key={s} value={s}>{STATUS_LABEL[s]}</option>)}
      </select>
      <select aria-label="Set priority" value="" onChange={(e) => e.target.value && onApply({ priority: e.target.value as Task['priority'] }, `Priority → ${PRIORITY_LABEL[e.target.value as Task['priority']]}`)}>
        <option value="">Priority…</option>
        {PRIORITIES.map((p) => <option key={p} value={p}>{PRIORITY_LABEL[p]}</option>)}
      </select>
      <select aria-label="Assign to" value="" onChange={(e) => {
        const value = e.target.value;
        if (!value) return;
        const assigneeId = value === 'none' ? null : value;
        onApply({ assigneeId }, assigneeId ? `Assigned to ${users.find((u) => u.id === assigneeId)?.name ?? 'someone'}` : 'Unassigned');
      }}>
        <option value="">Assign…</option>
        <option value="none" disabled={!mayUnassign}>Nobody</option>
        {users.map((u) => <option key={u.id} value={u.id} disabled={!may.has('assignOthers') && u.id !== may.userId}>{u.name}</option>)}
      </select>
      <label className="bulk-due">
        Due
        <input type="datetime-local" aria-label="Set due date" onChange={(e) => e.target.value && onApply({ dueAt: fromLocalInput(e.target.value) }, 'Due date changed')} />
      </label>
      <button type="button" className="button button-danger" onClick={onDelete} disabled={!mayDelete} title={mayDelete ? undefined : RIGHT_HOLDERS.deleteOthersTasks}>Delete</button>
      <button type="button" className="button" onClick={onClear}>Clear</button>
    </div>
  );
}
