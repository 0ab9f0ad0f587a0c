// Shared by the quality and school pages: scores shown to one decimal rounded down (a unit with a
// record to fix never shows 100,0), the change against the previous period only when a unit has
// both scores (0,0 is no change, never a red ▼), bands with their colour, ranks as "3/41", the
// record kinds in Vietnamese, and the workbook of records to fix downloaded with the session's key.
import { esc, formatNumber, getKey } from './common.js';

/** A score as shown: one decimal, rounded down. */
export function shownScore(score) {
  return score === null || score === undefined ? null : Math.floor(score * 10 + 1e-9) / 10;
}

/** '99,9'; '–' without a score. */
export function formatScore(score) {
  return formatNumber(shownScore(score), 1);
}

/** The change of the shown scores against the previous period, as HTML; '–' unless both exist. */
export function changeHtml(row) {
  if (row.score === null || row.previous_score === null || row.previous_score === undefined) return '<span class="note">–</span>';
  const change = Math.round((shownScore(row.score) - shownScore(row.previous_score)) * 10) / 10;
  if (change === 0) return '<span class="same" title="Không đổi so với kỳ trước">0,0</span>';
  const up = change > 0;
  return `<span class="${up ? 'up' : 'down'}" title="${up ? 'Tăng' : 'Giảm'} so với kỳ trước">${up ? '▲' : '▼'} ${esc(formatNumber(Math.abs(change), 1))}</span>`;
}

/** The band of a row as a coloured badge with its label (bands from the API's `bands`). */
export function bandBadge(bands, band) {
  const b = bands.find((x) => x.band === band);
  if (!b) return '';
  return `<span class="badge band" style="background:${esc(b.color)}">${esc(b.label_vi)}</span>`;
}

/** The bands as a legend: 'Tốt ≥ 98 · Cần cải thiện 90–98 · Kém < 90'. */
export function bandLegend(bands) {
  return bands
    .map((b, i) => {
      const upper = i > 0 ? bands[i - 1].min_score : null;
      const range =
        upper === null
          ? `≥ ${formatNumber(b.min_score, 0)}`
          : b.min_score === 0
            ? `< ${formatNumber(upper, 0)}`
            : `${formatNumber(b.min_score, 0)}–${formatNumber(upper, 0)}`;
      return `<span class="badge band" style="background:${esc(b.color)}">${esc(b.label_vi)}</span> ${esc(range)}`;
    })
    .join(' · ');
}

/** '3/41': a rank and the number of units ranked with it. */
export function rankText(rank, of) {
  return rank === null || rank === undefined ? '–' : `${formatNumber(rank)}/${formatNumber(of)}`;
}

export const KIND_VI = {
  hoc_sinh: 'học sinh',
  can_bo: 'cán bộ',
  lop_hoc: 'lớp học',
  truong_hoc: 'hồ sơ trường (báo cáo, kịp thời)',
  diem_truong: 'điểm trường',
  phong_hoc: 'phòng học',
  hoc_sinh_trang_thai: 'thay đổi trạng thái học sinh',
};

/** Downloads the workbook of records to fix of a unit (the key goes in a header, never in the address). */
export async function downloadWorkbook(period, unitKey) {
  const res = await fetch(`/api/quality/failures/workbook?period=${encodeURIComponent(period)}&unit=${encodeURIComponent(unitKey)}`, {
    headers: { Authorization: `Bearer ${getKey()}` },
  });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new Error(body.error?.message ?? res.statusText);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'can-sua.xlsx';
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
