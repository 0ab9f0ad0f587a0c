/**
 * The reporting stages' refusals as HTTP answers: refused by the rules or the quality gate 409,
 * not this account's to do 403, unknown period, unit or version 404, warehouse not built 503,
 * a stored version that fails its hash 500 (never served).
 */
import { CsdlError } from '../../lib/errors.ts';
import { HttpError } from '../http-errors.ts';

const STATUS: Record<string, number> = {
  APPROVAL_REFUSED: 409,
  NOT_APPROVED: 409,
  APPROVAL_FORBIDDEN: 403,
  UNKNOWN_PERIOD: 404,
  UNKNOWN_UNIT: 404,
  UNKNOWN_VERSION: 404,
  NOT_READY: 503,
  VERSION_CORRUPT: 500,
};

/** Runs `fn`, turning a known refusal into its HttpError (with what it named). */
export async function asHttp<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CsdlError && STATUS[err.code]) throw new HttpError(STATUS[err.code], err.code, err.message, err.details);
    throw err;
  }
}
