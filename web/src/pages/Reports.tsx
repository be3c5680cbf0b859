// Reports for managers: what is slipping, who is loaded, where work waits — each as a chart, a table and a CSV download.
// Each report is its own component in reports/; this page keeps the filters in the address and lays the reports out.
import { useMemo } from 'react';
import { useLocation, useSearch } from 'wouter';
import { AgingReport } from '../reports/AgingReport.tsx';
import { type Summary, useReport } from '../reports/api.ts';
import { AutomationReport } from '../reports/AutomationReport.tsx';
import { BottlenecksReport } from '../reports/BottlenecksReport.tsx';
import { CompletionReport } from '../reports/CompletionReport.tsx';
import { filterFromSearch, type ReportFilter, searchWithFilter } from '../reports/format.ts';
import { OverdueReport } from '../reports/OverdueReport.tsx';
import { ReportFilters } from '../reports/ReportFilters.tsx';
import { SummaryTiles } from '../reports/SummaryTiles.tsx';
import { ThroughputReport } from '../reports/ThroughputReport.tsx';
import { WorkloadReport } from '../reports/WorkloadReport.tsx';
import { PageHeader } from '../shell/PageHeader.tsx';
import { useMe } from '../tasks/queries.ts';

export function Reports() {
  // The filters live in the address: a report can be shared as a link, and Back undoes a change of filter.
  const search = useSearch();
  const [location, navigate] = useLocation();
  // Days begin and end at the organisation's midnight, the zone the page names, wherever the browser is.
  const zone = useMe().data?.org.timezone ?? 'UTC';
  const filter = useMemo(() => filterFromSearch(search, zone), [search, zone]);
  const set = (changes: Partial<ReportFilter>) => {
    const next = searchWithFilter(search, { ...filter, ...changes });
    navigate(next ? `${location}?${next}` : location);
  };
  const summary = useReport<Summary>('summary', filter);

  return (
    <div className="page page-wide reports">
      <PageHeader title="Reports" subtitle={summary.data ? `Times in ${summary.data.timezone}` : 'What is slipping, who is loaded, where work waits'}>
        <ReportFilters filter={filter} onChange={set} />
      </PageHeader>
      <SummaryTiles filter={filter} summary={summary} />
      <div className="report-grid">
        <ThroughputReport filter={filter} />
        <OverdueReport filter={filter} />
        <CompletionReport filter={filter} />
        <WorkloadReport filter={filter} />
        <AgingReport filter={filter} />
        <BottlenecksReport filter={filter} />
        <AutomationReport filter={filter} />
      </div>
    </div>
  );
}
