// HTTP routes of outbound webhooks (admins): subscriptions, their secret, the delivery log and a test send.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../platform/context.ts';
import { typed } from '../platform/http/app.ts';
import { callerOf } from '../platform/http/auth.ts';
import { ifMatchVersion, withEtag } from '../platform/http/etag.ts';
import { idParams, pageOfSchema, pageQuery, problems } from '../platform/http/schemas.ts';
import { createWebhookBody, deliveriesQuery, deliveryView, type DeliveryPolicy, updateWebhookBody, webhookView, webhookWithSecretView } from './webhook.ts';
import { sendTest } from './delivery.ts';
import { createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhooks, rotateSecret, updateWebhook } from './subscriptions.ts';

export function webhookRoutes(app: FastifyInstance, deps: Deps, policy: DeliveryPolicy): void {
  const r = typed(app);

  r.get('/api/v1/webhooks', {
    schema: { tags: ['webhooks'], summary: 'Outbound webhook subscriptions (admins)', querystring: pageQuery, response: { 200: pageOfSchema(webhookView), ...problems(403) } },
  }, async (request) => listWebhooks(deps, callerOf(request), request.query));

  r.post('/api/v1/webhooks', {
    schema: {
      tags: ['webhooks'],
      summary: 'Subscribe a URL to events ("*" for all); the answer holds the signing secret, shown this once',
      description: 'The URL is http(s) without a user name or password. Unless FINISHLINE_WEBHOOK_ALLOW_PRIVATE=1, a URL naming a loopback, private, link-local, unique-local, carrier-grade NAT, multicast or other non-public address is refused (400 naming url), and a host name that resolves to one is refused at delivery.',
      body: createWebhookBody,
      response: { 201: webhookWithSecretView, ...problems(403) },
    },
  }, async (request, reply) => {
    const created = await createWebhook(deps, callerOf(request), { webhook: request.body, egress: policy });
    return reply.code(201).send(withEtag(reply, created));
  });

  r.get('/api/v1/webhooks/:id', {
    schema: { tags: ['webhooks'], summary: 'One webhook subscription (without its secret)', params: idParams, response: { 200: webhookView, ...problems(403, 404) } },
  }, async (request, reply) => withEtag(reply, await getWebhook(deps, callerOf(request), request.params.id)));

  r.patch('/api/v1/webhooks/:id', {
    schema: {
      tags: ['webhooks'],
      summary: 'Change a webhook: URL, events, description; active false pauses it, true resumes it and resets its failure count (If-Match honoured)',
      description: 'A new URL is checked as on creation: a non-public address is refused (400 naming url) unless FINISHLINE_WEBHOOK_ALLOW_PRIVATE=1.',
      params: idParams,
      body: updateWebhookBody,
      response: { 200: webhookView, ...problems(403, 404, 412) },
    },
  }, async (request, reply) => withEtag(reply, await updateWebhook(deps, callerOf(request), { id: request.params.id, changes: request.body, ifVersion: ifMatchVersion(request), egress: policy })));

  r.delete('/api/v1/webhooks/:id', {
    schema: { tags: ['webhooks'], summary: 'Delete a webhook and its delivery log; nothing queued for it is sent', params: idParams, response: { 204: z.null(), ...problems(403, 404, 412) } },
  }, async (request, reply) => {
    await deleteWebhook(deps, callerOf(request), { id: request.params.id, ifVersion: ifMatchVersion(request) });
    return reply.code(204).send(null);
  });

  r.post('/api/v1/webhooks/:id/rotate-secret', {
    schema: {
      tags: ['webhooks'],
      summary: 'Replace the signing secret: deliveries from now on are signed with the new one, shown in this answer only',
      params: idParams,
      response: { 200: webhookWithSecretView, ...problems(403, 404) },
    },
  }, async (request, reply) => withEtag(reply, await rotateSecret(deps, callerOf(request), request.params.id)));

  r.get('/api/v1/webhooks/:id/deliveries', {
    schema: {
      tags: ['webhooks'],
      summary: 'The delivery log, newest first: status, attempts, next attempt, the receiver\'s answer',
      params: idParams,
      querystring: deliveriesQuery,
      response: { 200: pageOfSchema(deliveryView), ...problems(403, 404) },
    },
  }, async (request) => listDeliveries(deps, callerOf(request), { ...request.query, webhookId: request.params.id }));

  r.post('/api/v1/webhooks/:id/test', {
    schema: {
      tags: ['webhooks'],
      summary: 'Send a webhook.test delivery now (once, no retries) and answer with how it went',
      params: idParams,
      response: { 200: deliveryView, ...problems(403, 404) },
    },
  }, async (request) => sendTest(deps, callerOf(request), { webhookId: request.params.id, policy }));
}
