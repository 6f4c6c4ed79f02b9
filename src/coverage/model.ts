import { AttackIndex } from '../attack/index';
import { normalizeId, parentOf } from '../attack/ids';
import { Domain, Tactic, Technique } from '../attack/types';
import { isNewerId, isNewerTacticName } from '../checks/newerThanData';
import { AttackReference, DetectionRule, ParsedRuleFile, RuleFormat, Span } from '../rules/types';

// What a set of parsed rule files covers in ATT&CK. A pure function of (files, index, options):
// the extension's RuleStore, the CLI and the exports all build it the same way.
//
// Semantics: a rule covers each technique ID it names (each once per rule, however often it is
// written). A rule on T1059.001 also counts for T1059 "via sub-technique"; a rule on T1059 does
// not cover T1059.001. A revoked ID counts for its replacement and is listed in `revoked`. IDs
// and names the index does not know are listed in `unknown`, never dropped; those shaped like a
// newer ATT&CK release's are in `newerThanData` too. Deprecated rules are left out unless
// `includeDeprecated`.

/** One rule's reference to one technique (or unknown ID): where to open it. */
export interface RuleRef {
  /** The ParsedRuleFile path: the file's URI string in the extension, its file-system path in the CLI. */
  readonly path: string;
  readonly ruleIndex: number;
  /** The rule's serial number in this model: the same for every reference of one rule. */
  readonly rule: number;
  readonly title: string;
  readonly ruleId?: string;
  readonly format: RuleFormat;
  /** The reference as written (`attack.t1059.001`), and where (the tag line). */
  readonly text: string;
  readonly span: Span;
  /** Set when the reference names a revoked ID (canonical) and counts for its replacement instead. */
  readonly revoked?: string;
}

export interface Count {
  readonly covered: number;
  readonly total: number;
}

export interface TechniqueCoverage {
  readonly technique: Technique;
  /** Rules naming this technique (or a revoked ID it replaces) directly. */
  readonly rules: readonly RuleRef[];
  /** Rules naming one of its sub-techniques (empty for sub-techniques). */
  readonly viaSubtechniques: readonly RuleRef[];
  /** Directly or via a sub-technique. */
  readonly covered: boolean;
  /** Distinct rules in `rules` ∪ `viaSubtechniques`. */
  readonly ruleCount: number;
  /** In-scope (active, platform-filtered) sub-techniques, by ID; empty for sub-techniques. */
  readonly subtechniques: readonly TechniqueCoverage[];
}

export interface TacticCoverage {
  readonly tactic: Tactic;
  /** Parent techniques of the tactic: covered (directly or via a sub-technique) / in scope. */
  readonly techniques: Count;
  /** Sub-techniques of the tactic, counted separately. */
  readonly subtechniques: Count;
  /** Parent techniques by ID, each with its in-scope sub-techniques. */
  readonly items: readonly TechniqueCoverage[];
}

export interface RevokedReference {
  readonly ref: RuleRef;
  /** The revoked ID as written, canonical. */
  readonly id: string;
  /** The ID it counts for; undefined when ATT&CK names no replacement (then it counts for nothing). */
  readonly replacement?: string;
}

/** A reference that cannot be read (a trailing dot, a zero-width character, a YAML alias): it counts for nothing. */
export interface UnreadableReference {
  readonly ref: RuleRef;
  /** Why, completing "cannot be read as an ATT&CK reference: …". */
  readonly reason: string;
  /** What it most likely means, when a repair reads. */
  readonly repaired?: string;
}

export interface CoverageProblem {
  readonly path: string;
  /** 0-based. */
  readonly line: number;
  readonly character: number;
  readonly message: string;
}

export interface SkippedFile {
  readonly path: string;
  /** "larger than 1 MB", "binary", "unreadable: …", "symlink loop". */
  readonly reason: string;
}

export interface CoverageOptions {
  /** Domains in the order tactics are listed; default: the index's primary domain. */
  readonly domains?: readonly Domain[];
  /** Platforms (case-insensitive); empty = all. */
  readonly platforms?: readonly string[];
  readonly includeDeprecated?: boolean;
  /** Files the scan could not read, carried along so the model is the whole picture. */
  readonly skipped?: readonly SkippedFile[];
}

