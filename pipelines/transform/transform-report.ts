/** Formats a transform run for the terminal, in Vietnamese: one line per model, then the tests and failures. */
import type { TransformSummary } from './run-transform.ts';

const dec = (n: number, digits: number) => n.toLocaleString('vi-VN', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A plain-text table of models (rows, seconds) and the test tally, with each failure message. */
export function formatTransformSummary(s: TransformSummary): string {
  const width = Math.max(5, ...s.models.map((m) => m.model.length));
  const lines = [`${'mô hình'.padEnd(width)}  ${'trạng thái'.padEnd(10)}  ${'số dòng'.padStart(12)}  ${'giây'.padStart(8)}`];
  for (const m of s.models) {
    const rows = m.rows === null ? '-' : m.rows.toLocaleString('vi-VN');
    lines.push(`${m.model.padEnd(width)}  ${m.status.padEnd(10)}  ${rows.padStart(12)}  ${dec(m.seconds, 2).padStart(8)}`);
  }
  lines.push('');
  lines.push(
    `lần chạy ${s.runId}: ${s.status}; ${s.models.length} mô hình trong ${dec(s.seconds, 1)} giây; kiểm thử đạt ${s.testsPassed}, không đạt ${s.testsFailed}`,
  );
  lines.push(
    s.published
      ? 'Đã công bố (published): các mô hình mới thay cho các mô hình trước, cùng một lúc'
      : 'Không công bố gì (nothing published): kho giữ nguyên các mô hình của lượt thành công gần nhất',
  );
  for (const e of s.errors) lines.push(`  ✗ ${e}`);
  return lines.join('\n') + '\n';
}
