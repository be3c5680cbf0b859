// GET /api/v1/stream: server-sent events of everything that changes in the
// caller's organisation. Each process follows the outbox table itself, so a
// change made through any process (or a worker) reaches every open browser.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Role } from '../context.ts';
import type { Db } from '../db/schema.ts';
import { Invalid } from '../errors.ts';
import { eventsAfter, lastEventSeq, type StoredEvent } from '../outbox.ts';
import { callerOf } from './auth.ts';

interface Subscriber {
  orgId: string;
  userId: string;
  /** The caller's role when the stream opened: what it may see is decided by it. */
  role: Role;
  reply: FastifyReply;
  /** The last event this subscriber was sent, so a resumed stream never repeats one. */
  sentSeq: number;
}

const HEARTBEAT_MS = 15_000;
const REPLAY_LIMIT = 500;

export class LiveFeed {
  private subscribers = new Set<Subscriber>();
  private lastSeq: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(private readonly db: Db, private readonly pollMs: number) {}

  async subscribe(subscriber: Subscriber): Promise<() => void> {
    if (this.lastSeq === null) this.lastSeq = await lastEventSeq(this.db);
    this.subscribers.add(subscriber);
    this.timer ??= setInterval(() => void this.poll(), this.pollMs);
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
        this.lastSeq = null;
      }
    };
  }

  /** Reads what was appended since the last look and hands each event to its organisation's subscribers. */
  async poll(): Promise<void> {
    if (this.polling || this.lastSeq === null) return;
    this.polling = true;
    try {
      let batch: StoredEvent[];
      do {
        batch = await eventsAfter(this.db, this.lastSeq, REPLAY_LIMIT);
        for (const event of batch) {
          this.lastSeq = event.seq;
          for (const s of this.subscribers) if (visibleTo(s, event) && event.seq > s.sentSeq) send(s, event);
        }
      } while (batch.length === REPLAY_LIMIT && this.lastSeq !== null);
    } catch {
      // The database is briefly unreachable: the next poll picks up where this one stopped.
    } finally {
      this.polling = false;
    }
  }

  closeAll(): void {
    for (const s of this.subscribers) s.reply.raw.end();
    this.subscribers.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

const RANK: Record<Role, number> = { member: 0, manager: 1, admin: 2, owner: 3 };
/** Events of tasks and records, which every person of the organisation may read through their routes. */
const EVERYONES = ['task.', 'contact.', 'client.', 'lead.', 'job.', 'pipeline.', 'service.', 'appointment.'];

/**
 * An event is shown with the same rights as the routes that show what it is
 * about: tasks and records to everyone in the organisation; a notification to
 * the person it is for alone; webhooks (whose URLs can carry a secret) to
 * admins, as GET /webhooks; anything else — rules, events posted by
 * integrations, which the run log shows — to managers and above.
 */
function visibleTo(subscriber: Subscriber, event: StoredEvent): boolean {
  if (subscriber.orgId !== event.orgId) return false;
  if (event.type.startsWith('notification.')) return event.subject.type === 'user' && event.subject.id === subscriber.userId;
  if (EVERYONES.some((prefix) => event.type.startsWith(prefix))) return true;
  if (event.type.startsWith('webhook.')) return RANK[subscriber.role] >= RANK.admin;
  return RANK[subscriber.role] >= RANK.manager;
}

/** Last-Event-ID as the event number it names (0 when absent); anything but a plain event number is a 400 naming the header. */
function lastEventIdOf(header: string | string[] | undefined): number {
  if (header === undefined || header === '') return 0;
  if (typeof header !== 'string' || !/^\d{1,15}$/.test(header.trim())) throw Invalid.field('Last-Event-ID', 'must be the id of an event this stream sent');
  return Number(header.trim());
}

function send(subscriber: Subscriber, event: StoredEvent): void {
  subscriber.sentSeq = event.seq;
  write(subscriber.reply, event);
}

function write(reply: FastifyReply, event: StoredEvent): void {
  const payload = { id: event.id, type: event.type, subject: event.subject, data: event.data, actorId: event.actorId, occurredAt: new Date(event.occurredAt).toISOString() };
  reply.raw.write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(payload)}\n\n`);
}

export function registerStream(app: FastifyInstance, db: Db, pollMs = 250): LiveFeed {
  const feed = new LiveFeed(db, pollMs);
  app.addHook('preClose', async () => feed.closeAll());
  app.get('/api/v1/stream', {
    schema: {
      tags: ['live'],
      summary: 'Server-sent events: every change in the organisation as it happens (text/event-stream); resume with Last-Event-ID',
    },
  }, async (request, reply) => {
    const caller = callerOf(request);
    const lastEventId = lastEventIdOf(request.headers['last-event-id']);
    reply.hijack();
    reply.raw.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    reply.raw.write(': connected\nretry: 2000\n\n');
    const subscriber: Subscriber = { orgId: caller.orgId, userId: caller.userId, role: caller.role, reply, sentSeq: 0 };
    if (lastEventId > 0) {
      for (const event of await eventsAfter(db, lastEventId, REPLAY_LIMIT, caller.orgId)) if (visibleTo(subscriber, event)) send(subscriber, event);
    }
    const unsubscribe = await feed.subscribe(subscriber);
    const heartbeat = setInterval(() => reply.raw.write(': heartbeat\n\n'), HEARTBEAT_MS);
    request.raw.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });
  return feed;
}