/** References added between two chances to pause (a few milliseconds' work). */
const REFERENCES_PER_STEP = 2048;

interface Tally {
  rules: number;
  deprecated: number;
  files: number;
  readonly unknown: Map<string, RuleRef[]>;
  readonly newer: Map<string, RuleRef[]>;
  readonly revoked: RevokedReference[];
  readonly unreadable: UnreadableReference[];
  readonly problems: CoverageProblem[];
  readonly partial: CoverageProblem[];
}

type Resolution =
  | { readonly kind: 'unknown'; readonly key: string; readonly newer: boolean }
  | { readonly kind: 'other' }
  | { readonly kind: 'technique'; readonly target?: string; readonly parent?: string; readonly revoked?: string };

interface MutableEntry {
  readonly rules: RuleRef[];
  /** One reference per rule naming an in-scope sub-technique of this technique. */
  readonly via: RuleRef[];
}

export class CoverageModel {
  /** Domains in scope, in listing order. */
  readonly domains: readonly Domain[];
  readonly platforms: readonly string[];
  readonly includeDeprecated: boolean;
  /** Rules counted (deprecated ones excluded unless asked for). */
  get ruleCount(): number {
    return this.tally.rules;
  }
  /** Deprecated rules left out. */
  get deprecatedRuleCount(): number {
    return this.tally.deprecated;
  }
  /** Files that contributed at least one counted rule, or a problem. */
  get fileCount(): number {
    return this.tally.files;
  }
  /** Unknown reference (canonical ID, or the text when not ID-shaped) → the rules naming it. */
  get unknown(): ReadonlyMap<string, readonly RuleRef[]> {
    return this.tally.unknown;
  }
  /**
   * The unknown references that look newer than the loaded data rather than typos
   * (src/checks/newerThanData.ts): canonical ID, or a tactic as written → the rules naming it.
   */
  get newerThanData(): ReadonlyMap<string, readonly RuleRef[]> {
    return this.tally.newer;
  }
  /** How many references `newerThanData` holds (one per rule and reference). */
  get newerThanDataCount(): number {
    let n = 0;
    for (const refs of this.tally.newer.values()) n += refs.length;
    return n;
  }
  get revoked(): readonly RevokedReference[] {
    return this.tally.revoked;
  }
  /** References that could not be read, in scan order; they count for nothing. */
  get unreadable(): readonly UnreadableReference[] {
    return this.tally.unreadable;
  }
  /** Parse errors, in path order. */
  get problems(): readonly CoverageProblem[] {
    return this.tally.problems;
  }
  /** Files read only in part: they went over a per-file cap (src/rules/limits.ts), in path order. */
  get partial(): readonly CoverageProblem[] {
    return this.tally.partial;
  }
  readonly skipped: readonly SkippedFile[];

  /** What the files add up to; filled by `accumulate`, complete once it has run to the end. */
  private readonly tally: Tally = { rules: 0, deprecated: 0, files: 0, unknown: new Map(), newer: new Map(), revoked: [], unreadable: [], problems: [], partial: [] };

  private readonly byTechnique = new Map<string, MutableEntry>();
  private readonly resolutions = new Map<string, Resolution>();
  private readonly techniqueCache = new Map<string, TechniqueCoverage | undefined>();
  private readonly subScope = new Map<string, boolean>();
  private tacticsCache?: readonly TacticCoverage[];
  private totalCache?: { readonly techniques: Count; readonly subtechniques: Count };
  private readonly platformSet: ReadonlySet<string>;

  /** Builds the model; cost is linear in the number of references plus the matrix size. */
  static build(files: readonly ParsedRuleFile[], index: AttackIndex, options: CoverageOptions = {}): CoverageModel {
    const model = new CoverageModel(index, options);
    for (const step of model.accumulate(files)) void step;
    return model;
  }

