// Every failure becomes application/problem+json (RFC 9457), decided here and nowhere else.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isConnectionError } from '../db/database.ts';
import { DomainError, type FieldError, TooManyAttempts } from '../errors.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

const TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Not signed in',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Request body too large',
  414: 'Path too long',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

export function problem(status: number, detail: string, errors?: FieldError[]): Problem {
  const title = TITLES[status] ?? 'Error';
  const body: Problem = { type: `https://finishline.dev/problems/${slug(title)}`, title, status, detail };
  if (errors && errors.length > 0) body.errors = errors;
  return body;
}

function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type('application/problem+json').send(body);
}

interface ZodIssueParams {
  keys?: string[];
  expected?: string;
  input?: unknown;
}

/** Turns a schema failure into one error per field, named the way the client sent it. */
function fieldErrors(error: FastifyError): FieldError[] {
  const where = error.validationContext;
  return (error.validation ?? []).flatMap((issue) => {
    const path = issue.instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
    const params = issue.params as ZodIssueParams;
    if (issue.keyword === 'unrecognized_keys' && params.keys) {
      return params.keys.map((key) => ({ path: join(path, key), message: 'is not a known field' }));
    }
    const missing = issue.keyword === 'invalid_type' && /received undefined/.test(issue.message ?? '');
    return [{ path: path || (where ?? 'body'), message: missing ? 'is required' : (issue.message ?? 'is invalid') }];
  });
}

function join(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = fieldErrors(error);
    const where = error.validationContext === 'querystring' ? 'query string' : (error.validationContext ?? 'body');
    return sendProblem(reply, problem(400, `The ${where} has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}: ${errors.map((e) => e.path).join(', ')}`, errors));
  }
  if (error instanceof DomainError) {
    if (error.status === 412) reply.header('ETag', etagOf((error as unknown as { currentVersion: number }).currentVersion));
    if (error instanceof TooManyAttempts) reply.header('Retry-After', String(error.retryAfterSeconds));
    const body = problem(error.status, error.message, error.errors);
    if (error.problemType) body.type = `https://finishline.dev/problems/${error.problemType}`;
    return sendProblem(reply, error.extra ? { ...error.extra, ...body } : body);
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return sendProblem(reply, problem(status, clientMessage(error)));
  }
  if (isConnectionError(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    reply.header('Retry-After', '1');
    return sendProblem(reply, problem(503, 'The database is not reachable right now; try again shortly'));
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(reply, problem(500, 'Something went wrong on our side; it has been logged'));
}

function clientMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is larger than 1 MB';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Send the body as application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The body is empty; send a JSON object';
    default:
      if (error instanceof SyntaxError || /JSON/.test(error.message)) return `The body is not valid JSON: ${error.message}`;
      return error.message;
  }
}

export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * What the router itself refuses, as problem+json like every other refusal: a
 * path part that is not percent-encoded UTF-8 (400) and a path parameter longer
 * than any id (414), both naming the path.
 */
export function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendProblem(reply, problem(414, 'A part of the path is longer than any id', [{ path: 'path', message: 'has a part longer than any id' }]));
  if (error.code === 'FST_ERR_BAD_URL') return sendProblem(reply, problem(400, 'The path is not valid percent-encoded UTF-8', [{ path: 'path', message: 'must be valid percent-encoded UTF-8' }]));
  return sendProblem(reply, problem(400, 'The request is not valid'));
}
