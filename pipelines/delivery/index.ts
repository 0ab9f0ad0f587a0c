/**
 * The delivery stage: the registry of reporting systems (consumers), the packages each may take,
 * and their delivery by push, folder drop or pull, each recorded with its receipt (README.md).
 * What the entry points may use of it.
 */
import type { Config } from '../../lib/config.ts';
import type { JobStep } from '../jobs/index.ts';
import { deliverAll, type DeliveryContext } from './deliver.ts';

export { registerConsumer, approveConsumer, suspendConsumer, CONSUMER_STATE_VI, viDate } from './registry.ts';
export { deliverAll, deliverToConsumer, resumeDeliveries, pullList, pullPackage, type DeliveryContext } from './deliver.ts';

/** The delivery settings of `config` on `conn`. */
export function deliveryContext(
  config: Pick<Config, 'exportDir' | 'delivery'>,
  conn: DeliveryContext['conn'],
  extra: Partial<DeliveryContext> = {},
): DeliveryContext {
  return {
    conn,
    exportDir: config.exportDir,
    deliveryKey: config.delivery.key,
    attempts: config.delivery.attempts,
    timeoutMs: config.delivery.timeoutMs,
    ...extra,
  };
}

/**
 * The last step of a pipeline run, under its run id: every approved consumer without a schedule
 * of its own gets what it has not received; with `consumerIds`, the step of those consumers'
 * own schedules. A failed delivery is recorded on its row and does not fail the run.
 */
export function deliveryStep(config: Pick<Config, 'exportDir' | 'delivery'>, consumerIds?: string[], requestedBy: string | null = null): JobStep {
  return {
    name: 'delivery',
    async run({ runId, warehouse }) {
      const conn = await warehouse.connect();
      try {
        await deliverAll(deliveryContext(config, conn, { runId, requestedBy }), consumerIds);
      } finally {
        conn.closeSync();
      }
    },
  };
}
