/**
 * `npm run test:fast`: the suite without the tests tagged demo, browser or slow (vitest.config.ts),
 * for the edit loop. A file tagged as a whole (`@module-tag` in its header) is not even loaded;
 * a tagged suite or test inside a file is left out by the tags filter. What is left tests the
 * code on DuckDB files, hand-built fixtures and the in-process server, without PostgreSQL.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

const LEFT_OUT = ['demo', 'browser', 'slow'];

/** Test files whose header tags the whole file with one of LEFT_OUT. */
function taggedFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(dir, f))
    .filter((f) => LEFT_OUT.some((tag) => new RegExp(`^\\s*\\*\\s*@module-tag ${tag}\\s*$`, 'm').test(readFileSync(f, 'utf8').slice(0, 2000))));
}

export default mergeConfig(
  base,
  defineConfig({
    test: {
      // the tags filter itself is the script's: --tags-filter='!demo && !browser && !slow'
      exclude: [...configDefaults.exclude, ...taggedFiles('test')],
      // the files share one module cache instead of loading DuckDB and the pipelines once each; a
      // test that leaks module state into the next file still fails `npm test`, which isolates them
      isolate: false,
      // the fixture warehouses' DuckDB on one thread (test/fixtures/fixture-warehouse.ts)
      env: { CSDL_FIXTURE_THREADS: '1' },
    },
  }),
);
