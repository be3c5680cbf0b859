// HTTP routes for files on tasks: upload (multipart, streamed to storage),
// list, download (ETag, Range, served inert), thumbnail, delete, and every
// photo of a record's tasks.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../platform/context.ts';
import { DomainError, Invalid, TooLarge } from '../platform/errors.ts';
import type { ByteRange } from '../platform/files/blobs.ts';
import { type Spooled, spool } from '../platform/files/spool.ts';
import { typed } from '../platform/http/app.ts';
import { callerOf } from '../platform/http/auth.ts';
import { idParams, pageOfSchema, pageQuery, problems } from '../platform/http/schemas.ts';
import { attachmentQuery, attachmentView, contentDisposition, INLINE_TYPES } from './attachment.ts';
import * as attachments from './attachments.ts';

/** How much of a refused body is still read (and thrown away) so the client can read its 413, beyond the limit itself. */
const DISCARD_SLACK = 64 * 1024 * 1024;
const FIELDS = new Set(['checklistItemId']);
class UnsupportedMedia extends DomainError {
  readonly status = 415;
  readonly code = 'unsupported-media-type';
}

const bytes = z.any().describe('the file’s bytes');

export function attachmentRoutes(app: Parameters<typeof typed>[0], deps: Deps, files: attachments.Files): void {
  const r = typed(app);
  const taskParams = z.strictObject({ id: z.string().min(1).max(100).describe('The task id or its key, e.g. T-12') });

  r.post('/api/v1/tasks/:id/attachments', {
    schema: {
      tags: ['attachments'],
      summary: 'Attach a file to a task',
      description:
        'multipart/form-data with the part `file` (one file) and optionally `checklistItemId` (the checklist item this photo is proof for). ' +
        'The type is found from the bytes; photos are turned upright and lose their EXIF metadata (location included), and get a display copy (≤ 2048 px) and a thumbnail (≤ 320 px). ' +
        `A file over FINISHLINE_MAX_UPLOAD_MB (default 25), or one the organisation's storage (FINISHLINE_ORG_STORAGE_MB) has no room for, answers 413.`,
      params: taskParams,
      response: { 201: attachmentView, ...problems(404, 413, 415) },
    },
  }, async (request, reply) => {
    const caller = callerOf(request);
    if (!request.isMultipart()) {
      throw new UnsupportedMedia('Send the file as multipart/form-data, in a part named file');
    }
    await attachments.loadTask(deps.db, caller.orgId, request.params.id);
    const bound = files.maxUploadBytes + DISCARD_SLACK;
    if (Number(request.headers['content-length'] ?? 0) > bound) {
      reply.header('Connection', 'close');
      throw new TooLarge(`The file is larger than ${Math.round(files.maxUploadBytes / 1048576)} MB, the most one file may be`, [{ path: 'file', message: 'is too large' }]);
    }
    const work = await attachments.workFolder(files.blobs);
    // Once the parser is piped in: a data listener before that would start the body flowing past it.
    const parts = request.parts({ limits: { fileSize: files.maxUploadBytes + 1, files: 2, fields: 5, fieldSize: 1000, parts: 8 } });
    const stopGuard = guardBody(request, reply, bound);
    try {
      let file: Spooled | undefined;
      let fileName: string | undefined;
      const fields: Record<string, string> = {};
      const unknown: string[] = [];
      for await (const part of parts) {
        if (part.type === 'file') {
          if (part.fieldname !== 'file' || file) {
            unknown.push(part.fieldname);
            part.file.resume();
            await new Promise((resolve) => part.file.once('end', resolve));
            continue;
          }
          file = await spool(part.file, work.dir, files.maxUploadBytes);
          fileName = part.filename;
        } else if (FIELDS.has(part.fieldname)) {
          fields[part.fieldname] = String(part.value);
        } else {
          unknown.push(part.fieldname);
        }
      }
      if (unknown.length > 0) throw new Invalid(`Unknown or repeated parts: ${unknown.join(', ')}`, unknown.map((path) => ({ path, message: 'is not a known part (send one file, named file, and optionally checklistItemId)' })));
      if (!file) throw Invalid.field('file', 'is required: send the file in a multipart part named file');
      const view = await attachments.addAttachment(deps, files, caller, request.params.id, { file, fileName, checklistItemId: fields.checklistItemId || undefined, workDir: work.dir });
      return reply.code(201).send(view);
    } finally {
      stopGuard();
      await work.done();
    }
  });

  r.get('/api/v1/tasks/:id/attachments', {
    schema: { tags: ['attachments'], summary: 'The files of a task, oldest first', params: taskParams, response: { 200: z.object({ items: z.array(attachmentView) }), ...problems(404) } },
  }, async (request) => attachments.listAttachments(deps, callerOf(request), request.params.id));

  for (const [plural, type] of [['contacts', 'contact'], ['clients', 'client'], ['leads', 'lead'], ['jobs', 'job'], ['services', 'service']] as const) {
    r.get(`/api/v1/${plural}/:id/attachments`, {
      schema: { tags: ['attachments'], summary: `Every file of the ${type}’s tasks, newest first`, params: idParams, querystring: pageQuery, response: { 200: pageOfSchema(attachmentView), ...problems(404) } },
    }, async (request) => attachments.recordAttachments(deps, callerOf(request), type, request.params.id, request.query));
  }

  r.get('/api/v1/attachments/:id', {
    exposeHeadRoute: true,
    schema: {
      tags: ['attachments'],
      summary: 'A file’s bytes: images inline, anything else as a download; ETag, Range (206), never run as a page',
      params: idParams,
      querystring: attachmentQuery,
      response: { 200: bytes, 206: bytes, 304: z.null(), 416: problems()[400], ...problems(404) },
    },
  }, async (request, reply) => serve(request, reply, await attachments.openAttachment(deps, callerOf(request), request.params.id, request.query.size)));

  r.get('/api/v1/attachments/:id/thumbnail', {
    exposeHeadRoute: true,
    schema: { tags: ['attachments'], summary: 'An image’s thumbnail, at most 320 px on its longer side (images only)', params: idParams, response: { 200: bytes, 304: z.null(), ...problems(404) } },
  }, async (request, reply) => serve(request, reply, await attachments.openAttachment(deps, callerOf(request), request.params.id, 'thumbnail')));

  r.delete('/api/v1/attachments/:id', {
    schema: { tags: ['attachments'], summary: 'Delete a file (whoever added it, or a manager)', params: idParams, response: { 204: z.null(), ...problems(403, 404) } },
  }, async (request, reply) => {
    await attachments.deleteAttachment(deps, files, callerOf(request), request.params.id);
    return reply.code(204).send(null);
  });

  async function serve(request: FastifyRequest, reply: FastifyReply, file: attachments.Readable) {
    const etag = `"${file.sha256}"`;
    const inline = INLINE_TYPES.has(file.contentType);
    reply
      .header('ETag', etag)
      .header('Accept-Ranges', 'bytes')
      .header('Cache-Control', 'private, max-age=31536000, immutable')
      // Whatever the bytes are, they never run as a page of this origin.
      .header('Content-Security-Policy', "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox")
      .header('Cross-Origin-Resource-Policy', 'same-origin')
      .header('Content-Disposition', contentDisposition(inline ? 'inline' : 'attachment', file.row.name));
    if (matchesTag(request.headers['if-none-match'], etag)) return reply.code(304).send(null);
    const range = rangeOf(request.headers.range, String(request.headers['if-range'] ?? '') || undefined, etag, file.size);
    if (range === 'unsatisfiable') {
      reply.header('Content-Range', `bytes */${file.size}`);
      return reply.code(416).type('application/problem+json').send({ type: 'https://finishline.dev/problems/range-not-satisfiable', title: 'Range not satisfiable', status: 416, detail: `The file has ${file.size} bytes` });
    }
    reply.type(file.contentType);
    if (range) {
      reply.code(206).header('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`).header('Content-Length', String(range.end - range.start + 1));
      return reply.send(attachments.readBytes(files.blobs, file, range));
    }
    reply.header('Content-Length', String(file.size));
    return reply.send(attachments.readBytes(files.blobs, file));
  }
}

function matchesTag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.trim() === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** One byte range (RFC 9110 §14): `bytes=a-b`, `bytes=a-`, `bytes=-n`. Several ranges, or a stale If-Range, get the whole file. */
export function rangeOf(header: string | undefined, ifRange: string | undefined, etag: string, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  if (ifRange !== undefined && ifRange.trim() !== etag) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (match[2] !== '' && Number(match[2]) < start) return null;
  }
  if (start >= size || size === 0) return 'unsatisfiable';
  return { start, end };
}

/**
 * Reads and throws away a refused body up to `bound` bytes, so a client still
 * sending can read its 413 (a lingering close, RFC 9112 §9.6); past the bound
 * the connection is answered and closed. Returns the function that stops watching.
 */
function guardBody(request: FastifyRequest, reply: FastifyReply, bound: number): () => void {
  let seen = 0;
  const onData = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen <= bound || reply.sent) return;
    request.raw.off('data', onData);
    reply
      .code(413)
      .header('Connection', 'close')
      .type('application/problem+json')
      .send({ type: 'https://finishline.dev/problems/request-body-too-large', title: 'Request body too large', status: 413, detail: 'The request is far larger than the most one file may be' });
  };
  request.raw.on('data', onData);
  return () => request.raw.off('data', onData);
}
