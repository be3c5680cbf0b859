// Optimistic concurrency over HTTP: ETag out, If-Match in.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Invalid } from '../errors.ts';
import { etagOf } from './problem.ts';

/** The version the client says it is changing, or undefined when it did not say (or said "*"). */
export function ifMatchVersion(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,12})"\s*$/.exec(header);
  if (!match) throw Invalid.field('If-Match', 'must be an ETag this API handed out, e.g. "3"');
  return Number(match[1]);
}

export function withEtag<T extends { version: number }>(reply: FastifyReply, resource: T): T {
  reply.header('ETag', etagOf(resource.version));
  return resource;
}
