// Schemas every route shares: problems, pages, ids.
import { z } from 'zod';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../pagination.ts';

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    pendingToken: z.string().optional().describe('sign-in only (type …/two-factor-required or …/two-factor-setup-required): the token of the second step, valid 10 minutes; not a session'),
    orgs: z
      .array(z.object({ id: z.string(), name: z.string() }))
      .optional()
      .describe('sign-in only (type …/choose-organisation): the businesses this email and password sign in to; send POST /sessions again with one\'s id as orgId'),
  })
  .describe('application/problem+json');

/** The error answers a route may give, in the OpenAPI document. */
export function problems(...statuses: number[]) {
  return Object.fromEntries([400, 401, ...statuses].map((s) => [s, problemSchema])) as Record<number, typeof problemSchema>;
}

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
  cursor: z.string().min(1).max(500).optional(),
});

export function pageOfSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const idParams = z.strictObject({ id: z.string().min(1).max(100) });

/** One change kept in a history (a task's, a lead's): who, when, which field, from and to. */
export const historyEntryView = z.object({
  id: z.string(),
  at: z.string(),
  actorId: z.string().nullable(),
  field: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
});
