// createApp(services): the express app, with no side effects; main.ts listens, tests import it.
import fs from 'node:fs';
import http, { type Server } from 'node:http';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Services } from './services.ts';
import { projectRoot } from './services.ts';
import { errors, isAppError } from './errors.ts';
import { isAllowed, POLICY } from './http/policy.ts';
import { BODY_LIMIT, isRaw, type RouteDef } from './http/route.ts';
import { parseCookies, sameOrigin, toErrorBody } from './http/middleware.ts';
import { buildOpenApi } from './http/openapi.ts';
import { SESSION_COOKIE, type SessionUser } from './people/sessions.ts';
import { peopleRoutes } from './people/routes.ts';
import { workflowRoutes } from './workflow/routes.ts';
import { caseRoutes } from './workflow/case-routes.ts';
import { uiRoutes } from './workflow/ui-routes.ts';
import { systemRoutes } from './system/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { adminUserRoutes } from './admin/routes.ts';
import { adminConsoleRoutes } from './admin/console-routes.ts';
import { notifyRoutes } from './notify/routes.ts';
import { deadlineRoutes } from './deadlines/routes.ts';
import { archiveRoutes } from './archives/routes.ts';
import { accessRoutes } from './access/routes.ts';
import { materialRoutes } from './materials/routes.ts';
import { correctionRoutes } from './corrections/routes.ts';
import { transferRoutes } from './transfers/routes.ts';
import { requestRoutes } from './requests/routes.ts';
import { processAdminRoutes } from './processes/routes.ts';
import { readingRoutes } from './reading/routes.ts';
import { qualityRoutes } from './quality/routes.ts';
import { reportRoutes } from './reports/routes.ts';
import { inventoryRoutes } from './inventory/routes.ts';
import { copyRoutes } from './copies/routes.ts';
import { digitisationRoutes } from './digitisation/routes.ts';
import { reviewRoutes } from './reviews/routes.ts';
import { withRequestOrigin } from './audit/request-origin.ts';
import { refusedSettingsWrite } from './admin/settings-refusals.ts';

export const clientDist = path.join(projectRoot, 'client', 'dist');

/** Every route module of the API, one line each: registration, OpenAPI and the route × role test use them. */
const ROUTE_MODULES: Array<(s: Services) => RouteDef[]> = [
  systemRoutes,
  peopleRoutes,
  workflowRoutes,
  auditRoutes,
  adminUserRoutes,
  adminConsoleRoutes,
  caseRoutes,
  uiRoutes,
  notifyRoutes,
  deadlineRoutes,
  archiveRoutes,
  accessRoutes,
  materialRoutes,
  correctionRoutes,
  transferRoutes,
  requestRoutes,
  processAdminRoutes,
  readingRoutes,
  qualityRoutes,
  copyRoutes,
  reportRoutes,
  inventoryRoutes,
  digitisationRoutes,
  reviewRoutes,
];

export function allRoutes(s: Services): RouteDef[] {
  return ROUTE_MODULES.flatMap((m) => m(s));
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: SessionUser | null;
  }
}

