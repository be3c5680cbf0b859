// HTTP routes of the public lead form: reachable without signing in, one per organisation by its slug.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../platform/context.ts';
import { typed } from '../platform/http/app.ts';
import { problems } from '../platform/http/schemas.ts';
import { leadFormBody, leadFormParams, leadFormReceived, leadFormView } from './intake.ts';
import { type LeadFormLimit, leadForm, submitLeadForm } from './service.ts';

export function intakeRoutes(app: FastifyInstance, deps: Deps, limit: LeadFormLimit): void {
  const r = typed(app);
  const tags = ['intake'];
  r.get('/api/v1/lead-forms/:slug', {
    config: { public: true },
    schema: { tags, summary: "A business's public lead form: its name, for the page at /f/<slug>", params: leadFormParams, response: { 200: leadFormView, ...problems(404) } },
  }, async (request) => leadForm(deps, request.params.slug));

  r.post('/api/v1/lead-forms/:slug', {
    config: { public: true },
    schema: {
      tags,
      summary: 'Send a request through the public lead form: creates a contact and a lead (source website) in one go, which fires lead.created',
      description: `No sign-in. Submissions are limited per client address (${limit.max} in ${Math.round(limit.windowMs / 60_000)} minutes; beyond, 429 with Retry-After). A phone number or an email address is required.`,
      params: leadFormParams,
      body: leadFormBody,
      response: { 201: leadFormReceived, ...problems(404, 429) },
    },
  }, async (request, reply) => reply.code(201).send(await submitLeadForm(deps, request.params.slug, request.body, request.ip, limit)));
}
