// Automation for managers: the rules (on/off, build and edit them in a form, try them on past events), the run log, and playbooks.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { cloneElement, type FormEvent, type ReactElement, useId, useState } from 'react';
import type { z } from 'zod';
import type { runView } from '../../../src/automation/rule.ts';
import { api, ApiError, describeError } from '../api/client.ts';
import { type Page, PRIORITIES, PRIORITY_LABEL } from '../api/types.ts';
import {
  CUSTOM,
  type ConditionRow,
  describeTrigger,
  type DurationUnit,
  emptyRule,
  emptyTask,
  EVENT_CHOICES,
  FIELD_SUGGESTIONS,
  fromRule,
  type Operator,
  OPERATORS,
  type RuleForm,
  type RuleView,
  type Strategy,
  type TaskAction,
  toRuleBody,
} from '../automation/ruleForm.ts';
import { RuleStats } from '../automation/RuleStats.tsx';
import { useTaskDrawer } from '../shell/drawerRoute.ts';
import { formatDue, formatInstant, timeAgo } from '../shell/format.ts';
import { EmptyState, PageHeader } from '../shell/PageHeader.tsx';
import { showToast } from '../shell/toasts.tsx';
import { useTeams, useUsers } from '../tasks/queries.ts';
import { useUserMap } from '../tasks/useUserMap.ts';
import { WebhookActionPicker } from '../webhooks/WebhookActionPicker.tsx';

type Run = z.infer<typeof runView>;
interface Playbook { key: string; name: string; description: string; rules: { key: string; name: string; trigger: string }[] }
interface WouldCreate { title: string; priority: string; dueAt: string | null; assigneeId: string | null; teamId: string | null; checklist: string[] }
interface DryRunResult {
  eventsConsidered: number;
  truncated: boolean;
  wouldCreate: number;
  wouldChange: number;
  results: { eventId: string; eventType: string; occurredAt: string; outcome: string; wouldCreate: WouldCreate[]; notes?: string[] }[];
}

const rulesKey = ['rules'] as const;
const runsKey = ['automation-runs'] as const;
type Tab = 'rules' | 'runs' | 'playbooks';

export function Automation() {
  const [tab, setTab] = useState<Tab>('rules');
  const [editing, setEditing] = useState<RuleView | 'new' | null>(null);
  return (
    <div className="page automation">
      <PageHeader title="Automation" subtitle="Rules turn what happens in the business into tasks with an owner and a deadline">
        <button type="button" className="button button-primary" onClick={() => { setTab('rules'); setEditing('new'); }}>+ New rule</button>
      </PageHeader>
      <div className="record-tabs" role="tablist" aria-label="Automation">
        {([['rules', 'Rules'], ['runs', 'Run log'], ['playbooks', 'Playbooks']] as const).map(([key, label]) => (
          <button key={key} type="button" role="tab" aria-selected={tab === key} className={`record-tab tab-button ${tab === key ? 'active' : ''}`} onClick={() => setTab(key)}>{label}</button>
        ))}
      </div>
      {tab === 'rules' && (editing ? <RuleBuilder rule={editing === 'new' ? null : editing} onDone={() => setEditing(null)} /> : <RuleList onEdit={setEditing} />)}
      {tab === 'runs' && <RunLog />}
      {tab === 'playbooks' && <Playbooks onInstalled={() => setTab('rules')} />}
    </div>
  );
}

// --- rules ------------------------------------------------------------------

function useRules() {
  return useQuery({ queryKey: rulesKey, queryFn: () => api.get<Page<RuleView>>('/api/v1/rules?limit=200').then((p) => p.items) });
}

