// HTTP routes for automation: rules and their dry run, the run log, notices, playbooks, and events from outside.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../platform/context.ts';
import { typed } from '../platform/http/app.ts';
import { callerOf } from '../platform/http/auth.ts';
import { ifMatchVersion, withEtag } from '../platform/http/etag.ts';
import { idParams, pageOfSchema, pageQuery, problems } from '../platform/http/schemas.ts';
import { ruleBody, ruleView, RUN_OUTCOMES, runView, updateRuleBody } from './rule.ts';
import { dryRun, dryRunDraft } from './dryRun.ts';
import { eventBody, eventView, postEvent, postEvents } from './inbound.ts';
import { installPlaybook, listPlaybooks } from './playbookInstall.ts';
import * as automation from './service.ts';

const runsQuery = pageQuery.extend({
  ruleId: z.string().min(1).max(100).optional(),
  eventId: z.string().min(1).max(100).optional(),
  outcome: z.enum(RUN_OUTCOMES).optional(),
});

const noticeView = z.object({ id: z.string(), userId: z.string(), message: z.string(), taskId: z.string().nullable(), ruleId: z.string().nullable(), eventId: z.string().nullable(), createdAt: z.string() });

const dryRunResult = z.object({
  ruleId: z.string().nullable().describe('null for a rule not saved yet'),
  days: z.number(),
  eventsConsidered: z.number(),
  truncated: z.boolean(),
  wouldCreate: z.number(),
  wouldChange: z.number(),
  results: z.array(
    z.object({
      eventId: z.string(),
      eventType: z.string(),
      occurredAt: z.string(),
      asOf: z.string().describe('when the rule would have acted: the event, plus the rule\'s delay; due dates and assignees are worked out as of then'),
      subject: z.object({ type: z.string(), id: z.string() }),
      outcome: z.string(),
      wouldCreate: z.array(
        z.object({
          title: z.string(),
          priority: z.string(),
          dueAt: z.string().nullable(),
          assigneeId: z.string().nullable(),
          teamId: z.string().nullable(),
          status: z.string(),
          links: z.array(z.object({ type: z.string(), id: z.string() })),
          checklist: z.array(z.string()),
          cannotReconstruct: z.array(z.string()).describe('what could not be worked out as of then, in plain words (today\'s team members, the record as it is now, an estimated round-robin turn)'),
        }),
      ),
      wouldChange: z.array(z.object({ taskId: z.string(), fields: z.array(z.string()) })),
      wouldNotify: z.array(z.object({ userId: z.string(), message: z.string() })),
      notes: z.array(z.string()),
    }),
  ),
});

const playbookView = z.object({ key: z.string(), name: z.string(), description: z.string(), rules: z.array(z.object({ key: z.string(), name: z.string(), trigger: z.string() })) });

