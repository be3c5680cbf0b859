// One “create a task” action in the rule builder: its title, priority, due time, who gets it, and a checklist.
import { PRIORITIES, PRIORITY_LABEL } from '../api/types.ts';
import { useTeams, useUsers } from '../tasks/queries.ts';
import { ChecklistEditor, DurationInput, Field } from './builderFields.tsx';
import type { Strategy, TaskAction } from './ruleForm.ts';

export function TaskActionCard({ index: i, task: t, removable, onChange, onRemove, errorAt }: {
  index: number;
  task: TaskAction;
  removable: boolean;
  onChange: (changes: Partial<TaskAction>) => void;
  onRemove: () => void;
  errorAt: (path: string) => string | undefined;
}) {
  const users = useUsers();
  const teams = useTeams();
  return (
    <fieldset className="action-card" aria-label={`Create task ${i + 1}`}>
      <legend>Create a task</legend>
      {removable && (
        <button type="button" className="icon-button action-remove" aria-label={`Remove action ${i + 1}`} onClick={onRemove}>✕</button>
      )}
      <Field label="Title" error={errorAt(`actions.${i}.title`)} hint="{{record.title}}, {{record.name}} and {{data.…}} fill in from the event">
        <input value={t.title} onChange={(e) => onChange({ title: e.target.value })} placeholder="Call {{record.title}} back" maxLength={200} />
      </Field>
      <div className="builder-row">
        <Field label="Priority">
          <select value={t.priority} onChange={(e) => onChange({ priority: e.target.value as TaskAction['priority'] })}>
            {PRIORITIES.map((p) => <option key={p} value={p}>{PRIORITY_LABEL[p]}</option>)}
          </select>
        </Field>
        <Field label="Due" error={errorAt(`actions.${i}.due`)}>
          <DurationInput amount={t.dueAmount} unit={t.dueUnit} onChange={(dueAmount, dueUnit) => onChange({ dueAmount, dueUnit })} placeholder="no due date" after="after the event" />
        </Field>
        <label className="check business-hours"><input type="checkbox" checked={t.businessHours} onChange={(e) => onChange({ businessHours: e.target.checked })} /> in business hours</label>
      </div>
      <div className="builder-row">
        <Field label="Assign to" error={errorAt(`actions.${i}.assign`) ?? errorAt(`actions.${i}.assign.userId`) ?? errorAt(`actions.${i}.assign.teamId`)}>
          <select value={t.strategy} onChange={(e) => onChange({ strategy: e.target.value as Strategy })}>
            <option value="record_owner">The record’s owner</option>
            <option value="user">A person</option>
            <option value="round_robin">A team, taking turns</option>
            <option value="least_loaded">A team, whoever has least on</option>
            <option value="none">Nobody (unowned)</option>
          </select>
        </Field>
        {t.strategy === 'user' && (
          <Field label="Person">
            <select value={t.userId} onChange={(e) => onChange({ userId: e.target.value })}>
              <option value="">Choose…</option>
              {(users.data ?? []).map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
            </select>
          </Field>
        )}
        {(t.strategy === 'round_robin' || t.strategy === 'least_loaded') && (
          <Field label="Team">
            <select value={t.teamId} onChange={(e) => onChange({ teamId: e.target.value })}>
              <option value="">Choose…</option>
              {(teams.data ?? []).map((team) => <option key={team.id} value={team.id}>{team.name}</option>)}
            </select>
          </Field>
        )}
      </div>
      <ChecklistEditor items={t.checklist} onChange={(checklist) => onChange({ checklist })} />
    </fieldset>
  );
}
