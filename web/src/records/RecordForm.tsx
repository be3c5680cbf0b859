// One form for every record kind, to create one or change one: each field with the API's message beside it.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, describeError, request } from '../api/client.ts';
import { useUsers } from '../tasks/queries.ts';
import { JOB_STATUS_LABEL, KIND_LABEL, PLURAL, recordKeys, type RecordKind, type RecordOf, recordName, SERVICE_KIND_LABEL, usePipelines, useRecord, useRecordList } from './api.ts';
import { bodyOf, FIELDS, type FieldSpec, type FormValues, LEAD_SOURCES, messagesByField, valuesOf } from './formFields.ts';

interface Props<K extends RecordKind> {
  kind: K;
  /** The record being changed; without it the form creates one. */
  record?: RecordOf[K];
  /** What a new record starts with (a contact's new lead has the contact). */
  preset?: Partial<RecordOf[K]>;
  onDone: (saved: RecordOf[K]) => void;
  onCancel: () => void;
}

export function RecordForm<K extends RecordKind>({ kind, record: latest, preset, onDone, onCancel }: Props<K>) {
  // The record as it was when editing began: the change is worked out against it and sent with its version,
  // so a change someone else made meanwhile is refused (412), never silently undone.
  const [record] = useState(latest);
  const [values, setValues] = useState<FormValues>(() => valuesOf(kind, record ?? preset));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const qc = useQueryClient();
  const fields = FIELDS[kind];
  const set = (key: string, value: string | string[]) => {
    setValues((v) => ({ ...v, [key]: value, ...(key === 'pipelineId' ? { stage: '' } : {}) }));
    setErrors(({ [key]: _, ...rest }) => rest);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = bodyOf(kind, values, record);
    if (record && Object.keys(body).length === 0) return onCancel();
    setSaving(true);
    setErrors({});
    try {
      const path = record ? `/api/v1/${PLURAL[kind]}/${encodeURIComponent(record.id)}` : `/api/v1/${PLURAL[kind]}`;
      const headers: Record<string, string> = record ? { 'if-match': `"${record.version}"` } : {};
      const saved = (await request<RecordOf[K]>(record ? 'PATCH' : 'POST', path, body, headers)).data;
      void qc.invalidateQueries({ queryKey: ['records', kind] });
      void qc.invalidateQueries({ queryKey: recordKeys.one(kind, saved.id) });
      onDone(saved);
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        setErrors({ _: 'Someone else changed this in the meantime. Close the form to see their change, then edit again.' });
      } else if (error instanceof ApiError && error.problem.errors?.length) {
        const byField = messagesByField(error.problem.errors);
        const known = new Set(fields.map((f) => f.key));
        const others = Object.entries(byField).filter(([key]) => !known.has(key)).map(([, message]) => message);
        setErrors({ ...byField, ...(others.length ? { _: others.join('; ') } : {}) });
      } else {
        setErrors({ _: describeError(error) });
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="form record-form" onSubmit={submit} noValidate aria-label={record ? `Edit ${KIND_LABEL[kind].toLowerCase()}` : `New ${KIND_LABEL[kind].toLowerCase()}`}>
      <div className="record-form-fields">
        {fields.map((field) => (
          <div key={field.key} className={`field ${field.input === 'textarea' || field.input === 'technicians' ? 'field-wide' : ''} ${errors[field.key] ? 'has-error' : ''}`}>
            <label htmlFor={`rf-${field.key}`}>{field.label}</label>
            <FieldInput field={field} values={values} set={set} />
            {errors[field.key] && <p className="field-error" role="alert">{errors[field.key]}</p>}
          </div>
        ))}
      </div>
      {errors._ && <p className="field-error" role="alert">{errors._}</p>}
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel}>Cancel</button>
        <button type="submit" className="button button-primary" disabled={saving}>{record ? 'Save' : `Add ${KIND_LABEL[kind].toLowerCase()}`}</button>
      </div>
    </form>
  );
}

interface InputProps {
  field: FieldSpec;
  values: FormValues;
  set: (key: string, value: string | string[]) => void;
}

