// Every photo of a record's tasks (a contact, client, lead, job or service), newest first: what the office sees of the work done.
import { useState } from 'react';
import { KIND_LABEL, type RecordKind } from '../records/api.ts';
import { isImage, useRecordAttachments } from './api.ts';
import { Thumbnails, Viewer } from './Gallery.tsx';
import './attachments.css';

export function RecordPhotos({ kind, recordId }: { kind: RecordKind; recordId: string }) {
  const files = useRecordAttachments(kind, recordId);
  const [open, setOpen] = useState<number | null>(null);
  const images = (files.data ?? []).filter(isImage);
  return (
    <section className="record-section" aria-label="Photos">
      <h2>Photos {images.length > 0 && <span className="count">{images.length}</span>}</h2>
      {files.isPending ? (
        <p className="muted">Loading…</p>
      ) : images.length === 0 ? (
        <p className="muted">No photos yet: they appear here when someone adds one to a task of this {KIND_LABEL[kind].toLowerCase()}.</p>
      ) : (
        <Thumbnails items={images} onOpen={setOpen} />
      )}
      {open !== null && images[open] && <Viewer items={images} index={open} onIndex={setOpen} onClose={() => setOpen(null)} />}
    </section>
  );
}