/** `routes` replaces allRoutes(s): the route × role test serves stand-in handlers through the same pipeline. */
export function createApp(s: Services, opts: { routes?: RouteDef[] } = {}) {
  const app = express();
  app.disable('x-powered-by');
  // Behind a load balancer the client's address comes from X-Forwarded-For (rate limits, audit).
  if (s.config.trustProxy) app.set('trust proxy', /^\d+$/.test(s.config.trustProxy) ? Number(s.config.trustProxy) : s.config.trustProxy);
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

  const routes = opts.routes ?? allRoutes(s);
  app.use('/api', sameOrigin);
  app.use('/api', async (req: Request, _res: Response, next: NextFunction) => {
    try {
      // X-Dangan-Background: 1 marks the client's automatic refreshes: they are not user activity.
      req.user = await s.sessions.resolve(parseCookies(req.headers.cookie)[SESSION_COOKIE], req.ip ?? null, {
        touch: req.get('x-dangan-background') !== '1',
      });
      next();
    } catch (e) {
      next(e);
    }
  });

  // Binary uploads (attachments, page scans, import files): only routes that declare them take one.
  const binaryTypesOf = (r: RouteDef) => r.binaryBody?.types ?? ['application/octet-stream'];
  for (const r of routes) {
    if (!(r.permission in POLICY)) throw new Error(`Route ${r.method} ${r.path} has no declared permission`);
    // JSON unless the route declares other types: a body in any other type (form posts included)
    // is refused, not ignored. An empty request reaches the handler, which refuses an empty file.
    const accepted = r.binaryBody ? binaryTypesOf(r) : ['application/json', ...(r.rawBody ?? [])];
    const bodyType = (req: Request, _res: Response, next: NextFunction) => {
      const hasBody = Number(req.get('content-length') ?? 0) > 0 || !!req.get('transfer-encoding');
      next(hasBody && !accepted.some((t) => req.is(t)) ? errors.unsupportedMedia(r.binaryBody ? accepted : undefined) : undefined);
    };
    const limit = r.bodyLimit ?? BODY_LIMIT;
    const body = r.binaryBody
      ? [
          // Authorise before reading a large body: a stranger's upload is refused unread, and so is
          // one the route cannot take now (RouteDef.admit).
          (req: Request, _res: Response, next: NextFunction) => {
            if (POLICY[r.permission] !== 'public') {
              if (!req.user) return next(errors.unauthenticated());
              if (!isAllowed(r.permission, req.user.roles)) return next(errors.forbidden());
            }
            try {
              r.admit?.(req);
              next();
            } catch (e) {
              next(e);
            }
          },
          express.raw({ type: accepted, limit: r.binaryBody.maxBytes }),
        ]
      : [express.json({ limit, strict: true }), ...(r.rawBody ? [express.text({ type: r.rawBody, limit })] : [])];
    app[r.method](r.path, bodyType, ...body, async (req: Request, res: Response, next: NextFunction) => {
      try {
        const user = req.user ?? null;
        if (POLICY[r.permission] !== 'public') {
          if (!user) throw errors.unauthenticated();
          // An initial or expired password, or a missing second factor: that step comes first,
          // whatever the route (so every route answers the same until it is done).
          if (!r.allowPending && user.mustChangePassword) throw errors.passwordChangeRequired();
          if (!r.allowPending && user.mustEnrollTotp) throw errors.totpEnrolmentRequired();
          if (!isAllowed(r.permission, user.roles)) throw errors.forbidden();
        }
        const isRawBody = typeof req.body === 'string' && (r.rawBody ?? []).some((t) => req.is(t));
        const ctx = {
          params: r.params ? r.params.parse(req.params) : req.params,
          query: r.query ? r.query.parse(req.query) : {},
          body: r.binaryBody
            ? Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
            : r.body ? r.body.parse(isRawBody ? req.body : (req.body ?? {})) : undefined,
          user: user as SessionUser,
          ip: req.ip ?? '',
          req,
          res,
        };
        // Audit rows written deep in a domain (a workflow service task) carry the request's address.
        const result = await withRequestOrigin({ ip: ctx.ip || null, userId: user?.id ?? null }, () => r.handler(ctx));
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
    const refusedSettings = refusedSettingsWrite(req, status, body);
    if (refusedSettings) {
      // A refused change of the policy or the settings: who tried which fields (never the values).
      await s.audit.record(null, refusedSettings).catch((e) => s.log.error({ err: e }, 'audit of a refused settings write failed'));
    }
    if (isAppError(err) && err.headers) res.set(err.headers);
    res.status(status).json(body);
  });
  return app;
}

/**
 * Listens on `host:port`; resolves once it listens, rejects when it cannot (the port taken, the
 * address not this machine's). Idle keep-alive connections are kept 65 s, longer than a front proxy
 * keeps its upstream ones (nginx: 60 s): with Node's 5 s default, a proxy or client that reuses a
 * connection just as the server drops it gets a reset, and a POST is not retried (seen as
 * ECONNRESET in bench/engine.ts after a 7 s pause).
 */
export function serve(app: express.Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(app);
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