  /**
   * The same model, built a slice at a time: `pause` is awaited whenever a slice of `sliceMs`
   * is used up, inside a file too (a generated file may name 100 000 IDs), so an editor's event
   * loop is never blocked for the whole build.
   */
  static async buildInSlices(files: readonly ParsedRuleFile[], index: AttackIndex, options: CoverageOptions, pause: () => Promise<void>, sliceMs = 12): Promise<CoverageModel> {
    const model = new CoverageModel(index, options);
    let sliceStart = Date.now();
    for (const step of model.accumulate(files)) {
      void step;
      if (Date.now() - sliceStart > sliceMs) {
        await pause();
        sliceStart = Date.now();
      }
    }
    return model;
  }

  private constructor(
    readonly index: AttackIndex,
    options: CoverageOptions,
  ) {
    this.domains = options.domains?.length ? [...options.domains] : [index.primary?.domain ?? 'enterprise-attack'];
    this.platforms = options.platforms ?? [];
    this.platformSet = new Set(this.platforms.map((p) => p.toLowerCase()));
    this.includeDeprecated = options.includeDeprecated ?? false;
    this.skipped = options.skipped ?? [];
  }

  /** Adds the files to the tally; yields now and then (every file, every few thousand references) so a caller can pause. */
  private *accumulate(files: readonly ParsedRuleFile[]): Generator<void> {
    const t = this.tally;
    for (const file of files) {
      let counted = false;
      for (const p of file.problems) {
        if (p.limit) t.partial.push({ path: file.path, line: p.span.start.line, character: p.span.start.character, message: p.message });
        if (p.severity !== 'error') continue;
        t.problems.push({ path: file.path, line: p.span.start.line, character: p.span.start.character, message: p.message });
        counted = true;
      }
      for (const rule of file.rules) {
        if (rule.deprecated && !this.includeDeprecated) {
          t.deprecated++;
          continue;
        }
        counted = true;
        yield* this.addRule(file, rule, t.rules++);
      }
      if (counted) t.files++;
      yield;
    }
    const byPath = (a: CoverageProblem, b: CoverageProblem) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line);
    t.problems.sort(byPath);
    t.partial.sort(byPath);
  }

  private *addRule(file: ParsedRuleFile, rule: DetectionRule, serial: number): Generator<void> {
    const { unknown, newer, revoked, unreadable } = this.tally;
    // A rule names a handful of IDs: arrays beat sets here, and this runs for every rule on every
    // change; past a few dozen (a generated file naming thousands) a Set keeps it linear.
    const seen = smallSet();
    const viaSeen = smallSet();
    const refOf = (r: AttackReference, revokedId?: string): RuleRef => {
      const ref = { path: file.path, ruleIndex: rule.index, rule: serial, title: rule.title, ruleId: rule.id, format: file.format, text: r.text, span: r.span };
      return revokedId ? { ...ref, revoked: revokedId } : ref;
    };
    let step = 0;
    for (const r of rule.references) {
      if (++step % REFERENCES_PER_STEP === 0) yield;
      if (r.unreadable) {
        unreadable.push({ ref: refOf(r), reason: r.unreadable.reason, ...(r.unreadable.repaired !== undefined ? { repaired: r.unreadable.repaired } : {}) });
        continue;
      }
      const res = this.resolveReference(r);
      if (res.kind === 'other') continue;
      if (res.kind === 'unknown') {
        const key = '?' + res.key;
        if (seen.has(key)) continue;
        seen.add(key);
        const ref = refOf(r);
        pushTo(unknown, res.key, ref);
        if (res.newer) pushTo(newer, res.key, ref);
        continue;
      }
      if (res.revoked) revoked.push({ ref: refOf(r, res.revoked), id: res.revoked, replacement: res.target });
      const target = res.target;
      if (!target || seen.has(target)) continue;
      seen.add(target);
      const ref = refOf(r, res.revoked);
      this.entry(target).rules.push(ref);
      // A Windows-only sub-technique says nothing about its parent on Linux: only in-scope ones count.
      const parent = res.parent;
      if (parent && !viaSeen.has(parent) && this.subInScope(target)) {
        viaSeen.add(parent);
        this.entry(parent).via.push(ref);
      }
    }
  }

  /** What a reference counts for; memoised per spelling (a corpus repeats the same few hundred IDs). */
  private resolveReference(r: AttackReference): Resolution {
    // The kind matters for text that is no ID: "Stealth" may be a newer tactic, never a newer technique name.
    const spelling = r.id ?? `${r.kind}\u0000${r.text}`;
    let res = this.resolutions.get(spelling);
    if (!res) {
      const id = r.id ?? normalizeId(r.text);
      const entry = id ? this.index.get(id) : undefined;
      if (!entry) res = { kind: 'unknown', key: id ?? r.text, newer: id ? isNewerId(this.index, id) : r.kind === 'tactic' && isNewerTacticName(this.index, r.text) };
      else if (entry.kind !== 'technique') res = { kind: 'other' };
      else {
        const target = entry.revoked ? this.index.replacementOf(entry.id) : entry.id;
        res = { kind: 'technique', target, parent: target ? parentOf(target) : undefined, revoked: entry.revoked ? entry.id : undefined };
      }
      this.resolutions.set(spelling, res);
    }
    return res;
  }

  private entry(id: string): MutableEntry {
    let e = this.byTechnique.get(id);
    if (!e) this.byTechnique.set(id, (e = { rules: [], via: [] }));
    return e;
  }

  /** Whether a technique is in scope: active, in a selected domain, on a selected platform. */
  inScope(t: Technique): boolean {
    if (!this.index.isActive(t) || !this.domains.includes(t.domain)) return false;
    return this.platformSet.size === 0 || t.platforms.some((p) => this.platformSet.has(p.toLowerCase()));
  }

  /** Coverage of any known technique (in scope or not); undefined for IDs the index does not know. */
  forTechnique(id: string): TechniqueCoverage | undefined {
    const canonical = normalizeId(id) ?? id;
    if (this.techniqueCache.has(canonical)) return this.techniqueCache.get(canonical);
    const technique = this.index.technique(canonical);
    let result: TechniqueCoverage | undefined;
    if (technique) {
      const e = this.byTechnique.get(technique.id);
      const rules = e?.rules ?? [];
      const via = e?.via ?? [];
      const subtechniques = technique.isSubtechnique ? [] : this.index.subtechniques(technique.id).filter((s) => this.inScope(s)).map((s) => this.forTechnique(s.id)!);
      result = { technique, rules, viaSubtechniques: via, covered: rules.length + via.length > 0, ruleCount: distinctRules(rules, via), subtechniques };
    }
    this.techniqueCache.set(canonical, result);
    return result;
  }

  private subInScope(id: string): boolean {
    let inScope = this.subScope.get(id);
    if (inScope === undefined) {
      const t = this.index.technique(id);
      this.subScope.set(id, (inScope = t !== undefined && this.inScope(t)));
    }
    return inScope;
  }

  /** References to deprecated techniques: they count for nothing, since ATT&CK names no replacement. */
  deprecatedReferences(): readonly RuleRef[] {
    const out: RuleRef[] = [];
    for (const [id, e] of this.byTechnique) if (e.rules.length && this.index.technique(id)?.deprecated) out.push(...e.rules);
    return out;
  }

  /** Every technique ID some counted rule names directly (after revoked → replacement), sorted. */
  referencedTechniques(): readonly string[] {
    return [...this.byTechnique.entries()].filter(([, e]) => e.rules.length > 0).map(([id]) => id).sort();
  }

  /** Tactics of the selected domains in matrix order (domains in `domains` order). */
  tactics(): readonly TacticCoverage[] {
    if (this.tacticsCache) return this.tacticsCache;
    const out: TacticCoverage[] = [];
    for (const domain of this.domains) {
      for (const tactic of this.index.tactics(domain)) out.push(this.computeTactic(tactic));
    }
    return (this.tacticsCache = out);
  }

  /** One tactic by shortname; the domain disambiguates shortnames shared across domains (`execution`). */
  forTactic(shortname: string, domain?: Domain): TacticCoverage | undefined {
    return this.tactics().find((t) => t.tactic.shortname === shortname && (!domain || t.tactic.domain === domain));
  }

  /** Distinct in-scope techniques across all selected tactics (a technique in two tactics counts once). */
  get total(): { readonly techniques: Count; readonly subtechniques: Count } {
    return (this.totalCache ??= distinctCounts(this.tactics()));
  }

  /** The same counts for one domain's tactics (the matrix, a Navigator layer). */
  totalIn(domain: Domain): { readonly techniques: Count; readonly subtechniques: Count } {
    return distinctCounts(this.tactics().filter((t) => t.tactic.domain === domain));
  }

  /** Parent-technique coverage in percent (0–100, one decimal); 0 when nothing is in scope. */
  get percent(): number {
    return percentOf(this.total.techniques);
  }

  /** Whether parent-technique coverage reaches `percent`, unrounded: 79.96 % does not pass 80. */
  meets(percent: number): boolean {
    const { covered, total } = this.total.techniques;
    return total === 0 ? percent <= 0 : covered * 100 >= percent * total;
  }

  private computeTactic(tactic: Tactic): TacticCoverage {
    const all = this.index.techniquesForTactic(tactic.shortname, tactic.domain, true).filter((t) => this.inScope(t));
    const items = all.filter((t) => !t.isSubtechnique).map((t) => this.forTechnique(t.id)!);
    const subs = all.filter((t) => t.isSubtechnique).map((t) => this.forTechnique(t.id)!);
    return {
      tactic,
      techniques: { covered: items.filter((i) => i.covered).length, total: items.length },
      subtechniques: { covered: subs.filter((s) => s.covered).length, total: subs.length },
      items,
    };
  }
}

