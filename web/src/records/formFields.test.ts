import { describe, expect, it } from 'vitest';
import type { Client, Job, Lead } from './api.ts';
import { bodyOf, messagesByField, toLocalInput, valuesOf } from './formFields.ts';

const job: Job = {
  id: 'j1', ownerId: 'u1', createdAt: '', updatedAt: '', version: 3, archivedAt: null,
  title: 'Fit boiler', clientId: 'c1', address: '4 Mill Lane', scheduledStart: '2030-05-04T09:00:00.000Z', scheduledEnd: null, status: 'scheduled', technicianIds: ['u2'], externalRefs: [],
};

describe('record form bodies', () => {
  it('creates with what was filled in, the required title even when empty, and no empty optional field', () => {
    const values = valuesOf('lead', undefined);
    expect(bodyOf('lead', values)).toEqual({ title: '' });
    expect(bodyOf('lead', { ...values, title: ' Boiler ', value: '2,400', source: 'phone', contactId: 'p1' })).toEqual({ title: 'Boiler', value: 2400, source: 'phone', contactId: 'p1' });
  });

  it('starts a new record from what the page knows (a client’s new job has its client and address)', () => {
    expect(bodyOf('job', valuesOf('job', { clientId: 'c1', address: '4 Mill Lane' }))).toEqual({ title: '', clientId: 'c1', address: '4 Mill Lane', status: 'scheduled' });
  });

  it('edits by sending only what changed; cleared fields are null', () => {
    const values = valuesOf('job', job);
    expect(bodyOf('job', values, job)).toEqual({});
    expect(bodyOf('job', { ...values, status: 'incomplete', address: '', technicianIds: ['u2', 'u3'] }, job)).toEqual({ status: 'incomplete', address: null, technicianIds: ['u2', 'u3'] });
    const lead = { title: 'L', value: 10, stage: 'new', pipelineId: 'p', contactId: null, source: null, ownerId: 'u1' } as unknown as Lead;
    expect(bodyOf('lead', { ...valuesOf('lead', lead), value: '' }, lead)).toEqual({ value: null });
  });

  it('shows and sends times as the browser’s local time', () => {
    const local = toLocalInput(job.scheduledStart!);
    expect(new Date(local).toISOString()).toBe(job.scheduledStart);
    expect(bodyOf('job', { ...valuesOf('job', job), scheduledStart: local }, job)).toEqual({});
  });

  it('keeps a client’s other contacts when the main one changes', () => {
    const client = { name: 'Price', contactIds: ['a', 'b', 'c'], address: null, notes: '', ownerId: 'u1' } as unknown as Client;
    expect(bodyOf('client', { ...valuesOf('client', client), contactIds: 'c' }, client)).toEqual({ contactIds: ['c', 'b'] });
    expect(bodyOf('client', { ...valuesOf('client', client), contactIds: '' }, client)).toEqual({ contactIds: ['b', 'c'] });
  });

  it('puts each API message beside its field, a list item beside its list', () => {
    expect(messagesByField([{ path: 'technicianIds.1', message: 'no such user' }, { path: 'title', message: 'must not be empty' }, { path: '', message: 'x' }])).toEqual({ technicianIds: 'no such user', title: 'must not be empty', _: 'x' });
  });
});
