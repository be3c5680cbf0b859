// One "only if" row of the rule builder, in words: pick what to look at (the lead's source, the job's new status…),
// how to compare, and a value from the ones it takes. Another system's event names its own details by hand.
import { useState } from 'react';
import { usePipelines } from '../records/api.ts';
import { useTeams, useUsers } from '../tasks/queries.ts';
import { useRules } from './api.ts';
import { catalogueField, detailName, fieldsFor, hasCatalogue, namedDetail, OPERATOR_WORDS, type OperatorChoice, operatorsFor, type Values } from './fieldCatalogue.ts';
import { type ConditionRow, parseValue } from './ruleForm.ts';
import { conditionSentence, fieldPhrase, valueWords } from './sentences.ts';

const NAMED = '__named';
const OTHER = '__other';

/** The values a field takes, as [value, words], with any the row already holds that are not among them. */
function useChoices(values: Values | undefined, held: string[]): [string, string][] {
  const pipelines = usePipelines();
  const users = useUsers();
  const teams = useTeams();
  const rules = useRules();
  let choices: [string, string][] = [];
  if (values?.kind === 'choice') choices = values.choices.map(([v, l]) => [v, l]);
  if (values?.kind === 'stage') {
    const seen = new Map<string, string>();
    for (const p of pipelines.data ?? []) for (const s of p.stages) if (!seen.has(s.key)) seen.set(s.key, s.name);
    choices = [...seen];
  }
  if (values?.kind === 'person') choices = (users.data ?? []).map((u) => [u.id, u.name]);
  if (values?.kind === 'team') choices = (teams.data ?? []).map((t) => [t.id, t.name]);
  if (values?.kind === 'rule') choices = (rules.data ?? []).map((r) => [r.id, r.name]);
  const lookedUp = values?.kind === 'person' || values?.kind === 'team' || values?.kind === 'rule';
  for (const v of held) if (v && !choices.some(([c]) => c === v)) choices.push([v, lookedUp ? 'one that is no longer here' : valueWords(v)]);
  return choices;
}

