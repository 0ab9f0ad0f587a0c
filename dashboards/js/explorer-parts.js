// Parts of the explorer page that do not depend on the figures drawn: the indicator's metadata
// panel, the breadcrumb nation -> province -> commune -> school, and the unit search box.
import { esc } from './common.js';
import { cellLabel, fold, LEVELS } from './explorer-format.js';
import { getJson, isAbort, latestOnly, qs } from './explorer-state.js';

/** The metadata panel's content for a catalogue entry (every field the catalogue has). */
export function renderMeta(el, entry, dimensions) {
  if (!entry) {
    el.innerHTML = '';
    return;
  }
  const dims = (entry.breakdowns ?? []).map((b) => (b === 'total' ? 'Tổng số' : (dimensions.find((d) => d.code === b)?.name_vi ?? b)));
  const kinds = { count: 'Số đếm', ratio: 'Tỷ số', percent: 'Tỷ lệ phần trăm', gpia: 'Chỉ số bình đẳng giới điều chỉnh' };
  const periods = String(entry.periods ?? '')
    .split(',')
    .map((p) => (p === 'DN' ? 'Đầu năm' : p === 'CN' ? 'Cuối năm' : p))
    .join(', ');
  const items = [
    ['Tên chỉ số', `${entry.name_vi} (${entry.code})`],
    ['Định nghĩa', entry.definition],
    ['Công thức', entry.formula],
    ['Đơn vị tính', entry.unit],
    ['Loại giá trị', kinds[entry.value_kind] ?? entry.value_kind],
    ['Kỳ tính', periods],
    ['Phân tổ', dims.join(', ')],
    ['Cấp đơn vị', (entry.unit_levels ?? []).map((l) => LEVELS[l] ?? l).join(', ')],
    ['Nguồn (trường dữ liệu CSDL)', (entry.source_fields ?? []).join(', ')],
    ['Bản ghi được đếm', entry.counts],
    ['Mã theo Thông tư 03/2024/TT-BGDĐT', entry.tt03_code],
    ['Ghi chú phương pháp', entry.method_note],
  ].filter(([, v]) => v !== null && v !== undefined && v !== '');
  el.innerHTML = `<dl class="meta-list">${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

/** The breadcrumb of a unit's path ({ unit_key, unit_name, unit_level, visible }), each visible step a link. */
export function renderBreadcrumb(el, path, linkOf) {
  const steps = path.map((p, i) => {
    const name = p.unit_level === 'nation' ? 'Toàn quốc' : p.unit_name;
    const last = i === path.length - 1;
    if (last) return `<li><span aria-current="page">${esc(name)}</span></li>`;
    if (!p.visible) return `<li><span class="muted" title="Ngoài phạm vi của tài khoản">${esc(name)}</span></li>`;
    return `<li><a href="${esc(linkOf(p.unit_key))}" data-unit="${esc(p.unit_key)}">${esc(name)}</a></li>`;
  });
  el.innerHTML = `<ol>${steps.join('')}</ol>`;
}

/**
 * The search box: with a key, GET /api/units/search within the account's scope; without one,
 * the provinces `localUnits()` returns, matched the same way (no diacritics needed). Picking a
 * result calls `onPick(unit_key)`.
 */
export function wireSearch({ input, list, keyed, period, localUnits, onPick }) {
  const guard = latestOnly();
  let timer = null;
  const show = (rows) => {
    list.hidden = rows.length === 0 && input.value.trim() === '';
    list.innerHTML = rows.length
      ? rows
          .map(
            (u) =>
              `<li><button type="button" class="link" data-unit="${esc(u.unit_key)}">${esc(u.unit_name)}</button> <span class="muted">${esc(LEVELS[u.unit_level] ?? u.unit_level)} · ${esc(u.unit_code)}${u.parent_name ? ` · ${esc(u.parent_name)}` : ''}</span></li>`,
          )
          .join('')
      : `<li class="muted">Không tìm thấy đơn vị nào trong phạm vi của bạn.</li>`;
  };
  const run = async () => {
    const q = input.value.trim();
    const g = guard.next();
    if (!q) {
      list.hidden = true;
      return;
    }
    try {
      let rows;
      if (keyed()) rows = (await getJson(`/api/units/search?${qs({ q, period: period(), limit: 15 })}`, g.signal)).rows;
      else {
        const f = fold(q);
        rows = (await localUnits()).filter((u) => fold(u.unit_name).includes(f) || u.unit_code.startsWith(q)).slice(0, 15);
      }
      if (g.current()) show(rows);
    } catch (e) {
      if (!isAbort(e) && g.current()) list.innerHTML = `<li class="error">${esc(e.message)}</li>`;
    }
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 200);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') list.hidden = true;
  });
  list.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-unit]');
    if (!b) return;
    list.hidden = true;
    input.value = '';
    onPick(b.dataset.unit);
  });
}

/** The label of a breakdown selection: 'Giới tính: Nữ', or 'Tổng số'. */
export function breakdownLabel(dimensions, dim, cellKey) {
  if (dim === 'total') return 'Tổng số';
  const d = dimensions.find((x) => x.code === dim)?.name_vi ?? dim;
  return `${d}: ${cellLabel(cellKey)}`;
}