function pushTo<V>(m: Map<string, V[]>, key: string, v: V): void {
  const list = m.get(key);
  if (list) list.push(v);
  else m.set(key, [v]);
}

/** A set of strings that is an array while small (cheaper for the usual handful) and a Set past 32. */
function smallSet(): { has(s: string): boolean; add(s: string): void } {
  let list: string[] | undefined = [];
  let set: Set<string> | undefined;
  return {
    has: (s) => (list ? list.includes(s) : set!.has(s)),
    add: (s) => {
      if (!list) set!.add(s);
      else if (list.push(s) > 32) {
        set = new Set(list);
        list = undefined;
      }
    },
  };
}

/** Distinct techniques and sub-techniques of these tactics, covered and in scope (a technique in two tactics counts once). */
function distinctCounts(tactics: readonly TacticCoverage[]): { readonly techniques: Count; readonly subtechniques: Count } {
  const parents = new Map<string, boolean>();
  const subs = new Map<string, boolean>();
  for (const t of tactics) {
    for (const item of t.items) {
      parents.set(item.technique.id, item.covered);
      for (const s of item.subtechniques) subs.set(s.technique.id, s.covered);
    }
  }
  const count = (m: Map<string, boolean>): Count => ({ covered: [...m.values()].filter(Boolean).length, total: m.size });
  return { techniques: count(parents), subtechniques: count(subs) };
}

/**
 * What a coverage count says, in the words every surface uses (the matrix header and its
 * exports, the layer export's message): techniques are parent techniques, each counted once
 * however many tactics list it; sub-techniques are counted apart.
 */
export function coverageCountText(total: { readonly techniques: Count; readonly subtechniques: Count }): string {
  const { techniques, subtechniques } = total;
  return `${techniques.covered}/${techniques.total} techniques covered (${percentOf(techniques)}%) · ${subtechniques.covered}/${subtechniques.total} sub-techniques`;
}

/** The one rounding of coverage for every surface (tree, tooltips, header, reports, matrix, CLI): percent with one decimal, 0 when nothing is in scope. */
export function percentOf(c: Count): number {
  return c.total === 0 ? 0 : Math.round((c.covered / c.total) * 1000) / 10;
}

function distinctRules(a: readonly RuleRef[], b: readonly RuleRef[]): number {
  if (b.length === 0) return a.length;
  const rules = new Set<number>();
  for (const r of a) rules.add(r.rule);
  for (const r of b) rules.add(r.rule);
  return rules.size;
}
