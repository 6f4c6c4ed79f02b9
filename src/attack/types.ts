// The compiled ATT&CK records. Plain data: what the build writes to dist/attack-index.json
// and what AttackIndex serves. Relations are stored once, as ID lists, on the side that
// STIX puts them (group → techniques); AttackIndex derives the reverse lookups at load.

export type Domain = 'enterprise-attack' | 'mobile-attack' | 'ics-attack';
export const DOMAINS: readonly Domain[] = ['enterprise-attack', 'mobile-attack', 'ics-attack'];

export type EntryKind = 'tactic' | 'technique' | 'group' | 'software' | 'campaign' | 'mitigation' | 'detection-strategy' | 'analytic' | 'data-component';

interface EntryBase {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly url: string;
  readonly domain: Domain;
  readonly deprecated: boolean;
  readonly revoked: boolean;
  /** The entry named by this one's `revoked-by` relationship (direct, not followed). */
  readonly revokedBy?: string;
  readonly version?: string;
  readonly modified?: string;
}

export interface Tactic extends EntryBase {
  readonly kind: 'tactic';
  readonly shortname: string;
  /** The STIX object id: what stays when ATT&CK renames a tactic (TA0005, `defense-evasion` → `stealth`). Absent in indexes compiled before it was kept. */
  readonly stixId?: string;
}

export interface Technique extends EntryBase {
  readonly kind: 'technique';
  readonly parent?: string;
  /** Tactic shortnames of this technique's domain, in the bundle's order. */
  readonly tactics: readonly string[];
  readonly platforms: readonly string[];
  readonly isSubtechnique: boolean;
}

export interface Group extends EntryBase {
  readonly kind: 'group';
  readonly aliases: readonly string[];
  readonly techniques: readonly string[];
  readonly software: readonly string[];
}

export interface Software extends EntryBase {
  readonly kind: 'software';
  readonly softwareType: 'malware' | 'tool';
  readonly aliases: readonly string[];
  readonly platforms: readonly string[];
  readonly techniques: readonly string[];
}

export interface Campaign extends EntryBase {
  readonly kind: 'campaign';
  readonly aliases: readonly string[];
  readonly techniques: readonly string[];
  readonly software: readonly string[];
  readonly groups: readonly string[];
}

export interface Mitigation extends EntryBase {
  readonly kind: 'mitigation';
  readonly techniques: readonly string[];
}

export interface DetectionStrategy extends EntryBase {
  readonly kind: 'detection-strategy';
  readonly techniques: readonly string[];
  readonly analytics: readonly string[];
}

export interface LogSourceRef {
  readonly dataComponent: string;
  readonly name: string;
  readonly channel: string;
}

export interface Analytic extends EntryBase {
  readonly kind: 'analytic';
  readonly platforms: readonly string[];
  readonly logSources: readonly LogSourceRef[];
}

export interface DataComponent extends EntryBase {
  readonly kind: 'data-component';
  /**
   * Names of the log sources ATT&CK lists for it (`x_mitre_log_sources`), each once; absent in an index
   * compiled before they were kept. Their channels are left out (they would add 0.5 MB to the index):
   * the analytics' log source references carry the channels a rule would read.
   */
  readonly logSources?: readonly string[];
  /**
   * The data source grouping it (`Process`), by name. ATT&CK up to v17 links it (`x_mitre_data_source_ref`);
   * v18 deprecated data sources and dropped the link, so it is the data source whose name starts the
   * component's (`Process Creation` → `Process`). Absent when neither says.
   */
  readonly dataSource?: string;
}

export type AttackEntry = Tactic | Technique | Group | Software | Campaign | Mitigation | DetectionStrategy | Analytic | DataComponent;

/** Entries that `uses` techniques: the actors of a threat profile. */
export type Actor = Group | Software | Campaign;

export interface CompiledDomain {
  readonly domain: Domain;
  readonly version: string;
  readonly name: string;
  /** The newest `modified` timestamp in the bundle. */
  readonly modified: string;
  /** Tactics in matrix order. */
  readonly tactics: readonly Tactic[];
  readonly techniques: readonly Technique[];
  readonly groups: readonly Group[];
  readonly software: readonly Software[];
  readonly campaigns: readonly Campaign[];
  readonly mitigations: readonly Mitigation[];
  readonly detectionStrategies: readonly DetectionStrategy[];
  readonly analytics: readonly Analytic[];
  readonly dataComponents: readonly DataComponent[];
}

export const COMPILED_FORMAT = 1;

export interface CompiledIndex {
  readonly format: typeof COMPILED_FORMAT;
  readonly domains: readonly CompiledDomain[];
}

/** A problem with ATT&CK data a user supplied: shown to them, never thrown as a bug. */
export class AttackDataError extends Error {
  constructor(
    message: string,
    readonly source?: string,
  ) {
    super(source ? `${source}: ${message}` : message);
    this.name = 'AttackDataError';
  }
}

/** A JSON object (not null, not an array): what every reader of ATT&CK data files checks first. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON.parse for ATT&CK data files: text that is not JSON is an AttackDataError naming `source`. */
export function parseDataJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AttackDataError(`not valid JSON (${(e as Error).message})`, source);
  }
}
