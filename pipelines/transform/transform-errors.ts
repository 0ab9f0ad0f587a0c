/**
 * Errors of the model runner. Both are terminal: a model definition must be fixed before any
 * run can succeed, so retrying is pointless.
 */
import { CsdlError } from '../../lib/errors.ts';

/** A model or its sidecar is missing, malformed, or refers to a model that does not exist. */
export class ModelDefinitionError extends CsdlError {
  constructor(readonly problems: string[]) {
    super('MODEL_DEFINITION', `Định nghĩa mô hình không hợp lệ:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      details: { problems },
    });
  }
}

/** Models depend on each other in a circle, so no order can build them. */
export class DependencyCycleError extends CsdlError {
  constructor(readonly cycle: string[]) {
    super('MODEL_CYCLE', `Models depend on each other in a cycle: ${cycle.join(' -> ')}. Break the cycle by removing one of these references.`, {
      details: { cycle },
    });
  }
}
