import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEtl } from '../../pipelines/etl/run-etl.ts';
import { startTestSource, type TestSource } from '../support/source.ts';
import { expectWarehouseEqualsSource, seedRows, testConfig } from './etl-support.ts';

describe('runEtl', () => {
  let src: TestSource;
  beforeAll(async () => {
    src = await startTestSource();
    await seedRows(src, 1, 50);
  });
  afterAll(async () => {
    await src?.close();
  });

  it('loads every table in full, then incrementally, equal to the source each time', async () => {
    const config = testConfig(src.url);
    const first = await runEtl({ config, sourceUrl: src.url });
    expect(first.kind).toBe('full');
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
    await src.query(`update csdl.hoc_sinh set trang_thai = 2 where id <= 5`);
    const second = await runEtl({ config, sourceUrl: src.url });
    expect(second.kind).toBe('incremental');
    const hs = second.tables.find((t) => t.table === 'hoc_sinh')!;
    expect(hs).toMatchObject({ mode: 'incremental', updated: 5, inserted: 0, deleted: 0, rowsRead: 5 });
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });
});