export function ConditionEditor({ index: i, row, eventType, onChange, onRemove, error }: {
  index: number;
  row: ConditionRow;
  eventType: string;
  onChange: (changes: Partial<ConditionRow>) => void;
  onRemove: () => void;
  error?: string;
}) {
  const n = i + 1;
  const listed = catalogueField(row.field, eventType);
  const fields = fieldsFor(eventType);
  // Another system's event: its details are named as it names them (the invoice's "number").
  const canName = !hasCatalogue(eventType);
  const [naming, setNaming] = useState(() => canName && detailName(row.field) !== null);
  const [typingOther, setTypingOther] = useState(false);
  const [name, setName] = useState(() => detailName(row.field) ?? '');
  const held = row.op === 'in' ? row.value.split(',').map((s) => s.trim()).filter(Boolean) : [row.value.trim()];
  const choices = useChoices(listed?.values, held);
  const kind = listed?.values.kind;
  const opChoice: OperatorChoice = row.op === 'exists' && row.value === 'false' ? 'exists:false' : row.op;
  const ops = operatorsFor(listed?.values);
  if (!ops.includes(opChoice)) ops.push(opChoice);

  const pickField = (value: string) => {
    setTypingOther(false);
    if (value === NAMED) {
      setNaming(true);
      onChange({ field: namedDetail(name) ?? '', read: undefined });
      return;
    }
    setNaming(false);
    const next = catalogueField(value, eventType)?.values;
    const keepOp = operatorsFor(next).includes(opChoice) ? {} : { op: 'eq' as const };
    onChange({ field: value, value: next?.kind === 'yes/no' ? 'true' : '', ...keepOp });
  };
  const pickOp = (choice: OperatorChoice) => {
    if (choice === 'exists' || choice === 'exists:false') return onChange({ op: 'exists', value: choice === 'exists' ? 'true' : 'false' });
    const value = row.op === 'exists' ? '' : choice === 'in' ? row.value : (held[0] ?? '');
    onChange({ op: choice, value });
  };
  const toggle = (value: string, on: boolean) => onChange({ value: (on ? [...held, value] : held.filter((v) => v !== value)).join(', ') });

  const fieldValue = naming ? NAMED : row.field;
  const open = listed?.values.kind === 'choice' && listed.values.open;
  return (
    <div className="condition-row" data-testid={`condition-${i}`}>
      <div className="condition-field">
        <select aria-label={`Condition ${n}: what to look at`} value={fieldValue} onChange={(e) => pickField(e.target.value)} className={error ? 'invalid' : ''}>
          {!fieldValue && <option value="">Choose…</option>}
          {fields.map((f) => <option key={f.field} value={f.field}>{f.label}</option>)}
          {row.field && !naming && !listed && <option value={row.field}>{fieldPhrase(row.field, eventType)}</option>}
          {canName && <option value={NAMED}>A detail the event comes with, by its name…</option>}
        </select>
        {naming && (
          <input aria-label={`Condition ${n}: the detail's name`} value={name} placeholder="its name, e.g. amount" onChange={(e) => { setName(e.target.value); onChange({ field: namedDetail(e.target.value) ?? '' }); }} />
        )}
      </div>
      {kind === 'yes/no' ? (
        <span className="condition-op-none" aria-hidden="true" />
      ) : (
        <select aria-label={`Condition ${n}: how to compare`} value={opChoice} onChange={(e) => pickOp(e.target.value as OperatorChoice)}>
          {ops.map((op) => <option key={op} value={op}>{OPERATOR_WORDS[op]}</option>)}
        </select>
      )}
      <div className="condition-value">
        {row.op === 'exists' ? null
        : kind === 'yes/no' ? (
          <select aria-label={`Condition ${n}: value`} value={row.value === 'false' ? 'false' : 'true'} onChange={(e) => onChange({ op: 'eq', value: e.target.value })}>
            <option value="true">yes</option>
            <option value="false">no</option>
          </select>
        ) : listed && kind !== 'text' && kind !== 'number' && row.op === 'in' ? (
          <fieldset className="condition-choices" aria-label={`Condition ${n}: values`}>
            {choices.map(([v, label]) => (
              <label key={v} className="check"><input type="checkbox" checked={held.includes(v)} onChange={(e) => toggle(v, e.target.checked)} /> {label}</label>
            ))}
            {open && <AnotherValue label={`Condition ${n}: another value`} onAdd={(v) => toggle(v, true)} />}
          </fieldset>
        ) : listed && kind !== 'text' && kind !== 'number' ? (
          <>
            <select aria-label={`Condition ${n}: value`} value={typingOther ? OTHER : row.value} onChange={(e) => { setTypingOther(e.target.value === OTHER); onChange({ value: e.target.value === OTHER ? '' : e.target.value }); }}>
              {!row.value && !typingOther && <option value="">Choose…</option>}
              {choices.map(([v, label]) => <option key={v} value={v}>{label}</option>)}
              {open && <option value={OTHER}>Something else…</option>}
            </select>
            {typingOther && <input aria-label={`Condition ${n}: the other value`} value={row.value} onChange={(e) => onChange({ value: e.target.value })} />}
          </>
        ) : (
          <input
            aria-label={`Condition ${n}: value`}
            type={kind === 'number' && row.op !== 'in' ? 'number' : 'text'}
            inputMode={kind === 'number' ? 'decimal' : undefined}
            value={row.value}
            onChange={(e) => onChange({ value: e.target.value })}
            placeholder={row.op === 'in' ? 'several, separated by commas' : ''}
          />
        )}
      </div>
      <button type="button" className="icon-button" aria-label={`Remove condition ${n}`} onClick={onRemove}>✕</button>
      {row.field.trim() && <p className="muted small condition-reads">Reads: {conditionSentence({ field: row.field.trim(), op: row.op, value: parseValue(row.op, row.value) }, eventType, (id) => choices.find(([v]) => v === id)?.[1])}</p>}
      {error && <p className="field-error condition-error">{error}</p>}
    </div>
  );
}

/** A value typed by hand for a list that also takes others (a lead source of the business's own), added with Enter. */
function AnotherValue({ label, onAdd }: { label: string; onAdd: (value: string) => void }) {
  const [text, setText] = useState('');
  const add = () => {
    if (text.trim()) onAdd(text.trim());
    setText('');
  };
  return (
    <input
      aria-label={label}
      placeholder="Another, then Enter"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          add();
        }
      }}
      onBlur={add}
    />
  );
}
