import * as fs from 'fs';
import * as path from 'path';

// `npm run bench`: runs every test/bench/*.bench.ts (built to out/test/bench/*.bench.js) and
// prints figures. Budgets are printed beside the medians; nothing here fails a build.

export interface BenchReport {
  /** Records a series of samples (ms unless unit says otherwise) and prints median and p95. */
  series(name: string, samples: readonly number[], budget?: { max: number; stat: 'median' | 'p95' }, unit?: string): void;
  /** Records one figure. */
  figure(name: string, value: number, unit: string, budget?: number): void;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
}

/** Times fn n times after a warm-up; returns samples in ms. */
export function time(n: number, fn: (i: number) => void, warmup = Math.min(5, n)): number[] {
  for (let i = 0; i < warmup; i++) fn(i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    fn(i);
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

/** The repository root (out/test/bench/ → ../../..). */
export const projectRoot = path.resolve(__dirname, '..', '..', '..');
/** ../shared, overridable with ATTACK_LENS_SHARED. */
export const sharedRoot = process.env.ATTACK_LENS_SHARED || path.resolve(projectRoot, '..', 'shared');

function fmt(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

const rows: string[] = [];
const report: BenchReport = {
  series(name, samples, budget, unit = 'ms') {
    const med = median(samples);
    const p95 = percentile(samples, 95);
    const judged = budget ? (budget.stat === 'median' ? med : p95) : undefined;
    const verdict = budget ? `  budget ${budget.stat} ≤ ${budget.max} ${unit}: ${judged! <= budget.max ? 'OK' : 'OVER'}` : '';
    const line = `${name.padEnd(58)} median ${fmt(med)} ${unit}  p95 ${fmt(p95)} ${unit}  (n=${samples.length})${verdict}`;
    rows.push(line);
    console.log(line);
  },
  figure(name, value, unit, budget) {
    const verdict = budget !== undefined ? `  budget ≤ ${budget} ${unit}: ${value <= budget ? 'OK' : 'OVER'}` : '';
    const line = `${name.padEnd(58)} ${fmt(value)} ${unit}${verdict}`;
    rows.push(line);
    console.log(line);
  },
};

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const dir = __dirname;
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.bench.js') && (only.length === 0 || only.some((o) => f.includes(o))))
    .sort();
  for (const f of files) {
    console.log(`\n## ${f.replace('.bench.js', '')}`);
    const mod = require(path.join(dir, f)) as { run(report: BenchReport): Promise<void> | void };
    await mod.run(report);
  }
  const over = rows.filter((r) => r.includes('OVER')).length;
  console.log(`\n${rows.length} figures, ${over} over budget`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
