import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, DEMO_PSEUDONYM_SECRET } from '../../lib/config.ts';
import { ConfigError } from '../../lib/errors.ts';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to the embedded demo source and data/warehouse.duckdb', () => {
    const c = loadConfig({});
    expect(c.embedded).toBe(true);
    expect(c.warehousePath.endsWith(join('data', 'warehouse.duckdb'))).toBe(true);
    expect(c.pseudonymSecret).toBe(DEMO_PSEUDONYM_SECRET);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names every bad setting at once', () => {
    const problems = problemsOf({
      CSDL_DATABASE_URL: 'mysql://x',
      CSDL_ETL_PARALLELISM: 'many',
      PORT: '99999',
      LOG_LEVEL: 'loud',
      CSDL_ETL_CHANGE_DETECTION: 'guess',
      CSDL_DUCKDB_MEMORY_LIMIT: 'lots',
      CSDL_ETL_MEMORY_LIMIT: '1 bucket',
    });
    expect(problems.some((p) => p.startsWith('CSDL_ETL_CHANGE_DETECTION'))).toBe(true);
    expect(problems.some((p) => p.startsWith('CSDL_DUCKDB_MEMORY_LIMIT') && p.includes("'4GB'"))).toBe(true);
    expect(problems.some((p) => p.startsWith('CSDL_ETL_MEMORY_LIMIT') && p.includes("'448MB'"))).toBe(true);
    expect(problems.some((p) => p.startsWith('CSDL_DATABASE_URL'))).toBe(true);
    expect(problems.some((p) => p.startsWith('CSDL_ETL_PARALLELISM'))).toBe(true);
    expect(problems.some((p) => p.startsWith('PORT'))).toBe(true);
    expect(problems.some((p) => p.startsWith('LOG_LEVEL'))).toBe(true);
  });

  it('sizes the API connections and the pipeline threads to the machine, bounds the response cache and its warm-up', () => {
    const cores = availableParallelism();
    const c = loadConfig({});
    expect(c.api.connections).toBe(Math.min(256, Math.max(8, 4 * cores)));
    expect(c.pipelineThreads).toBe(Math.max(1, Math.floor(cores / 2)));
    expect(c.api.cacheBytes).toBe(64 * 1024 * 1024);
    expect(c.api.warmSeconds).toBe(120);
    const set = loadConfig({ CSDL_API_CONNECTIONS: '3', CSDL_API_CACHE_MB: '0', CSDL_PIPELINE_THREADS: '1', CSDL_API_WARM_SECONDS: '0' });
    expect([set.api.connections, set.api.cacheBytes, set.pipelineThreads, set.api.warmSeconds]).toEqual([3, 0, 1, 0]);
    const problems = problemsOf({ CSDL_API_CACHE_MB: '-1', CSDL_PIPELINE_THREADS: '0', CSDL_API_WARM_SECONDS: 'soon' });
    expect(problems.some((p) => p.startsWith('CSDL_API_CACHE_MB'))).toBe(true);
    expect(problems.some((p) => p.startsWith('CSDL_API_WARM_SECONDS'))).toBe(true);
    expect(problems.some((p) => p.startsWith('CSDL_PIPELINE_THREADS'))).toBe(true);
  });

  it('requires a pseudonym secret for a real source', () => {
    const problems = problemsOf({ CSDL_DATABASE_URL: 'postgres://u@db.example/csdl' });
    expect(problems).toEqual([expect.stringMatching(/^CSDL_PSEUDONYM_SECRET: bắt buộc khi CSDL_DATABASE_URL/)]);
    const ok = loadConfig({ CSDL_DATABASE_URL: 'postgres://u@db.example/csdl', CSDL_PSEUDONYM_SECRET: 'a-long-enough-secret' });
    expect(ok.embedded).toBe(false);
  });

  it('reads the approval gate from the config file, defaulting to no learner record without a status, and checks it', () => {
    expect(loadConfig({}).approvalGate).toEqual([{ rule: 'HS-REQ-trang_thai', max_failed: 0 }]);
    const dir = mkdtempSync(join(tmpdir(), 'csdl-config-'));
    const good = join(dir, 'gate.json');
    writeFileSync(good, JSON.stringify({ approvalGate: [{ rule: 'HS-CODE-trang_thai', max_failed_share: 0.01 }] }));
    expect(loadConfig({ CSDL_CONFIG_FILE: good }).approvalGate).toEqual([{ rule: 'HS-CODE-trang_thai', max_failed_share: 0.01 }]);
    const bad = join(dir, 'bad-gate.json');
    writeFileSync(bad, JSON.stringify({ approvalGate: [{ rule: 'no rule', max_failed: -1 }] }));
    const problems = problemsOf({ CSDL_CONFIG_FILE: bad });
    expect(problems.some((p) => p.startsWith('approvalGate.0.rule'))).toBe(true);
    expect(problems.some((p) => p.startsWith('approvalGate.0.max_failed'))).toBe(true);
  });

  it('reads deadlines per province from the config file and checks them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'csdl-config-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ deadlines: { '31': { dn: '10-15', cn: '06-15' } } }));
    expect(loadConfig({ CSDL_CONFIG_FILE: good }).deadlines['31']).toEqual({ dn: '10-15', cn: '06-15' });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ deadlines: { '31': { dn: '15/10', cn: '06-15' } } }));
    expect(problemsOf({ CSDL_CONFIG_FILE: bad })).toEqual([expect.stringMatching(/^deadlines\.31\.dn: phải có dạng MM-DD/)]);
    expect(problemsOf({ CSDL_CONFIG_FILE: join(dir, 'missing.json') })).toEqual([expect.stringMatching(/không có tệp/)]);
  });

  it('holds the scheduler settings, validated with the others, and lets a command-line option override one', () => {
    const c = loadConfig({});
    expect(c.schedule).toEqual({ cron: '0 2 * * *', timezone: 'Asia/Ho_Chi_Minh' });
    expect(c.jobs).toEqual({ attempts: 3, backoffMs: 30_000 });
    expect(Object.isFrozen(c.schedule) && Object.isFrozen(c.jobs)).toBe(true);
    const env = { CSDL_SCHEDULE: '30 1 * * *', CSDL_SCHEDULE_TZ: 'UTC', CSDL_JOB_ATTEMPTS: '5', CSDL_JOB_BACKOFF_SECONDS: '2' };
    expect(loadConfig(env)).toMatchObject({ schedule: { cron: '30 1 * * *', timezone: 'UTC' }, jobs: { attempts: 5, backoffMs: 2000 } });
    expect(loadConfig(env, { CSDL_SCHEDULE: { value: 'off', option: '--schedule' } }).schedule.cron).toBeNull();
    expect(loadConfig(env, { CSDL_SCHEDULE: { value: undefined, option: '--schedule' } }).schedule.cron).toBe('30 1 * * *');
    expect(loadConfig({}, { PORT: { value: '9090', option: '--port' } }).port).toBe(9090);
    const problems = problemsOf({ CSDL_SCHEDULE_TZ: 'Nowhere/Else', CSDL_JOB_ATTEMPTS: '0', CSDL_JOB_BACKOFF_SECONDS: 'soon', LOG_LEVEL: 'loud' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['CSDL_JOB_ATTEMPTS', 'CSDL_JOB_BACKOFF_SECONDS', 'CSDL_SCHEDULE_TZ', 'LOG_LEVEL']);
    try {
      loadConfig({ CSDL_SCHEDULE: 'hourly' }, { CSDL_SCHEDULE: { value: 'nightly', option: '--schedule' }, PORT: { value: 'x', option: '--port' } });
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigError).problems).toEqual([
        '--port (PORT): phải là số cổng (0-65535)',
        '--schedule (CSDL_SCHEDULE): phải là biểu thức cron như "0 2 * * *", hoặc "off"',
      ]);
    }
  });
});
