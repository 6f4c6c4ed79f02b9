import { DOMAINS, isRecord } from './types';

// Shape checks for a compiled index read back from disk (the global-storage cache, dist/, or
// ATTACK_LENS_INDEX). The file is ours, but a cache can be truncated, hand-edited or written by
// another version: one wrong field would otherwise surface as a TypeError deep in AttackIndex.
// The whole file is refused with the path of the first bad field.

type Check = (v: unknown) => string | undefined;

const str: Check = (v) => (typeof v === 'string' ? undefined : 'expected a string');
const bool: Check = (v) => (typeof v === 'boolean' ? undefined : 'expected true or false');
const optStr: Check = (v) => (v === undefined ? undefined : str(v));
const strList: Check = (v) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : 'expected a list of strings');
const logSources: Check = (v) =>
  Array.isArray(v) && v.every((r) => isRecord(r) && typeof r.dataComponent === 'string' && typeof r.name === 'string' && typeof r.channel === 'string')
    ? undefined
    : 'expected a list of {dataComponent, name, channel}';
const optStrList: Check = (v) => (v === undefined ? undefined : strList(v));

const BASE: Readonly<Record<string, Check>> = {
  id: str,
  name: str,
  description: str,
  url: str,
  domain: (v) => (typeof v === 'string' && (DOMAINS as readonly string[]).includes(v) ? undefined : `expected one of ${DOMAINS.join(', ')}`),
  deprecated: bool,
  revoked: bool,
  revokedBy: optStr,
  version: optStr,
  modified: optStr,
};

/** Each list of a compiled domain, with the kind its entries carry and their own fields. */
const LISTS: Readonly<Record<string, { kind: string; fields: Readonly<Record<string, Check>> }>> = {
  tactics: { kind: 'tactic', fields: { shortname: str, stixId: optStr } },
  techniques: { kind: 'technique', fields: { parent: optStr, tactics: strList, platforms: strList, isSubtechnique: bool } },
  groups: { kind: 'group', fields: { aliases: strList, techniques: strList, software: strList } },
  software: { kind: 'software', fields: { softwareType: str, aliases: strList, platforms: strList, techniques: strList } },
  campaigns: { kind: 'campaign', fields: { aliases: strList, techniques: strList, software: strList, groups: strList } },
  mitigations: { kind: 'mitigation', fields: { techniques: strList } },
  detectionStrategies: { kind: 'detection-strategy', fields: { techniques: strList, analytics: strList } },
  analytics: { kind: 'analytic', fields: { platforms: strList, logSources } },
  dataComponents: { kind: 'data-component', fields: { logSources: optStrList, dataSource: optStr } },
};

type FieldList = readonly (readonly [string, Check])[];
const BASE_FIELDS: FieldList = Object.entries(BASE);
const LIST_FIELDS: Readonly<Record<string, FieldList>> = Object.fromEntries(Object.entries(LISTS).map(([list, { fields }]) => [list, [...BASE_FIELDS, ...Object.entries(fields)]]));

/** The path is built only for the field at fault: this runs for every entry at activation. */
function fieldsProblem(o: Record<string, unknown>, fields: FieldList, at: () => string): string | undefined {
  for (let i = 0; i < fields.length; i++) {
    const problem = fields[i][1](o[fields[i][0]]);
    if (problem) return `${at()}.${fields[i][0]}: ${problem}`;
  }
  return undefined;
}

/** The first field of a parsed compiled index that is not what AttackIndex reads, or undefined. */
export function compiledIndexProblem(domains: unknown): string | undefined {
  if (!Array.isArray(domains)) return 'domains: expected a list';
  for (let d = 0; d < domains.length; d++) {
    const domain: unknown = domains[d];
    const at = `domains[${d}]`;
    if (!isRecord(domain)) return `${at}: expected an object`;
    const head = fieldsProblem(domain, [['domain', BASE.domain], ['version', str], ['name', str], ['modified', str]], () => at);
    if (head) return head;
    for (const list in LISTS) {
      const entries = domain[list];
      if (!Array.isArray(entries)) return `${at}.${list}: expected a list`;
      const { kind } = LISTS[list];
      const fields = LIST_FIELDS[list];
      for (let i = 0; i < entries.length; i++) {
        const e: unknown = entries[i];
        const eAt = () => `${at}.${list}[${i}]`;
        if (!isRecord(e)) return `${eAt()}: expected an object`;
        if (e.kind !== kind) return `${eAt()}.kind: expected "${kind}"`;
        const problem = fieldsProblem(e, fields, eAt);
        if (problem) return problem;
      }
    }
  }
  return undefined;
}
