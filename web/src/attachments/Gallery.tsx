// A task's photos and files: thumbnails that open a viewer (arrows, or a swipe
// on the phone), the camera button (the phone opens its camera), photos made
// smaller before they travel, and those still waiting for signal.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, describeError, NetworkError } from '../api/client.ts';
import { isOffline } from '../offline/queue.ts';
import { Modal } from '../shell/Modal.tsx';
import { timeAgo } from '../shell/format.ts';
import { showToast } from '../shell/toasts.tsx';
import { useMe } from '../tasks/queries.ts';
import { type Attachment, attachmentKeys, isImage, uploadFile, useTaskAttachments } from './api.ts';
import { downscale } from './downscale.ts';
import { queuePhoto, useWaitingPhotos } from './photoQueue.ts';
import './attachments.css';

interface TaskRef {
  id: string;
  key: string;
}

/** Photos are handled one after another, in the order they were taken, whichever button took them. */
let inTurn: Promise<void> = Promise.resolve();

/** Takes or picks a photo (or any file) and sends it, or keeps it for later without signal. */
export function usePhotoTaker(task: TaskRef) {
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const take = (files: FileList | null, checklistItemId?: string) => {
    if (!files || files.length === 0) return Promise.resolve();
    const picked = Array.from(files);
    setBusy(true);
    inTurn = inTurn.then(() => send(picked, checklistItemId));
    return inTurn;
  };
  const send = async (picked: File[], checklistItemId?: string) => {
    try {
      for (const file of picked) {
        const { blob, name } = await downscale(file);
        const later = () => queuePhoto({ taskId: task.id, taskKey: task.key, name, blob, checklistItemId });
        if (isOffline()) {
          await later();
          continue;
        }
        try {
          await uploadFile(task.id, blob, name, checklistItemId);
        } catch (error) {
          if (!(error instanceof NetworkError)) throw error;
          await later();
        }
      }
    } catch (error) {
      showToast(describeError(error), { tone: 'error' });
    } finally {
      setBusy(false);
      void qc.invalidateQueries({ queryKey: ['attachments'] });
    }
  };
  return { take, busy };
}

/** A button that opens the camera (on a phone) or the file picker. */
export function CameraButton({ task, checklistItemId, label, short, className = 'button' }: { task: TaskRef; checklistItemId?: string; label: string; short?: string; className?: string }) {
  const input = useRef<HTMLInputElement>(null);
  const { take, busy } = usePhotoTaker(task);
  return (
    <>
      <button type="button" className={className} disabled={busy} title={label} onClick={() => input.current?.click()}>
        {busy ? 'Sending…' : (short ?? label)}
      </button>
      <input
        ref={input}
        type="file"
        accept="image/*"
        capture="environment"
        hidden
        aria-label={label}
        onChange={(e) => {
          void take(e.target.files, checklistItemId);
          e.target.value = '';
        }}
      />
    </>
  );
}

/** The gallery of a task in its drawer: whoever added a file, or a manager, may delete it. */
export function TaskPhotos({ task }: { task: TaskRef }) {
  const me = useMe().data?.user;
  const manager = me !== undefined && ['owner', 'admin', 'manager'].includes(me.role);
  return <Gallery task={task} canDelete={(a) => manager || a.createdById === me?.id} />;
}

