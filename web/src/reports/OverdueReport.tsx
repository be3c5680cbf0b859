// What is overdue right now: by person, team and record type, and the tasks overdue the longest.
import { useTaskDrawer } from '../shell/drawerRoute.ts';
import { formatDue } from '../shell/format.ts';
import { type Overdue, useReport } from './api.ts';
import { BarChart, COLORS } from './charts.tsx';
import type { ReportFilter } from './format.ts';
import { Empty, MiniTable, personName, ReportCard, teamName } from './ReportCard.tsx';

const LINK_LABEL: Record<string, string> = { contact: 'Contacts', client: 'Clients', lead: 'Leads', job: 'Jobs', service: 'Services', none: 'No record' };

export function OverdueReport({ filter }: { filter: ReportFilter }) {
  const report = useReport<Overdue>('overdue', filter);
  const drawer = useTaskDrawer();
  return (
    <ReportCard name="overdue" title="Overdue" subtitle="Right now, by person, team and record type" filter={filter} report={report}>
      {(o) =>
        o.total === 0 ? (
          <Empty>Nothing is overdue. 🎉</Empty>
        ) : (
          <>
            <BarChart
              horizontal
              label="Overdue tasks by person"
              height={Math.max(120, o.byPerson.length * 30 + 30)}
              labels={o.byPerson.map(personName)}
              series={[{ label: 'Overdue', values: o.byPerson.map((p) => p.count), color: COLORS.danger }]}
            />
            <div className="report-split">
              <MiniTable title="By team" rows={o.byTeam.map((t) => [teamName(t), t.count])} />
              <MiniTable
                title="By type"
                note="Each task once, under the main record it is about: a job, else a lead, service, client or contact."
                rows={o.byLinkType.map((l) => [LINK_LABEL[l.linkType] ?? 'Other records', l.count])}
              />
            </div>
            <h3 className="report-sub">Overdue the longest</h3>
            <ul className="report-list">
              {o.oldest.map((task) => (
                <li key={task.id}>
                  <button type="button" className="link-button" onClick={() => drawer.open(task.key)}>{task.key}</button>
                  <span className="report-list-title">{task.title}</span>
                  <span className="due due-overdue">{formatDue(task.dueAt)}</span>
                </li>
              ))}
            </ul>
          </>
        )
      }
    </ReportCard>
  );
}
