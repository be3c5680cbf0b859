// HTTP routes of calendar feeds: the caller's own feed (create or rotate, read,
// revoke) and the public feed itself, whose address is its credential.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../platform/context.ts';
import { typed } from '../platform/http/app.ts';
import { callerOf } from '../platform/http/auth.ts';
import { problems } from '../platform/http/schemas.ts';
import { createdFeedView, feedParams, feedStatusView, REFRESH_SECONDS } from './feed.ts';
import * as feeds from './service.ts';

export interface CalendarOptions {
  /** Where the web app (and this API) is reached from outside: the feed's address and its tasks' links start with it. */
  publicUrl: string;
}

export function calendarRoutes(app: FastifyInstance, deps: Deps, options: CalendarOptions): void {
  const r = typed(app);

  r.get('/api/v1/me/calendar-feed', {
    schema: { tags: ['calendar'], summary: 'Whether the caller has a calendar feed address, and since when', response: { 200: feedStatusView, ...problems() } },
  }, async (request) => feeds.feedStatus(deps, callerOf(request)));

  r.post('/api/v1/me/calendar-feed', {
    // Fastify validates a missing body as null: no body (or an empty one) counts as {}; a JSON null is still refused.
    preValidation: async (request) => {
      if (request.body === undefined) request.body = {};
    },
    schema: {
      tags: ['calendar'],
      summary: 'Create the caller’s secret iCal address of their unfinished tasks with due dates, or rotate it (the old address stops working); the address is shown only in this answer',
      body: z.strictObject({}).optional().describe('nothing to send: an empty object, or no body'),
      response: { 201: createdFeedView, ...problems() },
    },
  }, async (request, reply) => reply.code(201).send(await feeds.createFeed(deps, callerOf(request), options.publicUrl)));

  r.delete('/api/v1/me/calendar-feed', {
    schema: { tags: ['calendar'], summary: 'Revoke the caller’s calendar feed address (it answers 404 from now on)', response: { 204: z.null(), ...problems() } },
  }, async (request, reply) => {
    await feeds.revokeFeed(deps, callerOf(request));
    return reply.code(204).send(null);
  });

  r.get('/api/v1/calendar/:file', {
    exposeHeadRoute: true,
    config: { public: true },
    schema: {
      tags: ['calendar'],
      summary: 'The iCal feed (text/calendar) behind a secret address <token>.ics: no sign-in, the address is the credential; unknown, rotated or revoked → 404',
      params: feedParams,
      response: { 200: z.string().describe('an iCalendar (RFC 5545) document'), ...problems(404) },
    },
  }, async (request, reply) => {
    const document = await feeds.feedDocument(deps, request.params.file, options.publicUrl);
    return reply
      .type('text/calendar; charset=utf-8')
      .header('cache-control', `private, max-age=${REFRESH_SECONDS}`)
      .header('content-disposition', 'inline; filename="finishline.ics"')
      .send(document);
  });
}
