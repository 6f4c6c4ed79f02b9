import { compiledIndexProblem } from './compiledValidate';
import { normalizeId, parentOf, tacticShortname } from './ids';
import {
  Actor,
  Analytic,
  AttackDataError,
  AttackEntry,
  Campaign,
  COMPILED_FORMAT,
  CompiledDomain,
  CompiledIndex,
  DataComponent,
  DetectionStrategy,
  Domain,
  Group,
  Mitigation,
  Software,
  Tactic,
  Technique,
} from './types';

export * from './types';
export * from './ids';

const EMPTY: readonly never[] = [];

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

/**
 * Lookups over a compiled ATT&CK index, for every loaded domain at once. Built once per
 * data load; all methods are synchronous map lookups.
 */
export class AttackIndex {
  private readonly byId = new Map<string, AttackEntry>();
  private readonly byName = new Map<string, AttackEntry[]>();
  private readonly tacticsByShortname = new Map<string, Tactic[]>();
  private readonly subsOf = new Map<string, Technique[]>();
  private readonly usersOf = new Map<string, Actor[]>();
  private readonly mitigationsOf = new Map<string, Mitigation[]>();
  private readonly strategiesOf = new Map<string, DetectionStrategy[]>();
  /** Lower-cased log source name → the data components that list it (analytics' references and the components' own lists). */
  private readonly componentsByLogSource = new Map<string, Set<string>>();
  /** Log source names as ATT&CK spells them (first spelling seen), by lower-cased name. */
  private readonly logSourceSpelling = new Map<string, string>();
  /** Data component ID → log source name → channels. */
  private readonly logSourcesByComponent = new Map<string, Map<string, Set<string>>>();

  static fromCompiled(compiled: CompiledIndex): AttackIndex {
    if (!compiled || compiled.format !== COMPILED_FORMAT || !Array.isArray(compiled.domains)) {
      throw new AttackDataError(`unsupported compiled index (format ${String(compiled?.format)}, expected ${COMPILED_FORMAT})`);
    }
    return new AttackIndex(compiled.domains);
  }

  /** A compiled index read back from a file: checked field by field, refused whole when any is wrong. */
  static fromJson(text: string, source?: string): AttackIndex {
    let parsed: CompiledIndex;
    try {
      parsed = JSON.parse(text) as CompiledIndex;
    } catch (e) {
      throw new AttackDataError(`compiled index is not valid JSON (${(e as Error).message})`, source);
    }
    if (!parsed || typeof parsed !== 'object' || parsed.format !== COMPILED_FORMAT) {
      throw new AttackDataError(`unsupported compiled index (format ${String((parsed as Partial<CompiledIndex> | null)?.format)}, expected ${COMPILED_FORMAT})`, source);
    }
    const problem = compiledIndexProblem(parsed.domains);
    if (problem) throw new AttackDataError(`not a usable compiled index: ${problem}`, source);
    return AttackIndex.fromCompiled(parsed);
  }

  constructor(readonly domains: readonly CompiledDomain[]) {
    for (const d of domains) {
      for (const t of d.tactics) {
        this.add(t);
        if (!t.deprecated) push(this.tacticsByShortname, t.shortname, t);
      }
      for (const t of d.techniques) {
        this.add(t);
        if (t.parent) push(this.subsOf, t.parent, t);
      }
      for (const list of [d.groups, d.software, d.campaigns] as readonly (readonly Actor[])[]) {
        for (const a of list) {
          this.add(a);
          if (!a.revoked && !a.deprecated) for (const tid of a.techniques) push(this.usersOf, tid, a);
        }
      }
      for (const m of d.mitigations) {
        this.add(m);
        if (!m.revoked && !m.deprecated) for (const tid of m.techniques) push(this.mitigationsOf, tid, m);
      }
      for (const s of d.detectionStrategies) {
        this.add(s);
        if (!s.revoked && !s.deprecated) for (const tid of s.techniques) push(this.strategiesOf, tid, s);
      }
      for (const a of d.analytics) {
        this.add(a);
        if (!a.revoked && !a.deprecated) for (const ls of a.logSources) this.addLogSource(ls.name, ls.channel, ls.dataComponent);
      }
      for (const c of d.dataComponents) {
        this.add(c);
        if (this.isActive(c)) for (const name of c.logSources ?? EMPTY) this.addLogSource(name, '', c.id);
      }
    }
  }

