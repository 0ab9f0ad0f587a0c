/**
 * Errors the API answers with on purpose. The error middleware turns them into
 * `{ error: { code, message } }` with their status; anything else becomes a plain 500.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 400 naming the bad parameter: `badParam('period', 'must look like 2025-DN')`. */
export function badParam(param: string, reason: string): HttpError {
  return new HttpError(400, 'BAD_PARAMETER', `Tham số không hợp lệ / bad parameter "${param}": ${reason}`, { param });
}

/** 401: no key, or a key that matches no active account. */
export function unauthorized(reason: string): HttpError {
  return new HttpError(401, 'UNAUTHORIZED', `Chưa xác thực / not authenticated: ${reason}`);
}

/** 403 with the reason the caller may not see or do this. */
export function forbidden(reason: string): HttpError {
  return new HttpError(403, 'FORBIDDEN', `Không có quyền / forbidden: ${reason}`);
}

/** 404 for an unknown period, unit, rule or route. */
export function notFound(what: string): HttpError {
  return new HttpError(404, 'NOT_FOUND', `Không tìm thấy / not found: ${what}`);
}

/** 409 when the request conflicts with the server's state (e.g. a run already in progress). */
export function conflict(reason: string): HttpError {
  return new HttpError(409, 'CONFLICT', reason);
}

/** 503 when the warehouse has not been built yet (no marts to read). */
export function notReady(what: string): HttpError {
  return new HttpError(
    503,
    'NOT_READY',
    `Kho dữ liệu chưa sẵn sàng / warehouse not ready: ${what}; run the pipeline (POST /api/admin/runs or \`csdl etl\`, \`csdl transform\`, \`csdl quality\`).`,
  );
}
