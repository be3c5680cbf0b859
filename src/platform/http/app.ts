// The Fastify app every route is served by: schemas, auth, errors, ETags,
// idempotency, OpenAPI — the conventions of SPEC §4, in one place.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/schema.ts';
import { logOutput } from '../logOutput.ts';
import { type Authenticate, registerAuth } from './auth.ts';
import { registerIdempotency } from './idempotency.ts';
import { answerClientError } from './clientError.ts';
import { registerJsonBody } from './bodyText.ts';
import { registerLingeringClose } from './linger.ts';
import { collectRoutes } from './routeTable.ts';
import { registerWellFormedText } from './wellFormedText.ts';
import { answerFrameworkError, handleError } from './problem.ts';
import { EMBEDDABLE_CONTENT_SECURITY_POLICY, registerWebApp } from './webapp.ts';

export type App = FastifyInstance;

export interface AppOptions {
  db: Db;
  clock: Clock;
  authenticate: Authenticate;
  logLevel: string;
  webDist?: string;
  version: string;
  /** Which peers' X-Forwarded-For and X-Forwarded-Proto are believed (see Config.trustProxy). */
  trustProxy: boolean | number | string;
  /** The requests Finishline sends (OpenAPI 3.1 `webhooks`), described by the features that send them. */
  openapiWebhooks?: Record<string, unknown>;
}

export const BODY_LIMIT = 1024 * 1024;

export async function createApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logLevel === 'silent' ? false : { level: options.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'], stream: logOutput() },
    bodyLimit: BODY_LIMIT,
    // A hop count N trusts the N nearest peers: the client is the address the Nth proxy saw.
    trustProxy: typeof options.trustProxy === 'number' ? trustHops(options.trustProxy) : options.trustProxy,
    return503OnClosing: true,
    // HEAD is answered where a client asks it (health checks, files, the calendar feed:
    // each route says so), not mirrored for every GET: the mirrors were a tenth of a start.
    exposeHeadRoutes: false,
    forceCloseConnections: 'idle',
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
  });
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the API (OpenAPI) and type the handlers; the
  // presenters already write each shape out on purpose, so replies are not
  // parsed again on the way out — that cost more than the query on list pages.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(handleError);
  collectRoutes(app);
  registerWellFormedText(app);
  // The API speaks JSON only: any other body is a 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  registerJsonBody(app);
  registerLingeringClose(app);

  app.addHook('onSend', async (request, reply, payload) => {
    // Behind TLS (directly or per X-Forwarded-Proto from the proxy), browsers must keep to HTTPS.
    if (request.protocol === 'https') reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    reply.header('X-Content-Type-Options', 'nosniff');
    // The public lead form may be framed by any site (its policy says so with frame-ancestors); every other answer by none.
    if (reply.getHeader('content-security-policy') !== EMBEDDABLE_CONTENT_SECURITY_POLICY) reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'same-origin');
    return payload;
  });

  await app.register(fastifyCookie);
  // Files arrive as multipart/form-data, streamed part by part; each route sets its own limits, and reads
  // an over-long file to its end (cut off) rather than failing mid-body, so the client can read the 413.
  await app.register(fastifyMultipart, { throwFileSizeLimit: false, limits: { fileSize: 0, files: 0, fields: 0 } });
  registerAuth(app, options.authenticate);
  registerIdempotency(app, options.db, options.clock);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Finishline API',
        version: options.version,
        description: 'Tasks, people, records and automation for home-service businesses. Every error is application/problem+json.',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token (fla_…) or a session token (fls_…)' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'fl_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
      ...(options.openapiWebhooks && { webhooks: options.openapiWebhooks }),
    },
    transform: jsonSchemaTransform,
  });
  // Its page's files are read from the package itself (the server's own code is bundled).
  const swaggerUiFiles = join(dirname(createRequire(import.meta.url).resolve('@fastify/swagger-ui')), 'static');
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: { url: '/api/v1/openapi.json' },
    baseDir: swaggerUiFiles,
    logo: { type: 'image/svg+xml', content: await readFile(join(swaggerUiFiles, 'logo.svg')) },
  });
  app.get('/api/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  app.get('/healthz', { exposeHeadRoute: true, schema: { hide: true } }, async () => ({ ok: true, pid: process.pid }));

  await registerWebApp(app, options.webDist);
  return app;
}

function trustHops(count: number) {
  return (_address: string, hop: number) => hop < count;
}

export function typed(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}
