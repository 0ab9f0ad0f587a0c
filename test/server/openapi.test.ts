/**
 * GET /api/openapi.json is an OpenAPI 3.1 document generated from the zod schemas that validate
 * the requests, and it describes every route the Express app registers (found by walking the
 * app's router stack, not by asking the registry that built the document).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Express } from 'express';
import { createApp } from '../../server/app.ts';
import { buildFixtureWarehouse } from './support/fixture-warehouse.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; rawPath?: string | string[] };

/** Every route of an Express 5 app as `METHOD /path` with its mount prefixes. */
function routesOf(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const m of Object.keys(layer.route.methods)) out.push(`${m.toUpperCase()} ${(prefix + layer.route.path).replace(/\/+$/, '') || '/'}`);
      } else if (layer.handle?.stack) {
        const raw = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, prefix + raw);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out;
}

describe('the OpenAPI document', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(buildFixtureWarehouse, { noise: false });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('lists every route the app registers, with its parameters', async () => {
    const r = await s.get('/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    const documented = new Set(
      Object.entries(r.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1')}`),
      ),
    );
    const app = createApp({ warehouse: s.warehouse, pool: s.pool, audit: s.audit });
    const routes = routesOf(app);
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.filter((route) => !documented.has(route))).toEqual([]);
    expect(routes).toContain('GET /api/indicators');
    expect(routes).toContain('DELETE /api/admin/accounts/:id');
    // the query parameters come from the same schemas: names, patterns, defaults
    const params = r.body.paths['/api/indicators'].get.parameters as Array<{ name: string; in: string; schema: Record<string, unknown> }>;
    expect(params.map((p) => p.name).sort()).toEqual(['breakdown', 'format', 'indicator', 'period', 'unit']);
    expect(params.find((p) => p.name === 'period')!.schema.pattern).toBe('^\\d{4}-(DN|CN)$');
    expect(params.find((p) => p.name === 'format')!.schema).toMatchObject({ enum: ['json', 'csv', 'parquet'], default: 'json' });
    expect(r.body.paths['/api/indicators'].get.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect(r.body.paths['/api/admin/accounts'].post.requestBody.content['application/json'].schema.required).toEqual(['unit', 'kind', 'name']);
  });

  it('refuses what the schemas refuse, naming the parameter in the same error shape', async () => {
    for (const [path, param] of [
      ['/api/indicators?format=xml', 'format'],
      ['/api/indicators?breakdown=sex&breakdown=all', 'breakdown'],
      ['/api/indicators?period=', 'period'],
      ['/api/quality/rules?rule=x', 'rule'],
      ['/api/units/%20?period=2025-DN', 'unitKey'],
    ]) {
      const r = await s.get(path, s.keys.nationAdmin);
      expect({ path, status: r.status, code: r.body.error.code }).toEqual({ path, status: 400, code: 'BAD_PARAMETER' });
      expect(r.body.error.message).toContain(`"${param}"`);
    }
  });
});
