/** The reference data shipped in data/reference (see its README for sources). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Code = { ma: string; ten: string; extra?: Record<string, string> };
export type Reference = {
  codeLists: Record<string, Code[]>;
  units2020: {
    provinces: Array<{ ma: string; ten: string; cap: string }>;
    districts: Array<{ ma: string; ten: string; cap: string; ma_tinh: string }>;
    communes: Array<{ ma: string; ten: string; cap: string; ma_huyen: string; ma_tinh: string }>;
  };
  units2025: {
    provinces: Array<{ ma: string; ten: string }>;
    communes: Array<{ ma: string; ten: string; ma_tinh: string }>;
  };
  crosswalk: Array<{ new_code: string; new_name: string; old_code: string; old_name: string }>;
};

export const referenceDir = fileURLToPath(new URL('../data/reference/', import.meta.url));

let cached: Reference | undefined;

export function loadReference(): Reference {
  if (cached) return cached;
  const json = (f: string) => JSON.parse(readFileSync(referenceDir + f, 'utf8'));
  const [header, ...lines] = readFileSync(referenceDir + 'province-crosswalk-2025.csv', 'utf8')
    .trim()
    .split('\n');
  const keys = header.split(',');
  const crosswalk = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i], v.trim()]))) as Reference['crosswalk'];
  cached = {
    codeLists: json('code-lists.json'),
    units2020: json('admin-units-2020.json'),
    units2025: json('admin-units-2025.json'),
    crosswalk,
  };
  return cached;
}

/** Table name of a code list in the CSDL: DM_DAN_TOC -> dm_dan_toc, LOAI_NHAP_HOC -> dm_loai_nhap_hoc. */
export function codeListTable(list: string): string {
  const lower = list.toLowerCase();
  return lower.startsWith('dm_') ? lower : `dm_${lower}`;
}
