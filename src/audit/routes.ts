// HTTP route of the audit log (GET /api/v1/audit, newest first, for admins), and
// the record of every export: a CSV answer is logged before its first byte leaves.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../platform/context.ts';
import { typed } from '../platform/http/app.ts';
import { callerOf } from '../platform/http/auth.ts';
import { pageOfSchema, problems } from '../platform/http/schemas.ts';
import { auditEntryView, auditQuery } from './audit.ts';
import { listAudit, recordAudit } from './service.ts';

export function auditRoutes(app: FastifyInstance, deps: Deps): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (!request.caller || reply.statusCode !== 200 || !type.startsWith('text/csv')) return payload;
    const { caller } = request;
    const route = request.routeOptions.url ?? request.url.split('?')[0]!;
    const data = { route, query: request.query };
    await recordAudit(deps.db, { orgId: caller.orgId, actorId: caller.userId, action: 'data.exported', subject: { type: 'export', id: route }, data, ip: request.ip }, deps.clock.now());
    return payload;
  });

  typed(app).get('/api/v1/audit', {
    schema: {
      tags: ['audit'],
      summary: 'The audit log of security-relevant actions (logins, roles, tokens, exports, rules), newest first (admins)',
      querystring: auditQuery,
      response: { 200: pageOfSchema(auditEntryView), ...problems(403) },
    },
  }, async (request) => listAudit(deps, callerOf(request), request.query));
}
