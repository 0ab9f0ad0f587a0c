/**
 * Plans the schools of a preset: for each old province of the chosen new provinces, spreads its
 * population over its communes, picks the communes that carry schools (all, a sample, or a few
 * for `tiny`) and places preschools, primary and lower-secondary schools in each commune,
 * upper-secondary schools and continuing-education centres per district.
 */
import { Rng, hashString } from './prng.ts';
import { provinceProfile, nationalPopulation, type ProvinceProfile } from './provinces.ts';
import { NATIONAL } from './levels.ts';
import { isUrban, mapCommune, newProvinces, type District, type NewProvince, type OldCommune, type OldProvince } from './units.ts';
import { PRESET_SPECS, type Preset } from './presets.ts';
import type { SchoolPlan } from './school-plan.ts';
import { communeSchools, districtSchools, provinceSchools, type Placement } from './school-kinds.ts';

/** Learners per inhabitant nationally, by level. */
const perCapita = {
  mn: (NATIONAL.mn.public + NATIONAL.mn.nonPublic) / (nationalPopulation * 1e6),
  th: (NATIONAL.th.public + NATIONAL.th.nonPublic) / (nationalPopulation * 1e6),
  thcs: (NATIONAL.thcs.public + NATIONAL.thcs.nonPublic) / (nationalPopulation * 1e6),
  thpt: (NATIONAL.thpt.public + NATIONAL.thpt.nonPublic) / (nationalPopulation * 1e6),
};
const learnersPerCapita = perCapita.mn + perCapita.th + perCapita.thcs + perCapita.thpt;

/** Younger populations in mountainous, minority provinces; fewer upper-secondary learners there. */
function youth(p: ProvinceProfile) {
  const f = 1 + 0.2 * p.mountain + 0.1 * p.minority;
  return { mn: f, th: f, thcs: f, thpt: f * (1 - 0.15 * p.mountain) };
}
const youthMean = (() => {
  const all = newProvincesAll().flatMap((n) => n.olds.map((o) => provinceProfile(o.code)));
  const mean = { mn: 0, th: 0, thcs: 0, thpt: 0 };
  for (const p of all) for (const k of Object.keys(mean) as Array<keyof typeof mean>) mean[k] += (youth(p)[k] * p.population) / nationalPopulation;
  return mean;
})();
function newProvincesAll(): NewProvince[] {
  return [...newProvinces().values()];
}

/** A commune with its synthetic population and zone (DM_KHU_VUC). */
export type CommuneInfo = { commune: OldCommune; population: number; zone: string; weight: number };

/** Population and zone of every commune of an old province. */
export function communeInfo(seed: number, province: OldProvince): CommuneInfo[] {
  const profile = provinceProfile(province.code);
  const infos: CommuneInfo[] = [];
  for (const d of province.districts) {
    for (const c of d.communes) {
      const rng = Rng.derive(seed, hashString(c.code), 1);
      const base = c.kind === 'Phường' ? 2.2 : c.kind === 'Thị trấn' ? 1.6 : 1;
      const weight = base * Math.exp(0.35 * rng.gauss());
      const r = rng.next();
      const zone = isUrban(c.kind) ? '02' : r < profile.border ? '01' : r < profile.border + profile.mountain * (1 - profile.border) ? '04' : '03';
      infos.push({ commune: c, population: 0, zone, weight });
    }
  }
  const total = infos.reduce((s, i) => s + i.weight, 0);
  for (const i of infos) i.population = (profile.population * 1e6 * i.weight) / total;
  return infos;
}

/** The schools of a preset, in generation order, with their indexes and codes. */
export function planSchools(preset: Preset, seed: number): SchoolPlan[] {
  const spec = PRESET_SPECS[preset];
  const all = newProvinces();
  const chosen = spec.provinces.length ? spec.provinces.map((c) => all.get(c)!) : [...all.values()];
  const expected = chosen.reduce((s, n) => s + n.olds.reduce((t, o) => t + provinceProfile(o.code).population, 0), 0) * 1e6 * learnersPerCapita;
  const fraction = spec.targetLearners ? Math.min(1, spec.targetLearners / expected) : 1;
  const plans: SchoolPlan[] = [];
  const sequence = new Map<string, number>();
  for (const np of chosen) {
    for (const old of np.olds) {
      const infos = communeInfo(seed, old);
      const selected = spec.communes ? tinyCommunes(seed, np, infos, spec.communes) : sampleCommunes(seed, old, infos, fraction);
      const placements = placeSchools(seed, old, infos, selected);
      for (const p of placements) {
        const n = (sequence.get(old.code) ?? 0) + 1;
        sequence.set(old.code, n);
        plans.push({
          ...p,
          index: plans.length,
          code: old.code + String(n).padStart(6, '0'),
          newProvince: np,
          newCommune: mapCommune(np, p.commune.code),
        });
      }
    }
  }
  return plans;
}

