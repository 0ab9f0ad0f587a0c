/**
 * Routes declared once with their zod schemas: the same schemas validate a request's query, path
 * parameters and body before the handler runs, and describe the route in the OpenAPI document
 * (openapi-document.ts). A bad value answers 400 `{ error: { code: 'BAD_PARAMETER', message } }`
 * naming the parameter; an unknown query parameter is refused, so that a typo is not silently
 * ignored.
 *
 * @example
 *   const api = new ApiRouter(registry);
 *   api.get('/periods', { summary: 'Periods', auth: 'key', query: z.strictObject({ format }), response: table(COLUMNS) },
 *     async (req, res, { query }) => { ... });
 *   app.use('/api', api.router);
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { requireAdmin, requireNationAdmin } from '../auth/auth.middleware.ts';
import { answerCached, type ResponseCache } from '../cache/response-cache.ts';
import { badParam } from '../http-errors.ts';

/** Who may call a route: anyone, any valid key, an admin key, the nation's admin key; `page` for the dashboards' files. */
export type Auth = 'public' | 'key' | 'admin' | 'nation-admin' | 'page';

/** What a successful answer holds. */
export type ResponseSpec =
  | { kind: 'table'; columns: readonly string[] }
  | { kind: 'json'; description: string }
  | { kind: 'file'; type: string; description: string }
  | { kind: 'redirect'; description: string };

type AnyObject = z.ZodObject;

export type RouteSpec<
  Q extends AnyObject | undefined = AnyObject | undefined,
  P extends AnyObject | undefined = AnyObject | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> = {
  summary: string;
  description?: string;
  tags: string[];
  auth: Auth;
  query?: Q;
  params?: P;
  body?: B;
  /** The status of a successful answer (200 unless given). */
  status?: number;
  response: ResponseSpec;
  /**
   * The answer depends only on the data version, the caller's scope and the request: it gets an
   * ETag and may be answered from the cache (cache/response-cache.ts). A function names what else
   * it depends on (today's date).
   */
  cache?: true | (() => string);
};

type Out<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

/** The validated input a handler receives. */
export type Input<S extends RouteSpec> = { query: Out<S['query']>; params: Out<S['params']>; body: Out<S['body']> };

export type Handler<S extends RouteSpec> = (req: Request, res: Response, input: Input<S>) => Promise<void> | void;

/** One registered route: its full path in Express form ('/api/units/:unitKey'), method and spec. */
export type RegisteredRoute = { method: 'get' | 'post' | 'delete'; path: string; spec: RouteSpec };

/** Every route the app registers, in registration order; the OpenAPI document is built from it. */
export class RouteRegistry {
  readonly routes: RegisteredRoute[] = [];
}

/** A table answer: JSON `{ columns, rows }`, CSV or Parquet with these columns. */
export function table(columns: readonly string[]): ResponseSpec {
  return { kind: 'table', columns };
}

/** Turns the first zod issue into a 400 naming the parameter. */
function badInput(error: z.ZodError, where: string, known: string[]): Error {
  const issue = error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    return badParam(
      issue.keys[0],
      known.length ? `${where} không được nhận; API này nhận ${known.join(', ')}` : `${where} không được nhận; API này không nhận ${where} nào`,
    );
  }
  return badParam(String(issue.path[0] ?? where), issue.message);
}

/** zod's own messages in Vietnamese, where a schema gives none of its own (per parse: the CLI keeps its config's). */
const VI_MESSAGES = z.locales.vi().localeError;

function parse<S extends z.ZodType | undefined>(schema: S, value: unknown, where: string): Out<S> {
  if (!schema) return {} as Out<S>;
  const parsed = schema.safeParse(value ?? {}, { error: VI_MESSAGES });
  if (parsed.success) return parsed.data as Out<S>;
  const known = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  throw badInput(parsed.error, where, known);
}

const AUTH_MIDDLEWARE: Partial<Record<Auth, RequestHandler>> = { admin: requireAdmin, 'nation-admin': requireNationAdmin };

/** An Express router whose routes are validated by, and documented from, their specs. */
export class ApiRouter {
  readonly router = Router();

  /** `base`: where the router is mounted ('/api' or '' for the pages), for the document's paths. */
  constructor(
    private readonly registry: RouteRegistry,
    private readonly base = '/api',
    private readonly cache?: ResponseCache,
  ) {}

  get<S extends RouteSpec>(path: string, spec: S, handler: Handler<S>, ...before: RequestHandler[]): void {
    this.add('get', path, spec, handler, before);
  }

  post<S extends RouteSpec>(path: string, spec: S, handler: Handler<S>, ...before: RequestHandler[]): void {
    this.add('post', path, spec, handler, before);
  }

  delete<S extends RouteSpec>(path: string, spec: S, handler: Handler<S>, ...before: RequestHandler[]): void {
    this.add('delete', path, spec, handler, before);
  }

  private add<S extends RouteSpec>(method: RegisteredRoute['method'], path: string, spec: S, handler: Handler<S>, before: RequestHandler[]): void {
    this.registry.routes.push({ method, path: this.base + path, spec });
    const auth = AUTH_MIDDLEWARE[spec.auth];
    const run: RequestHandler = async (req, res) => {
      const input = {
        query: parse(spec.query, req.query, 'tham số'),
        params: parse(spec.params, req.params, 'tham số đường dẫn'),
        body: parse(spec.body, req.body, 'trường'),
      } as Input<S>;
      const cache = this.cache;
      if (spec.cache && cache) await answerCached(cache, req, res, () => handler(req, res, input), spec.cache === true ? '' : spec.cache());
      else await handler(req, res, input);
    };
    this.router[method](path, ...(auth ? [auth] : []), ...before, run);
  }
}
