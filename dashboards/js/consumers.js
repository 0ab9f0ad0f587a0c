// The registry of reporting systems (hệ thống nhận dữ liệu) in the admin's subtree: each with its
// legal basis, scope, method, state, approval and last deliveries; admins approve, suspend and
// send now from the page; the usage report for a period below.
import { api, ApiError, captureKeyFromUrl, esc, formatDate, formatNumber, getKey, showWho, status, wireLogin } from './common.js';
import { downloadButtons, downloadTable } from './page-downloads.js';

const STATE = { requested: 'Chờ duyệt', approved: 'Đã duyệt', suspended: 'Tạm dừng', expired: 'Hết hạn' };
const BADGE = { requested: 'open', approved: 'met', suspended: 'late', expired: 'unknown' };
const METHOD = { push: 'Đẩy qua HTTPS', folder: 'Thư mục', pull: 'Lấy bằng khóa' };
const DELIVERY = { pending: 'chờ gửi', sending: 'đang gửi', accepted: 'đã nhận', failed: 'lỗi' };

captureKeyFromUrl();

/** The date and time in Vietnam of a stored instant ('2026-12-05 07:31:33+00' or ISO): '05/12/2026 14:31'. */
function formatDateTime(text) {
  if (!text) return '–';
  const ms = Date.parse(
    String(text)
      .replace(' ', 'T')
      .replace(/([+-]\d\d)$/, '$1:00'),
  );
  if (Number.isNaN(ms)) return String(text);
  const t = new Date(ms + 7 * 3600_000).toISOString();
  return `${formatDate(t.slice(0, 10))} ${t.slice(11, 16)}`;
}

/** A date typed as dd/mm/yyyy, as YYYY-MM-DD (null when it is not one). */
function parseDate(text) {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text ?? '');
  if (!m) return null;
  const iso = `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`;
  const ms = Date.parse(iso + 'T00:00:00Z');
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === iso ? iso : null;
}

/** Today in Vietnam, YYYY-MM-DD. */
function today() {
  return new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
}

