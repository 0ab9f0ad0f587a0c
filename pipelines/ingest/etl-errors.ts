/**
 * The ETL's own errors, beside those of lib/errors.ts (SourceUnavailableError, LockHeldError,
 * SchemaDriftError, ReconciliationError) that it raises too.
 */
import { CsdlError } from '../../lib/errors.ts';

/** A run was asked for while another one runs on the same warehouse in this process (transient). */
export class EtlAlreadyRunningError extends CsdlError {
  constructor(path: string, runId: string) {
    super('ETL_RUNNING', `An ETL run (${runId}) is already in progress on ${path}; wait for it to finish, then retry.`, {
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
      `Run ${runId}: DuckDB could not load the rows of csdl.${table}: ${reason}. Nothing was published; report the run id with this message.`,
      { details: { runId, table } },
    );
  }
}
