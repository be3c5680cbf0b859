// The domain events notifications emit: each is about one person (subject
// user), and the live stream shows it to that person only.
declare module '../platform/outbox.ts' {
  interface DomainEvents {
    'notification.created': { notificationId: string; kind: string; message: string; taskId: string | null; taskKey: string | null };
    'notification.read': { notificationIds: string[] };
  }
}

export {};
