// Events from outside: an integration posts what happened in its system
// (invoice.overdue about its customer 4711) for the rules. The subject and the
// links may name a CRM record by Finishline's id or by the sender's own id
// ({ type, source, externalId }); a record Finishline has never seen is created
// light in the same transaction as the event, so rules link their tasks to it.
import { z } from 'zod';
import type { Actor, Deps } from '../platform/context.ts';
import { isUniqueViolation } from '../platform/db/database.ts';
import type { Db } from '../platform/db/schema.ts';
import { Invalid } from '../platform/errors.ts';
import { appendEvent, existingEventIds, findEvent, type StoredEvent, type Subject } from '../platform/outbox.ts';
import { iso } from '../platform/pagination.ts';
import { eventType } from '../events.ts';
import { LINKABLE_TYPES } from '../records/records.ts';
import { recordRefOf, type RecordRefInput } from '../records/external.ts';
import { resolveRecordRefs } from '../records/service.ts';
import { requireManager } from './service.ts';

const subjectType = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a lower-case name, e.g. invoice');

export const eventBody = z.strictObject({
  id: z.string().min(1).max(100).regex(/^[A-Za-z0-9._:-]+$/, 'may only hold letters, digits, . _ : -').optional().describe('your id for the event: posting the same id again changes nothing'),
  type: eventType,
  subject: recordRefOf(subjectType).describe(
    'what the event is about: { type, id } (invoice 42, or a Finishline record), or a CRM record by your own id: { type, source, externalId, name? } — found, or created light',
  ),
  links: z
    .array(recordRefOf(z.enum(LINKABLE_TYPES)))
    .max(20)
    .default([])
    .describe('other records the event concerns, in the same forms; tasks its rules create link to them too'),
  data: z.record(z.string(), z.unknown()).default({}).refine((d) => JSON.stringify(d).length <= 64_000, 'must be at most 64 kB of JSON'),
  occurredAt: z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)).optional(),
});
export type ExternalEventInput = z.infer<typeof eventBody>;

const subjectView = z.object({ type: z.string(), id: z.string() });
export const eventView = z.object({ id: z.string(), type: z.string(), subject: subjectView, links: z.array(subjectView), data: z.record(z.string(), z.unknown()), occurredAt: z.string() });

export function presentEvent(event: StoredEvent) {
  return { id: event.id, type: event.type, subject: event.subject, links: event.links, data: event.data, occurredAt: iso(event.occurredAt) };
}

/** Records an integration's event for the rules. Idempotent on its id: the same id again is the same event, not a second one. */
export async function postEvent(deps: Deps, actor: Actor, input: ExternalEventInput) {
  requireManager(actor);
  if (input.type.startsWith('task.')) throw Invalid.field('type', 'task events come from Finishline\'s own tasks; post your own kind of event, e.g. invoice.overdue');
  if (input.id) {
    const existing = await findEvent(deps.db, actor.orgId, input.id);
    if (existing) return { event: presentEvent(existing), created: false };
  }
  const now = deps.clock.now();
  const occurredAt = input.occurredAt ?? now;
  if (occurredAt > now + 5 * 60_000) throw Invalid.field('occurredAt', 'must not be in the future');
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const { subject, links } = await resolveEvent(trx, actor, input, '', now);
      const id = await appendEvent(trx, { id: input.id, orgId: actor.orgId, type: input.type, subject, links, data: input.data, actorId: actor.userId, occurredAt });
      return { event: { id, type: input.type, subject, links, data: input.data, occurredAt: iso(occurredAt) }, created: true };
    });
  } catch (error) {
    // The same id posted twice at once: the other request recorded it first, and this one is the same event.
    if (!isUniqueViolation(error) || !input.id) throw error;
    const existing = await findEvent(deps.db, actor.orgId, input.id);
    if (!existing) throw error;
    return { event: presentEvent(existing), created: false };
  }
}

/**
 * Many events in one transaction (an integration catching up): each is
 * idempotent on its id like a single post (ids are the organisation's own:
 * another organisation's events never count).
 */
export async function postEvents(deps: Deps, actor: Actor, inputs: ExternalEventInput[]) {
  requireManager(actor);
  const errors = inputs.flatMap((e, i) => (e.type.startsWith('task.') ? [{ path: `events.${i}.type`, message: 'task events come from Finishline\'s own tasks' }] : []));
  if (errors.length > 0) throw new Invalid('Task events cannot be posted', errors);
  const now = deps.clock.now();
  try {
    return await recordBatch(deps, actor, inputs, now);
  } catch (error) {
    // Another request recorded some of these ids meanwhile: once more, and those are the same events.
    if (!isUniqueViolation(error)) throw error;
    return recordBatch(deps, actor, inputs, now);
  }
}

function recordBatch(deps: Deps, actor: Actor, inputs: ExternalEventInput[], now: number) {
  return deps.db.transaction().execute(async (trx) => {
    const seen = await existingEventIds(trx, actor.orgId, inputs.flatMap((e) => (e.id ? [e.id] : [])));
    let created = 0;
    const ids: string[] = [];
    for (const [index, input] of inputs.entries()) {
      if (input.id && seen.has(input.id)) {
        ids.push(input.id);
        continue;
      }
      const occurredAt = input.occurredAt ?? now;
      const { subject, links } = await resolveEvent(trx, actor, input, `events.${index}.`, now);
      const id = await appendEvent(trx, { id: input.id, orgId: actor.orgId, type: input.type, subject, links, data: input.data, actorId: actor.userId, occurredAt });
      if (input.id) seen.add(input.id);
      ids.push(id);
      created++;
    }
    return { ids, created };
  });
}

/** The subject and links as Finishline's ids: outside records found by their reference, or created light. */
async function resolveEvent(trx: Db, actor: Actor, input: ExternalEventInput, path: string, now: number): Promise<{ subject: Subject; links: Subject[] }> {
  const refs: RecordRefInput[] = [input.subject, ...input.links];
  const paths = [`${path}subject`, ...input.links.map((_, i) => `${path}links.${i}`)];
  // The subject may be anything the sender names (invoice 42); only links must be records here.
  const resolved = await resolveRecordRefs(trx, { actor, now, refs, paths, data: input.data, checkIds: (i) => i > 0 });
  const [subject, ...links] = resolved;
  return { subject: subject!, links };
}
