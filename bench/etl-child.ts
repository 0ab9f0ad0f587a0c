/**
 * One `runEtl` in a process of its own, for bench/etl.bench.ts: the peak RSS and CPU it reports are
 * the ETL's alone (the benchmark's own generator, floor and baselines run in other processes or
 * after it). Takes the ETL's configuration from the environment, like `csdl etl`; `--full` forces a
 * full load. Prints one JSON line on stdout: the run's summary, maxRSS (MiB) and CPU seconds.
 */
import { loadConfig } from '../lib/config.ts';
import { runEtl } from '../pipelines/etl/run-etl.ts';

const config = loadConfig(process.env);
if (!config.databaseUrl) throw new Error('bench/etl-child.ts needs CSDL_DATABASE_URL');
const summary = await runEtl({ config, sourceUrl: config.databaseUrl, full: process.argv.includes('--full') });
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ summary, maxRssMiB: process.resourceUsage().maxRSS / 1024, cpuSeconds: (cpu.user + cpu.system) / 1e6 }) + '\n');