export function Gallery({ task, canDelete }: { task: TaskRef; canDelete: (a: Attachment) => boolean }) {
  const files = useTaskAttachments(task.id);
  const waiting = useWaitingPhotos().filter((p) => p.taskId === task.id);
  const qc = useQueryClient();
  const [open, setOpen] = useState<number | null>(null);
  // A waiting photo that went up is now one of the task's files.
  useEffect(() => void qc.invalidateQueries({ queryKey: attachmentKeys.task(task.id) }), [qc, task.id, waiting.length]);
  const items = files.data ?? [];
  const images = items.filter(isImage);
  const others = items.filter((a) => !isImage(a));
  const remove = async (attachment: Attachment) => {
    try {
      await api.delete(attachment.url);
      setOpen(null);
      void qc.invalidateQueries({ queryKey: ['attachments'] });
    } catch (error) {
      showToast(describeError(error), { tone: 'error' });
    }
  };
  return (
    <section className="detail-section" aria-label="Photos and files">
      <h3>
        Photos and files {items.length > 0 && <span className="count">{items.length}</span>}
      </h3>
      {waiting.length > 0 && (
        <p className="photos-waiting" role="status">
          {waiting.length === 1 ? '1 photo waiting' : `${waiting.length} photos waiting`} for a connection
        </p>
      )}
      {images.length > 0 && <Thumbnails items={images} onOpen={setOpen} />}
      {others.length > 0 && (
        <ul className="file-list">
          {others.map((file) => (
            <li key={file.id}>
              <a href={file.url} download={file.name}>{file.name}</a> <span className="muted">{formatSize(file.size)}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="gallery-actions">
        <CameraButton task={task} label="Add photo" />
        <FilePicker task={task} />
      </div>
      {open !== null && images[open] && (
        <Viewer items={images} index={open} onIndex={setOpen} onClose={() => setOpen(null)} onDelete={canDelete(images[open]) ? remove : undefined} />
      )}
    </section>
  );
}

function FilePicker({ task }: { task: TaskRef }) {
  const input = useRef<HTMLInputElement>(null);
  const { take, busy } = usePhotoTaker(task);
  return (
    <>
      <button type="button" className="button secondary" disabled={busy} onClick={() => input.current?.click()}>Attach file</button>
      <input ref={input} type="file" hidden aria-label="Attach file" onChange={(e) => { void take(e.target.files); e.target.value = ''; }} />
    </>
  );
}

export function Thumbnails({ items, onOpen }: { items: Attachment[]; onOpen: (index: number) => void }) {
  return (
    <ul className="thumbs">
      {items.map((photo, i) => (
        <li key={photo.id}>
          <button type="button" className="thumb" onClick={() => onOpen(i)} aria-label={`Open photo ${photo.name}`}>
            <img src={photo.thumbnailUrl} alt={photo.name} loading="lazy" width={photo.width} height={photo.height} />
          </button>
        </li>
      ))}
    </ul>
  );
}

/** One photo at a time, large: arrows, keys or a swipe move between them. */
export function Viewer({ items, index, onIndex, onClose, onDelete }: { items: Attachment[]; index: number; onIndex: (i: number) => void; onClose: () => void; onDelete?: (a: Attachment) => void }) {
  const photo = items[index]!;
  const start = useRef<number | null>(null);
  const go = (step: number) => onIndex((index + step + items.length) % items.length);
  return (
    <Modal title={photo.name} onClose={onClose} className="viewer">
      <div
        className="viewer-stage"
        onKeyDown={(e) => (e.key === 'ArrowRight' ? go(1) : e.key === 'ArrowLeft' ? go(-1) : undefined)}
        tabIndex={0}
        onPointerDown={(e) => (start.current = e.clientX)}
        onPointerUp={(e) => {
          if (start.current === null) return;
          const moved = e.clientX - start.current;
          start.current = null;
          if (Math.abs(moved) > 40 && items.length > 1) go(moved < 0 ? 1 : -1);
        }}
      >
        <img src={photo.displayUrl ?? photo.url} alt={photo.name} draggable={false} />
      </div>
      <div className="viewer-bar">
        {items.length > 1 && <button type="button" className="icon-button" aria-label="Previous photo" onClick={() => go(-1)}>‹</button>}
        <span className="muted">
          {index + 1} of {items.length} · {timeAgo(photo.createdAt)}
        </span>
        {items.length > 1 && <button type="button" className="icon-button" aria-label="Next photo" onClick={() => go(1)}>›</button>}
        <span className="spacer" />
        <a className="button secondary" href={photo.url} download={photo.name}>Download</a>
        {onDelete && <button type="button" className="button danger" onClick={() => onDelete(photo)}>Delete</button>}
        <button type="button" className="button" onClick={onClose}>Close</button>
      </div>
    </Modal>
  );
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

