// The domain events a task emits, and what each carries.
import type { TaskSource } from './task.ts';

/** What an attachment event carries; its subject is the task. */
export interface AttachmentEvent {
  key: string;
  attachmentId: string;
  name: string;
  contentType: string;
  size: number;
  checklistItemId: string | null;
}

declare module '../platform/outbox.ts' {
  interface DomainEvents {
    /** dueAt and waitingUntil: the new task's (ISO instants or null); absent from events written before they were added. */
    'task.created': { key: string; title: string; source: TaskSource; dueAt?: string | null; waitingUntil?: string | null };
    'task.assigned': { fromAssigneeId: string | null; toAssigneeId: string | null; fromTeamId: string | null; toTeamId: string | null };
    'task.status_changed': { key: string; from: string; to: string };
    'task.completed': { key: string; completedAt: string };
    'task.updated': { key: string; fields: string[]; version: number };
    'task.deleted': { key: string; title: string };
    'task.commented': { key: string; commentId: string; attachmentIds?: string[] };
    'attachment.added': AttachmentEvent;
    'attachment.deleted': AttachmentEvent;
  }
}
