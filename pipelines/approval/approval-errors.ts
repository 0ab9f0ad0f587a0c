/**
 * Why an approval action did not happen. `code` tells the caller (CLI exit code, HTTP status)
 * what kind of no it is: refused by the rules or the quality gate (409), not this account's to
 * do (403), an unknown period or unit (404), or a warehouse not built far enough (503).
 */
import { CsdlError } from '../../lib/errors.ts';

export type ApprovalErrorCode = 'APPROVAL_REFUSED' | 'APPROVAL_FORBIDDEN' | 'UNKNOWN_PERIOD' | 'UNKNOWN_UNIT' | 'NOT_READY';

/** An approval action refused, with the reason in Vietnamese and English and what it named. */
export class ApprovalError extends CsdlError {
  constructor(code: ApprovalErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, { details });
  }
}
