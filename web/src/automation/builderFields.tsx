// The rule builder's inputs: a labelled field with its error, an amount of time, a checklist.
import { cloneElement, type ReactElement, useId, useState } from 'react';
import type { DurationUnit } from './ruleForm.ts';

export function Field({ label, error, hint, children }: { label: string; error?: string; hint?: string; children: ReactElement<{ id?: string }> }) {
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

export function DurationInput({ id, amount, unit, onChange, placeholder, after }: { id?: string; amount: string; unit: DurationUnit; onChange: (amount: string, unit: DurationUnit) => void; placeholder: string; after?: string }) {
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

export function ChecklistEditor({ items, onChange }: { items: string[]; onChange: (items: string[]) => void }) {
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