function sampleCommunes(seed: number, old: OldProvince, infos: CommuneInfo[], fraction: number): Set<string> {
  const selected = new Set<string>();
  if (fraction >= 1) {
    for (const i of infos) selected.add(i.commune.code);
    return selected;
  }
  const rng = Rng.derive(seed, hashString(old.code), 2);
  for (const d of old.districts) {
    const want = d.communes.length * fraction;
    const k = Math.floor(want) + (rng.chance(want - Math.floor(want)) ? 1 : 0);
    for (const i of rng.sample(d.communes.length, k)) selected.add(d.communes[i].code);
  }
  return selected;
}

/** tiny: a district centre of the second old province (it hosts upper-secondary schools), and rural communes. */
function tinyCommunes(seed: number, np: NewProvince, infos: CommuneInfo[], count: number): Set<string> {
  const rng = Rng.derive(seed, 3);
  const old = infos[0].commune.province;
  const selected = new Set<string>();
  const ruralAll = infos.filter((i) => i.zone !== '02').sort((a, b) => a.population - b.population);
  const smallRural = ruralAll.slice(0, Math.max(1, Math.floor(ruralAll.length / 2))); // the smaller half keeps tiny small
  if (old.code === np.olds[np.olds.length - 1].code) {
    const population = new Map(infos.map((i) => [i.commune.code, i.population]));
    const size = (d: District) => d.communes.reduce((s, c) => s + population.get(c.code)!, 0);
    const rural = old.districts.filter((d) => d.kind === 'Huyện' && d.communes.some((c) => c.kind === 'Thị trấn')).sort((a, b) => size(a) - size(b));
    const centre = centreOf(seed, rural[rng.int(0, Math.min(2, rural.length - 1))]); // one of the smallest rural districts
    selected.add(centre.code);
    for (const i of rng.sample(smallRural.length, count - 2)) selected.add(smallRural[i].commune.code);
  } else {
    selected.add(ruralAll[rng.int(0, Math.min(2, ruralAll.length - 1))].commune.code); // one of the three smallest
  }
  return selected;
}

/** The commune hosting a district's upper-secondary school and centre: its town, else its largest commune. */
export function centreOf(seed: number, d: District): OldCommune {
  const urban = d.communes.filter((c) => isUrban(c.kind));
  const pool = urban.length ? urban : d.communes;
  return pool[Rng.derive(seed, hashString(d.code), 4).int(0, pool.length - 1)];
}

function placeSchools(seed: number, old: OldProvince, infos: CommuneInfo[], selected: Set<string>): Placement[] {
  const profile = provinceProfile(old.code);
  const y = youth(profile);
  const rate = {
    mn: (perCapita.mn * y.mn) / youthMean.mn,
    th: (perCapita.th * y.th) / youthMean.th,
    thcs: (perCapita.thcs * y.thcs) / youthMean.thcs,
    thpt: (perCapita.thpt * y.thpt) / youthMean.thpt,
  };
  const byCode = new Map(infos.map((i) => [i.commune.code, i]));
  const out: Placement[] = [];
  const capitalDistrict = old.districts.find((d) => d.kind === 'Thành phố' || d.kind === 'Quận') ?? old.districts[0];
  for (const d of old.districts) {
    for (const c of d.communes) {
      if (selected.has(c.code)) out.push(...communeSchools(Rng.derive(seed, hashString(c.code), 5), byCode.get(c.code)!, profile, rate));
    }
    if (d.communes.length === 0) continue; // island districts without communes (Hoàng Sa, Trường Sa)
    const districtInfos = d.communes.map((c) => byCode.get(c.code)!);
    const centre = byCode.get(centreOf(seed, d).code)!;
    const placed = districtSchools(Rng.derive(seed, hashString(d.code), 6), centre, districtInfos, profile, rate, d);
    if (d === capitalDistrict) placed.push(...provinceSchools(Rng.derive(seed, hashString(old.code), 7), centre, profile));
    out.push(...placed.filter((p) => selected.has(p.commune.code)));
  }
  return out;
}
