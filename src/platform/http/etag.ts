// Optimistic concurrency over HTTP: ETag out, If-Match in.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Invalid } from '../errors.ts';
import { etagOf } from './problem.ts';

/** A version no resource has: If-Match with no tag that can match asks for a change that must answer 412. */
const NEVER = -1;
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;

/**
 * The version the client says it is changing, or undefined when it did not say
 * (or said "*"). If-Match compares strongly (RFC 9110 §13.1.1): a weak tag
 * (W/"3") never matches, and a well-formed tag this API never handed out
 * ("stale-etag-0") does not match either — both answer 412, like a stale
 * version. Of a list of tags, the first strong one of ours counts. A header
 * that is not entity-tag syntax at all is a 400 naming If-Match.
 */
export function ifMatchVersion(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined || header.trim() === '*') return undefined;
  const tags = header.split(',').map((tag) => ENTITY_TAG.exec(tag.trim()));
  if (tags.some((tag) => tag === null)) throw Invalid.field('If-Match', 'must be an ETag this API handed out, e.g. "3"');
  for (const tag of tags) {
    if (!tag![1] && /^\d{1,12}$/.test(tag![2]!)) return Number(tag![2]);
  }
  return NEVER;
}

export function withEtag<T extends { version: number }>(reply: FastifyReply, resource: T): T {
  reply.header('ETag', etagOf(resource.version));
  return resource;
}
