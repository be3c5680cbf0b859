// The public lead form's use cases: what the form shows of a business, and a visitor's request
// becoming a contact and a lead (source website) in one transaction, which fires lead.created.
import type { Actor, Deps } from '../platform/context.ts';
import { NotFound, TooManyAttempts } from '../platform/errors.ts';
import { addressKey, publicOrg } from '../people/service.ts';
import { createContactIn, createLeadIn } from '../records/service.ts';
import { type LeadFormInput, leadTitle } from './intake.ts';
import * as store from './store.ts';

export interface LeadFormLimit {
  max: number;
  windowMs: number;
}

/** What the form page shows: the business's name. */
export async function leadForm(deps: Deps, slug: string) {
  const org = await publicOrg(deps.db, slug);
  if (!org) throw new NotFound('Lead form');
  return { name: org.name, slug: org.slug };
}

/**
 * Takes a visitor's request. Every submission counts against the client
 * address (429 beyond the limit); one that filled the hidden field is answered
 * as received and dropped, so a robot learns nothing.
 */
export async function submitLeadForm(deps: Deps, slug: string, input: LeadFormInput, ip: string, limit: LeadFormLimit): Promise<{ received: true }> {
  const org = await publicOrg(deps.db, slug);
  if (!org) throw new NotFound('Lead form');
  await countSubmission(deps, ip, limit);
  if (input.website) return { received: true };
  // The request is the business owner's until someone takes it, as a lead they had typed in would be.
  const actor: Actor = { userId: org.ownerId, orgId: org.id, role: 'owner' };
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const contact = await createContactIn(trx, { actor, now, input: { name: input.name, phone: input.phone, email: input.email, address: input.address, notes: `From the website form:\n${input.need}`, externalRefs: [] } });
    await createLeadIn(trx, { actor, now, input: { title: leadTitle(input.name, input.need), contactId: contact.id, value: null, source: 'website', externalRefs: [] } });
  });
  return { received: true };
}

const lastPruned = new WeakMap<Deps['db'], number>();

async function countSubmission(deps: Deps, ip: string, limit: LeadFormLimit): Promise<void> {
  const now = deps.clock.now();
  const counted = await store.addSubmission(deps.db, addressKey(ip), now, now - limit.windowMs);
  if (now - (lastPruned.get(deps.db) ?? -Infinity) >= limit.windowMs) {
    lastPruned.set(deps.db, now);
    await store.pruneSubmissions(deps.db, now - limit.windowMs);
  }
  if (counted.attempts <= limit.max) return;
  const waitMs = counted.windowStart + limit.windowMs - now;
  throw new TooManyAttempts('Too many requests from this address; please try again later or phone us', Math.max(1, Math.ceil(waitMs / 1000)));
}
