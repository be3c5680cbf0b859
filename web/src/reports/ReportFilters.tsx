// The filters over every report: the period (or custom dates), a team, a person.
import { useTeams, useUsers } from '../tasks/queries.ts';
import type { RangeKey, ReportFilter } from './format.ts';

export function ReportFilters({ filter, onChange: set }: { filter: ReportFilter; onChange: (changes: Partial<ReportFilter>) => void }) {
  const users = useUsers();
  const teams = useTeams();
  return (
    <div className="report-filters" role="group" aria-label="Report filters">
      <select aria-label="Period" value={filter.range} onChange={(e) => set({ range: e.target.value as RangeKey })}>
        <option value="7">Last 7 days</option>
        <option value="30">Last 30 days</option>
        <option value="90">Last 90 days</option>
        <option value="365">Last 12 months</option>
        <option value="custom">Custom dates…</option>
      </select>
      {filter.range === 'custom' && (
        <>
          <input type="date" aria-label="From" value={filter.fromDate} max={filter.toDate} onChange={(e) => set({ fromDate: e.target.value })} />
          <input type="date" aria-label="To" value={filter.toDate} min={filter.fromDate} onChange={(e) => set({ toDate: e.target.value })} />
        </>
      )}
      <select aria-label="Team" value={filter.team} onChange={(e) => set({ team: e.target.value })}>
        <option value="">All teams</option>
        {(teams.data ?? []).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
      </select>
      <select aria-label="Person" value={filter.assignee} onChange={(e) => set({ assignee: e.target.value })}>
        <option value="">Everyone</option>
        <option value="none">Unassigned</option>
        {(users.data ?? []).map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
      </select>
    </div>
  );
}
