// GET /api/v1/export: the organisation's own JSON backup, streamed, for its owner and admins.
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../platform/context.ts';
import type { OpenDatabase } from '../platform/db/database.ts';
import { typed } from '../platform/http/app.ts';
import { callerOf } from '../platform/http/auth.ts';
import { problems } from '../platform/http/schemas.ts';
import { exportBackup, requireExportRight } from './service.ts';

export function backupRoutes(app: FastifyInstance, deps: Deps, database: OpenDatabase): void {
  typed(app).get('/api/v1/export', {
    schema: {
      tags: ['backup'],
      summary: "The organisation's JSON backup (admins): every table's rows of this organisation, a row per line, without any secret (no password or token hashes, two-factor, webhook or sign-in secrets, no sign-ins or invitation links); restored, people reset their passwords and webhooks need a new secret. Only `finishline export` on the server writes a full backup",
      querystring: z.strictObject({}),
      response: { 200: z.string().describe('application/json: the backup document (see README, Backup and restore)'), ...problems(403) },
    },
  }, async (request, reply) => {
    const caller = callerOf(request);
    requireExportRight(caller);
    const out = new PassThrough();
    exportBackup(database, out, { orgId: caller.orgId, omitSecrets: true, now: deps.clock.now(), actorId: caller.userId, ip: request.ip })
      .then(() => out.end())
      .catch((error: unknown) => {
        request.log.error({ err: error }, 'export failed');
        out.destroy(error as Error);
      });
    const day = new Date(deps.clock.now()).toISOString().slice(0, 10);
    return reply.type('application/json; charset=utf-8').header('Content-Disposition', `attachment; filename="finishline-${day}.json"`).send(out as never);
  });
}
