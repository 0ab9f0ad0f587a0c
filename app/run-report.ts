/**
 * What `csdl run` prints after its pipeline run: national headline indicators and the national
 * data-quality score per period, read from the marts it just built.
 */
import { queryRows, type Warehouse } from '../lib/warehouse.ts';

const HEADLINE = ['SCH', 'CLS', 'LRN', 'TCH', 'LPC', 'PTR', 'QT'];

const fmt = (n: number | null, digits = 0) => (n === null ? '–' : n.toLocaleString('vi-VN', { minimumFractionDigits: digits, maximumFractionDigits: digits }));

/** Formats the report of run `runId` (figures as 1.234.567, periods as 'Đầu năm 2025-2026'). */
export async function formatRunReport(warehouse: Warehouse, runId: string): Promise<string> {
  const conn = await warehouse.connect();
  try {
    const values = await queryRows<{ period: string; indicator: string; value: number | null }>(
      conn,
      `select period, indicator, value
       from indicators.indicator_values
       where unit_level = 'nation' and geography = 'as_reported' and breakdown = 'total'
         and indicator in (${HEADLINE.map((c) => `'${c}'`).join(', ')})`,
    );
    const scores = await queryRows<{ period: string; score: number | null; failed: number }>(
      conn,
      `select period, score, failed from quality.dq_unit_scores where unit_level = 'nation' and dimension = 'overall'`,
    );
    // chronological: 2024-DN, 2024-CN, 2025-DN, ...
    const order = (p: string) => Number(p.slice(0, 4)) * 2 + (p.endsWith('-CN') ? 1 : 0);
    const periods = [...new Set(values.map((v) => v.period))].sort((a, b) => order(a) - order(b));
    const lines = [`\nKết quả lần chạy ${runId} — toàn quốc (theo đơn vị hành chính của từng kỳ)`];
    lines.push(['Kỳ báo cáo'.padEnd(22), ...HEADLINE.map((c) => c.padStart(10)), 'Điểm CLDL'.padStart(10)].join(''));
    for (const p of periods) {
      const v = (code: string) => values.find((r) => r.period === p && r.indicator === code)?.value ?? null;
      const s = scores.find((r) => r.period === p)?.score ?? null;
      const ratio = new Set(['LPC', 'PTR', 'QT']);
      lines.push(
        [periodLabel(p).padEnd(22), ...HEADLINE.map((c) => fmt(v(c), ratio.has(c) ? 1 : 0).padStart(10)), fmt(s === null ? null : s, 1).padStart(10)].join(''),
      );
    }
    return lines.join('\n') + '\n';
  } finally {
    conn.closeSync();
  }
}

/** '2025-DN' -> 'Đầu năm 2025-2026'. */
export function periodLabel(period: string): string {
  const [year, ky] = period.split('-');
  const y = Number(year);
  return `${ky === 'DN' ? 'Đầu năm' : 'Cuối năm'} ${y}-${y + 1}`;
}
