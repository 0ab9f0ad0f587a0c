/**
 * The administrative units the generator places schools in: for a new (2025) province, its old
 * constituent provinces with their districts and communes (valid until 30/06/2025) and its new
 * communes (from 01/07/2025), and the mapping of each old commune to a new one.
 */
import { loadReference } from '../../lib/reference.ts';

/** A commune valid until 30/06/2025. */
export type OldCommune = { code: string; name: string; kind: string; district: District; province: OldProvince };
/** A district (abolished 01/07/2025). */
export type District = { code: string; name: string; kind: string; communes: OldCommune[] };
/** One of the 63 provinces before 01/07/2025. */
export type OldProvince = { code: string; name: string; districts: District[] };
/** A commune or ward from 01/07/2025. */
export type NewCommune = { code: string; name: string };
/** One of the 34 provinces from 01/07/2025, with the old ones it merged. */
export type NewProvince = { code: string; name: string; olds: OldProvince[]; communes: NewCommune[] };

let cache: Map<string, NewProvince> | undefined;

/** The 34 new provinces, in the order of the crosswalk file. */
export function newProvinces(): Map<string, NewProvince> {
  if (cache) return cache;
  const ref = loadReference();
  const oldByCode = new Map<string, OldProvince>();
  for (const p of ref.units2020.provinces) oldByCode.set(p.ma, { code: p.ma, name: p.ten, districts: [] });
  const districts = new Map<string, District>();
  for (const d of ref.units2020.districts) {
    const district: District = { code: d.ma, name: d.ten, kind: d.cap, communes: [] };
    districts.set(d.ma, district);
    oldByCode.get(d.ma_tinh)!.districts.push(district);
  }
  for (const c of ref.units2020.communes) {
    const district = districts.get(c.ma_huyen)!;
    district.communes.push({ code: c.ma, name: c.ten, kind: c.cap, district, province: oldByCode.get(c.ma_tinh)! });
  }
  cache = new Map();
  for (const row of ref.crosswalk) {
    let province = cache.get(row.new_code);
    if (!province) {
      const communes = ref.units2025.communes
        .filter((c) => c.ma_tinh === row.new_code)
        .map((c) => ({ code: c.ma, name: c.ten }))
        .sort((a, b) => a.code.localeCompare(b.code));
      province = { code: row.new_code, name: row.new_name, olds: [], communes };
      cache.set(row.new_code, province);
    }
    province.olds.push(oldByCode.get(row.old_code)!);
  }
  for (const p of cache.values()) p.olds.sort((a, b) => a.code.localeCompare(b.code));
  return cache;
}

/**
 * The new commune an old commune belongs to: the commune with the same code if the new
 * province kept it, else the numerically nearest code among the new province's communes.
 */
export function mapCommune(province: NewProvince, oldCode: string): NewCommune {
  const target = Number(oldCode);
  let best = province.communes[0];
  let bestDistance = Infinity;
  for (const c of province.communes) {
    const distance = Math.abs(Number(c.code) - target);
    if (distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  }
  return best;
}

/** A unit name without its kind prefix: 'Phường Hòa Khánh' -> 'Hòa Khánh'. */
export function bareName(name: string): string {
  return name.replace(/^(Thành phố|Thị xã|Thị trấn|Đặc khu|Phường|Quận|Huyện|Tỉnh|Xã|xã)\s+/, '');
}

/** Whether a commune is urban (a ward or a town). */
export function isUrban(kind: string): boolean {
  return kind === 'Phường' || kind === 'Thị trấn';
}