function RuleList({ onEdit }: { onEdit: (rule: RuleView) => void }) {
  const rules = useRules();
  const qc = useQueryClient();
  const [trying, setTrying] = useState<string | null>(null);
  const toggle = useMutation({
    mutationFn: (rule: RuleView) => api.patch<RuleView>(`/api/v1/rules/${encodeURIComponent(rule.id)}`, { enabled: !rule.enabled }, { 'if-match': `"${rule.version}"` }),
    onSuccess: (saved) => {
      qc.setQueryData<RuleView[]>(rulesKey, (list) => list?.map((r) => (r.id === saved.id ? saved : r)));
      showToast(`${saved.name}: ${saved.enabled ? 'on' : 'off'}`);
    },
    onError: (error) => {
      showToast(`Could not change the rule: ${describeError(error)}`, { tone: 'error' });
      void qc.invalidateQueries({ queryKey: rulesKey });
    },
  });
  if (rules.error) return <p className="error pad">{describeError(rules.error)}</p>;
  if (!rules.data) return <p className="muted pad">Loading…</p>;
  if (rules.data.length === 0) return <EmptyState title="No rules yet" hint="Build one with + New rule, or install a playbook for your trade." />;
  return (
    <ul className="rule-list">
      {rules.data.map((rule) => (
        <li key={rule.id} className={`rule ${rule.enabled ? '' : 'rule-off'}`} data-rule-id={rule.id}>
          <div className="rule-row">
            <label className="switch" title={rule.enabled ? 'On: turn off' : 'Off: turn on'}>
              <input type="checkbox" role="switch" checked={rule.enabled} aria-label={`${rule.name} enabled`} onChange={() => toggle.mutate(rule)} />
              <span className="switch-track" aria-hidden="true" />
            </label>
            <div className="rule-text">
              <div className="rule-name">{rule.name} {rule.playbook && <span className="chip">playbook</span>}</div>
              <div className="rule-when muted">When {lowerFirst(describeTrigger(rule))} → {rule.actions.map(actionLabel).join(', ')}</div>
              <RuleStats stats={rule.stats} />
            </div>
            <div className="rule-buttons">
              <button type="button" className="button" onClick={() => setTrying(trying === rule.id ? null : rule.id)} aria-expanded={trying === rule.id}>Dry run</button>
              <button type="button" className="button" onClick={() => onEdit(rule)}>Edit</button>
            </div>
          </div>
          {trying === rule.id && <DryRun rule={rule} />}
        </li>
      ))}
    </ul>
  );
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function actionLabel(action: Record<string, unknown>): string {
  switch (action.type) {
    case 'create_task': return `create “${String(action.title)}”`;
    case 'update_record': return `update the ${String(action.record)}`;
    case 'close_tasks': return 'close its open tasks';
    case 'set_priority': return `set priority ${String(action.priority)}`;
    case 'webhook': return 'send to a webhook';
    default: return String(action.type).replace(/_/g, ' ');
  }
}

function DryRun({ rule }: { rule: RuleView }) {
  const [days, setDays] = useState(30);
  const users = useUserMap();
  const run = useQuery({
    queryKey: ['dry-run', rule.id, rule.version, days],
    queryFn: () => api.post<DryRunResult>(`/api/v1/rules/${encodeURIComponent(rule.id)}/dry-run`, { days }),
    staleTime: Infinity,
  });
  const created = run.data?.results.filter((r) => r.wouldCreate.length > 0) ?? [];
  return (
    <div className="dry-run" aria-label={`Dry run of ${rule.name}`} aria-busy={run.isFetching}>
      <div className="dry-run-head">
        <span>What this rule would have done over the last</span>
        <select aria-label="Days to replay" value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {[7, 30, 90].map((d) => <option key={d} value={d}>{d} days</option>)}
        </select>
        <span className="muted">— nothing is written</span>
      </div>
      {run.error && <p className="error">{describeError(run.error)}</p>}
      {run.data && (
        <>
          <p className="dry-run-summary" data-testid="dry-run-summary">
            <strong>{run.data.wouldCreate}</strong> task{run.data.wouldCreate === 1 ? '' : 's'} would have been created
            {run.data.wouldChange > 0 && <>, <strong>{run.data.wouldChange}</strong> changed</>}, from {run.data.eventsConsidered} event{run.data.eventsConsidered === 1 ? '' : 's'}
            {run.data.truncated && ' (the most recent ones only)'}.
          </p>
          {created.length > 0 && (
            <ul className="dry-run-list">
              {created.slice(0, 20).flatMap((r) =>
                r.wouldCreate.map((t, i) => (
                  <li key={`${r.eventId}-${i}`}>
                    <span className="dry-run-title">{t.title}</span>
                    {t.priority !== 'normal' && <span className={`priority priority-${t.priority}`}>{PRIORITY_LABEL[t.priority as keyof typeof PRIORITY_LABEL] ?? t.priority}</span>}
                    <span className="muted small-name">{t.assigneeId ? (users.get(t.assigneeId)?.name ?? 'someone') : 'unassigned'}</span>
                    {t.dueAt && <span className="due">due {formatDue(t.dueAt)}</span>}
                    <span className="muted small-name">after {r.eventType} {timeAgo(r.occurredAt)}</span>
                  </li>
                )),
              )}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

// --- the builder --------------------------------------------------------------

function RuleBuilder({ rule, onDone }: { rule: RuleView | null; onDone: () => void }) {
  const [form, setForm] = useState<RuleForm>(() => (rule ? fromRule(rule) : emptyRule()));
  const users = useUsers();
  const teams = useTeams();
  const qc = useQueryClient();
  const set = (changes: Partial<RuleForm>) => setForm((f) => ({ ...f, ...changes }));
  const setCondition = (i: number, changes: Partial<ConditionRow>) => set({ conditions: form.conditions.map((c, j) => (j === i ? { ...c, ...changes } : c)) });
  const setTask = (i: number, changes: Partial<TaskAction>) => set({ tasks: form.tasks.map((t, j) => (j === i ? { ...t, ...changes } : t)) });

  const save = useMutation({
    mutationFn: () => {
      const body = toRuleBody(form);
      return rule
        ? api.patch<RuleView>(`/api/v1/rules/${encodeURIComponent(rule.id)}`, body, { 'if-match': `"${rule.version}"` })
        : api.post<RuleView>('/api/v1/rules', body);
    },
    onSuccess: (saved) => {
      void qc.invalidateQueries({ queryKey: rulesKey });
      showToast(rule ? `Saved “${saved.name}”` : `Created “${saved.name}”`);
      onDone();
    },
  });
  const problems = save.error instanceof ApiError ? (save.error.problem.errors ?? []) : [];
  const errorAt = (path: string) => problems.find((p) => p.path === path)?.message;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  return (
    <form className="rule-builder" onSubmit={submit} aria-label={rule ? `Edit ${rule.name}` : 'New rule'}>
      <div className="builder-section">
        <Field label="Rule name" error={errorAt('name')}>
          <input value={form.name} onChange={(e) => set({ name: e.target.value })} placeholder="e.g. Call new website leads back" maxLength={200} />
        </Field>
        <label className="check"><input type="checkbox" checked={form.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> Enabled</label>
      </div>

      <div className="builder-section">
        <h2 className="builder-title"><span className="step-badge">1</span> When</h2>
        <div className="builder-row">
          <Field label="Event" error={errorAt('trigger.event')}>
            <select value={form.event} onChange={(e) => set({ event: e.target.value })}>
              {EVENT_CHOICES.map((g) => (
                <optgroup key={g.group} label={g.group}>
                  {g.events.map(([event, label]) => <option key={event} value={event}>{label} ({event})</option>)}
                </optgroup>
              ))}
              <option value={CUSTOM}>Custom event from another system…</option>
            </select>
          </Field>
          {form.event === CUSTOM && (
            <Field label="Custom event type" error={errorAt('trigger.event')}>
              <input value={form.customEvent} onChange={(e) => set({ customEvent: e.target.value })} placeholder="invoice.overdue" />
            </Field>
          )}
          <Field label="Wait before acting" error={errorAt('trigger.delay')}>
            <DurationInput amount={form.delayAmount} unit={form.delayUnit} onChange={(delayAmount, delayUnit) => set({ delayAmount, delayUnit })} placeholder="at once" />
          </Field>
        </div>
        <h3 className="builder-sub">Only if</h3>
        <datalist id="rule-fields">{FIELD_SUGGESTIONS.map((f) => <option key={f} value={f} />)}</datalist>
        {form.conditions.length === 0 && <p className="muted small">Every such event — add a condition to narrow it down.</p>}
        {form.conditions.map((c, i) => (
          <div key={i} className="condition-row" data-testid={`condition-${i}`}>
            <input list="rule-fields" aria-label={`Condition ${i + 1} field`} value={c.field} onChange={(e) => setCondition(i, { field: e.target.value })} placeholder="record.source" className={errorAt(`trigger.where.${i}.field`) ? 'invalid' : ''} />
            <select aria-label={`Condition ${i + 1} operator`} value={c.op} onChange={(e) => setCondition(i, { op: e.target.value as Operator })}>
              {OPERATORS.map(([op, label]) => <option key={op} value={op}>{label}</option>)}
            </select>
            {c.op === 'exists' ? (
              <select aria-label={`Condition ${i + 1} value`} value={c.value || 'true'} onChange={(e) => setCondition(i, { value: e.target.value })}>
                <option value="true">yes</option>
                <option value="false">no</option>
              </select>
            ) : (
              <input aria-label={`Condition ${i + 1} value`} value={c.value} onChange={(e) => setCondition(i, { value: e.target.value })} placeholder={c.op === 'in' ? 'quoted, won' : 'website'} />
            )}
            <button type="button" className="icon-button" aria-label={`Remove condition ${i + 1}`} onClick={() => set({ conditions: form.conditions.filter((_, j) => j !== i) })}>✕</button>
            {(errorAt(`trigger.where.${i}.field`) || errorAt(`trigger.where.${i}.value`)) && <p className="field-error condition-error">{errorAt(`trigger.where.${i}.field`) ?? errorAt(`trigger.where.${i}.value`)}</p>}
          </div>
        ))}
        <button type="button" className="link-button" onClick={() => set({ conditions: [...form.conditions, { field: '', op: 'eq', value: '' }] })}>+ Add condition</button>
      </div>

      <div className="builder-section">
        <h2 className="builder-title"><span className="step-badge">2</span> Then</h2>
        {form.tasks.map((t, i) => (
          <fieldset key={i} className="action-card" aria-label={`Create task ${i + 1}`}>
            <legend>Create a task</legend>
            {form.tasks.length + form.otherActions.length > 1 && (
              <button type="button" className="icon-button action-remove" aria-label={`Remove action ${i + 1}`} onClick={() => set({ tasks: form.tasks.filter((_, j) => j !== i) })}>✕</button>
            )}
            <Field label="Title" error={errorAt(`actions.${i}.title`)} hint="{{record.title}}, {{record.name}} and {{data.…}} fill in from the event">
              <input value={t.title} onChange={(e) => setTask(i, { title: e.target.value })} placeholder="Call {{record.title}} back" maxLength={200} />
            </Field>
            <div className="builder-row">
              <Field label="Priority">
                <select value={t.priority} onChange={(e) => setTask(i, { priority: e.target.value as TaskAction['priority'] })}>
                  {PRIORITIES.map((p) => <option key={p} value={p}>{PRIORITY_LABEL[p]}</option>)}
                </select>
              </Field>
              <Field label="Due" error={errorAt(`actions.${i}.due`)}>
                <DurationInput amount={t.dueAmount} unit={t.dueUnit} onChange={(dueAmount, dueUnit) => setTask(i, { dueAmount, dueUnit })} placeholder="no due date" after="after the event" />
              </Field>
              <label className="check business-hours"><input type="checkbox" checked={t.businessHours} onChange={(e) => setTask(i, { businessHours: e.target.checked })} /> in business hours</label>
            </div>
            <div className="builder-row">
              <Field label="Assign to" error={errorAt(`actions.${i}.assign`) ?? errorAt(`actions.${i}.assign.userId`) ?? errorAt(`actions.${i}.assign.teamId`)}>
                <select value={t.strategy} onChange={(e) => setTask(i, { strategy: e.target.value as Strategy })}>
                  <option value="record_owner">The record’s owner</option>
                  <option value="user">A person</option>
                  <option value="round_robin">A team, taking turns</option>
                  <option value="least_loaded">A team, whoever has least on</option>
                  <option value="none">Nobody (unowned)</option>
                </select>
              </Field>
              {t.strategy === 'user' && (
                <Field label="Person">
                  <select value={t.userId} onChange={(e) => setTask(i, { userId: e.target.value })}>
                    <option value="">Choose…</option>
                    {(users.data ?? []).map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
                  </select>
                </Field>
              )}
              {(t.strategy === 'round_robin' || t.strategy === 'least_loaded') && (
                <Field label="Team">
                  <select value={t.teamId} onChange={(e) => setTask(i, { teamId: e.target.value })}>
                    <option value="">Choose…</option>
                    {(teams.data ?? []).map((team) => <option key={team.id} value={team.id}>{team.name}</option>)}
                  </select>
                </Field>
              )}
            </div>
            <ChecklistEditor items={t.checklist} onChange={(checklist) => setTask(i, { checklist })} />
          </fieldset>
        ))}
        {form.otherActions.map((a, i) => (
          <div key={`other-${i}`} className="action-card action-kept">
            <span>Also: {actionLabel(a)}</span>
            <button type="button" className="icon-button" aria-label={`Remove ${actionLabel(a)}`} onClick={() => set({ otherActions: form.otherActions.filter((_, j) => j !== i) })}>✕</button>
          </div>
        ))}
        <button type="button" className="link-button" onClick={() => set({ tasks: [...form.tasks, emptyTask()] })}>+ Add another task</button>
        <WebhookActionPicker onAdd={(webhookId) => set({ otherActions: [...form.otherActions, { type: 'webhook', webhookId }] })} />
      </div>

      {save.error && <p className="error" role="alert">{describeError(save.error)}</p>}
      <div className="form-actions builder-actions">
        <button type="button" className="button" onClick={onDone}>Cancel</button>
        <button type="submit" className="button button-primary" disabled={save.isPending}>{rule ? 'Save rule' : 'Create rule'}</button>
      </div>
    </form>
  );
}

function Field({ label, error, hint, children }: { label: string; error?: string; hint?: string; children: ReactElement<{ id?: string }> }) {
  const id = useId();
  return (
    <div className={`field builder-field ${error ? 'has-error' : ''}`}>
      <label className="field-label" htmlFor={id}>{label}</label>
      {cloneElement(children, { id })}
      {hint && !error && <span className="muted small">{hint}</span>}
      {error && <span className="field-error">{error}</span>}
    </div>
  );
}

function DurationInput({ id, amount, unit, onChange, placeholder, after }: { id?: string; amount: string; unit: DurationUnit; onChange: (amount: string, unit: DurationUnit) => void; placeholder: string; after?: string }) {
  return (
    <span className="duration-input">
      <input id={id} type="number" min="0" step="any" inputMode="decimal" value={amount} placeholder={placeholder} onChange={(e) => onChange(e.target.value, unit)} />
      <select aria-label="Unit" value={unit} onChange={(e) => onChange(amount, e.target.value as DurationUnit)}>
        <option value="minutes">minutes</option>
        <option value="hours">hours</option>
        <option value="days">days</option>
      </select>
      {after && <span className="muted small">{after}</span>}
    </span>
  );
}

function ChecklistEditor({ items, onChange }: { items: string[]; onChange: (items: string[]) => void }) {
  const [draft, setDraft] = useState('');
  const add = () => {
    if (!draft.trim()) return;
    onChange([...items, draft.trim()]);
    setDraft('');
  };
  return (
    <div className="builder-checklist">
      <span className="field-label">Checklist</span>
      <ul className="pills">
        {items.map((item, i) => (
          <li key={`${item}-${i}`} className="chip">
            {item}
            <button type="button" className="chip-remove" aria-label={`Remove ${item}`} onClick={() => onChange(items.filter((_, j) => j !== i))}>✕</button>
          </li>
        ))}
      </ul>
      <input
        aria-label="Add a checklist item"
        placeholder="Add an item and press Enter"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            add();
          }
        }}
        onBlur={add}
      />
    </div>
  );
}

// --- run log and playbooks ------------------------------------------------------

const OUTCOME_TONE: Record<string, string> = { success: 'good', scheduled: 'info', skipped: 'plain', duplicate: 'plain', failed: 'bad', stopped: 'bad' };

function RunLog() {
  const runs = useQuery({ queryKey: runsKey, queryFn: () => api.get<Page<Run>>('/api/v1/automation/runs?limit=100'), refetchInterval: 5_000 });
  const rules = useRules();
  const drawer = useTaskDrawer();
  const names = new Map((rules.data ?? []).map((r) => [r.id, r.name]));
  if (runs.error) return <p className="error pad">{describeError(runs.error)}</p>;
  if (!runs.data) return <p className="muted pad">Loading…</p>;
  if (runs.data.items.length === 0) return <EmptyState title="No runs yet" hint="Each time a rule meets an event, it is logged here with what it did." />;
  return (
    <div className="run-log">
      <table className="table">
        <thead><tr><th>When</th><th>Rule</th><th>Event</th><th>Outcome</th><th>Tasks</th></tr></thead>
        <tbody>
          {runs.data.items.map((run) => (
            <tr key={run.id} data-run-outcome={run.outcome}>
              <td className="nowrap" title={formatInstant(run.at)}>{timeAgo(run.at)}</td>
              <td>{names.get(run.ruleId) ?? <span className="muted">Deleted rule</span>}</td>
              <td><code>{run.eventType}</code></td>
              <td>
                <span className={`outcome outcome-${OUTCOME_TONE[run.outcome] ?? 'plain'}`}>{run.outcome}</span>
                {(run.error || run.detail) && <div className="muted small run-detail">{run.error ?? run.detail}</div>}
              </td>
              <td>
                {run.createdTaskIds.map((id) => <button key={id} type="button" className="link-button" onClick={() => drawer.open(id)}>+1 task</button>)}
                {run.changedTaskIds.length > 0 && <span className="muted small"> {run.changedTaskIds.length} changed</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Playbooks({ onInstalled }: { onInstalled: () => void }) {
  const playbooks = useQuery({ queryKey: ['playbooks'], queryFn: () => api.get<Page<Playbook>>('/api/v1/playbooks').then((p) => p.items), staleTime: Infinity });
  const teams = useTeams();
  const [teamId, setTeamId] = useState('');
  const qc = useQueryClient();
  const install = useMutation({
    mutationFn: (key: string) => api.post<{ installed: RuleView[]; skipped: number }>(`/api/v1/playbooks/${encodeURIComponent(key)}/install`, teamId ? { teamId } : {}),
    onSuccess: (result) => {
      void qc.invalidateQueries({ queryKey: rulesKey });
      showToast(result.installed.length ? `Installed ${result.installed.length} rule${result.installed.length === 1 ? '' : 's'}${result.skipped ? ` (${result.skipped} already there)` : ''}` : 'Already installed — nothing added');
      if (result.installed.length) onInstalled();
    },
    onError: (error) => showToast(`Could not install: ${describeError(error)}`, { tone: 'error' }),
  });
  if (playbooks.error) return <p className="error pad">{describeError(playbooks.error)}</p>;
  return (
    <div className="playbooks">
      <div className="playbook-options">
        <label className="check">
          Route tasks to
          <select value={teamId} onChange={(e) => setTeamId(e.target.value)} aria-label="Route playbook tasks to">
            <option value="">each record’s owner</option>
            {(teams.data ?? []).map((t) => <option key={t.id} value={t.id}>{t.name}, taking turns</option>)}
          </select>
        </label>
      </div>
      <div className="playbook-grid">
        {(playbooks.data ?? []).map((p) => (
          <section key={p.key} className="playbook" aria-label={p.name}>
            <h2>{p.name}</h2>
            <p className="muted">{p.description}</p>
            <ul className="playbook-rules">
              {p.rules.map((r) => <li key={r.key}>{r.name} <code className="muted">{r.trigger}</code></li>)}
            </ul>
            <button type="button" className="button button-primary" disabled={install.isPending} onClick={() => install.mutate(p.key)}>Install {p.rules.length} rules</button>
          </section>
        ))}
      </div>
    </div>
  );
}
