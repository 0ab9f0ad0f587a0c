import { openFixtureWarehouse, FIXTURE_DEADLINES } from './test/fixtures/fixture-warehouse.ts';
import { runTransform } from './pipelines/transform/run-transform.ts';
const fx = await openFixtureWarehouse();
await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES });
for (const sql of process.argv.slice(2)) console.table(await fx.rows(sql));
fx.close();
