// The rule builder: name it, say when (an event, a wait, conditions), then what to do (tasks to create, other actions kept).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, ApiError, describeError } from '../api/client.ts';
import { showToast } from '../shell/toasts.tsx';
import { WebhookActionPicker } from '../webhooks/WebhookActionPicker.tsx';
import { rulesKey } from './api.ts';
import { DurationInput, Field } from './builderFields.tsx';
import { ConditionEditor } from './ConditionEditor.tsx';
import { CUSTOM, type ConditionRow, emptyRule, emptyTask, EVENT_CHOICES, type FormAction, fromRule, type RuleForm, type RuleView, type TaskAction, toRuleBody } from './ruleForm.ts';
import { TaskActionCard } from './TaskActionCard.tsx';
import { confirmTurningOn, DryRunOutcome } from './DryRun.tsx';
import { useDraftDryRun } from './useDraftDryRun.ts';
import { actionSentence } from './sentences.ts';
import type { DryRunResult } from './api.ts';

/** The title the action at `index` would have given its task from a recent event, when the dry run found one. */
function exampleTitle(result: DryRunResult | undefined, actions: FormAction[], index: number): string | null {
  // Tasks are created in the order of the rule's create_task actions.
  const nth = actions.slice(0, index).filter((a) => 'task' in a || a.kept.type === 'create_task').length;
  return result?.results.find((r) => r.wouldCreate.length > nth)?.wouldCreate[nth]?.title ?? null;
}

