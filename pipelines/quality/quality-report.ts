/**
 * Text report of a quality run for the terminal: national scores per dimension (with the change
 * against the previous period), the worst provinces and schools, and the rules with most
 * failing records. Labels are Vietnamese with the English word beside them; numbers read 1.234.567 and 99,7.
 */
import type { QualitySummary } from './summary.ts';

const DIMENSION_VI: Record<string, string> = {
  completeness: 'Đầy đủ (completeness)',
  validity: 'Hợp lệ (validity)',
  uniqueness: 'Không trùng lặp (uniqueness)',
  consistency: 'Nhất quán (consistency)',
  timeliness: 'Kịp thời (timeliness)',
  overall: 'Tổng hợp (overall)',
};

const pad = (s: string, n: number) => (s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const fmt = (n: number, digits = 1) => n.toLocaleString('vi-VN', { minimumFractionDigits: digits, maximumFractionDigits: digits });
/** A score to one decimal, rounded down: a unit with a record to fix never shows 100,0. */
const score = (n: number) => fmt(Math.floor(n * 10) / 10);
const int = (n: number) => n.toLocaleString('vi-VN');

/** The report as text, one section per period. */
export function formatQualitySummary(s: QualitySummary): string {
  const out: string[] = [];
  out.push(`Chất lượng dữ liệu (data quality) — lần chạy ${s.runId}: ${int(s.rules)} quy tắc, ${int(s.recordsChecked)} lượt kiểm tra, ${fmt(s.seconds)} giây`);
  for (const period of s.periods) {
    out.push('', `== ${period} ==`, 'Điểm toàn quốc (0-100, tỉ lệ bản ghi không có lỗi nào):');
    for (const d of s.national.filter((x) => x.period === period)) {
      const change = d.score_change === null ? '' : ` (${d.score_change >= 0 ? '+' : ''}${fmt(d.score_change, 1)})`;
      out.push(
        `  ${pad(DIMENSION_VI[d.dimension] ?? d.dimension, 30)} ${lpad(score(d.score), 5)}${pad(change, 9)} cần sửa ${lpad(int(d.failing_records), 9)} / ${int(d.records)} bản ghi`,
      );
    }
    for (const level of ['province', 'school']) {
      const worst = s.worstUnits.filter((u) => u.period === period && u.unit_level === level);
      if (!worst.length) continue;
      out.push(level === 'province' ? 'Tỉnh thấp điểm nhất:' : 'Trường thấp điểm nhất:');
      for (const u of worst)
        out.push(
          `  ${pad(u.unit_code, 10)} ${pad(u.unit_name ?? '', 40)} ${lpad(score(u.score), 5)}  ${lpad(int(u.failing_records), 7)} cần sửa  hạng ${int(u.rank)}/${int(u.ranked_units)}`,
        );
    }
    const rules = s.topRules.filter((r) => r.period === period);
    if (rules.length) {
      out.push('Quy tắc có nhiều lỗi nhất:');
      for (const r of rules) out.push(`  ${pad(r.rule_id, 30)} ${lpad(int(r.failed), 8)} / ${pad(int(r.checked), 10)} ${r.description_vi}`);
    }
  }
  return out.join('\n') + '\n';
}
