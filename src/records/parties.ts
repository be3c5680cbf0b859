// Contacts and clients: the people a business deals with and the accounts they
// belong to. Each write is one transaction that stores the row and its events.
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { presentRecord } from './present.ts';
import type { CreateClientInput, CreateContactInput, UpdateClientInput, UpdateContactInput } from './records.ts';
import { checkExternalRefs, checkOwner, checkRefs, defined, emit, inTransaction, loadForChange, newRow, type NewRecordIn, type RecordChange, type RecordChangeIn, refsTo, saveChange } from './steps.ts';
import * as store from './store.ts';

// --- contacts ---------------------------------------------------------------

export function createContact(deps: Deps, actor: Actor, input: CreateContactInput) {
  return inTransaction(deps, (trx, now) => createContactIn(trx, { actor, input, now }));
}

/** Creates a contact inside the caller's transaction (a CSV import creates many in one). */
export async function createContactIn(trx: Db, { actor, input, now }: NewRecordIn<CreateContactInput>) {
  await checkOwner(trx, actor.orgId, input.ownerId);
  const base = newRow(actor, input.ownerId, now);
  const external_refs = await checkExternalRefs(trx, actor.orgId, 'contact', null, input.externalRefs);
  const row: store.ContactRow = { ...base, external_refs, name: input.name, phone: input.phone, email: input.email, address: input.address, notes: input.notes };
  await store.insertRecord(trx, 'contact', row);
  await emit(trx, actor, { type: 'contact', id: row.id }, 'contact.created', { name: row.name, ownerId: row.owner_id }, now);
  return presentRecord('contact', row);
}

export function updateContact(deps: Deps, actor: Actor, change: RecordChange<UpdateContactInput>) {
  return inTransaction(deps, async (trx, now) => presentRecord('contact', await changeContact(trx, { ...change, actor, now })));
}

/** Changes a contact inside the caller's transaction (an upsert by reference acts through this). */
export async function changeContact(trx: Db, { actor, id, input, now, ifVersion }: RecordChangeIn<UpdateContactInput>) {
  const row = await loadForChange(trx, actor, 'contact', id, ifVersion);
  await checkOwner(trx, actor.orgId, input.ownerId);
  const { ownerId, externalRefs, ...fields } = input;
  const external_refs = externalRefs && (await checkExternalRefs(trx, actor.orgId, 'contact', id, externalRefs));
  const saved = await saveChange(trx, actor, 'contact', row, defined({ ...fields, owner_id: ownerId, external_refs }), now);
  if (saved.fields.length > 0) await emit(trx, actor, { type: 'contact', id }, 'contact.updated', { fields: saved.fields, version: saved.row.version }, now);
  return saved.row;
}

// --- clients ----------------------------------------------------------------

export function createClient(deps: Deps, actor: Actor, input: CreateClientInput) {
  return inTransaction(deps, (trx, now) => createClientIn(trx, { actor, input, now }));
}

/** Creates a client inside the caller's transaction. */
export async function createClientIn(trx: Db, { actor, input, now }: NewRecordIn<CreateClientInput>) {
  await checkOwner(trx, actor.orgId, input.ownerId);
  await checkRefs(trx, actor.orgId, [refsTo('contact', 'contactIds', input.contactIds)]);
  const base = newRow(actor, input.ownerId, now);
  const external_refs = await checkExternalRefs(trx, actor.orgId, 'client', null, input.externalRefs);
  const row: store.ClientRow = { ...base, external_refs, name: input.name, contact_ids: JSON.stringify(input.contactIds), address: input.address, notes: input.notes };
  await store.insertRecord(trx, 'client', row);
  await emit(trx, actor, { type: 'client', id: row.id }, 'client.created', { name: row.name, ownerId: row.owner_id, contactIds: input.contactIds }, now);
  return presentRecord('client', row);
}

export function updateClient(deps: Deps, actor: Actor, change: RecordChange<UpdateClientInput>) {
  return inTransaction(deps, async (trx, now) => presentRecord('client', await changeClient(trx, { ...change, actor, now })));
}

/** Changes a client inside the caller's transaction (an upsert by reference acts through this). */
export async function changeClient(trx: Db, { actor, id, input, now, ifVersion }: RecordChangeIn<UpdateClientInput>) {
  const row = await loadForChange(trx, actor, 'client', id, ifVersion);
  await checkOwner(trx, actor.orgId, input.ownerId);
  if (input.contactIds) await checkRefs(trx, actor.orgId, [refsTo('contact', 'contactIds', input.contactIds, JSON.parse(row.contact_ids) as string[])]);
  const { ownerId, contactIds, externalRefs, ...fields } = input;
  const external_refs = externalRefs && (await checkExternalRefs(trx, actor.orgId, 'client', id, externalRefs));
  const set = defined({ ...fields, owner_id: ownerId, contact_ids: contactIds ? JSON.stringify(contactIds) : undefined, external_refs });
  const saved = await saveChange(trx, actor, 'client', row, set, now);
  if (saved.fields.length > 0) await emit(trx, actor, { type: 'client', id }, 'client.updated', { fields: saved.fields, version: saved.row.version }, now);
  return saved.row;
}
