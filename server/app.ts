/**
 * The Express application: the API under /api (public, then authenticated routes), the
 * dashboards and their vendored libraries, and the one error middleware. Every /api request
 * but the health check gets a warehouse connection and an audit row.
 */
import express, { Router, type Express } from 'express';
import type { AppContext } from './app-context.ts';
import { accountsRouter } from './admin/accounts.routes.ts';
import { approvalsRouter } from './approvals/approvals.routes.ts';
import { runsRouter } from './admin/runs.routes.ts';
import { statusRouter } from './admin/status.routes.ts';
import { auditMiddleware } from './audit/audit.middleware.ts';
import { requireAccount } from './auth/auth.middleware.ts';
import { connectionMiddleware } from './db/connection.middleware.ts';
import { dashboardsRouter } from './dashboards.routes.ts';
import { errorMiddleware, notFoundHandler } from './error.middleware.ts';
import { exportsRouter } from './exports/exports.routes.ts';
import { healthRouter } from './health.routes.ts';
import { indicatorsRouter } from './indicators/indicators.routes.ts';
import { publicRouter } from './public/public.routes.ts';
import { qualityRouter } from './quality/quality.routes.ts';
import { unitsRouter } from './units/units.routes.ts';

/** Builds the app; `ctx` holds the one warehouse instance, the audit log and the run trigger. */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const api = Router();
  api.use(healthRouter(ctx));
  api.use(connectionMiddleware(ctx.pool), auditMiddleware(ctx.audit));
  api.use('/public', publicRouter());
  api.use(requireAccount);
  api.use(unitsRouter());
  api.use('/indicators', indicatorsRouter());
  api.use('/quality', qualityRouter());
  api.use('/approvals', approvalsRouter(ctx));
  api.use('/exports', exportsRouter(ctx));
  api.use('/admin', accountsRouter(), runsRouter(ctx), statusRouter());
  api.use(notFoundHandler);

  app.use(
    '/api',
    (_req, res, next) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    },
    api,
  );
  app.use(dashboardsRouter());
  app.use(errorMiddleware);
  return app;
}
