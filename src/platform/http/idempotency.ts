// Idempotency-Key on POST: the same key with the same request replays the
// first response and writes nothing; the same key with another request is a 409.
// Only for a signed-in caller: keys are kept per person, and a request with no
// person (sign-up, log-in, a public form) has nobody to keep them for — replaying
// one would hand its answer (a new session's token) to whoever sent the same key.
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/schema.ts';
import { Conflict, Invalid } from '../errors.ts';
import { sha256 } from '../ids.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { scope: string; key: string } | null;
  }
}

const HEADER = 'idempotency-key';
/** A claim still unanswered after this long was left by a process that died mid-request: a retry takes it over. */
export const ABANDONED_CLAIM_MS = 30_000;

export function registerIdempotency(app: FastifyInstance, db: Db, clock: Clock): void {
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers[HEADER];
    if (request.method !== 'POST' || key === undefined) return;
    if (typeof key !== 'string' || key.length < 1 || key.length > 255) throw Invalid.field('Idempotency-Key', 'must be 1 to 255 characters');
    if (!request.caller) return;
    const scope = `user:${request.caller.userId}`;
    const requestHash = sha256(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`);
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({ scope, key, request_hash: requestHash, status_code: null, response_body: null, created_at: clock.now() })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) {
      request.idempotency = { scope, key };
      return;
    }
    const previous = await db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
    if (!previous) throw new Conflict('This Idempotency-Key is being released; retry the request');
    if (previous.request_hash !== requestHash) {
      throw new Conflict('This Idempotency-Key was already used for a different request', [{ path: 'Idempotency-Key', message: 'was used with another body' }]);
    }
    if (previous.status_code === null) {
      if (!(await takeOverAbandoned(db, clock, previous))) throw new Conflict('A request with this Idempotency-Key is still in progress; retry shortly');
      request.idempotency = { scope, key };
      return;
    }
    reply
      .code(previous.status_code)
      .header('Idempotent-Replayed', 'true')
      .type(previous.status_code >= 400 ? 'application/problem+json' : 'application/json; charset=utf-8');
    return reply.send(previous.response_body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim) return payload;
    request.idempotency = null;
    const where = db.updateTable('idempotency_keys').where('scope', '=', claim.scope).where('key', '=', claim.key);
    // A server error may be retried with the same key: forget it rather than replay it.
    if (reply.statusCode >= 500) {
      await db.deleteFrom('idempotency_keys').where('scope', '=', claim.scope).where('key', '=', claim.key).execute();
    } else {
      await where.set({ status_code: reply.statusCode, response_body: typeof payload === 'string' ? payload : '' }).execute();
    }
    return payload;
  });
}

/** Takes over a claim whose request never answered (its process died), so the client's retry is not refused forever. */
async function takeOverAbandoned(db: Db, clock: Clock, claim: { scope: string; key: string; created_at: number }): Promise<boolean> {
  const now = clock.now();
  if (Number(claim.created_at) > now - ABANDONED_CLAIM_MS) return false;
  const taken = await db
    .updateTable('idempotency_keys')
    .set({ created_at: now })
    .where('scope', '=', claim.scope)
    .where('key', '=', claim.key)
    .where('status_code', 'is', null)
    .where('created_at', '=', claim.created_at)
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1;
}
