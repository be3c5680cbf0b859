// The filters a report figure opened the list with, as removable chips in words.
import { useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../api/client.ts';
import { reportChips } from './reportChips.ts';

/** A rule's name: null once it is deleted, undefined while not known (or not the reader's to see). */
function useRuleName(id: string | null): string | null | undefined {
  const rule = useQuery({
    queryKey: ['rule', id],
    queryFn: () => api.get<{ name: string }>(`/api/v1/rules/${encodeURIComponent(id!)}`),
    enabled: id !== null,
    retry: false,
    staleTime: 60_000,
  });
  if (rule.data) return rule.data.name;
  return rule.error instanceof ApiError && rule.error.status === 404 ? null : undefined;
}

/** A lead stage's name in its pipeline (stage keys repeat across pipelines). */
function useStageName(pipelineId: string | null): (pipeline: string | null, stage: string) => string | null | undefined {
  const pipeline = useQuery({
    queryKey: ['pipeline', pipelineId],
    queryFn: () => api.get<{ stages: { key: string; name: string }[] }>(`/api/v1/pipelines/${encodeURIComponent(pipelineId!)}`),
    enabled: pipelineId !== null,
    retry: false,
    staleTime: 60_000,
  });
  return (_pipeline, stage) => (pipeline.data ? (pipeline.data.stages.find((s) => s.key === stage)?.name ?? null) : undefined);
}

export function ReportFilterChips({ params, onRemove }: { params: URLSearchParams; onRemove: (keys: string[]) => void }) {
  const ruleName = useRuleName(params.get('rule'));
  const stageName = useStageName(params.get('leadPipeline'));
  const chips = reportChips(params, () => ruleName, undefined, stageName);
  if (chips.length === 0) return null;
  return (
    <ul className="filter-chips" aria-label="Report filters">
      {chips.map((chip) => (
        <li key={chip.keys.join()} className="filter-chip">
          <span>{chip.label}</span>
          <button type="button" aria-label={`Remove filter: ${chip.label}`} onClick={() => onRemove(chip.keys)}>×</button>
        </li>
      ))}
    </ul>
  );
}
