/**
 * Why a package was not written: the unit has no approved version (409), the version named does
 * not exist (404), or the stored version no longer matches its content hash (500, never served).
 */
import { CsdlError } from '../../lib/errors.ts';

export type ExportErrorCode = 'NOT_APPROVED' | 'UNKNOWN_VERSION' | 'VERSION_CORRUPT';

export class ExportError extends CsdlError {
  constructor(code: ExportErrorCode, message: string) {
    super(code, message);
  }
}
