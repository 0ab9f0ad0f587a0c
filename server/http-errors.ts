/**
 * Errors the API answers with on purpose. The error middleware turns them into
 * `{ error: { code, message } }` with their status; anything else becomes a plain 500. Messages
 * are Vietnamese with the error's code beside the words; the `code` field is the contract.
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

/** 400 naming the bad parameter: `badParam('period', 'phải có dạng 2025-DN')`. */
export function badParam(param: string, reason: string): HttpError {
  return new HttpError(400, 'BAD_PARAMETER', `Tham số không hợp lệ (BAD_PARAMETER) "${param}": ${reason}`, { param });
}

/** 401: no key, or a key that matches no active account. */
export function unauthorized(reason: string): HttpError {
  return new HttpError(401, 'UNAUTHORIZED', `Chưa xác thực (UNAUTHORIZED): ${reason}`);
}

/** 403 with the reason the caller may not see or do this. */
export function forbidden(reason: string): HttpError {
  return new HttpError(403, 'FORBIDDEN', `Không có quyền (FORBIDDEN): ${reason}`);
}

/** 404 for an unknown period, unit, rule or route. */
export function notFound(what: string): HttpError {
  return new HttpError(404, 'NOT_FOUND', `Không tìm thấy (NOT_FOUND): ${what}`);
}

/** 409 when the request conflicts with the server's state (e.g. a run already in progress). */
export function conflict(reason: string): HttpError {
  return new HttpError(409, 'CONFLICT', `Xung đột (CONFLICT): ${reason}`);
}

/** 503 when the warehouse has not been built yet (no marts to read). */
export function notReady(what: string): HttpError {
  return new HttpError(
    503,
    'NOT_READY',
    `Kho dữ liệu chưa sẵn sàng (NOT_READY): ${what}; hãy chạy quy trình (POST /api/admin/runs, hoặc \`csdl etl\`, \`csdl transform\`, \`csdl quality\`).`,
  );
}
