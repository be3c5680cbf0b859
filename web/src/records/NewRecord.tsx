// "New contact", "New lead", "New job"…: a button that opens the record form in a dialog and, once saved, opens the new record.
import { useState } from 'react';
import { useLocation } from 'wouter';
import { Modal } from '../shell/Modal.tsx';
import { showToast } from '../shell/toasts.tsx';
import { KIND_LABEL, PLURAL, type RecordKind, type RecordOf, recordName } from './api.ts';
import { RecordForm } from './RecordForm.tsx';

interface Props<K extends RecordKind> {
  kind: K;
  /** What the new record starts with, e.g. the contact a lead is for. */
  preset?: Partial<RecordOf[K]>;
  className?: string;
}

export function NewRecordButton<K extends RecordKind>({ kind, preset, className = 'button button-primary' }: Props<K>) {
  const [open, setOpen] = useState(false);
  const [, navigate] = useLocation();
  const label = `New ${KIND_LABEL[kind].toLowerCase()}`;
  return (
    <>
      <button type="button" className={className} onClick={() => setOpen(true)}>+ {label}</button>
      {open && (
        <Modal title={label} onClose={() => setOpen(false)} className="record-modal">
          <RecordForm
            kind={kind}
            preset={preset}
            onCancel={() => setOpen(false)}
            onDone={(saved) => {
              setOpen(false);
              showToast(`${KIND_LABEL[kind]} “${recordName(kind, saved)}” added`);
              navigate(`/${PLURAL[kind]}/${saved.id}`);
            }}
          />
        </Modal>
      )}
    </>
  );
}