  private addLogSource(name: string, channel: string, component: string): void {
    const key = name.trim().toLowerCase();
    if (!key) return;
    if (!this.logSourceSpelling.has(key)) this.logSourceSpelling.set(key, name.trim());
    let components = this.componentsByLogSource.get(key);
    if (!components) this.componentsByLogSource.set(key, (components = new Set()));
    components.add(component);
    let names = this.logSourcesByComponent.get(component);
    if (!names) this.logSourcesByComponent.set(component, (names = new Map()));
    const spelled = this.logSourceSpelling.get(key)!;
    let channels = names.get(spelled);
    if (!channels) names.set(spelled, (channels = new Set()));
    if (channel) channels.add(channel);
  }

  private add(e: AttackEntry): void {
    const existing = this.byId.get(e.id);
    // Groups and software recur across domains: keep the first (Enterprise) record but the
    // union of what each domain says they use.
    if (existing && 'techniques' in existing && 'techniques' in e && existing.kind === e.kind) {
      const techniques = [...new Set([...existing.techniques, ...e.techniques])].sort();
      this.byId.set(e.id, { ...existing, techniques } as AttackEntry);
      return;
    }
    if (existing) return;
    this.byId.set(e.id, e);
    const names = [e.name];
    if (e.kind === 'technique' && e.parent) {
      const parent = this.byId.get(e.parent);
      if (parent) names.push(`${parent.name}: ${e.name}`);
    }
    if ('aliases' in e) names.push(...e.aliases);
    for (const n of new Set(names.map((x) => x.toLowerCase()))) push(this.byName, n, e);
  }

  /** The domain the extension treats as default: Enterprise when loaded. */
  get primary(): CompiledDomain | undefined {
    return this.domain('enterprise-attack') ?? this.domains[0];
  }

  /** "ATT&CK v18.1", or with several versions loaded, the primary domain's. */
  get versionLabel(): string {
    return `ATT&CK v${this.primary?.version ?? '?'}`;
  }

  domain(d: Domain): CompiledDomain | undefined {
    return this.domains.find((x) => x.domain === d);
  }

  /** Any entry by ID in any spelling (`t1059.001`, `attack.t1059.001`, `T1059/001`). */
  get(idOrRef: string): AttackEntry | undefined {
    // Most lookups are already canonical IDs (the checks ask for each reference's ID): no regexes for those.
    const exact = this.byId.get(idOrRef);
    if (exact) return exact;
    const id = normalizeId(idOrRef);
    return id ? this.byId.get(id) : undefined;
  }

  technique(id: string): Technique | undefined {
    const e = this.get(id);
    return e?.kind === 'technique' ? e : undefined;
  }

  /** A sub-technique as ATT&CK's site names it (`Command and Scripting Interpreter: PowerShell`), any other entry by its name; the ID itself when unknown. */
  fullName(id: string): string {
    const e = this.get(id);
    if (!e) return id;
    const parent = e.kind === 'technique' ? (e.parent ?? parentOf(e.id)) : undefined;
    const p = parent ? this.get(parent) : undefined;
    return p ? `${p.name}: ${e.name}` : e.name;
  }

  group(id: string): Group | undefined {
    const e = this.get(id);
    return e?.kind === 'group' ? e : undefined;
  }

  software(id: string): Software | undefined {
    const e = this.get(id);
    return e?.kind === 'software' ? e : undefined;
  }

  campaign(id: string): Campaign | undefined {
    const e = this.get(id);
    return e?.kind === 'campaign' ? e : undefined;
  }

