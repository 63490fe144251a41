// createApp(services): the express app, with no side effects; main.ts listens, tests import it.
import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Services } from './services.ts';
import { projectRoot } from './services.ts';
import { errors, isAppError } from './errors.ts';
import { isAllowed, POLICY } from './http/policy.ts';
import { isRaw, type RouteDef } from './http/route.ts';
import { parseCookies, sameOrigin, toErrorBody } from './http/middleware.ts';
import { buildOpenApi } from './http/openapi.ts';
import { SESSION_COOKIE, type SessionUser } from './people/sessions.ts';
import { peopleRoutes } from './people/routes.ts';
import { workflowRoutes } from './workflow/routes.ts';
import { systemRoutes } from './system/routes.ts';
import { archiveRoutes } from './archives/routes.ts';
import { accessRoutes } from './access/routes.ts';

export const clientDist = path.join(projectRoot, 'client', 'dist');

/** Every route module of the API, one line each: registration, OpenAPI and the route × role test use them. */
const ROUTE_MODULES: Array<(s: Services) => RouteDef[]> = [
  systemRoutes,
  peopleRoutes,
  workflowRoutes,
  archiveRoutes,
  accessRoutes,
];

export function allRoutes(s: Services): RouteDef[] {
  return ROUTE_MODULES.flatMap((m) => m(s));
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: SessionUser | null;
  }
}

export function createApp(s: Services) {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
        },
      },
      crossOriginEmbedderPolicy: false,
    }),
  );

  const routes = allRoutes(s);
  const rawTypes = [...new Set(routes.flatMap((r) => r.rawBody ?? []))];
  app.use('/api', sameOrigin);
  app.use('/api', express.json({ limit: '1mb', strict: true }));
  if (rawTypes.length) app.use('/api', express.text({ type: rawTypes, limit: '2mb' }));
  // Binary uploads (page scans, import files): only on routes that declare the type.
  const binaryTypes = [...new Set(routes.flatMap((r) => r.binaryBody ?? []))];
  if (binaryTypes.length) app.use('/api', express.raw({ type: binaryTypes, limit: '20mb' }));
  app.use('/api', (req: Request, _res: Response, next: NextFunction) => {
    // JSON only: a body in any other type (form posts included) is refused, not ignored.
    const len = Number(req.get('content-length') ?? 0);
    if ((len > 0 || req.get('transfer-encoding')) && !req.is('application/json') && ![...rawTypes, ...binaryTypes].some((t) => req.is(t))) {
      return next(errors.unsupportedMedia());
    }
    next();
  });
  app.use('/api', async (req: Request, _res: Response, next: NextFunction) => {
    try {
      req.user = await s.sessions.resolve(parseCookies(req.headers.cookie)[SESSION_COOKIE]);
      next();
    } catch (e) {
      next(e);
    }
  });

  for (const r of routes) {
    if (!(r.permission in POLICY)) throw new Error(`Route ${r.method} ${r.path} has no declared permission`);
    app[r.method](r.path, async (req: Request, res: Response, next: NextFunction) => {
      try {
        const user = req.user ?? null;
        if (POLICY[r.permission] !== 'public') {
          if (!user) throw errors.unauthenticated();
          if (!isAllowed(r.permission, user.roles)) throw errors.forbidden();
        }
        const isRawBody = typeof req.body === 'string' && (r.rawBody ?? []).some((t) => req.is(t));
        const isBinary = Buffer.isBuffer(req.body) && (r.binaryBody ?? []).some((t) => req.is(t));
        if (r.binaryBody && !isBinary) throw errors.unsupportedMedia();
        const ctx = {
          params: r.params ? r.params.parse(req.params) : req.params,
          query: r.query ? r.query.parse(req.query) : {},
          body: isBinary ? req.body : r.body ? r.body.parse(isRawBody ? req.body : (req.body ?? {})) : undefined,
          user: user as SessionUser,
          ip: req.ip ?? '',
          req,
          res,
        };
        const result = await r.handler(ctx);
        res.set('Cache-Control', 'no-store');
        if (isRaw(result)) {
          res.status(result.status ?? r.status ?? 200).type(result.contentType);
          for (const [k, v] of Object.entries(result.headers ?? {})) res.set(k, v);
          res.send(result.raw);
        } else {
          res.status(r.status ?? 200).json(result);
        }
      } catch (e) {
        next(e);
      }
    });
  }

  app.get('/api/openapi.json', async (_req, res, next) => {
    try {
      res.json(buildOpenApi(routes, await s.workflow.processDocs()));
    } catch (e) {
      next(e);
    }
  });
  app.use('/api', (_req: Request, _res: Response, next: NextFunction) => next(errors.notFound('API route')));

  // The built client, served by us: nothing loads from the internet.
  if (fs.existsSync(clientDist)) {
    app.use(express.static(clientDist, { index: false, maxAge: '1h' }));
    app.get('/{*splat}', (_req, res) => {
      res.set('Cache-Control', 'no-store');
      res.sendFile(path.join(clientDist, 'index.html'));
    });
  }

  app.use(async (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { status, body } = toErrorBody(err, s.log, req);
    if (status === 403 && isAppError(err)) {
      // Authorisation failures are security events (等保 安全审计).
      await s.audit
        .record(null, {
          actor: req.user ? { id: req.user.id, username: req.user.username, roles: req.user.roles, orgUnitId: req.user.orgUnitId } : null,
          ip: req.ip,
          action: 'authz.denied',
          objectType: 'route',
          objectId: `${req.method} ${req.route?.path ?? req.path}`.slice(0, 64),
          outcome: 'denied',
          detail: { code: err.code },
        })
        .catch((e) => s.log.error({ err: e }, 'audit of a denial failed'));
    }
    res.status(status).json(body);
  });
  return app;
}