export function RuleBuilder({ rule, onDone }: { rule: RuleView | null; onDone: () => void }) {
  const [form, setForm] = useState<RuleForm>(() => (rule ? fromRule(rule) : emptyRule()));
  const qc = useQueryClient();
  const set = (changes: Partial<RuleForm>) => setForm((f) => ({ ...f, ...changes }));
  const setCondition = (i: number, changes: Partial<ConditionRow>) => set({ conditions: form.conditions.map((c, j) => (j === i ? { ...c, ...changes } : c)) });
  const setTask = (i: number, changes: Partial<TaskAction>) => set({ actions: form.actions.map((a, j) => (j === i && 'task' in a ? { task: { ...a.task, ...changes } } : a)) });
  const removeAction = (i: number) => set({ actions: form.actions.filter((_, j) => j !== i) });
  const eventType = toRuleBody(form).trigger.event;

  const draft = useDraftDryRun(form);
  const save = useMutation({
    mutationFn: async (enabled: boolean) => {
      const body = { ...toRuleBody(form), enabled };
      return rule
        ? api.patch<RuleView>(`/api/v1/rules/${encodeURIComponent(rule.id)}`, body, { 'if-match': `"${rule.version}"` })
        : api.post<RuleView>('/api/v1/rules', body);
    },
    onSuccess: (saved) => {
      void qc.invalidateQueries({ queryKey: rulesKey });
      showToast(`${rule ? 'Saved' : 'Created'} “${saved.name}”${saved.enabled ? '' : ' as a draft (off)'}`);
      onDone();
    },
  });
  const problems = save.error instanceof ApiError ? (save.error.problem.errors ?? []) : [];
  const errorAt = (path: string) => problems.find((p) => p.path === path)?.message;
  const turningOn = !rule?.enabled;
  // A form still being filled in (no title yet, a team not chosen) is refused by the dry run as it would be by a save.
  const unfinished = draft.error instanceof ApiError && draft.error.status === 400;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const enabled = rule ? rule.enabled || (event.nativeEvent as SubmitEvent).submitter?.dataset.turnOn === 'yes' : (event.nativeEvent as SubmitEvent).submitter?.dataset.turnOn === 'yes';
    if (enabled && turningOn) {
      // Turning on asks first when the rule would have made many tasks: the dry run below is the evidence.
      if (!draft.data && !unfinished) return showToast('The dry run is still working out what this rule would do: try again in a moment', { tone: 'error' });
      if (draft.data && !unfinished && !confirmTurningOn(draft.data)) return;
    }
    save.mutate(enabled);
  };

  return (
    <form className="rule-builder" onSubmit={submit} aria-label={rule ? `Edit ${rule.name}` : 'New rule'}>
      <div className="builder-section">
        <Field label="Rule name" error={errorAt('name')}>
          <input value={form.name} onChange={(e) => set({ name: e.target.value })} placeholder="e.g. Call new website leads back" maxLength={200} />
        </Field>
        <p className="muted small">{rule?.enabled ? 'This rule is on.' : 'This rule is off until you turn it on: check the dry run below first.'}</p>
      </div>

      <div className="builder-section">
        <h2 className="builder-title"><span className="step-badge">1</span> When</h2>
        <div className="builder-row">
          <Field label="Event" error={errorAt('trigger.event')}>
            <select value={form.event} onChange={(e) => set({ event: e.target.value })}>
              {EVENT_CHOICES.map((g) => (
                <optgroup key={g.group} label={g.group}>
                  {g.events.map(([event, label]) => <option key={event} value={event}>{label}</option>)}
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
        {form.conditions.length === 0 && <p className="muted small">Every such event — add a condition to narrow it down.</p>}
        {form.conditions.map((c, i) => (
          <ConditionEditor
            key={i}
            index={i}
            row={c}
            eventType={eventType}
            onChange={(changes) => setCondition(i, changes)}
            onRemove={() => set({ conditions: form.conditions.filter((_, j) => j !== i) })}
            error={errorAt(`trigger.where.${i}.field`) ?? errorAt(`trigger.where.${i}.value`) ?? errorAt(`trigger.where.${i}.op`)}
          />
        ))}
        <button type="button" className="link-button" onClick={() => set({ conditions: [...form.conditions, { field: '', op: 'eq', value: '' }] })}>+ Add condition</button>
      </div>

      <div className="builder-section">
        <h2 className="builder-title"><span className="step-badge">2</span> Then</h2>
        {form.actions.map((a, i) =>
          'task' in a ? (
            <TaskActionCard
              key={i}
              index={i}
              task={a.task}
              removable={form.actions.length > 1}
              onChange={(changes) => setTask(i, changes)}
              onRemove={() => removeAction(i)}
              errorAt={errorAt}
              example={exampleTitle(draft.data, form.actions, i)}
              eventType={eventType}
            />
          ) : (
            <div key={i} className="action-card action-kept">
              <span>Also: {actionSentence(a.kept, eventType)}</span>
              {form.actions.length > 1 && <button type="button" className="icon-button" aria-label={`Remove ${actionSentence(a.kept, eventType)}`} onClick={() => removeAction(i)}>✕</button>}
            </div>
          ),
        )}
        <button type="button" className="link-button" onClick={() => set({ actions: [...form.actions, { task: emptyTask() }] })}>+ Add another task</button>
        <WebhookActionPicker onAdd={(webhookId) => set({ actions: [...form.actions, { kept: { type: 'webhook', webhookId } }] })} />
      </div>

      <div className="builder-section">
        <h2 className="builder-title"><span className="step-badge">3</span> Check it on the last 30 days</h2>
        <div className="dry-run dry-run-form" aria-label="Dry run of this rule" aria-busy={draft.isFetching}>
          <p className="muted small">What this rule, as it stands in the form, would have done — nothing is written.</p>
          {draft.isPending && !draft.error && <p className="muted small">Working it out…</p>}
          {unfinished ? <p className="muted small">Finish the rule above to see what it would have done.</p> : <DryRunOutcome data={draft.data} error={draft.error} />}
        </div>
      </div>

      {save.error && <p className="error" role="alert">{describeError(save.error)}</p>}
      <div className="form-actions builder-actions">
        <button type="button" className="button" onClick={onDone}>Cancel</button>
        {rule?.enabled ? (
          <button type="submit" className="button button-primary" disabled={save.isPending}>Save rule</button>
        ) : (
          <>
            <button type="submit" className="button" disabled={save.isPending}>{rule ? 'Save, still off' : 'Save as draft'}</button>
            <button type="submit" className="button button-primary" data-turn-on="yes" disabled={save.isPending}>{rule ? 'Save and turn on' : 'Create and turn on'}</button>
          </>
        )}
      </div>
    </form>
  );
}
