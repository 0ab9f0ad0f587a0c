import { spawnSync } from 'node:child_process';
import { startEmbedded } from '/work/main/lib/source.ts';
const s = await startEmbedded('/work/natl/pg', 54400);
const t0 = Date.now();
const r = spawnSync(process.execPath, ['bin/csdl.js', 'generate', '--preset', 'national', '--seed', '1'], {
  cwd: '/work/main', env: { ...process.env, CSDL_DATABASE_URL: s.url, CSDL_PSEUDONYM_SECRET: 'bench-secret-0123456789abcdef', LOG_LEVEL: 'info' }, stdio: ['ignore', 'inherit', 'inherit'] });
console.log('status', r.status, 'seconds', (Date.now() - t0) / 1000);
await s.close(); process.exit(0);
