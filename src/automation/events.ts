// The domain events automation emits: the time triggers on tasks.
declare module '../platform/outbox.ts' {
  interface DomainEvents {
    'task.due_soon': { dueAt: string };
    'task.overdue': { dueAt: string };
  }
}

export {};
