// The explorer's tables: the values of a unit's children (or of its peers, the unit marked),
// highest first, with the unit's own value below, a link to open each and a box to compare it;
// and the series, one line per unit and one column per period.
import { esc, formatNumber } from './common.js';
import { breakdownLabel } from './explorer-parts.js';
import { childrenCaption, LEVELS, sortValue } from './explorer-format.js';

function linkTo(unitKey) {
  const u = new URL(window.location.href);
  u.searchParams.set('unit', unitKey);
  u.searchParams.delete('compare');
  return u.pathname + u.search;
}

/** The rows the values table shows: children, else peers, else the unit alone. */
export function tableRows(ctx) {
  if (ctx.children.length) return { rows: ctx.children, kind: 'children' };
  if (ctx.peers?.rows?.length) return { rows: ctx.peers.rows, kind: 'peers' };
  return { rows: ctx.own ? [ctx.own] : [], kind: 'own' };
}

export function valuesTable(table, ctx, { onOpen, onCompare, compare, dimensions }) {
  const { entry, digits, unitInfo, own, s } = ctx;
  const { rows, kind } = tableRows(ctx);
  const ratio = entry.value_kind !== 'count';
  const sorted = [...rows].sort((a, b) => sortValue(b.value) - sortValue(a.value) || String(a.unit_name).localeCompare(String(b.unit_name), 'vi'));
  const what =
    kind === 'children'
      ? unitInfo.unit_level === 'nation' && rows[0]?.unit_key.endsWith('@2025')
        ? 'Các tỉnh, thành phố'
        : unitInfo.unit_level === 'nation'
          ? 'Các tỉnh, thành phố trước 01/07/2025 (như đã báo cáo)'
          : childrenCaption(unitInfo.unit_level, rows[0]?.unit_level)
      : kind === 'peers'
        ? `Cùng cấp: các ${ctx.peers.what}`
        : unitInfo.unit_name;
  const cell = s.breakdown === 'total' ? '' : ` · ${breakdownLabel(dimensions, s.breakdown, ctx.cellKey)}`;
  table.querySelector('caption').textContent = `${what}${cell}`;
  table.querySelector('thead').innerHTML = `<tr><th scope="col" class="num">#</th><th scope="col">Đơn vị</th>${
    ratio ? '<th scope="col" class="num">Tử số</th><th scope="col" class="num">Mẫu số</th>' : ''
  }<th scope="col" class="num" id="value-header" title="${esc(title)}">Giá trị (${esc(entry.unit)})</th><th scope="col" class="compare">So sánh</th></tr>`;
  table.querySelector('tbody').innerHTML = sorted
    .map((r, i) => {
      const me = r.unit_key === s.unit;
      const open = me ? esc(r.unit_name) : `<a href="${esc(linkTo(r.unit_key))}" data-unit="${esc(r.unit_key)}">${esc(r.unit_name)}</a>`;
      const box = me
        ? ''
        : `<input type="checkbox" data-compare="${esc(r.unit_key)}" aria-label="So sánh ${esc(r.unit_name)}"${compare.includes(r.unit_key) ? ' checked' : ''} />`;
      return `<tr${me ? ' class="current"' : ''} data-key="${esc(r.unit_key)}"><td class="num">${i + 1}</td><td>${open}</td>${
        ratio ? `<td class="num">${esc(formatNumber(r.numerator, 0))}</td><td class="num">${esc(formatNumber(r.denominator, 0))}</td>` : ''
      }<td class="num value">${esc(formatNumber(r.value, digits))}</td><td class="compare">${box}</td></tr>`;
    })
    .join('');
  const ownName = unitInfo.unit_level === 'nation' ? 'Toàn quốc' : unitInfo.unit_name;
  table.querySelector('tfoot').innerHTML =
    kind === 'children' && own
      ? `<tr><th scope="row" colspan="2">${esc(ownName)}</th>${
          ratio ? `<td class="num">${esc(formatNumber(own.numerator, 0))}</td><td class="num">${esc(formatNumber(own.denominator, 0))}</td>` : ''
        }<td class="num"><strong>${esc(formatNumber(own.value, digits))}</strong></td><td></td></tr>`
      : '';
  table.onclick = (e) => {
    const a = e.target.closest('a[data-unit]');
    if (!a) return;
    e.preventDefault();
    onOpen(a.dataset.unit);
  };
  table.onchange = (e) => {
    const box = e.target.closest('input[data-compare]');
    if (box) onCompare(box.dataset.compare);
  };
}

export function seriesTable(table, ctx, { onRemove }) {
  const { digits, seriesRows, s } = ctx;
  const periodsShown = [...new Map(seriesRows.map((r) => [r.period, r])).values()].sort((a, b) => a.order - b.order);
  const lines = [...new Map(seriesRows.map((r) => [r.line, r])).values()];
  table.querySelector('thead').innerHTML = `<tr><th scope="col">Đơn vị</th>${periodsShown
    .map((p) => `<th scope="col" class="num">${esc(p.period_name)}</th>`)
    .join('')}<th scope="col"></th></tr>`;
  table.querySelector('tbody').innerHTML = lines.length
    ? lines
        .map((l) => {
          const cells = periodsShown.map((p) => {
            const v = seriesRows.find((r) => r.period === p.period && r.line === l.line);
            return `<td class="num">${esc(v ? formatNumber(v.value, digits) : '–')}</td>`;
          });
          const remove =
            l.series_of !== s.unit && l.line === l.series_of
              ? `<button type="button" class="secondary small" data-remove="${esc(l.series_of)}" aria-label="Bỏ so sánh ${esc(l.unit_name)}">Bỏ so sánh</button>`
              : '';
          return `<tr data-key="${esc(l.line)}"><th scope="row">${esc(l.unit_name)} <span class="muted">${esc(LEVELS[l.unit_level] ?? '')}</span></th>${cells.join('')}<td>${remove}</td></tr>`;
        })
        .join('')
    : `<tr><td colspan="${periodsShown.length + 2}">Chưa có số liệu qua các kỳ.</td></tr>`;
  table.onclick = (e) => {
    const b = e.target.closest('button[data-remove]');
    if (b) onRemove(b.dataset.remove);
  };
}
