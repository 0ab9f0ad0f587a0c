/**
 * One push of a package to a consumer's endpoint: a POST of the zip with
 *   Idempotency-Key: <version id>.<consumer id>   (the same on every try and after a restart)
 *   X-Signature: sha256=<hex HMAC-SHA256 of the body under the consumer's shared secret>
 * retried with exponential backoff and full jitter on a 5xx, a timeout or a connection error, and
 * never on a 4xx (the receiver refused the package; sending it again would not change that).
 * The receipt is the final status and the receiver's id for it (`id` or `receipt_id` of a JSON
 * answer, or its `X-Receipt-Id` header).
 */
import { createHmac } from 'node:crypto';

export type PushResult =
  | { state: 'accepted'; status: number; receiptId: string | null; attempts: number }
  | { state: 'failed'; status: number | null; error: string; attempts: number };

export type PushOptions = {
  url: string;
  body: Buffer;
  idempotencyKey: string;
  secret: string;
  headers?: Record<string, string>;
  /** Tries in all (at least 1). */
  attempts: number;
  timeoutMs: number;
  /** The first wait; each later one doubles it, and a random share of it is waited (full jitter). */
  backoffMs?: number;
  /** Tries already made by a process that stopped (the numbering goes on). */
  triedBefore?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called before each try (the caller records the attempt). */
  onTry?: (attempt: number) => Promise<void>;
};

/** The signature header's value for `body`. */
export function signature(secret: string, body: Buffer): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

/** The wait before try `n + 1` (n >= 1): a random time up to base * 2^(n-1), at most a minute. */
export function backoffDelay(n: number, baseMs: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(60_000, baseMs * 2 ** (n - 1)));
}

async function receiptOf(res: Response): Promise<string | null> {
  const header = res.headers.get('x-receipt-id');
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { id?: unknown; receipt_id?: unknown };
    const id = body.receipt_id ?? body.id;
    if (typeof id === 'string' || typeof id === 'number') return String(id).slice(0, 200);
  } catch {
    // not JSON: the header, if any, is the receipt
  }
  return header ? header.slice(0, 200) : null;
}

export async function push(o: PushOptions): Promise<PushResult> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const before = o.triedBefore ?? 0;
  const sig = signature(o.secret, o.body);
  let last: { status: number | null; error: string } = { status: null, error: 'chưa thử lần nào' };
  for (let n = 1; n <= Math.max(1, o.attempts); n++) {
    const attempt = before + n;
    await o.onTry?.(attempt);
    try {
      const res = await fetch(o.url, {
        method: 'POST',
        // a Buffer is a Uint8Array, which fetch sends as it is
        body: o.body as unknown as Blob,
        headers: {
          'Content-Type': 'application/zip',
          'Idempotency-Key': o.idempotencyKey,
          'X-Signature': sig,
          ...o.headers,
        },
        signal: AbortSignal.timeout(o.timeoutMs),
        redirect: 'error',
      });
      if (res.ok) return { state: 'accepted', status: res.status, receiptId: await receiptOf(res), attempts: attempt };
      const detail = (await res.text().catch(() => '')).slice(0, 300);
      last = { status: res.status, error: `HTTP ${res.status}${detail ? `: ${detail}` : ''}` };
      if (res.status < 500) return { state: 'failed', status: res.status, error: `${last.error} (bên nhận từ chối; không gửi lại)`, attempts: attempt };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      last = {
        status: null,
        error:
          e.name === 'TimeoutError'
            ? `không có trả lời trong ${o.timeoutMs.toLocaleString('vi-VN')} ms`
            : `lỗi kết nối (${e.cause?.code ?? e.name}): ${e.cause?.message ?? e.message}`,
      };
    }
    if (n < o.attempts) await sleep(backoffDelay(n, o.backoffMs ?? 1000, o.random));
  }
  return {
    state: 'failed',
    status: last.status,
    error: `${last.error} (sau ${before + Math.max(1, o.attempts)} lần thử)`,
    attempts: before + Math.max(1, o.attempts),
  };
}
