import type { RuleMaturity } from '../rules/types';

// How strong a technique's detection is, 0–5 (README "Strength score"): three terms from 0 to 1,
// weighted and scaled to 5.
//   rules      min(1, log(1 + n) / log(1 + saturation)): the first rules count most;
//   maturity   the mean rank (0–3, below) of the best min(n, saturation) rules, divided by 3;
//   telemetry  the share of the rules that read collected telemetry; left out (its weight too)
//              when there is no telemetry profile to say what is collected.
// score = 5 × Σ weight × term / Σ weight, rounded to one decimal; no rule scores 0.

export interface StrengthWeights {
  readonly rules: number;
  readonly maturity: number;
  readonly telemetry: number;
  /** Rules at which the rules term is full. */
  readonly saturation: number;
}

export const DEFAULT_STRENGTH_WEIGHTS: StrengthWeights = { rules: 2, maturity: 1.5, telemetry: 1.5, saturation: 5 };

/** The highest maturity rank. */
const TOP_MATURITY = 3;

/**
 * Ranks of the maturity words the formats use (Sigma status, Splunk status, Elastic maturity,
 * Sentinel status), lower-cased: 3 ready for production, 2 being tested, 1 experimental, 0 not
 * to rely on. A rule that states none, or a word not here, ranks 1.
 */
const RANKS: ReadonlyMap<string, number> = new Map([
  ['stable', 3],
  ['production', 3],
  ['available', 3],
  ['test', 2],
  ['testing', 2],
  ['validation', 2],
  ['preview', 2],
  ['beta', 2],
  ['experimental', 1],
  ['development', 1],
  ['draft', 1],
  ['unsupported', 0],
  ['deprecated', 0],
  ['disabled', 0],
]);
const UNSTATED_RANK = 1;
/** Fields that carry the maturity word (the others qualify it). */
const MATURITY_FIELDS = new Set(['status', 'maturity']);

/**
 * A rule's maturity rank (0–3) from its fields as written. A Sigma `level: informational` rule
 * is meant for hunting, not alerting, so ranks at most 1; a Sentinel rule with `enabled: false`
 * ranks 0.
 */
export function maturityRank(maturity: readonly RuleMaturity[] | undefined): number {
  let rank = UNSTATED_RANK;
  for (const m of maturity ?? []) if (MATURITY_FIELDS.has(m.field)) rank = RANKS.get(m.value.trim().toLowerCase()) ?? UNSTATED_RANK;
  for (const m of maturity ?? []) {
    const v = m.value.trim().toLowerCase();
    if (m.field === 'level' && v === 'informational') rank = Math.min(rank, 1);
    if (m.field === 'enabled' && v === 'false') rank = 0;
  }
  return rank;
}

/**
 * The strength of one technique: `ranks` are its rules' maturity ranks (0–3), `collected` says for
 * each rule whether it reads collected telemetry (undefined: no telemetry profile).
 */
export function strengthScore(ranks: readonly number[], collected: readonly boolean[] | undefined, weights: StrengthWeights = DEFAULT_STRENGTH_WEIGHTS): number {
  const n = ranks.length;
  if (n === 0) return 0;
  const saturation = Math.max(1, weights.saturation);
  const rules = Math.min(1, Math.log(1 + n) / Math.log(1 + saturation));
  const best = [...ranks].sort((a, b) => b - a).slice(0, Math.min(n, saturation));
  const maturity = best.reduce((s, r) => s + Math.min(TOP_MATURITY, Math.max(0, r)), 0) / best.length / TOP_MATURITY;
  const terms: [number, number][] = [
    [weight(weights.rules), rules],
    [weight(weights.maturity), maturity],
  ];
  if (collected) terms.push([weight(weights.telemetry), collected.length ? collected.filter(Boolean).length / collected.length : 0]);
  const total = terms.reduce((s, [w]) => s + w, 0);
  if (total === 0) return 0;
  return Math.round((50 * terms.reduce((s, [w, t]) => s + w * t, 0)) / total) / 10;
}

/** Weights as a user may write them: anything but a finite non-negative number counts 0. */
function weight(w: number): number {
  return Number.isFinite(w) && w > 0 ? w : 0;
}

/** Weights from a setting's value: missing or bad fields keep their defaults; returns the messages for bad ones. */
export function readStrengthWeights(value: unknown): { weights: StrengthWeights; problems: string[] } {
  const problems: string[] = [];
  if (value === undefined || value === null) return { weights: DEFAULT_STRENGTH_WEIGHTS, problems };
  if (typeof value !== 'object' || Array.isArray(value)) return { weights: DEFAULT_STRENGTH_WEIGHTS, problems: ['expected an object such as { "rules": 2, "maturity": 1.5, "telemetry": 1.5, "saturation": 5 }'] };
  const v = value as Record<string, unknown>;
  const out: Record<keyof StrengthWeights, number> = { ...DEFAULT_STRENGTH_WEIGHTS };
  for (const key of Object.keys(DEFAULT_STRENGTH_WEIGHTS) as (keyof StrengthWeights)[]) {
    if (v[key] === undefined) continue;
    const n = v[key];
    if (typeof n === 'number' && Number.isFinite(n) && n >= (key === 'saturation' ? 1 : 0)) out[key] = n;
    else problems.push(`"${key}" must be a number ${key === 'saturation' ? 'of at least 1' : 'of 0 or more'}, not ${JSON.stringify(n)}`);
  }
  return { weights: out, problems };
}
