/**
 * `csdl transform` for the kill tests: runs the transform on a warehouse file in this process
 * with a pause point injected, so that the test can SIGKILL it at a known moment.
 *   argv: <warehouse path> <point: after-model | before-tests | before-commit> [model, for after-model]
 * On reaching the point it writes `csdl-transform: test pause <point> run=<id>` to stderr and
 * waits until it is killed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { openWarehouse } from '../../../lib/warehouse.ts';
import { runTransform, type TransformPausePoint } from '../../../pipelines/transform/run-transform.ts';
import { FIXTURE_DEADLINES } from '../../fixtures/fixture-warehouse.ts';

const [path, point, model] = process.argv.slice(2) as [string, TransformPausePoint, string | undefined];
const warehouse = await openWarehouse(path, { memoryLimit: '1GB' });
await runTransform({
  warehouse,
  deadlines: FIXTURE_DEADLINES,
  hooks: {
    async pause(at, { runId, model: built }) {
      if (at !== point || (model && built !== model)) return;
      process.stderr.write(`csdl-transform: test pause ${at} run=${runId}\n`);
      await sleep(600_000);
    },
  },
});
process.stderr.write('csdl-transform: finished without pausing\n');
warehouse.close();
