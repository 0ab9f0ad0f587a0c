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
    description: 'ba xã cũ của Đà Nẵng mới (Đà Nẵng cũ + Quảng Nam), khoảng 5 nghìn người học, vài giây',
  },
  demo: {
    provinces: ['12', '48'],
    targetLearners: 150_000,
    minDefects: 5,
    description: 'Lai Châu mới và Đà Nẵng mới, chọn mẫu xã để có khoảng 150 nghìn người học mỗi năm, dưới một phút',
  },
  province: {
    provinces: ['31'],
    targetLearners: null,
    minDefects: 5,
    description: 'toàn bộ Hải Phòng mới (Hải Phòng cũ + Hải Dương), khoảng 1 triệu người học mỗi năm',
  },
  national: {
    provinces: [],
    targetLearners: null,
    minDefects: 5,
    description: 'cả 34 tỉnh, mỗi năm khoảng 24 triệu người học, 1,25 triệu giáo viên và 50 nghìn trường',
  },
};

/** Province-specific reporting deadlines (MM-DD); others use 31/10 and 30/06. */
export const DEADLINES: Record<string, { dn: string; cn: string }> = {
  '31': { dn: '10-15', cn: '06-15' },
  '79': { dn: '10-16', cn: '06-30' },
};

/** The Ministry's deadlines: ĐN 31/10 (TT 25/2024), CN 30/06. */
export const DEFAULT_DEADLINE = { dn: '10-31', cn: '06-30' };
