// Files on a comment: shown under it in the task's timeline, and attached while
// writing it (sent at once, photos made smaller first; the comment names them).
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { api, describeError } from '../api/client.ts';
import { showToast } from '../shell/toasts.tsx';
import { type Attachment, attachmentKeys, isImage, uploadFile, useTaskAttachments } from './api.ts';
import { downscale } from './downscale.ts';
import { Thumbnails, Viewer } from './Gallery.tsx';
import './attachments.css';

/** The photos and files a comment carries, under its text. */
export function CommentFiles({ taskId, commentId }: { taskId: string; commentId: string }) {
  const files = (useTaskAttachments(taskId).data ?? []).filter((a) => a.commentId === commentId);
  const [open, setOpen] = useState<number | null>(null);
  if (files.length === 0) return null;
  const images = files.filter(isImage);
  const others = files.filter((a) => !isImage(a));
  return (
    <div className="comment-files">
      {images.length > 0 && <Thumbnails items={images} onOpen={setOpen} />}
      {others.length > 0 && (
        <ul className="file-list">
          {others.map((file) => (
            <li key={file.id}><a href={file.url} download={file.name}>{file.name}</a></li>
          ))}
        </ul>
      )}
      {open !== null && images[open] && <Viewer items={images} index={open} onIndex={setOpen} onClose={() => setOpen(null)} />}
    </div>
  );
}

/** The Attach button of the comment form and the files attached so far, each with a way to take it off again. */
export function CommentAttach({ taskId, attached, onChange }: { taskId: string; attached: Attachment[]; onChange: (files: Attachment[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const add = async (picked: File[]) => {
    setBusy(true);
    const added: Attachment[] = [];
    try {
      for (const file of picked) {
        const { blob, name } = await downscale(file);
        added.push(await uploadFile(taskId, blob, name));
      }
    } catch (error) {
      showToast(`File not attached: ${describeError(error)}`, { tone: 'error' });
    } finally {
      setBusy(false);
      onChange([...attached, ...added]);
      void qc.invalidateQueries({ queryKey: attachmentKeys.task(taskId) });
    }
  };
  const remove = async (file: Attachment) => {
    try {
      await api.delete(file.url);
      onChange(attached.filter((a) => a.id !== file.id));
      void qc.invalidateQueries({ queryKey: ['attachments'] });
    } catch (error) {
      showToast(describeError(error), { tone: 'error' });
    }
  };
  return (
    <>
      {attached.length > 0 && (
        <ul className="comment-attached" aria-label="Attached to this comment">
          {attached.map((file) => (
            <li key={file.id}>
              {file.thumbnailUrl && <img src={file.thumbnailUrl} alt="" width={28} height={28} />}
              <span>{file.name}</span>
              <button type="button" className="icon-button" aria-label={`Remove ${file.name}`} onClick={() => void remove(file)}>×</button>
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="button secondary" disabled={busy} onClick={() => input.current?.click()}>{busy ? 'Attaching…' : 'Attach'}</button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-label="Attach to comment"
        onChange={(e) => {
          void add(Array.from(e.target.files ?? []));
          e.target.value = '';
        }}
      />
    </>
  );
}
