// The events Finishline itself emits, by name, and what an event type may look
// like: automation rules trigger on them and webhooks subscribe to them, so
// both read them here. Also what every reaction to an event shares: the
// consumer that says which events it takes, and the actor it acts as.
import { z } from 'zod';
import type { Actor } from './platform/context.ts';
import type { EventConsumer } from './platform/outbox.ts';

/** Event types Finishline itself emits. A type in one of these namespaces must be one of them; any other namespace is custom. */
export const KNOWN_EVENTS = [
  'task.created',
  'task.assigned',
  'task.status_changed',
  'task.completed',
  'task.updated',
  'task.deleted',
  'task.commented',
  'task.due_soon',
  'task.overdue',
  'attachment.added',
  'attachment.deleted',
  ...(['contact', 'client', 'pipeline', 'lead', 'job', 'service'] as const).flatMap((r) => [`${r}.created`, `${r}.updated`, `${r}.archived`, `${r}.restored`] as const),
  'lead.stage_changed',
  'job.scheduled',
  'job.status_changed',
  'appointment.missed',
  'service.due',
] as const;
export type KnownEvent = (typeof KNOWN_EVENTS)[number];

const BUILT_IN_NAMESPACES = new Set(KNOWN_EVENTS.map((e) => e.split('.')[0]!));

/** An event type a rule may trigger on, a webhook subscribe to, or an integration post: a built-in one, or one of a namespace of its own. */
export const eventType = z
  .string()
  .max(100)
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'must look like namespace.name, e.g. invoice.overdue')
  .refine((type) => !BUILT_IN_NAMESPACES.has(type.split('.')[0]!) || (KNOWN_EVENTS as readonly string[]).includes(type), {
    error: (issue) => `unknown event "${String(issue.input)}": events of this kind are ${KNOWN_EVENTS.filter((e) => e.startsWith(`${String(issue.input).split('.')[0]}.`)).join(', ')}`,
  });

/**
 * Something that acts on events and says which it takes: the automation
 * worker hands it those and no others, in the transaction it handles the
 * event in.
 */
export interface Consumer extends EventConsumer {
  /** The event types it takes; 'all' for what takes any event, custom ones included (webhooks, whose subscriptions choose). */
  readonly events: readonly KnownEvent[] | 'all';
  /**
   * 'before rules': a feature keeping its own data in step with the event (a
   * completed task opens the tasks that waited on it): the rules see what it
   * leaves. 'after rules': what tells people and systems about it
   * (notifications, webhooks).
   */
  readonly runs: 'before rules' | 'after rules';
}

export function takes(consumer: Consumer, type: string): boolean {
  return consumer.events === 'all' || (consumer.events as readonly string[]).includes(type);
}

/** Automated changes (rules, timers, a feature keeping itself in step with an event) are made by "automation", with full rights; history and events name it. */
export const AUTOMATION_ACTOR_ID = 'automation';

export function automationActor(orgId: string): Actor {
  return { userId: AUTOMATION_ACTOR_ID, orgId, role: 'owner' };
}
