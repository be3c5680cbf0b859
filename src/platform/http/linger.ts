// Lingering close (RFC 9112 §9.6): an answer given before the request's body
// has arrived (a 413 for a body over the limit, a 401 before reading) would
// otherwise be followed by closing the connection while the client is still
// sending, and the client — writing its whole body before it reads, as Node's
// http client does — gets EPIPE or ECONNRESET instead of the answer. Here the
// answer goes out with Connection: close, the server half-closes, reads and
// drops the rest of the body up to a bound, and only then closes.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** The most of an unread body read and dropped after answering, and for how long; past either the connection is closed. */
export const LINGER_LIMITS = { bytes: 64 * 1024 * 1024, ms: 10_000 };

export function registerLingeringClose(app: FastifyInstance, limits = LINGER_LIMITS): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (bodyStillComing(request.raw)) {
      reply.header('connection', 'close');
      linger(request.raw, limits);
    }
    return payload;
  });
}

function bodyStillComing(req: IncomingMessage): boolean {
  if (req.complete || req.socket.destroyed) return false;
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

function linger(req: IncomingMessage, limits: typeof LINGER_LIMITS): void {
  const socket: Socket & { destroySoon?: () => void } = req.socket;
  // A request injected in process (Fastify's inject) has a stand-in socket with no connection to close.
  if (typeof socket.destroy !== 'function') return;
  let seen = 0;
  const onData = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > limits.bytes) socket.destroy();
  };
  req.on('data', onData);
  req.on('error', () => socket.destroy());
  req.resume();
  const timer = setTimeout(() => socket.destroy(), limits.ms);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  // Node closes a Connection: close socket once its answer is written (destroySoon). Instead: send FIN
  // after the answer, keep reading what the client still sends, and close once the body has all come.
  const destroySoon = socket.destroySoon;
  if (typeof destroySoon !== 'function') return;
  socket.destroySoon = function lingeringDestroySoon(this: Socket) {
    socket.destroySoon = destroySoon;
    if (req.complete) return destroySoon.call(this);
    this.end();
    req.once('end', () => socket.destroy());
  };
}
