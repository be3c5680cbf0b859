// HTTP routes of a service's maintenance plan: read, set (create or replace), remove.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../platform/context.ts';
import { typed } from '../platform/http/app.ts';
import { callerOf } from '../platform/http/auth.ts';
import { idParams, problems } from '../platform/http/schemas.ts';
import { planBody, planView } from './plan.ts';
import * as plans from './service.ts';

export function planRoutes(app: FastifyInstance, deps: Deps): void {
  const r = typed(app);

  r.get('/api/v1/services/:id/plan', {
    schema: { tags: ['records'], summary: 'A service’s maintenance plan, with its next due date and when its next task is made', params: idParams, response: { 200: planView, ...problems(404) } },
  }, async (request) => plans.getPlan(deps, callerOf(request), request.params.id));

  r.put('/api/v1/services/:id/plan', {
    schema: {
      tags: ['records'],
      summary: 'Set a service’s maintenance plan: an RRULE its due date repeats by, and how long before each due date its task is made (default P14D); the series starts at the service’s nextDueAt',
      params: idParams,
      body: planBody,
      response: { 200: planView, ...problems(400, 404) },
    },
  }, async (request) => plans.setPlan(deps, callerOf(request), request.params.id, request.body));

  r.delete('/api/v1/services/:id/plan', {
    schema: { tags: ['records'], summary: 'Remove a service’s maintenance plan (its tasks stay)', params: idParams, response: { 204: z.null(), ...problems(404) } },
  }, async (request, reply) => {
    await plans.removePlan(deps, callerOf(request), request.params.id);
    return reply.code(204).send(null);
  });
}
