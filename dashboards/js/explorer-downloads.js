// What the explorer's download buttons write: the table or series on screen as it leaves the
// system. With a key, the API's CSV of the same request (small cells suppressed exactly as the
// API suppresses them); without one, the public answers, which are suppressed already. The
// page's filters go above the table (dashboards/js/downloads.js writes CSV and XLSX).
import { periodName } from './common.js';
import { figure, parseCsv, today } from './downloads.js';
import { cellLabel, LEVELS } from './explorer-format.js';
import { breakdownLabel } from './explorer-parts.js';
import { getJson, qs } from './explorer-state.js';

const SUPPRESSION = 'Đã che ô nhỏ như API: <10 là số từ 1 đến 9; x là ô ẩn để không suy ra được ô đã che';

function figures(r) {
  return { ...r, numerator: figure(r.numerator), denominator: figure(r.denominator), value: figure(r.value) };
}

export function makeDownloads({ dimensions, keyed }) {
  const filters = (ctx, unitLabel) => [
    ['Chỉ số', `${ctx.entry.name_vi} (${ctx.entry.code})`],
    ['Đơn vị tính', ctx.entry.unit],
    ['Kỳ báo cáo', periodName(ctx.period)],
    ['Đơn vị', unitLabel],
    ['Phân tổ', breakdownLabel(dimensions, ctx.s.breakdown, ctx.cellKey)],
    ['Số liệu', SUPPRESSION],
    ['Ngày tải', today()],
  ];
  const columns = (ctx, extra = []) => [
    ...extra,
    { key: 'unit_code', label: 'Mã đơn vị' },
    { key: 'unit_name', label: 'Đơn vị' },
    { key: 'level', label: 'Cấp' },
    { key: 'cell', label: 'Nhóm' },
    { key: 'numerator', label: 'Tử số', digits: 0 },
    { key: 'denominator', label: 'Mẫu số', digits: 0 },
    { key: 'value', label: `${ctx.entry.name_vi} (${ctx.entry.unit})`, digits: ctx.digits },
  ];
  const shape = (r) => ({ ...figures(r), level: LEVELS[r.unit_level] ?? r.unit_level, cell: cellLabel(r.breakdown) });

  /** The values table as it leaves the system: the rows of the request the table was drawn from (the unit and its children, or the parent's when it shows peers). */
  async function downloadValues(ctx) {
    const { s } = ctx;
    const peers = !ctx.children.length && ctx.peers?.rows?.length;
    const data = peers ? ctx.peers.data : ctx.values;
    const source = data.source;
    let rows;
    if (source.public) {
      rows = data.rows.map((r) => ({ ...r, numerator: r.numerator ?? '', denominator: r.denominator ?? '', value: r.value ?? '' }));
      if (!peers && s.unit !== 'N:VN') rows = rows.filter((r) => r.unit_key === s.unit);
    } else {
      rows = parseCsv(await getJson(`${source.path}?${qs({ ...source.query, format: 'csv' })}`, undefined, { text: true }));
      if (source.period) rows = rows.filter((r) => r.period === source.period);
    }
    rows = rows.filter((r) => r.indicator === s.indicator && r.breakdown === ctx.cellKey);
    const name = ctx.unitInfo.unit_level === 'nation' ? 'Toàn quốc' : ctx.unitInfo.unit_name;
    return { title: `${ctx.entry.name_vi} · ${name} · ${periodName(ctx.period)}`, filters: filters(ctx, name), columns: columns(ctx), rows: rows.map(shape) };
  }

  /** The series table: every period of the unit and the units compared. */
  async function downloadSeries(ctx) {
    const { s } = ctx;
    const query = { indicator: s.indicator, units: [s.unit, ...s.compare], breakdown: s.breakdown, geography: s.geography };
    let rows;
    if (keyed()) rows = parseCsv(await getJson(`/api/indicators/series?${qs({ ...query, format: 'csv' })}`, undefined, { text: true }));
    else rows = ctx.series.rows.map((r) => ({ ...r, numerator: r.numerator ?? '', denominator: r.denominator ?? '', value: r.value ?? '' }));
    rows = rows
      .filter((r) => r.breakdown === ctx.cellKey)
      .map((r) => ({ ...shape(r), geography_label: r.geography === 'current_34' ? 'Theo 34 tỉnh hiện nay' : 'Như đã báo cáo' }));
    const names = ctx.series.units.map((u) => (u.unit_level === 'nation' ? 'Toàn quốc' : u.unit_name)).join('; ');
    const f = filters(ctx, names).filter(([k]) => k !== 'Kỳ báo cáo');
    f.splice(4, 0, ['Địa giới', ctx.series.geography_note.split(' / ')[0]]);
    return {
      title: `${ctx.entry.name_vi} qua các kỳ · ${names}`,
      filters: f,
      columns: columns(ctx, [{ key: 'period_name', label: 'Kỳ báo cáo' }]).concat([{ key: 'geography_label', label: 'Địa giới' }]),
      rows,
    };
  }

  return { downloadValues, downloadSeries };
}
