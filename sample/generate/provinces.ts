/**
 * What the generator assumes about each of the 63 old provinces: population (millions, about
 * 2023), the share of its rural communes in mountainous (zone 04) and border or island (zone 01)
 * areas, and its ethnic-minority groups with their population shares in percent (DM_DAN_TOC
 * codes; Kinh, 01, is the rest). Rough public figures, good enough for realistic shapes.
 */
import { Weighted } from './prng.ts';

/** Demography of an old province. */
export type ProvinceProfile = {
  code: string;
  population: number;
  mountain: number;
  border: number;
  /** Share of the population belonging to an ethnic minority (0..1). */
  minority: number;
  /** Which minority, weighted. */
  groups: Weighted<string>;
};

// code:population:mountain:border:minority groups as "code share, ..."
const table = `
01:8.5:0.05:0:06 0.8,04 0.2
02:0.91:0.92:0.2:08 32,02 23,09 15,07 10,43 1,25 2
04:0.55:0.9:0.25:02 41,07 31,08 10,09 10
06:0.33:0.9:0:02 54,09 17,07 10,08 6
08:0.8:0.75:0:02 25,09 12,15 8,08 3
10:0.77:0.85:0.15:08 25,02 15,09 14,25 5,35 3
11:0.64:0.9:0.2:03 38,08 35,29 3,37 1
12:0.48:0.9:0.15:08 36,03 31,09 14,35 7,25 5,42 2,41 2,45 1
14:1.3:0.88:0.08:03 54,08 16,06 8,09 2,29 1
15:0.85:0.7:0:02 19,09 11,08 11,03 7
17:0.88:0.85:0:06 63,03 4,09 2
19:1.34:0.4:0:02 13,07 6,18 3,15 3
20:0.8:0.88:0.15:07 42,02 35,09 4
22:1.38:0.4:0.1:09 5,02 2,18 2,15 1
24:1.9:0.3:0:07 5,02 3,15 2,18 1
25:1.5:0.35:0:06 13,09 1
26:1.2:0.15:0:18 3
27:1.5:0:0:04 0.3
30:1.95:0.03:0:04 0.3
31:2.1:0.03:0.05:04 0.4
33:1.3:0:0:04 0.2
34:1.88:0:0:04 0.2
35:0.88:0.05:0:04 0.2
36:1.88:0:0:04 0.2
37:1.0:0.2:0:06 2
38:3.7:0.35:0.05:06 9,03 6,08 0.3
40:3.4:0.45:0.08:03 10,29 1,08 1
42:1.3:0.25:0.05:37 0.2,44 0.1
44:0.91:0.35:0.08:23 2,44 0.5
45:0.65:0.35:0.08:23 10,31 3
46:1.16:0.25:0.05:31 3,26 1
48:1.25:0.1:0.02:26 0.3
49:1.5:0.45:0.05:26 5,14 2,27 1.5,30 1
51:1.25:0.35:0.03:19 9,30 2,14 1
52:1.5:0.2:0:13 2
54:0.88:0.3:0:12 3,13 1.5,17 2
56:1.25:0.25:0.05:21 4
58:0.6:0.3:0:17 12,21 11
60:1.25:0.15:0.02:17 3,21 1,04 1
62:0.58:0.8:0.1:14 25,13 12,27 8,10 4,52 0.1
64:1.6:0.75:0.08:10 34,13 13
66:1.9:0.7:0.05:12 17,20 3,02 3,07 4,08 2,03 2
67:0.67:0.75:0.1:20 10,07 6,02 5,08 5
68:1.33:0.7:0:16 12,36 2,28 3
70:1.03:0.4:0.1:22 9,07 3,05 2,02 1
72:1.19:0.05:0.15:05 1
74:2.8:0.02:0:04 1
75:3.3:0.1:0:04 4,07 1.5,32 1
77:1.2:0.05:0.03:32 1.5,04 1
79:9.4:0:0.01:04 4,05 0.3
80:1.74:0:0.1:05 0.1
82:1.79:0:0:04 0.3
83:1.3:0:0:04 0.2
84:1.0:0:0:05 32
86:1.03:0:0:05 2
87:1.6:0:0.1:04 0.1
89:1.9:0.05:0.12:05 4,17 0.4,04 0.5
91:1.75:0.02:0.15:05 12,04 2
92:1.25:0:0:05 2,04 1
93:0.73:0:0:05 2
94:1.2:0:0:05 30,04 3
95:0.92:0:0:05 8,04 3
96:1.2:0:0.05:05 2
`;

const profiles = new Map<string, ProvinceProfile>();
for (const line of table.trim().split('\n')) {
  const [code, population, mountain, border, groupText] = line.split(':');
  const groups = groupText.split(',').map((g) => {
    const [ethnic, share] = g.trim().split(' ');
    return [ethnic, Number(share)] as const;
  });
  profiles.set(code, {
    code,
    population: Number(population),
    mountain: Number(mountain),
    border: Number(border),
    minority: Math.min(0.88, groups.reduce((s, [, w]) => s + w, 0) / 100),
    groups: new Weighted(groups),
  });
}

/** The profile of an old (pre-2025) province code. */
export function provinceProfile(code: string): ProvinceProfile {
  const p = profiles.get(code);
  if (!p) throw new Error(`no profile for old province ${code}`);
  return p;
}

/** Total population of the 63 provinces (millions), to turn national totals into rates. */
export const nationalPopulation = [...profiles.values()].reduce((s, p) => s + p.population, 0);
