// Where work waits: the average stay in each status, and where unresolved work piles up.
import { STATUS_LABEL, type Status } from '../api/types.ts';
import { usePipelines } from '../records/api.ts';
import { type Bottlenecks, useReport } from './api.ts';
import { BarChart, COLORS } from './charts.tsx';
import { formatHours, type ReportFilter } from './format.ts';
import { links, linkScope } from './links.ts';
import { FigureLink, hours, MiniTable, ReportCard, teamName } from './ReportCard.tsx';

export function BottlenecksReport({ filter }: { filter: ReportFilter }) {
  const report = useReport<Bottlenecks>('bottlenecks', filter);
  const pipelines = usePipelines();
  /** A stage by its name in its pipeline, and the pipeline's name when the stages come from more than one. */
  const stageLabel = (stages: Bottlenecks['leadStages'], l: Bottlenecks['leadStages'][number]) => {
    const pipeline = pipelines.data?.find((p) => p.id === l.pipelineId);
    const name = pipeline?.stages.find((s) => s.key === l.stage)?.name ?? l.stage;
    return pipeline && new Set(stages.map((s) => s.pipelineId)).size > 1 ? `${name} (${pipeline.name})` : name;
  };
  return (
    <ReportCard
      name="bottlenecks"
      title="Bottlenecks"
      subtitle="Average stay in each status, and where unresolved work piles up"
      definition="Average stay, a duration rather than a count of tasks: all the time tasks spent in a status during the period, divided by the stays in it then; the tables count open tasks now, by team and status and by their lead's stage"
      filter={filter}
      report={report}
    >
      {(b) => (
        <>
          <BarChart
            label="Average hours a task stays in each status"
            labels={b.statuses.map((s) => STATUS_LABEL[s.status as Status] ?? s.status)}
            format={formatHours}
            series={[{ label: 'Average stay', values: b.statuses.map((s) => hours(s.averageStayMs)), color: b.statuses.map((s) => (s.status === 'blocked' ? COLORS.danger : s.status === 'waiting' ? COLORS.violet : COLORS.accent)) }]}
          />
          {b.pileUps.length > 0 && (
            <table className="table report-table">
              <thead><tr><th>Team</th><th>Status</th><th className="num">Tasks</th><th className="num">Overdue</th></tr></thead>
              <tbody>
                {b.pileUps.slice(0, 6).map((p) => (
                  <tr key={`${p.teamId}-${p.status}`}>
                    <td>{teamName(p)}</td>
                    <td>{STATUS_LABEL[p.status]}</td>
                    <td className="num"><FigureLink params={links.inStatus(linkScope(filter), p.status, p.teamId)}>{p.count}</FigureLink></td>
                    <td className={`num ${p.overdue ? 'error' : ''}`}><FigureLink params={links.inStatus(linkScope(filter), p.status, p.teamId, true)}>{p.overdue}</FigureLink></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {b.leadStages.length > 0 && (
            <MiniTable
              title="Leads with open follow-ups, by stage"
              note="Open tasks linked to a lead, by the stage the lead is at now"
              rows={b.leadStages.slice(0, 5).map((l) => {
                const stage = stageLabel(b.leadStages, l);
                return [
                  stage,
                  <>
                    <FigureLink params={links.leadStage(linkScope(filter), l.pipelineId, l.stage, true)} label={`${l.overdueTasks} overdue for leads at ${stage}`}>{`${l.overdueTasks} overdue`}</FigureLink>
                    {' of '}
                    <FigureLink params={links.leadStage(linkScope(filter), l.pipelineId, l.stage)} label={`${l.openTasks} open for leads at ${stage}`}>{l.openTasks}</FigureLink>
                  </>,
                ];
              })}
            />
          )}
        </>
      )}
    </ReportCard>
  );
}
