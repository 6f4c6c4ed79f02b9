import { externalId, externalUrl, StixBundle, StixObject } from './stix';
import {
  Analytic,
  Campaign,
  CompiledDomain,
  CompiledIndex,
  DataComponent,
  DetectionStrategy,
  Domain,
  Group,
  LogSourceRef,
  Mitigation,
  Software,
  Tactic,
  Technique,
} from './types';

/** How ATT&CK names each domain ("Enterprise"), for the index and for messages. */
export const DOMAIN_NAMES: Readonly<Record<Domain, string>> = {
  'enterprise-attack': 'Enterprise',
  'mobile-attack': 'Mobile',
  'ics-attack': 'ICS',
};

const KILL_CHAINS = new Set(['mitre-attack', 'mitre-mobile-attack', 'mitre-ics-attack']);

const CITATION = '(Citation:';
const WHITESPACE = /\s/;

/**
 * Removes `(Citation: …)` markers with the blanks before them, and blanks before line breaks.
 * Plain scans: the patterns this replaces (`\s*\(Citation:`, `[ \t]+\n`) rescanned a run of
 * blanks from each of its characters, so 50 KB of spaces in a description took 2.4 s.
 * @internal Exported for the linear-cost tests, which feed it adversarial text directly.
 */
export function stripCitations(text: string): string {
  let out = '';
  let done = 0;
  for (let at = text.indexOf(CITATION); at >= 0; at = text.indexOf(CITATION, done)) {
    const close = text.indexOf(')', at + CITATION.length);
    // Without a `)` there is no marker here nor further on.
    if (close < 0) break;
    let start = at;
    while (start > done && WHITESPACE.test(text[start - 1])) start--;
    out += text.slice(done, start);
    done = close + 1;
  }
  out += text.slice(done);
  return out
    .split('\n')
    .map((line) => {
      let end = line.length;
      while (end > 0 && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--;
      return end === line.length ? line : line.slice(0, end);
    })
    .join('\n')
    .trim();
}

function isActiveRelationship(o: StixObject): boolean {
  return !o.revoked && !o.x_mitre_deprecated;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * The data source grouping a data component: its `x_mitre_data_source_ref` (ATT&CK ≤ 17), else the
 * data source whose name, as whole words, starts the component's (v18 left the ref empty).
 * `names` are the bundle's data source names, longest first.
 */
function dataSourceOf(component: StixObject, byStixId: ReadonlyMap<string, StixObject>, names: readonly string[]): string | undefined {
  const ref = typeof component.x_mitre_data_source_ref === 'string' ? byStixId.get(component.x_mitre_data_source_ref) : undefined;
  if (ref?.type === 'x-mitre-data-source' && ref.name) return ref.name.trim();
  const name = (component.name ?? '').trim();
  return names.find((n) => name.length > n.length && name.startsWith(n) && name[n.length] === ' ');
}

/** Compiles one domain's STIX bundle into the records AttackIndex serves. */
export function compileBundle(bundle: StixBundle): CompiledDomain {
  const byStixId = new Map<string, StixObject>();
  const idOf = new Map<string, string>();
  for (const o of bundle.objects) {
    byStixId.set(o.id, o);
    const ext = externalId(o);
    if (ext) idOf.set(o.id, ext);
  }

  // Relationships, by kind, as external-ID pairs.
  const revokedBy = new Map<string, string>();
  const uses = new Map<string, Set<string>>();
  const mitigates = new Map<string, Set<string>>();
  const detects = new Map<string, Set<string>>();
  const attributedTo = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, k: string, v: string) => {
    let s = m.get(k);
    if (!s) m.set(k, (s = new Set()));
    s.add(v);
  };
  for (const o of bundle.objects) {
    if (o.type !== 'relationship') continue;
    const src = idOf.get(o.source_ref as string);
    const dst = idOf.get(o.target_ref as string);
    if (!src || !dst) continue;
    const kind = o.relationship_type;
    if (kind === 'revoked-by') {
      revokedBy.set(src, dst);
      continue;
    }
    if (!isActiveRelationship(o)) continue;
    if (kind === 'uses') add(uses, src, dst);
    else if (kind === 'mitigates') add(mitigates, src, dst);
    else if (kind === 'detects') add(detects, src, dst);
    else if (kind === 'attributed-to') add(attributedTo, src, dst);
  }
  const techniqueIds = (from: string) => [...(uses.get(from) ?? [])].filter((id) => id.startsWith('T')).sort();
  const softwareIds = (from: string) => [...(uses.get(from) ?? [])].filter((id) => id.startsWith('S')).sort();

  const base = (o: StixObject, id: string) => ({
    id,
    name: (o.name ?? id).trim(),
    description: stripCitations(o.description ?? ''),
    url: externalUrl(o) ?? '',
    domain: bundle.domain,
    deprecated: o.x_mitre_deprecated === true,
    revoked: o.revoked === true,
    ...(revokedBy.has(id) ? { revokedBy: revokedBy.get(id) } : {}),
    ...(o.x_mitre_version ? { version: o.x_mitre_version } : {}),
    ...(o.modified ? { modified: o.modified } : {}),
  });

  const tacticsByStix = new Map<string, Tactic>();
  const techniques: Technique[] = [];
  const groups: Group[] = [];
  const software: Software[] = [];
  const campaigns: Campaign[] = [];
  const mitigations: Mitigation[] = [];
  const strategies: DetectionStrategy[] = [];
  const analytics: Analytic[] = [];
  const dataComponents: DataComponent[] = [];
  const matrices: StixObject[] = [];
  let modified = '';
  const dataSourceNames = [...new Set(bundle.objects.filter((o) => o.type === 'x-mitre-data-source' && o.name).map((o) => o.name!.trim()))].sort((a, b) => b.length - a.length);

  for (const o of bundle.objects) {
    if (o.modified && o.modified > modified) modified = o.modified;
    const id = idOf.get(o.id);
    if (o.type === 'x-mitre-matrix') {
      matrices.push(o);
      continue;
    }
    if (!id) continue;
    switch (o.type) {
      case 'x-mitre-tactic':
        tacticsByStix.set(o.id, { kind: 'tactic', ...base(o, id), shortname: String(o.x_mitre_shortname ?? ''), stixId: o.id });
        break;
      case 'attack-pattern': {
        if (!/^T\d{4}(\.\d{3})?$/.test(id)) break;
        const phases = Array.isArray(o.kill_chain_phases) ? (o.kill_chain_phases as { kill_chain_name?: string; phase_name?: string }[]) : [];
        const isSub = o.x_mitre_is_subtechnique === true || id.includes('.');
        techniques.push({
          kind: 'technique',
          ...base(o, id),
          ...(isSub ? { parent: id.split('.')[0] } : {}),
          tactics: phases.filter((p) => p.kill_chain_name && KILL_CHAINS.has(p.kill_chain_name) && p.phase_name).map((p) => p.phase_name as string),
          platforms: strings(o.x_mitre_platforms),
          isSubtechnique: isSub,
        });
        break;
      }
      case 'intrusion-set':
        groups.push({ kind: 'group', ...base(o, id), aliases: strings(o.aliases), techniques: techniqueIds(id), software: softwareIds(id) });
        break;
      case 'malware':
      case 'tool':
        software.push({
          kind: 'software',
          ...base(o, id),
          softwareType: o.type,
          aliases: strings(o.x_mitre_aliases),
          platforms: strings(o.x_mitre_platforms),
          techniques: techniqueIds(id),
        });
        break;
      case 'campaign':
        campaigns.push({
          kind: 'campaign',
          ...base(o, id),
          aliases: strings(o.aliases),
          techniques: techniqueIds(id),
          software: softwareIds(id),
          groups: [...(attributedTo.get(id) ?? [])].sort(),
        });
        break;
      case 'course-of-action':
        // Pre-2018 mitigations reused technique IDs; only M-numbered ones are mitigations today.
        if (!id.startsWith('M')) break;
        mitigations.push({ kind: 'mitigation', ...base(o, id), techniques: [...(mitigates.get(id) ?? [])].sort() });
        break;
      case 'x-mitre-detection-strategy':
        strategies.push({
          kind: 'detection-strategy',
          ...base(o, id),
          techniques: [...(detects.get(id) ?? [])].sort(),
          analytics: strings(o.x_mitre_analytic_refs).map((r) => idOf.get(r)).filter((x): x is string => !!x),
        });
        break;
      case 'x-mitre-analytic': {
        const refs = Array.isArray(o.x_mitre_log_source_references) ? (o.x_mitre_log_source_references as Record<string, unknown>[]) : [];
        const logSources: LogSourceRef[] = refs
          .map((r) => ({
            dataComponent: idOf.get(String(r.x_mitre_data_component_ref)) ?? '',
            name: String(r.name ?? ''),
            channel: String(r.channel ?? ''),
          }))
          .filter((r) => r.dataComponent);
        analytics.push({ kind: 'analytic', ...base(o, id), platforms: strings(o.x_mitre_platforms), logSources });
        break;
      }
      case 'x-mitre-data-component': {
        const own = Array.isArray(o.x_mitre_log_sources) ? (o.x_mitre_log_sources as Record<string, unknown>[]) : [];
        const logSources = [...new Set(own.map((r) => (typeof r?.name === 'string' ? r.name.trim() : '')).filter(Boolean))];
        const dataSource = dataSourceOf(o, byStixId, dataSourceNames);
        dataComponents.push({ kind: 'data-component', ...base(o, id), logSources, ...(dataSource ? { dataSource } : {}) });
        break;
      }
    }
  }

  const tactics: Tactic[] = [];
  const seen = new Set<string>();
  for (const m of matrices) {
    if (m.revoked || m.x_mitre_deprecated) continue;
    for (const ref of strings(m.tactic_refs)) {
      const t = tacticsByStix.get(ref);
      if (t && !seen.has(t.id)) {
        seen.add(t.id);
        tactics.push(t);
      }
    }
  }
  // Tactics no live matrix lists (custom or deprecated) still resolve by ID, after the matrix.
  for (const t of tacticsByStix.values()) if (!seen.has(t.id)) tactics.push({ ...t, deprecated: true });

  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    domain: bundle.domain,
    version: bundle.version,
    name: DOMAIN_NAMES[bundle.domain],
    modified,
    tactics,
    techniques: techniques.sort(byId),
    groups: groups.sort(byId),
    software: software.sort(byId),
    campaigns: campaigns.sort(byId),
    mitigations: mitigations.sort(byId),
    detectionStrategies: strategies.sort(byId),
    analytics: analytics.sort(byId),
    dataComponents: dataComponents.sort(byId),
  };
}

/**
 * A compiled index as JSON with every non-ASCII character escaped: the file decodes on the fast
 * one-byte path, which halves the time to read it at activation. The build and the update both
 * write it this way.
 */
export function compiledIndexJson(index: CompiledIndex): string {
  return JSON.stringify(index).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
