/**
 * The Express application: the API under /api (the health check and the OpenAPI document, then
 * public routes, then authenticated ones), the dashboards and their vendored libraries, and the
 * one error middleware. Every /api request but those two gets a warehouse connection and an
 * audit row. Every route is declared with its zod schemas (api/api-router.ts), which validate it
 * and describe it in GET /api/openapi.json.
 */
import express, { Router, type Express } from 'express';
import { z } from 'zod';
import type { AppContext } from './app-context.ts';
import { accountsRoutes } from './admin/accounts.routes.ts';
import { approvalsRoutes } from './approvals/approvals.routes.ts';
import { runsRoutes } from './admin/runs.routes.ts';
import { statusRoutes } from './admin/status.routes.ts';
import { ApiRouter, RouteRegistry } from './api/api-router.ts';
import { captureMiddleware, ResponseCache } from './cache/response-cache.ts';
import { warmUpMiddleware } from './cache/warm-up.ts';
import { openApiDocument } from './api/openapi-document.ts';
import { auditMiddleware } from './audit/audit.middleware.ts';
import { requireAccount } from './auth/auth.middleware.ts';
import { connectionMiddleware } from './db/connection.middleware.ts';
import { consumersRoutes } from './consumers/consumers.routes.ts';
import { servingMiddleware } from './db/serving.ts';
import { dashboardsRoutes } from './dashboards.routes.ts';
import { errorMiddleware, notFoundHandler } from './error.middleware.ts';
import { exportsRoutes } from './exports/exports.routes.ts';
import { healthRoutes } from './health.routes.ts';
import { indicatorsRoutes } from './indicators/indicators.routes.ts';
import { seriesRoutes } from './indicators/series.routes.ts';
import { publicRoutes } from './public/public.routes.ts';
import { qualityRoutes } from './quality/quality.routes.ts';
import { DecisionCache } from './suppression/family-cascade.ts';
import { unitSearchRoutes } from './units/search.routes.ts';
import { unitsRoutes } from './units/units.routes.ts';

/** Builds the app; `ctx` holds the one warehouse instance, the audit log and the run trigger. */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const registry = new RouteRegistry();
  // answers kept per data version and scope; ETags and 304 for the routes that declare `cache`
  const cache = new ResponseCache(ctx.cacheBytes ?? 0);
  const open = new ApiRouter(registry);
  const anyone = new ApiRouter(registry, '/api', cache);
  const keyed = new ApiRouter(registry, '/api', cache);
  const pages = new ApiRouter(registry, '');

  healthRoutes(open, ctx);
  let document: unknown;
  open.get(
    '/openapi.json',
    {
      summary: 'This document (not audited)',
      tags: ['service'],
      auth: 'public',
      query: z.strictObject({}),
      response: { kind: 'json', description: 'OpenAPI 3.1' },
    },
    (_req, res) => {
      res.json((document ??= openApiDocument(registry)));
    },
  );
  // suppression decisions, kept across requests under the data version
  const decisions = new DecisionCache();
  publicRoutes(anyone, decisions);
  // before the routes with a path parameter in the same place (/units/:unitKey)
  seriesRoutes(anyone, keyed, decisions);
  unitSearchRoutes(keyed);
  unitsRoutes(keyed);
  indicatorsRoutes(keyed, decisions);
  qualityRoutes(keyed, decisions);
  accountsRoutes(keyed);
  runsRoutes(keyed, ctx);
  statusRoutes(keyed);
  approvalsRoutes(keyed, ctx);
  exportsRoutes(keyed, ctx);
  consumersRoutes(keyed, ctx);
  dashboardsRoutes(pages);

  const api = Router();
  api.use(open.router);
  api.use(connectionMiddleware(ctx.pool), captureMiddleware(), auditMiddleware(ctx.audit), servingMiddleware(), warmUpMiddleware(ctx.warmToken));
  api.use(anyone.router);
  api.use(requireAccount);
  api.use(keyed.router);
  api.use(notFoundHandler);

  app.use(
    '/api',
    (_req, res, next) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    },
    api,
  );
  app.use(pages.router);
  app.use(errorMiddleware);
  return app;
}
