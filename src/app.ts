/**
 * The HTTP app: routes, request ids, JSON access logs, a body size limit and one error handler.
 * Runtime glue (Node server, Workers fetch) lives in src/entry/.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { Container } from './container';

/** What the app serves: a container (one competition) or a deployment (several, over one or more Lark apps). */
export type Served = Pick<Container, 'logger' | 'clock' | 'database' | 'apps'>;
import { isMigrated } from './platform/migrate';
import { mountLarkRoutes } from './lark/routes';

export const MAX_BODY_BYTES = 1024 * 1024;

export type AppEnv = { Variables: { requestId: string } };

export function createApp(container: Served): Hono<AppEnv> {
  const { logger } = container;
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    logger.info('request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.json({ error: 'payload_too_large', message: `body over ${MAX_BODY_BYTES} bytes` }, 413),
  });
  app.use((c, next) => {
    // Hono's bodyLimit first asks for the request's body stream: on Node that builds a full web Request over a
    // ReadableStream of the socket, and the handler's arrayBuffer() then reads through it instead of straight from
    // the socket. A declared Content-Length without Transfer-Encoding is decided from the header alone, exactly as
    // bodyLimit does (Node's parser never delivers more bytes than declared); everything else goes through it.
    const method = c.req.method;
    if (method !== 'GET' && method !== 'HEAD') {
      const length = c.req.header('content-length');
      if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
        return parseInt(length || '0', 10) > MAX_BODY_BYTES ? limit(c, next) : next();
      }
    }
    return limit(c, next);
  });

  /** Liveness: the process answers. */
  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  /** Readiness: the database answers and every migration has been applied. */
  app.get('/readyz', async (c) => {
    try {
      // Reading the migrations is the round trip: it fails when the database does not answer.
      if (!(await isMigrated(container.database.db)))
        return c.json({ status: 'not_ready', reason: 'migrations pending' }, 503);
      return c.json({ status: 'ready', database: container.database.dialect });
    } catch (err) {
      logger.warn('readiness check failed', { err });
      return c.json({ status: 'not_ready', reason: 'database unreachable' }, 503);
    }
  });

  // The default app at /lark/events, each named app at /lark/<name>/events (its own token and encryption key).
  for (const a of container.apps)
    mountLarkRoutes(app, {
      bot: a.bot,
      settings: a.verify,
      clock: container.clock,
      logger,
      prefix: a.name === 'default' ? '/lark' : `/lark/${a.name}`,
    });

  app.notFound((c) => c.json({ error: 'not_found' }, 404));
  app.onError((err, c) => {
    logger.error('unhandled error', { requestId: c.get('requestId'), path: c.req.path, err });
    return c.json({ error: 'internal', requestId: c.get('requestId') }, 500);
  });

  return app;
}
