/**
 * The presets of `csdl generate`: which new (2025) provinces, how many of their old communes
 * carry schools, and the minimum number of every defect kind.
 */
export type Preset = 'tiny' | 'demo' | 'province' | 'national';

/** Preset names, smallest first. */
export const PRESETS: readonly Preset[] = ['tiny', 'demo', 'province', 'national'];

/** What a preset generates. */
export type PresetSpec = {
  /** New province codes (2025) whose old constituent provinces are generated for 2024. */
  provinces: string[];
  /** Learners per year to aim for; communes are sampled to get there (null: every commune). */
  targetLearners: number | null;
  /** Exact number of old communes (tiny): one upper-secondary host plus rural communes. */
  communes?: number;
  /** Every defect kind is injected at least this many times. */
  minDefects: number;
  description: string;
};

/** The presets. */
export const PRESET_SPECS: Record<Preset, PresetSpec> = {
  tiny: {
    provinces: ['48'],
    targetLearners: null,
    communes: 3,
    minDefects: 2,
    description: 'three old communes of new Đà Nẵng (old Đà Nẵng + Quảng Nam), about 5 thousand learners, seconds',
  },
  demo: {
    provinces: ['12', '48'],
    targetLearners: 150_000,
    minDefects: 5,
    description: 'new Lai Châu and new Đà Nẵng, communes sampled to about 150 thousand learners per year, under a minute',
  },
  province: {
    provinces: ['31'],
    targetLearners: null,
    minDefects: 5,
    description: 'all of new Hải Phòng (old Hải Phòng + Hải Dương), about 1 million learners per year',
  },
  national: {
    provinces: [],
    targetLearners: null,
    minDefects: 5,
    description: 'all 34 provinces, about 24 million learners, 1.25 million teachers and 50 thousand schools per year',
  },
};

/** Province-specific reporting deadlines (MM-DD); others use 31/10 and 30/06. */
export const DEADLINES: Record<string, { dn: string; cn: string }> = {
  '31': { dn: '10-15', cn: '06-15' },
  '79': { dn: '10-16', cn: '06-30' },
};

/** The Ministry's deadlines: ĐN 31/10 (TT 25/2024), CN 30/06. */
export const DEFAULT_DEADLINE = { dn: '10-31', cn: '06-30' };
