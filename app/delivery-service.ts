/**
 * The server's registry and delivery service, wired from the delivery stage with the
 * configuration's export folder, sealing key and push settings (the server never imports
 * pipelines/); the steps of a pipeline run, delivery last, so that one run id follows a run from
 * the ETL to the receivers; and the schedules a server keeps: the pipeline's and each approved
 * consumer's own.
 */
import type { Config } from '../lib/config.ts';
import { CsdlError } from '../lib/errors.ts';
import { findConsumer, listConsumers, listDeliveries, metaDb, unfinishedDeliveries } from '../lib/meta-store/index.ts';
import type { Warehouse } from '../lib/warehouse.ts';
import {
  approveConsumer,
  CONSUMER_STATE_VI,
  deliveryContext,
  deliveryStep,
  deliverToConsumer,
  pullList,
  pullPackage,
  registerConsumer,
  resumeDeliveries,
  suspendConsumer,
} from '../pipelines/delivery/index.ts';
import { pipelineSteps, type JobRunner, type JobStep, type ScheduleEntry } from '../pipelines/jobs/index.ts';
import type { DeliveryService } from '../server/app-context.ts';
import { publishIndicatorDecisions } from '../server/suppression/publish-decisions.ts';

/**
 * With `runner` (a server), a delivery on request is a run of the one runner, so it never overlaps
 * a pipeline run on the warehouse (409 while one is in progress); without, it runs in place.
 */
export function deliveryService(config: Pick<Config, 'exportDir' | 'delivery'>, runner?: JobRunner): DeliveryService {
  return {
    register: (conn, body, requestedBy) => registerConsumer(conn, body, { deliveryKey: config.delivery.key, requestedBy }),
    approve: (conn, id, req) => approveConsumer(conn, id, req),
    suspend: (conn, id, req) => suspendConsumer(conn, id, req),
    async deliverNow(conn, id, requestedBy) {
      if (!runner) return deliverToConsumer(deliveryContext(config, conn, { requestedBy }), id);
      const consumer = await findConsumer(conn, id);
      if (!consumer || consumer.state !== 'approved') {
        throw new CsdlError(
          'NOT_ACTIVE',
          consumer
            ? `${consumer.name} (${id}) đang ở trạng thái ${CONSUMER_STATE_VI[consumer.state] ?? consumer.state} (${consumer.state}), không nhận dữ liệu: chỉ hệ thống nhận đã duyệt và còn hạn duyệt mới nhận`
            : `Không có hệ thống nhận ${id} (xem csdl consumers list)`,
        );
      }
      const { runId, done } = runner.start('api', requestedBy, [deliveryStep(config, [id], requestedBy)]);
      const result = await done;
      if (result.status === 'failed') throw new CsdlError('DELIVERY_RUN_FAILED', `Lần chạy gửi dữ liệu ${runId} bị lỗi: ${result.error}`);
      return (await listDeliveries(conn, { consumerId: id, limit: 1000 })).filter((d) => d.run_id === runId);
    },
    pullList: (conn, consumer) => pullList(conn, consumer),
    pullPackage: (conn, consumer, versionId, requestedBy) => pullPackage(deliveryContext(config, conn, { requestedBy }), consumer, versionId),
  };
}

/** ETL -> transform -> quality -> delivery. */
export function runSteps(config: Config): JobStep[] {
  return [...pipelineSteps(config, { beforeCommit: publishIndicatorDecisions }), deliveryStep(config)];
}

/** The step resuming deliveries a stopped process left unfinished (run once at start-up). */
export function resumeStep(config: Config): JobStep {
  return {
    name: 'delivery-resume',
    async run({ runId, warehouse }) {
      const conn = await warehouse.connect();
      try {
        await resumeDeliveries(deliveryContext(config, conn, { runId }));
      } finally {
        conn.closeSync();
      }
    },
  };
}

/** Whether an ETL run that started at or after `since` succeeded (the pipeline ran since). */
async function etlSucceededSince(warehouse: Warehouse, since: Date): Promise<boolean> {
  const conn = await warehouse.connect();
  try {
    const row = await metaDb(conn)
      .selectFrom('meta.etl_runs')
      .select('run_id')
      .where('status', '=', 'succeeded')
      .where('started_at', '>=', since.toISOString())
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  } finally {
    conn.closeSync();
  }
}

/** Whether a stopped process left deliveries pending or sending. */
export async function hasUnfinishedDeliveries(warehouse: Warehouse): Promise<boolean> {
  const conn = await warehouse.connect();
  try {
    return (await unfinishedDeliveries(conn)).length > 0;
  } finally {
    conn.closeSync();
  }
}

/**
 * The pipeline's schedule (unless off) and one per approved consumer with a schedule of its own;
 * `deadline` means 06:00 on the reporting deadlines of the consumer's province (its package goes
 * out on the day it is due, once approved).
 */
export async function scheduleEntries(config: Config, warehouse: Warehouse): Promise<ScheduleEntry[]> {
  const entries: ScheduleEntry[] = config.schedule.cron
    ? [{ name: 'pipeline', cron: config.schedule.cron, timezone: config.schedule.timezone, ranSince: (due) => etlSucceededSince(warehouse, due) }]
    : [];
  const conn = await warehouse.connect();
  try {
    for (const c of await listConsumers(conn)) {
      if (!c.schedule || c.state !== 'approved' || c.method === 'pull') continue;
      const steps = [deliveryStep(config, [c.consumer_id])];
      if (c.schedule !== 'deadline') {
        entries.push({ name: `consumer:${c.consumer_id}`, cron: c.schedule, timezone: config.schedule.timezone, steps });
        continue;
      }
      // the province's own deadlines (the nation's: the Ministry's), start and end of year
      const due = config.deadlines[c.scope_unit_code] ?? config.defaultDeadline;
      for (const ky of ['dn', 'cn'] as const) {
        const [month, day] = due[ky].split('-').map(Number);
        entries.push({ name: `consumer:${c.consumer_id}:${ky}`, cron: `0 6 ${day} ${month} *`, timezone: config.schedule.timezone, steps });
      }
    }
  } finally {
    conn.closeSync();
  }
  return entries;
}
