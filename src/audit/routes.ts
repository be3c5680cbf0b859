// HTTP route of the audit log: GET /api/v1/audit, newest first, for admins.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../platform/context.ts';
import { typed } from '../platform/http/app.ts';
import { callerOf } from '../platform/http/auth.ts';
import { pageOfSchema, problems } from '../platform/http/schemas.ts';
import { auditEntryView, auditQuery } from './audit.ts';
import { listAudit } from './service.ts';

export function auditRoutes(app: FastifyInstance, deps: Deps): void {
  typed(app).get('/api/v1/audit', {
    schema: {
      tags: ['audit'],
      summary: 'The audit log of security-relevant actions (logins, roles, tokens, exports, rules), newest first (admins)',
      querystring: auditQuery,
      response: { 200: pageOfSchema(auditEntryView), ...problems(403) },
    },
  }, async (request) => listAudit(deps, callerOf(request), request.query));
}
