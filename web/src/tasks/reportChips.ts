// The task list's filters that a report figure links with, read from the address and said in words:
// "Completed 1–7 Dec", "Done late", "Created by rule ‘Confirm the appointment’". Each chip names the
// address parameters it removes.

/** The address parameters these filters use, in the order their chips show. */
export const REPORT_FILTER_KEYS = ['createdFrom', 'createdTo', 'completedFrom', 'completedTo', 'dueFrom', 'dueTo', 'timing', 'source', 'rule', 'recordType', 'leadStage', 'leadPipeline', 'closedBy', 'age', 'due'] as const;

export interface Chip {
  label: string;
  /** The parameters removing the chip takes out of the address. */
  keys: string[];
}

const RECORD_TYPE: Record<string, string> = { job: 'About a job', lead: 'About a lead', service: 'About a service', client: 'About a client', contact: 'About a contact', none: 'About no record' };
const SOURCE: Record<string, string> = { manual: 'Made by hand', api: 'Made by another app', rule: 'Made by a rule', recurrence: 'Repeating tasks' };
const TIMING: Record<string, string> = { onTime: 'Done on time', late: 'Done late' };
const AGE: Record<string, string> = { under1d: 'under a day', d1to3: '1–3 days', d3to7: '3–7 days', d7to30: '7–30 days', over30d: 'over 30 days' };
const DUE: Record<string, string> = { today: 'Due later today', week: 'Due by the end of this week' };

const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const dayYearFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

function isMidnight(d: Date): boolean {
  return d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0 && d.getMilliseconds() === 0;
}

/** "1–7 Dec" for [1 Dec 00:00, 8 Dec 00:00): an end at midnight is the day before's end. */
export function dayRange(fromIso: string | null, toIso: string | null, now = new Date()): string | null {
  const from = fromIso ? new Date(fromIso) : null;
  const to = toIso ? new Date(toIso) : null;
  if ((from && Number.isNaN(from.getTime())) || (to && Number.isNaN(to.getTime()))) return null;
  const lastDay = to ? new Date(isMidnight(to) ? to.getTime() - 1 : to.getTime()) : null;
  const format = [from, lastDay].some((d) => d && d.getFullYear() !== now.getFullYear()) ? dayYearFormat : dayFormat;
  if (from && lastDay) {
    if (lastDay.getTime() < from.getTime()) return format.format(from);
    return format.formatRange(from, lastDay);
  }
  if (from) return `from ${format.format(from)}`;
  return `until ${format.format(lastDay!)}`;
}

/** What a lead stage is called in its pipeline: null once it is gone, undefined while not known yet. */
export type StageName = (pipelineId: string | null, stage: string) => string | null | undefined;

/** The chips for the report filters in an address; `ruleName` says what a rule is called, `stageName` a lead stage (undefined: not known yet). */
export function reportChips(params: URLSearchParams, ruleName: (id: string) => string | null | undefined, now = new Date(), stageName: StageName = () => undefined): Chip[] {
  const chips: Chip[] = [];
  for (const [prefix, word] of [['created', 'Created'], ['completed', 'Completed'], ['due', 'Due']] as const) {
    const from = params.get(`${prefix}From`);
    const to = params.get(`${prefix}To`);
    if (!from && !to) continue;
    const range = dayRange(from, to, now);
    chips.push({ label: range ? `${word} ${range}` : `${word} in a period`, keys: [`${prefix}From`, `${prefix}To`] });
  }
  const timing = params.get('timing');
  if (timing) chips.push({ label: TIMING[timing] ?? 'Done on time or late', keys: ['timing'] });
  const source = params.get('source');
  if (source) chips.push({ label: SOURCE[source] ?? 'From one source', keys: ['source'] });
  const rule = params.get('rule');
  if (rule) {
    const name = ruleName(rule);
    chips.push({ label: name === undefined ? 'Created by a rule' : name === null ? 'Created by a deleted rule' : `Created by rule ‘${name}’`, keys: ['rule'] });
  }
  const recordType = params.get('recordType');
  if (recordType) chips.push({ label: RECORD_TYPE[recordType] ?? 'About one kind of record', keys: ['recordType'] });
  const leadStage = params.get('leadStage');
  if (leadStage) {
    const name = stageName(params.get('leadPipeline'), leadStage);
    chips.push({ label: name ? `About a lead at the stage ‘${name}’` : 'About a lead at one stage', keys: ['leadStage', 'leadPipeline'] });
  }
  const closedBy = params.get('closedBy');
  if (closedBy) chips.push({ label: closedBy === 'automation' ? 'Closed by automation' : 'Closed in a particular way', keys: ['closedBy'] });
  const age = params.get('age');
  if (age) {
    const words = age.split(',').map((key) => AGE[key]).filter(Boolean);
    chips.push({ label: words.length ? `Waiting ${words.join(' or ')} since created` : 'Waiting a while', keys: ['age'] });
  }
  const due = params.get('due');
  if (due) chips.push({ label: DUE[due] ?? 'Due soon', keys: ['due'] });
  return chips;
}
