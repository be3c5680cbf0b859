// A job's status as a control: pick Incomplete, Completed… and the job changes at once (and its rules run).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, describeError } from '../api/client.ts';
import { showToast } from '../shell/toasts.tsx';
import { type Job, JOB_STATUS_LABEL, recordKeys } from './api.ts';

export function JobStatusSelect({ job, compact = false }: { job: Job; compact?: boolean }) {
  const qc = useQueryClient();
  const change = useMutation({
    mutationFn: (status: Job['status']) => api.patch<Job>(`/api/v1/jobs/${encodeURIComponent(job.id)}`, { status }, { 'if-match': `"${job.version}"` }),
    onSuccess: (saved) => showToast(`“${saved.title}” is now ${JOB_STATUS_LABEL[saved.status].toLowerCase()}`),
    onError: (error) => showToast(`Could not change the status: ${describeError(error)}`, { tone: 'error' }),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: recordKeys.one('job', job.id) });
      void qc.invalidateQueries({ queryKey: ['records', 'job'] });
    },
  });
  const status = change.isPending && change.variables ? change.variables : job.status;
  return (
    <select
      className={`job-status-select job-status job-${status} ${compact ? 'compact' : ''}`}
      aria-label={`Status of ${job.title}`}
      value={status}
      disabled={change.isPending}
      onClick={(e) => e.stopPropagation()}
      onChange={(e) => change.mutate(e.target.value as Job['status'])}
    >
      {Object.entries(JOB_STATUS_LABEL).map(([key, label]) => <option key={key} value={key}>{label}</option>)}
    </select>
  );
}
