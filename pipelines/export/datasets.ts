/**
 * The tables of an export package, read from a frozen version (never from the published tables,
 * which a later run changes; the export reads each part of the version once into a temporary
 * table, `source` below): indicator values, form cells and quality scores, each with its
 * columns, their Vietnamese headers, their Arrow types and their order. A package for the
 * Ministry or the unit's own hierarchy holds the version's whole subtree with exact figures; one
 * for an outside recipient stops above the schools and has its counts suppressed (export-outside.ts).
 */
import { literal } from '../../lib/warehouse.ts';

export type ColumnKind = 'text' | 'int' | 'double' | 'bool';

export type DatasetColumn = { name: string; vi: string; kind: ColumnKind };

export type Dataset = {
  name: 'indicator_values' | 'form_cells' | 'quality_scores';
  /** Columns in file order (exact figures). */
  columns: DatasetColumn[];
  /** The order rows are written in: a version's rows come out the same every time. */
  order: string[];
  /** The rows of a version, in these columns, from `source`: its frozen rows in the frozen table's columns (version-content.ts). */
  sql(source: string, period: string, outside: boolean): string;
};

const c = (name: string, vi: string, kind: ColumnKind = 'text'): DatasetColumn => ({ name, vi, kind });

const UNIT = [
  c('period', 'Kỳ báo cáo'),
  c('unit_key', 'Khóa đơn vị'),
  c('unit_code', 'Mã đơn vị'),
  c('unit_level', 'Cấp đơn vị'),
  c('unit_name', 'Tên đơn vị'),
  c('parent_key', 'Đơn vị cấp trên'),
];

/** Outside packages stop above the schools. */
const aboveSchools = (outside: boolean) => (outside ? ` and unit_level <> 'school'` : '');

export const DATASETS: Dataset[] = [
  {
    name: 'indicator_values',
    columns: [
      ...UNIT,
      c('indicator', 'Mã chỉ tiêu'),
      c('breakdown', 'Phân tổ'),
      c('dimension', 'Chiều phân tổ'),
      c('numerator', 'Tử số', 'int'),
      c('denominator', 'Mẫu số', 'int'),
      c('value', 'Giá trị', 'double'),
    ],
    order: ['unit_level_rank', 'unit_key', 'indicator', 'breakdown'],
    sql: (source, period, outside) => `select ${literal(period)} as period, unit_key, unit_code, unit_level, unit_name, parent_key,
        indicator, breakdown, dimension, numerator, denominator, value
      from ${source} where true${aboveSchools(outside)}`,
  },
  {
    name: 'form_cells',
    columns: [...UNIT, c('form', 'Biểu'), c('sheet', 'Trang tính'), c('ma_so', 'Mã số', 'int'), c('col_no', 'Cột', 'int'), c('value', 'Giá trị', 'int')],
    order: ['unit_level_rank', 'unit_key', 'form', 'sheet', 'ma_so', 'col_no'],
    sql: (source, period, outside) => `select ${literal(period)} as period, unit_key, unit_code, unit_level, unit_name, parent_key,
        form, sheet, cast(ma_so as integer) as ma_so, cast(col_no as integer) as col_no, value
      from ${source} where true${aboveSchools(outside)}`,
  },
  {
    name: 'quality_scores',
    columns: [
      c('period', 'Kỳ báo cáo'),
      c('unit_code', 'Mã đơn vị'),
      c('unit_level', 'Cấp đơn vị'),
      c('unit_name', 'Tên đơn vị'),
      c('parent_code', 'Mã đơn vị cấp trên'),
      c('dimension', 'Khía cạnh chất lượng'),
      c('score', 'Điểm', 'double'),
      c('checked', 'Số bản ghi kiểm tra', 'int'),
      c('failed', 'Số bản ghi không đạt', 'int'),
      c('rank', 'Xếp hạng toàn quốc', 'int'),
      c('ranked_units', 'Số đơn vị cùng cấp', 'int'),
      c('rank_in_parent', 'Xếp hạng trong đơn vị cấp trên', 'int'),
      c('parent_ranked_units', 'Số đơn vị cùng cấp trên', 'int'),
      c('previous_score', 'Điểm kỳ trước', 'double'),
      c('score_change', 'Thay đổi điểm', 'double'),
    ],
    order: ['unit_level_rank', 'unit_code', 'dimension'],
    sql: (source, period, outside) => `select ${literal(period)} as period, unit_code, unit_level, unit_name, parent_code, dimension,
        score, checked, failed, rank, ranked_units, rank_in_parent, parent_ranked_units, previous_score, score_change
      from ${source} where true${aboveSchools(outside)}`,
  },
];

/** Sorts by level (nation, province, district, commune, school), then the dataset's keys. */
export function orderedSql(d: Dataset, source: string): string {
  const rank = `list_position(['nation', 'province', 'district', 'commune', 'school'], unit_level)`;
  return `select * exclude (unit_level_rank) from (select *, ${rank} as unit_level_rank from (${source})) order by ${d.order.join(', ')}`;
}
