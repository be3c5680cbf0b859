// A webhook receiver for tests: a real HTTP server (node:http on a local port)
// that records every request and answers each path with the statuses queued
// for it, then 200.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
}

export function receiver() {
  const received: Received[] = [];
  const answers = new Map<string, number[]>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, raw, body: JSON.parse(raw) });
      const queued = answers.get(path);
      const status = queued && queued.length > 0 ? queued.shift()! : 200;
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'not now');
    });
  });
  return {
    received,
    /** The next `statuses.length` requests to this path get these answers. */
    answer(path: string, ...statuses: number[]) {
      answers.set(path, statuses);
    },
    /** Every request to this path fails from now on. */
    failAlways(path: string) {
      answers.set(path, new Array<number>(1000).fill(500));
    },
    to(path: string) {
      return received.filter((r) => r.path === path);
    },
    async start() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
