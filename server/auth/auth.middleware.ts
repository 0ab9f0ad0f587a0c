/**
 * Authentication by API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`, never a query
 * parameter (an address lands in proxy, browser and server logs). The key is hashed and looked up
 * in meta.accounts; a revoked or unknown key is refused with 401, and the audit row of a revoked
 * key names the account it belonged to. A `system` key works only while its consumer is approved
 * and unexpired, and only for /api/deliveries (403 otherwise).
 */
import type { RequestHandler } from 'express';
import { connOf } from '../app-context.ts';
import { consumerOfAccount } from '../../lib/meta-store/index.ts';
import { findAccountByKey } from '../accounts/accounts.store.ts';
import { isCredentialName } from '../audit/audit-log.ts';
import { forbidden, unauthorized } from '../http-errors.ts';

/** The key a request carries, if any. */
export function keyOf(header: { authorization?: string; 'x-api-key'?: string | string[] }): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header.authorization ?? '');
  if (bearer) return bearer[1];
  const x = header['x-api-key'];
  return typeof x === 'string' && x.trim() !== '' ? x.trim() : undefined;
}

/** Requires a valid key and sets `res.locals.account`. */
export const requireAccount: RequestHandler = async (req, res, next) => {
  const key = keyOf(req.headers);
  if (!key && Object.keys(req.query as object).some(isCredentialName)) {
    throw unauthorized('khóa API chỉ được gửi trong tiêu đề (header) "Authorization: Bearer <khóa>" hoặc "X-API-Key: <khóa>", không bao giờ trong địa chỉ');
  }
  if (!key) throw unauthorized('hãy gửi khóa API trong tiêu đề (header) "Authorization: Bearer <khóa>" hoặc "X-API-Key: <khóa>"');
  const account = await findAccountByKey(connOf(res), key);
  if (account?.revoked_at) {
    // the audit row names whose revoked key was tried
    res.locals.attemptedAccount = account;
  }
  if (!account || account.revoked_at) throw unauthorized('khóa API không tồn tại hoặc đã bị thu hồi');
  res.locals.account = account;
  if (account.kind === 'system') {
    // checked on every request, so a key stops working the moment its consumer is suspended or expires
    const consumer = await consumerOfAccount(connOf(res), account.account_id);
    if (!consumer || consumer.state !== 'approved') {
      throw forbidden(
        `hệ thống nhận ${consumer ? `${consumer.name} đang ở trạng thái ${CONSUMER_STATE_VI[consumer.state] ?? consumer.state} (${consumer.state})` : 'của khóa này không còn'}: ` +
          'khóa hệ thống không dùng được; chỉ hệ thống nhận đã duyệt và còn hạn duyệt mới nhận dữ liệu',
      );
    }
    if (!req.path.startsWith('/deliveries/')) throw forbidden('khóa hệ thống chỉ dùng để lấy gói dữ liệu của nó (/api/deliveries/packages)');
  }
  next();
};

/** A consumer's state in words (the delivery stage has the same words; the server imports no stage). */
const CONSUMER_STATE_VI: Record<string, string> = { requested: 'chờ duyệt', suspended: 'tạm dừng', expired: 'hết hạn' };

/** Requires an admin account (after requireAccount). */
export const requireAdmin: RequestHandler = (_req, res, next) => {
  if (res.locals.account?.kind !== 'admin') throw forbidden('chỉ tài khoản quản trị được làm việc này');
  next();
};

/** Requires the admin account of the nation (after requireAccount). */
export const requireNationAdmin: RequestHandler = (_req, res, next) => {
  const a = res.locals.account;
  if (a?.kind !== 'admin' || a.unit_level !== 'nation') {
    throw forbidden('chỉ tài khoản quản trị cấp Bộ được dùng chức năng này');
  }
  next();
};
