// How a task repeats: a preset (daily, weekdays, weekly on its day, monthly on
// its date) or a custom RRULE, shown in words. Completing it makes the next one.
import { useState } from 'react';
import type { Task } from '../api/types.ts';
import { type PresetKey, presetOf, presetRules, ruleInWords } from './rules.ts';

const LABELS: Record<PresetKey, string> = {
  none: 'Does not repeat',
  daily: 'Daily',
  weekdays: 'Every weekday (Mon–Fri)',
  weekly: 'Weekly on this day',
  monthly: 'Monthly on this date',
  custom: 'Custom rule (RRULE)…',
};

export function RepeatControl({ task, error, onChange }: { task: Task; error?: string; onChange: (recurrence: string | null) => void }) {
  const current = presetOf(task.recurrence, task.dueAt);
  const [choice, setChoice] = useState<PresetKey>(current);
  const [custom, setCustom] = useState(current === 'custom' ? (task.recurrence ?? '') : '');
  const presets = presetRules(task.dueAt);
  const choose = (key: PresetKey) => {
    setChoice(key);
    if (key === 'none') onChange(null);
    else if (key !== 'custom') onChange(presets[key]);
  };
  const words = task.recurrence ? ruleInWords(task.recurrence) : null;
  const customWords = choice === 'custom' && custom.trim() ? ruleInWords(custom.trim()) : null;
  return (
    <div className={`field-wrap repeat-control ${error ? 'has-error' : ''}`}>
      <select aria-label="Repeat" value={choice} onChange={(e) => choose(e.target.value as PresetKey)}>
        {(Object.keys(LABELS) as PresetKey[]).map((key) => <option key={key} value={key}>{LABELS[key]}</option>)}
      </select>
      {choice === 'custom' && (
        <form className="inline-form" onSubmit={(e) => { e.preventDefault(); onChange(custom.trim() || null); }}>
          <input aria-label="Custom repeat rule (RRULE)" placeholder="FREQ=MONTHLY;BYMONTHDAY=-1" value={custom} onChange={(e) => setCustom(e.target.value)} />
          <button type="submit" className="button">Set</button>
          {custom.trim() && <p className="muted small" aria-live="polite">{customWords ? `Repeats ${customWords}` : 'Not a rule we can read yet'}</p>}
        </form>
      )}
      {words && (
        <p className="muted small repeat-words">
          Repeats {words}.{' '}
          {task.series && (task.series.nextDueAt ? `Next due ${new Date(task.series.nextDueAt).toLocaleString()} once this one is done.` : 'This is the last one.')}
        </p>
      )}
      {error && <p className="field-error" role="alert">{error}</p>}
    </div>
  );
}
