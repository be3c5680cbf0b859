import { describe, expect, it } from 'vitest';
import {
  type Candidate,
  chainTooDeep,
  chooseLeastLoaded,
  chooseRoundRobin,
  conditionHolds,
  dedupeKey,
  isAvailable,
  MAX_CHAIN_DEPTH,
  raisePriority,
  render,
  ruleBody,
  type Scope,
} from '../../src/automation/rule.ts';
import { DEFAULT_BUSINESS_HOURS } from '../../src/people/person.ts';

const scope: Scope = {
  data: { toStage: 'quoted', amount: 120, tags: ['a'] },
  record: { title: 'Boiler service', source: { kind: 'rule', ruleId: 'r1' }, value: null },
  event: { id: 'e1', type: 'lead.stage_changed', subject: { type: 'lead', id: 'l1' }, occurredAt: '2026-03-02T09:00:00.000Z' },
};

describe('rule conditions', () => {
  it('compares with eq, neq, in, gt, lt and exists, on data.* and record.* paths', () => {
    expect(conditionHolds({ field: 'data.toStage', op: 'eq', value: 'quoted' }, scope)).toBe(true);
    expect(conditionHolds({ field: 'data.toStage', op: 'neq', value: 'quoted' }, scope)).toBe(false);
    expect(conditionHolds({ field: 'data.toStage', op: 'in', value: ['won', 'quoted'] }, scope)).toBe(true);
    expect(conditionHolds({ field: 'data.amount', op: 'gt', value: 100 }, scope)).toBe(true);
    expect(conditionHolds({ field: 'data.amount', op: 'lt', value: 100 }, scope)).toBe(false);
    expect(conditionHolds({ field: 'record.source.ruleId', op: 'eq', value: 'r1' }, scope)).toBe(true);
    expect(conditionHolds({ field: 'record.value', op: 'exists' }, scope)).toBe(false);
    expect(conditionHolds({ field: 'record.value', op: 'exists', value: false }, scope)).toBe(true);
    expect(conditionHolds({ field: 'record.missing.deeper', op: 'exists' }, scope)).toBe(false);
  });

  it('never orders values of different kinds', () => {
    expect(conditionHolds({ field: 'data.toStage', op: 'gt', value: 3 }, scope)).toBe(false);
    expect(conditionHolds({ field: 'data.nothing', op: 'lt', value: 3 }, scope)).toBe(false);
  });

  it('is false for record.* when the subject has no record', () => {
    expect(conditionHolds({ field: 'record.title', op: 'eq', value: 'x' }, { ...scope, record: null })).toBe(false);
  });
});

describe('templates', () => {
  it('fills {{placeholders}} from the record, the data and the event, and leaves missing ones empty', () => {
    expect(render('Call {{record.title}} back ({{ data.toStage }}, {{event.type}})', scope)).toBe('Call Boiler service back (quoted, lead.stage_changed)');
    expect(render('Owner: {{record.ownerName}}!', scope)).toBe('Owner: !');
    expect(render('{{record.source}}', scope)).toBe('{"kind":"rule","ruleId":"r1"}');
    expect(render('no placeholders {{ }}', scope)).toBe('no placeholders {{ }}');
  });
});

const monday10 = Date.parse('2026-03-02T10:00:00Z');
const person = (id: string, extra: Partial<Candidate> = {}): Candidate => ({ id, active: true, workingHours: null, timeOff: [], ...extra });

