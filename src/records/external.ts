// References to the same record in another system (HubSpot's contact 4711, a
// Jobber job): their schemas, the list filter's form, and the light record an
// event about an unknown outside record creates.
import { z } from 'zod';
import { Invalid } from '../platform/errors.ts';
import { externalId, type ExternalRef, externalSource, LINKABLE_TYPES, type LinkableType } from './records.ts';

/** A record named by its id in another system: found by that reference, or created light. */
export const externalRecord = z.strictObject({
  type: z.enum(LINKABLE_TYPES),
  source: externalSource,
  externalId,
  name: z.string().trim().min(1, 'must not be empty').max(200).optional().describe('its name, for when Finishline creates it'),
});
export type ExternalRecord = z.infer<typeof externalRecord>;

/** The path parameters of PUT /{type}/external/{source}/{id}. */
export const externalParams = z.strictObject({ source: externalSource, id: externalId });

/** The keys of an event's data that may name the outside record, in order of preference. */
const NAME_KEYS = ['name', 'title', 'customerName', 'customer_name', 'fullName', 'full_name', 'company', 'displayName'] as const;

/**
 * The name a record created from an event takes: the one the subject gives,
 * else the first name-like text in the event's data, else the source and id
 * ("hubspot 4711"), so it can always be found and renamed later.
 */
export function lightName(record: ExternalRecord, data: Record<string, unknown> = {}): string {
  if (record.name) return record.name;
  for (const key of NAME_KEYS) {
    const value = data[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim().slice(0, 200);
  }
  return `${record.source} ${record.externalId}`;
}

/** The references a record keeps, with `ref` replacing the one from its source where it stood, or added at the end. */
export function withRef(refs: readonly ExternalRef[], ref: ExternalRef): ExternalRef[] {
  const existing = refs.find((r) => r.source === ref.source);
  const url = ref.url ?? (existing?.id === ref.id ? existing.url : undefined);
  const kept: ExternalRef = url ? { source: ref.source, id: ref.id, url } : { source: ref.source, id: ref.id };
  return existing ? refs.map((r) => (r === existing ? kept : r)) : [...refs, kept];
}

/** The reference in the path must agree with one of the same source in the body. */
export function checkPathRef(path: { source: string; id: string }, body: readonly ExternalRef[] | undefined): void {
  const index = (body ?? []).findIndex((r) => r.source === path.source && r.id !== path.id);
  if (index >= 0) throw Invalid.field(`externalRefs.${index}.id`, `must be ${path.id}, the ${path.source} id in the address, or left out`);
}

export function parseRefs(json: string): ExternalRef[] {
  return JSON.parse(json) as ExternalRef[];
}

export function isLinkable(type: string): type is LinkableType {
  return (LINKABLE_TYPES as readonly string[]).includes(type);
}

/**
 * A record named either by Finishline's id ({ type, id }) or by its id in
 * another system ({ type, source, externalId, name? }), for event subjects
 * and links and for task links. `typeSchema` says which types it may name.
 */
export function recordRefOf(typeSchema: z.ZodType<string>) {
  return z
    .strictObject({
      type: typeSchema,
      id: z.string().min(1).max(100).optional().describe("Finishline's id of the record"),
      source: externalSource.optional(),
      externalId: externalId.optional(),
      name: z.string().trim().min(1, 'must not be empty').max(200).optional().describe('its name, for when Finishline creates it from the reference'),
    })
    .superRefine((value: RecordRefInput, ctx) => {
      const external = value.source !== undefined || value.externalId !== undefined;
      if (value.id !== undefined && external) ctx.addIssue({ code: 'custom', path: ['id'], message: 'give either id, or source and externalId, not both' });
      else if (!external && value.id === undefined) ctx.addIssue({ code: 'custom', path: ['id'], message: 'is required (or source and externalId)' });
      else if (external) {
        if (value.source === undefined) ctx.addIssue({ code: 'custom', path: ['source'], message: 'is required with externalId' });
        if (value.externalId === undefined) ctx.addIssue({ code: 'custom', path: ['externalId'], message: 'is required with source' });
        if (!isLinkable(value.type)) ctx.addIssue({ code: 'custom', path: ['type'], message: `must be one of ${LINKABLE_TYPES.join(', ')} to be named by source and externalId` });
      } else if (value.name !== undefined) ctx.addIssue({ code: 'custom', path: ['name'], message: 'is only taken with source and externalId' });
    });
}
export type RecordRefInput = { type: string; id?: string; source?: string; externalId?: string; name?: string };

/** The outside record a reference names, or null when it names Finishline's own id. */
export function outsideRecord(ref: RecordRefInput): ExternalRecord | null {
  if (ref.source === undefined || ref.externalId === undefined || !isLinkable(ref.type)) return null;
  return { type: ref.type, source: ref.source, externalId: ref.externalId, ...(ref.name !== undefined && { name: ref.name }) };
}
