// What is overdue right now: by person, team and record type, and the tasks overdue the longest.
import { useLocation } from 'wouter';
import { useTaskDrawer } from '../shell/drawerRoute.ts';
import { formatDue } from '../shell/format.ts';
import { type Overdue, useReport } from './api.ts';
import { BarChart, COLORS } from './charts.tsx';
import type { ReportFilter } from './format.ts';
import { links, linkScope, listHref } from './links.ts';
import { Empty, FigureLink, MiniTable, personName, ReportCard, teamName } from './ReportCard.tsx';

const LINK_LABEL: Record<string, string> = { contact: 'Contacts', client: 'Clients', lead: 'Leads', job: 'Jobs', service: 'Services', none: 'No record' };

export function OverdueReport({ filter }: { filter: ReportFilter }) {
  const report = useReport<Overdue>('overdue', filter);
  const drawer = useTaskDrawer();
  const [, navigate] = useLocation();
  const scope = linkScope(filter);
  return (
    <ReportCard
      name="overdue"
      title="Overdue"
      subtitle="Right now, by person, team and record type"
      definition="Open tasks past their due date now, each task once: by who owns it, by team, and by the main record it is about"
      filter={filter}
      report={report}
    >
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
              onSelect={(i) => navigate(listHref(links.overdue(scope, { assignee: o.byPerson[i]!.assigneeId })))}
            />
            <p className="report-foot">
              <FigureLink params={links.overdue(scope)}><strong>{o.total}</strong> overdue</FigureLink>
              {' — '}
              {o.byPerson.map((p, i) => (
                <span key={p.assigneeId ?? 'none'}>
                  {i > 0 && ', '}
                  <FigureLink params={links.overdue(scope, { assignee: p.assigneeId })}>{personName(p)} {p.count}</FigureLink>
                </span>
              ))}
            </p>
            <div className="report-split">
              <MiniTable title="By team" rows={o.byTeam.map((t) => [teamName(t), <FigureLink key="n" params={links.overdue(scope, { team: t.teamId })}>{t.count}</FigureLink>])} />
              <MiniTable
                title="By type"
                note="Each task once, under the main record it is about: a job, else a lead, service, client or contact."
                rows={o.byLinkType.map((l) => [LINK_LABEL[l.linkType] ?? 'Other records', <FigureLink key="n" params={links.overdueOfType(scope, l.linkType)}>{l.count}</FigureLink>])}
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