describe('assignment', () => {
  it('knows who is in: active, within working hours, not on time off', () => {
    expect(isAvailable(person('a'), monday10, 'Europe/London')).toBe(true);
    expect(isAvailable(person('a', { active: false }), monday10, 'Europe/London')).toBe(false);
    expect(isAvailable(person('a', { timeOff: [{ from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' }] }), monday10, 'Europe/London')).toBe(false);
    const earlyShift = { ...DEFAULT_BUSINESS_HOURS, mon: [['06:00', '09:00']] as [string, string][] };
    expect(isAvailable(person('a', { workingHours: earlyShift }), monday10, 'Europe/London')).toBe(false);
  });

  it('rotates round-robin over the team in a stable order, skipping people who are away', () => {
    const team = [person('c'), person('a'), person('b')];
    expect([0, 1, 2, 3].map((turn) => chooseRoundRobin(team, turn, monday10, 'UTC'))).toEqual(['a', 'b', 'c', 'a']);
    const bAway = [person('a'), person('b', { timeOff: [{ from: '2026-03-01T00:00:00Z', to: '2026-03-05T00:00:00Z' }] }), person('c')];
    expect([0, 1, 2, 3].map((turn) => chooseRoundRobin(bAway, turn, monday10, 'UTC'))).toEqual(['a', 'c', 'a', 'c']);
    expect(chooseRoundRobin([person('a', { active: false })], 0, monday10, 'UTC')).toBeNull();
  });

  it('picks the least loaded person, weighing open work by priority', () => {
    const team = [person('a'), person('b'), person('c')];
    const work = new Map([
      ['a', { urgent: 1 }], // 4
      ['b', { normal: 3 }], // 3
      ['c', { low: 2, high: 1 }], // 3
    ]);
    expect(chooseLeastLoaded(team, work, monday10, 'UTC')).toBe('b');
    expect(chooseLeastLoaded(team, new Map(), monday10, 'UTC')).toBe('a');
    expect(chooseLeastLoaded([person('a', { active: false }), person('b')], new Map([['b', { urgent: 9 }]]), monday10, 'UTC')).toBe('b');
  });

  it('raises priority one step, up to urgent', () => {
    expect(raisePriority('low')).toBe('normal');
    expect(raisePriority('high')).toBe('urgent');
    expect(raisePriority('urgent')).toBe('urgent');
  });
});

describe('the engine\'s small decisions', () => {
  it('keys a rule step and a record together for "one open task"', () => {
    expect(dedupeKey('r1', 0, { type: 'lead', id: 'l1' })).toBe('r1#0|lead:l1');
  });

  it('stops a chain at the depth limit', () => {
    expect(chainTooDeep(MAX_CHAIN_DEPTH - 1)).toBe(false);
    expect(chainTooDeep(MAX_CHAIN_DEPTH)).toBe(true);
  });
});

describe('the rule schema', () => {
  const base = { name: 'R', trigger: { event: 'lead.created' }, actions: [{ type: 'create_task', title: 'T' }] };
  const errorsOf = (body: unknown) => (ruleBody.safeParse(body).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

  it('accepts custom events, and fills defaults', () => {
    const parsed = ruleBody.parse({ ...base, trigger: { event: 'invoice.overdue' } });
    expect(parsed.trigger).toEqual({ event: 'invoice.overdue', where: [], delay: 'PT0S' });
    expect(parsed.actions[0]).toMatchObject({ priority: 'normal', businessHours: false, allowDuplicates: false, checklist: [] });
  });

  it('names an unknown event, field, operator, action and strategy', () => {
    expect(errorsOf({ ...base, trigger: { event: 'lead.exploded' } })[0]).toMatch(/^trigger\.event: unknown event "lead\.exploded"/);
    expect(errorsOf({ ...base, trigger: { event: 'lead.created', where: [{ field: 'source', op: 'eq', value: 1 }] } })[0]).toMatch(/^trigger\.where\.0\.field: must be a path into data/);
    expect(errorsOf({ ...base, trigger: { event: 'lead.created', where: [{ field: 'data.x', op: 'like', value: 1 }] } })[0]).toMatch(/^trigger\.where\.0\.op: unknown operator "like"/);
    expect(errorsOf({ ...base, actions: [{ type: 'send_fax' }] })[0]).toMatch(/^actions\.0\.type: unknown action "send_fax"/);
    expect(errorsOf({ ...base, actions: [{ type: 'assign', assign: { strategy: 'random' } }] })[0]).toMatch(/^actions\.0\.assign\.strategy: unknown strategy "random"/);
  });

  it('checks durations, list values and step references', () => {
    expect(errorsOf({ ...base, trigger: { event: 'lead.created', delay: '2 hours' } })[0]).toMatch(/^trigger\.delay: must be an ISO-8601 duration/);
    expect(errorsOf({ ...base, trigger: { event: 'lead.created', where: [{ field: 'data.x', op: 'in', value: 'a' }] } })[0]).toMatch(/^trigger\.where\.0\.value: must be a list/);
    expect(errorsOf({ ...base, actions: [{ type: 'create_task', title: 'B', blockedBy: ['first'] }] })[0]).toMatch(/^actions\.0\.blockedBy\.0: no earlier create_task step named "first"/);
  });
});