  /**
   * A tactic by TA ID, shortname (`defense-evasion`), display name (`Defense Evasion`) or
   * Sentinel spelling (`DefenseEvasion`). Shortnames repeat across domains (`execution`),
   * so the domain picks one; without it the primary domain's wins.
   */
  tactic(text: string, domain?: Domain): Tactic | undefined {
    const byId = this.get(text);
    if (byId) return byId.kind === 'tactic' ? byId : undefined;
    const candidates = this.tacticsByShortname.get(tacticShortname(text));
    if (!candidates) return undefined;
    const want = domain ?? this.primary?.domain;
    return candidates.find((t) => t.domain === want) ?? candidates[0];
  }

  /** Tactics in matrix order for one domain (active ones only). */
  tactics(domain: Domain = this.primary?.domain ?? 'enterprise-attack'): readonly Tactic[] {
    return this.domain(domain)?.tactics.filter((t) => !t.deprecated) ?? EMPTY;
  }

  /** Exact, case-insensitive name or alias: `PowerShell`, `Command and Scripting Interpreter: PowerShell`, `Cozy Bear`. */
  byExactName(name: string): readonly AttackEntry[] {
    return this.byName.get(name.trim().toLowerCase()) ?? EMPTY;
  }

  /** Follows `revoked-by` to the active entry at the end of the chain; the entry itself when active. */
  resolve(idOrRef: string): AttackEntry | undefined {
    let e = this.get(idOrRef);
    const seen = new Set<string>();
    while (e && e.revoked && e.revokedBy && !seen.has(e.id)) {
      seen.add(e.id);
      e = this.byId.get(e.revokedBy);
    }
    return e;
  }

  /** The active ID that replaces a revoked one, or undefined when not revoked or no replacement is known. */
  replacementOf(idOrRef: string): string | undefined {
    const e = this.get(idOrRef);
    if (!e?.revoked) return undefined;
    const end = this.resolve(e.id);
    return end && !end.revoked && end.id !== e.id ? end.id : undefined;
  }

  isActive(e: AttackEntry): boolean {
    return !e.revoked && !e.deprecated;
  }

  subtechniques(parentId: string, includeInactive = false): readonly Technique[] {
    const subs = this.subsOf.get(parentId) ?? EMPTY;
    return includeInactive ? subs : subs.filter((t) => this.isActive(t));
  }

  /** Active techniques (parents and sub-techniques) of one domain, sorted by ID. */
  activeTechniques(domain: Domain = this.primary?.domain ?? 'enterprise-attack'): readonly Technique[] {
    return this.domain(domain)?.techniques.filter((t) => this.isActive(t)) ?? EMPTY;
  }

  /** Active techniques of a tactic; parents only unless sub-techniques are asked for. */
  techniquesForTactic(shortname: string, domain: Domain = this.primary?.domain ?? 'enterprise-attack', withSubtechniques = false): readonly Technique[] {
    return this.activeTechniques(domain).filter((t) => t.tactics.includes(shortname) && (withSubtechniques || !t.isSubtechnique));
  }

  /** Groups, software and campaigns whose `uses` relationships name this technique. */
  actorsUsing(techniqueId: string): readonly Actor[] {
    return this.usersOf.get(techniqueId) ?? EMPTY;
  }

  groupsUsing(techniqueId: string): readonly Group[] {
    return this.actorsUsing(techniqueId).filter((a): a is Group => a.kind === 'group');
  }

  mitigationsFor(techniqueId: string): readonly Mitigation[] {
    return this.mitigationsOf.get(techniqueId) ?? EMPTY;
  }

  detectionStrategiesFor(techniqueId: string): readonly DetectionStrategy[] {
    return this.strategiesOf.get(techniqueId) ?? EMPTY;
  }

  /** The analytics of the detection strategies that `detects` the technique, each once, with their log sources. */
  analyticsFor(techniqueId: string): readonly Analytic[] {
    const out: Analytic[] = [];
    const seen = new Set<string>();
    for (const s of this.detectionStrategiesFor(techniqueId)) {
      for (const id of s.analytics) {
        const a = this.byId.get(id);
        if (a?.kind === 'analytic' && !seen.has(a.id)) {
          seen.add(a.id);
          out.push(a);
        }
      }
    }
    return out;
  }

