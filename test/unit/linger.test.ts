// Lingering close is for network connections: a request injected in process
// (Fastify's inject, as tests and tools use it) answered before its body was
// read has a stand-in socket, and closing it later must not throw.
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerLingeringClose } from '../../src/platform/http/linger.ts';

describe('lingering close', () => {
  const thrown: unknown[] = [];
  const onUncaught = (error: unknown) => thrown.push(error);
  afterEach(() => {
    process.off('uncaughtException', onUncaught);
  });

  it('leaves an injected request answered before its body alone, with nothing thrown when the wait ends', async () => {
    process.on('uncaughtException', onUncaught);
    const app = Fastify();
    registerLingeringClose(app, { bytes: 1024, ms: 20 });
    // Answered before the body is read, as a refused sign-in or a body over the limit is.
    app.addHook('onRequest', async (_request, reply) => reply.code(401).send({ title: 'Unauthorized' }));
    app.post('/things', async () => ({ ok: true }));
    await app.ready();
    const reply = await app.inject({ method: 'POST', url: '/things', payload: { name: 'x'.repeat(100) } });
    expect(reply.statusCode).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await app.close();
    expect(thrown).toEqual([]);
  });
});
