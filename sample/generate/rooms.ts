/**
 * A school's premises, stable across years: satellite sites (điểm trường) of rural preschool and
 * primary schools, and rooms (classrooms, subject rooms, function rooms) with their solidity
 * (kiên cố less common in mountainous zones) and floor area.
 */
import { Weighted, type Rng } from './prng.ts';
import type { SchoolPlan } from './school-plan.ts';

/** A satellite site. */
export type Site = { code: string; name: string; address: string; distance: number; area: number };
/** A room: kind (loai_phong), solidity (loai_cong_trinh), area as pushed. */
export type Room = { code: string; kind: string; solidity: string; area: string; site: string | null };

const solidity: Record<string, Weighted<string>> = {
  '01': new Weighted([
    ['01', 70],
    ['02', 22],
    ['03', 6],
    ['04', 2],
  ]),
  '02': new Weighted([
    ['01', 95],
    ['02', 4],
    ['03', 0.5],
    ['04', 0.5],
  ]),
  '03': new Weighted([
    ['01', 87],
    ['02', 10],
    ['03', 2],
    ['04', 1],
  ]),
  '04': new Weighted([
    ['01', 62],
    ['02', 27],
    ['03', 8],
    ['04', 3],
  ]),
};

/** Satellite sites: many in mountainous and border zones, some on the plains, rare in towns. */
export function sitesFor(rng: Rng, plan: SchoolPlan): Site[] {
  const eligible = plan.ownership === '01' && (plan.grades[0] > 100 || plan.grades[0] === 1);
  if (!eligible) return [];
  const [p, max] = plan.zone === '04' ? [0.75, 4] : plan.zone === '01' ? [0.6, 3] : plan.zone === '03' ? [0.3, 2] : [0.05, 1];
  if (!rng.chance(p)) return [];
  const n = rng.int(1, max);
  const word = plan.zone === '04' ? 'Bản' : 'Thôn';
  return Array.from({ length: n }, (_, i) => {
    const village = `${word} ${rng.int(1, 15)}`;
    return {
      code: `${plan.code}.DT${i + 1}`,
      name: `Điểm trường ${village}`,
      address: `${village}, ${plan.commune.name}`,
      distance: Math.round((1 + rng.next() * (plan.zone === '04' ? 17 : 6)) * 10) / 10,
      area: rng.int(300, 3000),
    };
  });
}

const areaText = (rng: Rng, lo: number, hi: number) => (lo + rng.next() * (hi - lo)).toFixed(1);

/** Rooms for a school with `classes` classes in its first year. */
export function roomsFor(rng: Rng, plan: SchoolPlan, classes: number, sites: Site[]): Room[] {
  const rooms: Room[] = [];
  const add = (kind: string, lo: number, hi: number) => {
    const site = sites.length && kind === '01' && rng.chance(0.3) ? rng.pick(sites).code : null;
    rooms.push({
      code: `${plan.code}.P${String(rooms.length + 1).padStart(3, '0')}`,
      kind,
      solidity: solidity[plan.zone].draw(rng),
      area: areaText(rng, lo, hi),
      site,
    });
  };
  const classrooms = Math.max(1, Math.round(classes * (0.85 + 0.17 * rng.next())));
  for (let i = 0; i < classrooms; i++) add('01', 40, 62);
  const level = plan.grades[plan.grades.length - 1];
  const labs = level > 100 ? rng.int(0, 1) : level <= 5 ? rng.int(1, 2) : level <= 9 ? rng.int(3, 6) : rng.int(5, 9);
  for (let i = 0; i < labs; i++) add('02', 60, 90);
  for (let i = rng.int(1, 4); i > 0; i--) add('03', 40, 120);
  return rooms;
}

/** The next year's rooms: a few temporary rooms rebuilt solid, new classrooms if classes grew. */
export function roomsNextYear(rng: Rng, plan: SchoolPlan, rooms: Room[], classes: number): Room[] {
  const next = rooms.map((r) => ({ ...r, solidity: r.solidity === '03' && rng.chance(0.2) ? '01' : r.solidity }));
  const classrooms = next.filter((r) => r.kind === '01').length;
  for (let i = classrooms; i < classes * 0.85; i++) {
    next.push({ code: `${plan.code}.P${String(next.length + 1).padStart(3, '0')}`, kind: '01', solidity: '01', area: areaText(rng, 45, 62), site: null });
  }
  return next;
}