function FieldInput({ field, values, set }: InputProps) {
  const id = `rf-${field.key}`;
  const value = values[field.key] ?? '';
  const text = typeof value === 'string' ? value : '';
  const onChange = (e: { target: { value: string } }) => set(field.key, e.target.value);
  switch (field.input) {
    case 'textarea':
      return <textarea id={id} rows={3} value={text} onChange={onChange} />;
    case 'tel':
      return <input id={id} type="tel" autoComplete="off" value={text} onChange={onChange} />;
    case 'email':
      return <input id={id} type="email" autoComplete="off" value={text} onChange={onChange} />;
    case 'money':
      return <input id={id} inputMode="decimal" value={text} onChange={onChange} placeholder="0" />;
    case 'datetime':
      return <input id={id} type="datetime-local" value={text} onChange={onChange} />;
    case 'status':
      return <Choice id={id} value={text} onChange={onChange} options={Object.entries(JOB_STATUS_LABEL)} />;
    case 'serviceKind':
      return <Choice id={id} value={text} onChange={onChange} options={Object.entries(SERVICE_KIND_LABEL)} />;
    case 'source':
      return (
        <>
          <input id={id} list="lead-sources" value={text} onChange={onChange} placeholder="Phone, website, referral…" />
          <datalist id="lead-sources">{LEAD_SOURCES.map((s) => <option key={s} value={s}>{s.replace(/_/g, ' ')}</option>)}</datalist>
        </>
      );
    case 'contact':
    case 'contacts':
      return <RecordChoice id={id} kind="contact" value={text} onChange={onChange} />;
    case 'client':
      return <RecordChoice id={id} kind="client" value={text} onChange={onChange} />;
    case 'job':
      return <RecordChoice id={id} kind="job" value={text} onChange={onChange} />;
    case 'owner':
      return <OwnerChoice id={id} value={text} onChange={onChange} />;
    case 'technicians':
      return <Technicians id={id} value={Array.isArray(value) ? value : []} onChange={(ids) => set(field.key, ids)} />;
    case 'pipeline':
      return <PipelineChoice id={id} value={text} onChange={onChange} />;
    case 'stage':
      return <StageChoice id={id} pipelineId={values.pipelineId as string} value={text} onChange={onChange} />;
    default:
      return <input id={id} value={text} onChange={onChange} placeholder={field.placeholder} maxLength={200} />;
  }
}

function Choice({ id, value, onChange, options, empty }: { id: string; value: string; onChange: (e: { target: { value: string } }) => void; options: [string, string][]; empty?: string }) {
  return (
    <select id={id} value={value} onChange={onChange}>
      {empty !== undefined && <option value="">{empty}</option>}
      {options.map(([key, label]) => <option key={key} value={key}>{label}</option>)}
    </select>
  );
}

/** A record to point at: the first 200 by name, and the one already chosen even if it is further down. */
function RecordChoice({ id, kind, value, onChange }: { id: string; kind: 'contact' | 'client' | 'job'; value: string; onChange: (e: { target: { value: string } }) => void }) {
  const list = useRecordList(kind, { sort: kind === 'job' ? '-scheduled' : 'name' });
  const chosen = useRecord(kind, value || null);
  const options: [string, string][] = (list.data?.items ?? []).map((r) => [r.id, recordName(kind, r)]);
  if (value && !options.some(([key]) => key === value)) options.unshift([value, chosen.data ? recordName(kind, chosen.data) : '…']);
  return <Choice id={id} value={value} onChange={onChange} options={options} empty={`No ${KIND_LABEL[kind].toLowerCase()}`} />;
}

function OwnerChoice({ id, value, onChange }: { id: string; value: string; onChange: (e: { target: { value: string } }) => void }) {
  const users = useUsers();
  const options: [string, string][] = (users.data ?? []).filter((u) => u.active !== false || u.id === value).map((u) => [u.id, u.name]);
  return <Choice id={id} value={value} onChange={onChange} options={options} empty="Me" />;
}

function Technicians({ id, value, onChange }: { id: string; value: string[]; onChange: (ids: string[]) => void }) {
  const users = useUsers();
  const people = (users.data ?? []).filter((u) => u.active !== false || value.includes(u.id));
  return (
    <div id={id} className="check-list" role="group" aria-label="Technicians">
      {people.map((u) => (
        <label key={u.id} className="check">
          <input type="checkbox" checked={value.includes(u.id)} onChange={(e) => onChange(e.target.checked ? [...value, u.id] : value.filter((t) => t !== u.id))} /> {u.name}
        </label>
      ))}
    </div>
  );
}

function PipelineChoice({ id, value, onChange }: { id: string; value: string; onChange: (e: { target: { value: string } }) => void }) {
  const pipelines = usePipelines();
  const options: [string, string][] = (pipelines.data ?? []).map((p) => [p.id, p.name]);
  return <Choice id={id} value={value} onChange={onChange} options={options} empty="The default pipeline" />;
}

function StageChoice({ id, pipelineId, value, onChange }: { id: string; pipelineId: string; value: string; onChange: (e: { target: { value: string } }) => void }) {
  const pipelines = usePipelines();
  const pipeline = (pipelines.data ?? []).find((p) => p.id === pipelineId) ?? (pipelines.data ?? []).find((p) => p.isDefault);
  const options: [string, string][] = (pipeline?.stages ?? []).map((s) => [s.key, s.name]);
  return <Choice id={id} value={value} onChange={onChange} options={options} empty="First stage" />;
}
