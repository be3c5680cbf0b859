// One “create a task” action in the rule builder: its title, priority, due time, who gets it, and a checklist.
import { PRIORITIES, PRIORITY_LABEL } from '../api/types.ts';
import { useTeams, useUsers } from '../tasks/queries.ts';
import { useId, useRef } from 'react';
import { ChecklistEditor, DurationInput, Field } from './builderFields.tsx';
import type { Strategy, TaskAction } from './ruleForm.ts';
import { templateWords } from './sentences.ts';
import { TitleEditor } from './TitleEditor.tsx';

export function TaskActionCard({ index: i, task: t, removable, onChange, onRemove, errorAt, example, eventType }: {
  index: number;
  task: TaskAction;
  removable: boolean;
  onChange: (changes: Partial<TaskAction>) => void;
  onRemove: () => void;
  errorAt: (path: string) => string | undefined;
  /** The title this task would have had from a recent event (the form's dry run), if one matched. */
  example: string | null;
  eventType: string;
}) {
  const users = useUsers();
  const teams = useTeams();
  const titleId = useId();
  const titleRef = useRef<HTMLDivElement>(null);
  const titleError = errorAt(`actions.${i}.title`);
  return (
    <fieldset className="action-card" aria-label={`Create task ${i + 1}`}>
      <legend>Create a task</legend>
      {removable && (
        <button type="button" className="icon-button action-remove" aria-label={`Remove action ${i + 1}`} onClick={onRemove}>✕</button>
      )}
      <div ref={titleRef} className={`field builder-field ${titleError ? 'has-error' : ''}`}>
        <span className="field-label" id={`${titleId}-label`} onClick={() => titleRef.current?.querySelector<HTMLElement>('[role=textbox]')?.focus()}>Title</span>
        <TitleEditor value={t.title} onChange={(title) => onChange({ title })} eventType={eventType} labelledBy={`${titleId}-label`} describedBy={`${titleId}-hint`} invalid={Boolean(titleError)} />
        {titleError ? <span className="field-error" id={`${titleId}-hint`}>{titleError}</span> : <span className="muted small" id={`${titleId}-hint`}>Put the record's details in from the menu: each event fills in its own. Backspace takes one out.</span>}
      </div>
      {t.title.trim() && (
        <p className="muted small title-preview" data-testid={`title-preview-${i}`}>
          {example ? <>For example, from a recent event: <strong>{example}</strong></> : <>Reads: {templateWords(t.title, eventType)} (no recent event to show an example from)</>}
        </p>
      )}
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