async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { Authorization: `Bearer ${getKey()}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, json.error?.code ?? String(res.status), json.error?.message ?? res.statusText);
  return json;
}

function lastCell(c) {
  const d = c.last_deliveries?.[0];
  if (!d) return '–';
  const receipt = d.receipt_id && d.kind === 'push' ? ` · biên nhận ${esc(d.receipt_id)}` : '';
  const more =
    c.last_deliveries.length > 1
      ? `<br /><span class="note">${formatNumber(c.last_deliveries.length)} lần gần nhất: ${c.last_deliveries.map((x) => DELIVERY[x.state] ?? x.state).join(', ')}</span>`
      : '';
  return `${esc(formatDateTime(d.created_at))} · ${esc(DELIVERY[d.state] ?? d.state)} · <code>${esc(d.version_id)}</code>${receipt}${more}`;
}

function actionsCell(c) {
  const id = esc(c.consumer_id);
  const parts = [];
  if (c.state !== 'approved') {
    parts.push(
      `<input class="until" data-id="${id}" inputmode="numeric" placeholder="dd/mm/yyyy" size="10" aria-label="Duyệt đến ngày (dd/mm/yyyy) cho ${esc(c.name)}" />`,
    );
    parts.push(`<button type="button" class="act" data-action="approve" data-id="${id}">Duyệt</button>`);
  }
  if (c.state === 'approved' || c.state === 'requested')
    parts.push(`<button type="button" class="secondary act" data-action="suspend" data-id="${id}">Tạm dừng</button>`);
  if (c.state === 'approved' && c.method !== 'pull')
    parts.push(`<button type="button" class="secondary act" data-action="deliver" data-id="${id}">Gửi ngay</button>`);
  return parts.join(' ');
}

function rowHtml(c) {
  return `<tr data-id="${esc(c.consumer_id)}">
    <td><strong>${esc(c.name)}</strong><br /><span class="note">${esc(c.owner_org)} · ${esc(c.purpose)}${c.cost ? ` · chi phí: ${esc(c.cost)}` : ''}</span></td>
    <td>${esc(c.legal_basis_number)}<br /><span class="note">ngày ${esc(formatDate(c.legal_basis_date))}</span></td>
    <td>${esc(c.scope_unit_name ?? c.scope_unit_code)}<br /><span class="note">${c.figures === 'exact' ? 'số liệu chính xác' : 'đã che ô nhỏ'}${c.provisional ? ', cả số liệu tạm thời' : ''}</span></td>
    <td>${esc(METHOD[c.method] ?? c.method)}<br /><span class="note">${esc(c.schedule ?? 'sau mỗi lượt cập nhật')}</span></td>
    <td><span class="badge ${BADGE[c.state] ?? 'unknown'}">${esc(STATE[c.state] ?? c.state)}</span></td>
    <td>${esc(formatDate(c.approved_until))}${c.approved_by_name ? `<br /><span class="note">${esc(c.approved_by_name)}, ${esc(formatDateTime(c.approved_at))}</span>` : ''}</td>
    <td>${lastCell(c)}</td>
    <td>${actionsCell(c)}</td>
  </tr>`;
}

/** CSV for Excel and XLSX of a table the page drew (the registry holds no counts to suppress). */
function tableDownloads(id, rows, { columns, ...about }) {
  const spec = { source: rows, columns };
  downloadButtons(
    document.getElementById(id),
    [
      ['Tải CSV (Excel)', 'csv', () => downloadTable('csv', spec, about)],
      ['Tải XLSX', 'xlsx', () => downloadTable('xlsx', spec, about)],
    ],
    (e) => status(e.message, 'error'),
  );
}

async function draw() {
  if (!getKey()) {
    status('Dán khóa API của tài khoản quản trị để xem các hệ thống nhận dữ liệu.');
    return;
  }
  status('Đang tải…');
  try {
    const { rows } = await api('/api/admin/consumers');
    document.querySelector('#consumers tbody').innerHTML = rows.map(rowHtml).join('');
    tableDownloads('consumers-downloads', rows, {
      title: 'Hệ thống nhận dữ liệu trong phạm vi quản lý',
      filters: [],
      file: 'he-thong-nhan-du-lieu',
      sheet: 'Hệ thống nhận dữ liệu',
      columns: [
        { key: 'name', header: 'Hệ thống', kind: 'text' },
        { key: 'owner_org', header: 'Cơ quan', kind: 'text' },
        { key: 'purpose', header: 'Mục đích', kind: 'text' },
        { key: 'legal_basis_number', header: 'Căn cứ pháp lý', kind: 'text' },
        { key: 'legal_basis_date', header: 'Ngày văn bản', kind: 'date' },
        { header: 'Phạm vi', kind: 'text', get: (c) => c.scope_unit_name ?? c.scope_unit_code },
        { header: 'Số liệu', kind: 'text', get: (c) => (c.figures === 'exact' ? 'chính xác' : 'đã che ô nhỏ') + (c.provisional ? ', cả tạm thời' : '') },
        { header: 'Cách nhận', kind: 'text', get: (c) => METHOD[c.method] ?? c.method },
        { header: 'Trạng thái', kind: 'text', get: (c) => STATE[c.state] ?? c.state },
        { key: 'approved_until', header: 'Duyệt đến', kind: 'date' },
        { header: 'Lần gửi gần nhất', kind: 'text', get: (c) => (c.last_deliveries?.[0] ? formatDateTime(c.last_deliveries[0].created_at) : '') },
        { header: 'Kết quả', kind: 'text', get: (c) => (c.last_deliveries?.[0] ? (DELIVERY[c.last_deliveries[0].state] ?? c.last_deliveries[0].state) : '') },
      ],
    });
    const approved = rows.filter((r) => r.state === 'approved').length;
    status(
      rows.length
        ? `${formatNumber(rows.length)} hệ thống, ${formatNumber(approved)} đang được nhận dữ liệu.`
        : 'Chưa có hệ thống nào được đăng ký trong phạm vi quản lý.',
    );
    await drawUsage();
  } catch (e) {
    status(e.message, 'error');
  }
}

async function drawUsage() {
  const from = document.getElementById('from');
  const to = document.getElementById('to');
  if (!to.value) to.value = formatDate(today());
  if (!from.value) from.value = `01/01/${today().slice(0, 4)}`;
  const [fromDay, toDay] = [parseDate(from.value), parseDate(to.value)];
  if (!fromDay || !toDay) {
    status('Nhập ngày theo dạng dd/mm/yyyy, ví dụ 01/01/2026.', 'error');
    return;
  }
  const data = await api(`/api/admin/consumers/usage?from=${fromDay}&to=${toDay}`);
  tableDownloads('usage-downloads', data.rows, {
    title: 'Tình hình sử dụng của các hệ thống nhận dữ liệu',
    filters: [
      ['Từ ngày', formatDate(fromDay)],
      ['Đến ngày', formatDate(toDay)],
    ],
    file: `tinh-hinh-su-dung-${fromDay}-${toDay}`,
    sheet: 'Tình hình sử dụng',
    columns: [
      { header: 'Hệ thống', kind: 'text', get: (r) => r.name ?? r.consumer_id },
      { header: 'Cách nhận', kind: 'text', get: (r) => METHOD[r.kind] ?? r.kind },
      { header: 'Kết quả', kind: 'text', get: (r) => DELIVERY[r.state] ?? r.state },
      { key: 'deliveries', header: 'Số lần', kind: 'int' },
      { key: 'packages', header: 'Số gói', kind: 'int' },
      { key: 'rows', header: 'Số dòng', kind: 'int' },
      { key: 'bytes', header: 'Dung lượng (byte)', kind: 'int' },
      { header: 'Lần cuối', kind: 'text', get: (r) => formatDateTime(r.last_at) },
    ],
  });
  document.querySelector('#usage tbody').innerHTML = data.rows.length
    ? data.rows
        .map(
          (r) => `<tr><td>${esc(r.name ?? r.consumer_id)}</td><td>${esc(METHOD[r.kind] ?? r.kind)}</td><td>${esc(DELIVERY[r.state] ?? r.state)}</td>
      <td class="num">${formatNumber(r.deliveries)}</td><td class="num">${formatNumber(r.packages)}</td><td class="num">${formatNumber(r.rows)}</td>
      <td class="num">${formatNumber(r.bytes)}</td><td>${esc(formatDateTime(r.last_at))}</td></tr>`,
        )
        .join('')
    : `<tr><td colspan="8">Không có lần gửi nào từ ${esc(formatDate(fromDay))} đến ${esc(formatDate(toDay))}.</td></tr>`;
}

async function act(action, id) {
  if (action === 'approve') {
    const until = parseDate(document.querySelector(`input.until[data-id="${id}"]`)?.value);
    if (!until) {
      status('Nhập ngày hết hạn phê duyệt (Duyệt đến) theo dạng dd/mm/yyyy trước khi duyệt.', 'error');
      return;
    }
    const out = await post(`/api/admin/consumers/${id}/approve`, { until });
    await draw();
    status(
      `Đã duyệt ${out.consumer.name} đến hết ngày ${formatDate(out.consumer.approved_until)}.` +
        (out.key ? ` Khóa hệ thống (chỉ hiện một lần, lưu ngay): ${out.key}` : ''),
    );
  } else if (action === 'suspend') {
    const out = await post(`/api/admin/consumers/${id}/suspend`, {});
    await draw();
    status(`Đã tạm dừng ${out.consumer.name}: hệ thống không nhận thêm dữ liệu, khóa của hệ thống ngừng hoạt động.`);
  } else {
    status('Đang gửi…');
    const out = await post(`/api/admin/consumers/${id}/deliver`, {});
    await draw();
    const ok = out.deliveries.filter((d) => d.state === 'accepted').length;
    status(out.deliveries.length ? `Đã gửi ${formatNumber(ok)}/${formatNumber(out.deliveries.length)} gói.` : 'Không có gói mới để gửi.');
  }
}

document.querySelector('main').addEventListener('click', (e) => {
  const button = e.target.closest('button');
  if (!button) return;
  if (button.id === 'usage-go') drawUsage().catch((err) => status(err.message, 'error'));
  else if (button.classList.contains('act')) act(button.dataset.action, button.dataset.id).catch((err) => status(err.message, 'error'));
});

async function start() {
  if (!getKey()) return draw();
  try {
    await showWho();
    await draw();
  } catch (e) {
    status(e.message, 'error');
  }
}

wireLogin(start);
await start();