  /**
   * IDs of the data components the technique's analytics read, sorted. With platforms (case-insensitive),
   * only analytics for one of them count; an analytic that names no platform counts everywhere.
   */
  dataComponentIdsFor(techniqueId: string, platforms: readonly string[] = EMPTY): readonly string[] {
    const wanted = new Set(platforms.map((p) => p.toLowerCase()));
    const ids = new Set<string>();
    for (const a of this.analyticsFor(techniqueId)) {
      if (wanted.size && a.platforms.length && !a.platforms.some((p) => wanted.has(p.toLowerCase()))) continue;
      for (const ls of a.logSources) ids.add(ls.dataComponent);
    }
    return [...ids].sort();
  }

  dataComponent(id: string): DataComponent | undefined {
    const e = this.get(id);
    return e?.kind === 'data-component' ? e : undefined;
  }

  /** A data component by ID (`DC0032`) or exact, case-insensitive name (`Process Creation`). */
  findDataComponent(idOrName: string): DataComponent | undefined {
    return this.dataComponent(idOrName.trim()) ?? this.byExactName(idOrName).find((e): e is DataComponent => e.kind === 'data-component');
  }

  /** Data components that list a log source (`WinEventLog:Sysmon`, any case), sorted by ID; empty when ATT&CK names no such log source. */
  dataComponentsForLogSource(name: string): readonly string[] {
    const ids = this.componentsByLogSource.get(name.trim().toLowerCase());
    return ids ? [...ids].sort() : EMPTY;
  }

  /** The log source name as ATT&CK spells it, for any spelling; undefined when unknown. */
  logSourceName(name: string): string | undefined {
    return this.logSourceSpelling.get(name.trim().toLowerCase());
  }

  /** Every log source name ATT&CK lists, sorted. */
  logSourceNames(): readonly string[] {
    return [...this.logSourceSpelling.values()].sort();
  }

  /** The log sources (name → channels) that list a data component, by name. */
  logSourcesOf(componentId: string): ReadonlyMap<string, readonly string[]> {
    const names = this.logSourcesByComponent.get(componentId);
    if (!names) return new Map();
    return new Map([...names.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([n, channels]) => [n, [...channels]]));
  }

  /**
   * Active data components grouped by their data source (`Process` → Process Creation, Process Access, …),
   * data sources by name, components by name; those no data source groups come last, under `undefined`.
   */
  dataSources(domains: readonly Domain[] = this.domains.map((d) => d.domain)): readonly { readonly name: string | undefined; readonly dataComponents: readonly DataComponent[] }[] {
    const groups = new Map<string | undefined, Map<string, DataComponent>>();
    for (const d of domains) {
      for (const c of this.domain(d)?.dataComponents ?? EMPTY) {
        if (!this.isActive(c)) continue;
        const key = c.dataSource;
        let g = groups.get(key);
        if (!g) groups.set(key, (g = new Map()));
        if (!g.has(c.id)) g.set(c.id, c);
      }
    }
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    return [...groups.entries()]
      .sort((a, b) => (a[0] === undefined ? 1 : b[0] === undefined ? -1 : a[0].localeCompare(b[0])))
      .map(([name, g]) => ({ name, dataComponents: [...g.values()].sort(byName) }));
  }

  /** Data components the technique's detection strategies read, most-used first. */
  dataComponentsFor(techniqueId: string): readonly DataComponent[] {
    const counts = new Map<string, number>();
    for (const a of this.analyticsFor(techniqueId)) {
      for (const ls of a.logSources) counts.set(ls.dataComponent, (counts.get(ls.dataComponent) ?? 0) + 1);
    }
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([id]) => this.byId.get(id))
      .filter((e): e is DataComponent => e?.kind === 'data-component');
  }

  /** Every entry, each once (merged across domains). */
  entries(): IterableIterator<AttackEntry> {
    return this.byId.values();
  }
}
