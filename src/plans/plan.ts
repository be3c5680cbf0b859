// A service's maintenance plan: how its due date repeats, how long ahead its
// task is made, and what that task says and who gets it.
import { z } from 'zod';
import { leadTime, recurrenceRule } from '../recurrence/recurrence.ts';

export const DEFAULT_LEAD_TIME = 'P14D';

export const planBody = z.strictObject({
  recurrence: recurrenceRule,
  taskLeadTime: leadTime.default(DEFAULT_LEAD_TIME),
  title: z.string().trim().min(1, 'must not be empty').max(200).nullable().default(null).describe('the task’s title; by default "<kind>: <service title>"'),
  assigneeId: z.string().min(1).max(100).nullable().default(null),
  teamId: z.string().min(1).max(100).nullable().default(null),
});
export type PlanInput = z.infer<typeof planBody>;

export const planView = z.object({
  serviceId: z.string(),
  recurrence: z.string(),
  taskLeadTime: z.string(),
  title: z.string().nullable(),
  taskTitle: z.string().describe('the title the next task gets'),
  assigneeId: z.string().nullable(),
  teamId: z.string().nullable(),
  nextDueAt: z.string().nullable().describe('the service’s next due date'),
  nextTaskAt: z.string().nullable().describe('when the task for that date is made (nextDueAt less the lead time)'),
  lastTaskId: z.string().nullable().describe('the task the plan made last'),
  lastTaskFor: z.string().nullable().describe('the due date that task was made for'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PlanView = z.infer<typeof planView>;

/** "maintenance_plan" → "Maintenance plan". */
export function kindLabel(kind: string): string {
  const words = kind.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function planTaskTitle(plan: { title: string | null }, service: { kind: string; title: string }): string {
  return (plan.title ?? `${kindLabel(service.kind)}: ${service.title}`).slice(0, 200);
}
