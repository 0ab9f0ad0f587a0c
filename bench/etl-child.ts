/**
 * One `runEtl` in a process of its own, for bench/etl.bench.ts: the peak RSS and CPU it reports are
 * the ETL's alone (the benchmark's own generator, floor and baselines run in other processes or
 * after it). Takes the ETL's configuration from the environment, like `csdl etl`; `--full` forces a
 * full load. Prints one JSON line on stdout: the run's summary, when its phases began (seconds
 * after its start: publish, checkpoint, merge), maxRSS (MiB) and CPU seconds.
 */
import { loadConfig } from '../lib/config.ts';
import { runEtl } from '../pipelines/ingest/run-etl.ts';

const config = loadConfig(process.env);
if (!config.databaseUrl) throw new Error('bench/etl-child.ts needs CSDL_DATABASE_URL');
// seconds from the run's start to the first event of each phase (publish, checkpoint, merge)
const phases: Record<string, number> = {};
let t0 = performance.now();
const summary = await runEtl({
  config,
  sourceUrl: config.databaseUrl,
  full: process.argv.includes('--full'),
  onProgress: (e) => {
    if (e.phase === 'start') t0 = performance.now();
    else if (e.phase !== 'rows' && e.phase !== 'staged' && !(e.phase in phases)) phases[e.phase] = (performance.now() - t0) / 1000;
  },
});
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ summary, phases, maxRssMiB: process.resourceUsage().maxRSS / 1024, cpuSeconds: (cpu.user + cpu.system) / 1e6 }) + '\n');