export function automationRoutes(app: FastifyInstance, deps: Deps, hooks: { wake(): void }): void {
  const r = typed(app);

  r.get('/api/v1/rules', {
    schema: { tags: ['automation'], summary: 'Automation rules (managers and above)', querystring: pageQuery, response: { 200: pageOfSchema(ruleView), ...problems(403) } },
  }, async (request) => automation.listRules(deps, callerOf(request), request.query));

  r.post('/api/v1/rules', {
    schema: { tags: ['automation'], summary: 'Create a rule: a trigger (event, conditions, delay) and ordered actions', body: ruleBody, response: { 201: ruleView, ...problems(403) } },
  }, async (request, reply) => reply.code(201).send(withEtag(reply, await automation.createRule(deps, callerOf(request), request.body))));

  r.get('/api/v1/rules/:id', {
    schema: { tags: ['automation'], summary: 'One rule', params: idParams, response: { 200: ruleView, ...problems(403, 404) } },
  }, async (request, reply) => withEtag(reply, await automation.getRule(deps, callerOf(request), request.params.id)));

  r.patch('/api/v1/rules/:id', {
    schema: { tags: ['automation'], summary: 'Change a rule (If-Match honoured)', params: idParams, body: updateRuleBody, response: { 200: ruleView, ...problems(403, 404, 412) } },
  }, async (request, reply) => withEtag(reply, await automation.updateRule(deps, callerOf(request), { id: request.params.id, input: request.body, ifVersion: ifMatchVersion(request) })));

  r.delete('/api/v1/rules/:id', {
    schema: { tags: ['automation'], summary: 'Delete a rule; its run log stays', params: idParams, response: { 204: z.null(), ...problems(403, 404, 412) } },
  }, async (request, reply) => {
    await automation.deleteRule(deps, callerOf(request), { id: request.params.id, ifVersion: ifMatchVersion(request) });
    return reply.code(204).send(null);
  });

  r.post('/api/v1/rules/:id/dry-run', {
    schema: {
      tags: ['automation'],
      summary: 'Replay the last N days of events (default 30) through the rule: what it would create or change, writing nothing',
      params: idParams,
      body: z.strictObject({ days: z.number().int().min(1).max(365).default(30) }).optional(),
      response: { 200: dryRunResult, ...problems(403, 404) },
    },
  }, async (request) => dryRun(deps, callerOf(request), { ruleId: request.params.id, days: request.body?.days ?? 30 }));

  r.post('/api/v1/rules/dry-run', {
    schema: {
      tags: ['automation'],
      summary: 'Dry-run a rule not saved yet (the definition a create takes): what it would have done over the last N days (default 30), writing nothing',
      body: z.strictObject({ rule: ruleBody, days: z.number().int().min(1).max(365).default(30) }),
      response: { 200: dryRunResult, ...problems(403) },
    },
  }, async (request) => dryRunDraft(deps, callerOf(request), { rule: request.body.rule, days: request.body.days }));

  r.get('/api/v1/automation/runs', {
    schema: { tags: ['automation'], summary: 'The run log: one entry per (event, rule), newest first', querystring: runsQuery, response: { 200: pageOfSchema(runView), ...problems(403) } },
  }, async (request) => automation.listRuns(deps, callerOf(request), request.query));

  r.get('/api/v1/automation/status', {
    schema: {
      tags: ['automation'],
      summary: 'How automation keeps up: events not yet handled, timers not yet fired, runs by outcome',
      response: {
        200: z.object({
          pendingEvents: z.number(),
          pendingTimers: z.number(),
          runs: z.record(z.enum(RUN_OUTCOMES), z.number()),
          evaluated: z.number().describe('events checked against a rule, summed over the rules that exist now'),
          missed: z.number().describe('of those, checks where the conditions did not hold (no run logged)'),
        }),
        ...problems(403),
      },
    },
  }, async (request) => automation.automationStatus(deps, callerOf(request)));

  r.get('/api/v1/automation/notices', {
    schema: { tags: ['automation'], summary: 'Notices rules left for me (notify, escalate), newest first', querystring: pageQuery, response: { 200: pageOfSchema(noticeView), ...problems() } },
  }, async (request) => automation.listNotices(deps, callerOf(request), request.query));

  r.get('/api/v1/playbooks', {
    schema: { tags: ['automation'], summary: 'Ready rule packs by trade', response: { 200: pageOfSchema(playbookView), ...problems() } },
  }, async () => listPlaybooks());

  r.post('/api/v1/playbooks/:key/install', {
    schema: {
      tags: ['automation'],
      summary: 'Install a playbook\'s rules; installing again adds nothing',
      params: z.strictObject({ key: z.string().min(1).max(40) }),
      body: z.strictObject({ teamId: z.string().min(1).max(100).optional().describe('route the tasks round-robin in this team; the record owner otherwise') }).optional(),
      response: { 200: z.object({ playbook: z.string(), installed: z.array(ruleView), skipped: z.number() }), ...problems(403, 404) },
    },
  }, async (request) => installPlaybook(deps, callerOf(request), { key: request.params.key, ...request.body }));

  r.post('/api/v1/events', {
    schema: { tags: ['automation'], summary: 'An event from another system (invoice.overdue, call.missed, …) for the rules; idempotent on its id. Its subject and links may name a CRM record by your own id (source, externalId): a record not seen before is created light', body: eventBody, response: { 202: eventView, ...problems(403, 409) } },
  }, async (request, reply) => {
    const { event, created } = await postEvent(deps, callerOf(request), request.body);
    if (created) hooks.wake();
    return reply.code(202).send(event);
  });

  r.post('/api/v1/events/batch', {
    schema: {
      tags: ['automation'],
      summary: 'Up to 500 outside events in one call, all recorded or none; each idempotent on its id',
      body: z.strictObject({ events: z.array(eventBody).min(1).max(500) }),
      response: { 202: z.object({ ids: z.array(z.string()), created: z.number() }), ...problems(403, 409) },
    },
  }, async (request, reply) => {
    const result = await postEvents(deps, callerOf(request), request.body.events);
    if (result.created > 0) hooks.wake();
    return reply.code(202).send(result);
  });
}
