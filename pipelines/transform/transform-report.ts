/** Formats a transform run for the terminal: one line per model, then the tests and failures. */
import type { TransformSummary } from './run-transform.ts';

/** A plain-text table of models (rows, seconds) and the test tally, with each failure message. */
export function formatTransformSummary(s: TransformSummary): string {
  const width = Math.max(5, ...s.models.map((m) => m.model.length));
  const lines = [`${'model'.padEnd(width)}  ${'status'.padEnd(8)}  ${'rows'.padStart(12)}  ${'seconds'.padStart(8)}`];
  for (const m of s.models) {
    const rows = m.rows === null ? '-' : m.rows.toLocaleString('en-US');
    lines.push(`${m.model.padEnd(width)}  ${m.status.padEnd(8)}  ${rows.padStart(12)}  ${m.seconds.toFixed(2).padStart(8)}`);
  }
  lines.push('');
  lines.push(`run ${s.runId}: ${s.status}; ${s.models.length} models in ${s.seconds.toFixed(1)} s; tests passed ${s.testsPassed}, failed ${s.testsFailed}`);
  lines.push(
    s.published
      ? 'Đã công bố: các mô hình mới thay cho các mô hình trước, cùng một lúc / published: the new models replaced the previous ones at once'
      : 'Không công bố gì: kho giữ nguyên các mô hình của lượt thành công gần nhất / nothing was published: the warehouse keeps the models of the last successful run',
  );
  for (const e of s.errors) lines.push(`  ✗ ${e}`);
  return lines.join('\n') + '\n';
}
