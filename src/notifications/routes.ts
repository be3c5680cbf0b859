// HTTP routes for notifications: each person's own list, unread count, marking read, and preferences.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../platform/context.ts';
import { typed } from '../platform/http/app.ts';
import { callerOf } from '../platform/http/auth.ts';
import { idParams, pageOfSchema, problems } from '../platform/http/schemas.ts';
import { listNotificationsQuery, notificationView, preferencesBody, preferencesView } from './notification.ts';
import * as notifications from './service.ts';

export function notificationRoutes(app: FastifyInstance, deps: Deps): void {
  const r = typed(app);

  r.get('/api/v1/notifications', {
    schema: {
      tags: ['notifications'],
      summary: 'My notifications, newest first (?unread=true for the unread ones only)',
      querystring: listNotificationsQuery,
      response: { 200: pageOfSchema(notificationView), ...problems() },
    },
  }, async (request) => notifications.listNotifications(deps, callerOf(request), request.query));

  r.get('/api/v1/notifications/unread-count', {
    schema: { tags: ['notifications'], summary: 'How many of my notifications are unread', response: { 200: z.object({ unread: z.number() }), ...problems() } },
  }, async (request) => notifications.unreadCount(deps, callerOf(request)));

  r.post('/api/v1/notifications/:id/read', {
    schema: { tags: ['notifications'], summary: 'Mark one of my notifications read', params: idParams, response: { 200: notificationView, ...problems(404) } },
  }, async (request) => notifications.markRead(deps, callerOf(request), request.params.id));

  r.post('/api/v1/notifications/read-all', {
    schema: { tags: ['notifications'], summary: 'Mark all my notifications read', response: { 200: z.object({ marked: z.number() }), ...problems() } },
  }, async (request) => notifications.markAllRead(deps, callerOf(request)));

  r.get('/api/v1/notifications/preferences', {
    schema: { tags: ['notifications'], summary: 'What I am told, per kind: in the app and by email (digest: the morning email; weekly: the Monday summary owners, admins and managers get — both email only)', response: { 200: preferencesView, ...problems() } },
  }, async (request) => notifications.getPreferences(deps, callerOf(request)));

  r.put('/api/v1/notifications/preferences', {
    schema: {
      tags: ['notifications'],
      summary: 'Change what I am told: any kinds, each { inApp, email }; kinds left out keep their setting',
      body: preferencesBody,
      response: { 200: preferencesView, ...problems() },
    },
  }, async (request) => notifications.updatePreferences(deps, callerOf(request), request.body));
}
