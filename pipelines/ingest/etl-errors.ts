/**
 * The ETL's own errors, beside those of lib/errors.ts (SourceUnavailableError, LockHeldError,
 * SchemaDriftError, ReconciliationError) that it raises too.
 */
import { CsdlError } from '../../lib/errors.ts';

/** A run was asked for while another one runs on the same warehouse in this process (transient). */
export class EtlAlreadyRunningError extends CsdlError {
  constructor(path: string, runId: string) {
    super('ETL_RUNNING', `Một lần nạp (${runId}) đang chạy trên ${path}; hãy đợi nó xong rồi chạy lại.`, {
      transient: true,
      details: { path, runId },
    });
  }
}

/** DuckDB could not load extracted rows (terminal); the message carries no field value. */
export class EtlLoadError extends CsdlError {
  constructor(runId: string, table: string, reason: string) {
    super(
      'ETL_LOAD_FAILED',
      `Lần chạy ${runId}: DuckDB không nạp được các dòng của csdl.${table}: ${reason}. Chưa công bố gì; hãy báo mã lần chạy cùng thông báo này.`,
      { details: { runId, table } },
    );
  }
}
