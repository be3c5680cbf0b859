// The domain events of maintenance plans.
declare module '../platform/outbox.ts' {
  interface DomainEvents {
    'service.plan_changed': { recurrence: string | null; taskLeadTime: string | null };
  }
}

export {};
