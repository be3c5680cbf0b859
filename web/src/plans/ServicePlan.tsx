// A service's maintenance plan on its record page: how its due date repeats,
// how long ahead its task is made, and what the task says.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, ApiError, describeError, request } from '../api/client.ts';
import { ruleInWords } from '../recurrence/rules.ts';
import { showToast } from '../shell/toasts.tsx';

interface Plan {
  serviceId: string;
  recurrence: string;
  taskLeadTime: string;
  title: string | null;
  taskTitle: string;
  nextDueAt: string | null;
  nextTaskAt: string | null;
  lastTaskId: string | null;
}

const PRESETS: [string, string][] = [
  ['FREQ=YEARLY', 'Every year'],
  ['FREQ=MONTHLY;INTERVAL=6', 'Every 6 months'],
  ['FREQ=MONTHLY;INTERVAL=3', 'Every 3 months'],
  ['FREQ=MONTHLY', 'Every month'],
];

export function ServicePlan({ serviceId, onChanged }: { serviceId: string; onChanged?: () => void }) {
  const qc = useQueryClient();
  const key = ['services', serviceId, 'plan'];
  const plan = useQuery({
    queryKey: key,
    queryFn: async () => {
      try {
        return await api.get<Plan>(`/api/v1/services/${encodeURIComponent(serviceId)}/plan`);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });
  if (plan.isPending) return null;
  return (
    <section className="record-section facts" aria-label="Maintenance plan">
      <h3>Maintenance plan</h3>
      {plan.isError ? (
        <p className="field-error" role="alert">{describeError(plan.error)}</p>
      ) : (
        <PlanForm
          key={plan.data ? `${plan.data.recurrence}|${plan.data.taskLeadTime}|${plan.data.title}` : 'none'}
          serviceId={serviceId}
          plan={plan.data ?? null}
          onSaved={() => {
            void qc.invalidateQueries({ queryKey: key });
            onChanged?.();
          }}
        />
      )}
    </section>
  );
}

function PlanForm({ serviceId, plan, onSaved }: { serviceId: string; plan: Plan | null; onSaved: () => void }) {
  const [recurrence, setRecurrence] = useState(plan?.recurrence ?? 'FREQ=YEARLY');
  const [lead, setLead] = useState(plan?.taskLeadTime ?? 'P14D');
  const [title, setTitle] = useState(plan?.title ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const path = `/api/v1/services/${encodeURIComponent(serviceId)}/plan`;
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    try {
      await request<Plan>('PUT', path, { recurrence, taskLeadTime: lead, title: title.trim() || null });
      showToast('Maintenance plan saved');
      onSaved();
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors?.length) setErrors(Object.fromEntries(error.problem.errors.map((e) => [e.path, e.message])));
      else setErrors({ _: describeError(error) });
    }
  };
  const remove = async () => {
    try {
      await api.delete(path);
      showToast('Maintenance plan removed');
      onSaved();
    } catch (error) {
      setErrors({ _: describeError(error) });
    }
  };
  const words = ruleInWords(recurrence);
  return (
    <form className="plan-form" noValidate onSubmit={(e) => void save(e)}>
      {plan?.nextTaskAt && <p className="muted small">Next task made {new Date(plan.nextTaskAt).toLocaleString()}, due {new Date(plan.nextDueAt!).toLocaleString()}: “{plan.taskTitle}”.</p>}
      <label>
        Repeats
        <select aria-label="Plan repeats" value={PRESETS.some(([rule]) => rule === recurrence) ? recurrence : ''} onChange={(e) => e.target.value && setRecurrence(e.target.value)}>
          {PRESETS.map(([rule, label]) => <option key={rule} value={rule}>{label}</option>)}
          <option value="">Custom rule…</option>
        </select>
      </label>
      <input aria-label="Plan rule (RRULE)" value={recurrence} onChange={(e) => setRecurrence(e.target.value)} />
      <p className="muted small">{words ? `Due ${words}` : 'Not a rule we can read yet'}</p>
      {errors.recurrence && <p className="field-error" role="alert">{errors.recurrence}</p>}
      <label>
        Task made ahead by
        <input aria-label="Task lead time" value={lead} onChange={(e) => setLead(e.target.value)} placeholder="P14D" />
      </label>
      {errors.taskLeadTime && <p className="field-error" role="alert">{errors.taskLeadTime}</p>}
      <label>
        Task title
        <input aria-label="Plan task title" value={title} onChange={(e) => setTitle(e.target.value)} placeholder={plan?.taskTitle ?? 'Kind: service title'} />
      </label>
      {errors.title && <p className="field-error" role="alert">{errors.title}</p>}
      <div className="inline-form">
        <button type="submit" className="button button-primary">{plan ? 'Save plan' : 'Start plan'}</button>
        {plan && <button type="button" className="button button-danger" onClick={() => void remove()}>Remove plan</button>}
      </div>
      {errors._ && <p className="field-error" role="alert">{errors._}</p>}
    </form>
  );
}
