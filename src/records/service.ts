// What other features use of CRM records, in one place: they import this file,
// while the records' own routes import the use cases by noun (parties, leads,
// jobs, services) and the reads and archiving shared by every type.
export { changeJob, createJob, updateJob } from './jobs.ts';
export { changeLead, createLead, createLeadIn, createPipeline, leadStages, updateLead } from './leads.ts';
export { checkLinks, linkKey, linkSummaries, summariesBeside, summariesOf } from './links.ts';
export type { SummaryRow } from './store.ts';
export { createClient, createClientIn, createContact, createContactIn } from './parties.ts';
export { findRecordView, getRecord, listRecords } from './reads.ts';
export { changeService, createService, signalDueServices } from './services.ts';
export { changeByIdIn, recordForReference, resolveRecordRefs, upsertByReference, upsertByReferenceIn } from './byReference.ts';
