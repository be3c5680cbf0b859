// HTTP routes for CSV import: POST /api/v1/imports/{contacts,clients,leads,tasks},
// a text/csv body (or JSON {"csv": "…"}), ?dryRun=true to check without writing.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../platform/context.ts';
import { typed } from '../platform/http/app.ts';
import { callerOf } from '../platform/http/auth.ts';
import { decodeUtf8 } from '../platform/http/bodyText.ts';
import { problem, sendProblem } from '../platform/http/problem.ts';
import { problems } from '../platform/http/schemas.ts';
import { IMPORT_COLUMNS, IMPORT_KINDS, importBody, importProblem, importQuery, importResult } from './import.ts';
import { csvPlaceOfReplacement, importCsv, ImportRejected } from './service.ts';

export function importRoutes(app: FastifyInstance, deps: Deps): void {
  // CSV bodies are taken by these routes only: everywhere else a text body stays a 415.
  void app.register(async (scope) => {
    // Decoded strictly: bytes that are not UTF-8 are a 400 naming the row and column, not text with U+FFFD in it.
    scope.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (_request, body: Buffer, done) => {
      try {
        done(null, decodeUtf8(body, csvPlaceOfReplacement));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    const r = typed(scope);
    for (const kind of IMPORT_KINDS) {
      const columns = IMPORT_COLUMNS[kind].map((c) => `${c.name} (${c.help})`).join('; ');
      r.post(`/api/v1/imports/${kind}`, {
        schema: {
          tags: ['imports'],
          summary: `Import ${kind} from CSV (managers and above): every row or none; ?dryRun=true checks only`,
          description: `A header row names the columns, in any order, case and spacing ignored: ${columns}. Any problem answers 422 listing each (row, column, reason) — the first 100, with how many more — and writes nothing; bytes that are not UTF-8 answer 400 naming the row and column; at most 5,000 rows and 1 MB (413).`,
          querystring: importQuery,
          body: importBody,
          response: { 200: importResult, 201: importResult, 422: importProblem, ...problems(403, 413) },
        },
      }, async (request, reply) => {
        const csv = typeof request.body === 'string' ? request.body : request.body.csv;
        try {
          const result = await importCsv(deps, callerOf(request), {
            kind,
            csv,
            dryRun: request.query.dryRun,
            source: { kind: callerOf(request).tokenKind === 'api' ? 'api' : 'manual' },
            ip: request.ip,
          });
          return reply.code(result.dryRun ? 200 : 201).send(result);
        } catch (error) {
          if (!(error instanceof ImportRejected)) throw error;
          return sendProblem(reply, { ...problem(422, error.message, error.errors), title: 'The file cannot be imported', type: 'https://finishline.dev/problems/import-rejected', rows: error.rows, more: error.more } as never);
        }
      });
    }
  });
}
