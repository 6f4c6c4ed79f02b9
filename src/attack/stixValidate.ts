// Type checks for the STIX fields ATT&CK Lens reads. A bundle comes from outside (a setting, a
// download, --stix): an object whose fields have the wrong type (`"name": 5`, `x_mitre_domains`
// not a list) is left out and counted rather than reaching the compiler as a TypeError.

import { isRecord } from './types';

export interface MalformedObject {
  /** The object's STIX id, or its place in `objects` when it has none. */
  readonly id: string;
  /** `field name: expected a string`. */
  readonly problem: string;
}

type Check = (v: unknown) => string | undefined;

const str: Check = (v) => (typeof v === 'string' ? undefined : 'expected a string');
const bool: Check = (v) => (typeof v === 'boolean' ? undefined : 'expected true or false');
const strList: Check = (v) => {
  if (!Array.isArray(v)) return 'expected a list of strings';
  const bad = v.findIndex((x) => typeof x !== 'string');
  return bad < 0 ? undefined : `item ${bad}: expected a string`;
};

/** A list of objects whose named fields, when present, pass their checks. */
function recordList(fields: Readonly<Record<string, Check>>): Check {
  return (v) => {
    if (!Array.isArray(v)) return 'expected a list';
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      if (!isRecord(item)) return `item ${i}: expected an object`;
      for (const [name, check] of Object.entries(fields)) {
        if (item[name] === undefined) continue;
        const problem = check(item[name]);
        if (problem) return `item ${i}: field ${name}: ${problem}`;
      }
    }
    return undefined;
  };
}

const COMMON: Readonly<Record<string, Check>> = {
  name: str,
  description: str,
  modified: str,
  revoked: bool,
  x_mitre_deprecated: bool,
  x_mitre_version: str,
  x_mitre_domains: strList,
  x_mitre_platforms: strList,
  external_references: recordList({ source_name: str, external_id: str, url: str }),
};

const BY_TYPE: Readonly<Record<string, Readonly<Record<string, Check>>>> = {
  'attack-pattern': { kill_chain_phases: recordList({ kill_chain_name: str, phase_name: str }), x_mitre_is_subtechnique: bool },
  'x-mitre-tactic': { x_mitre_shortname: str },
  'x-mitre-matrix': { tactic_refs: strList },
  'intrusion-set': { aliases: strList },
  campaign: { aliases: strList },
  malware: { x_mitre_aliases: strList },
  tool: { x_mitre_aliases: strList },
  relationship: { source_ref: str, target_ref: str, relationship_type: str },
  'x-mitre-detection-strategy': { x_mitre_analytic_refs: strList },
  'x-mitre-analytic': { x_mitre_log_source_references: recordList({ x_mitre_data_component_ref: str, name: str, channel: str }) },
};

/** Why the object at `objects[position]` cannot be read, or undefined when it can. */
export function malformedObject(o: unknown, position: number): MalformedObject | undefined {
  if (!isRecord(o)) return { id: `objects[${position}]`, problem: 'expected an object' };
  if (typeof o.id !== 'string' || !o.id) return { id: `objects[${position}]`, problem: 'field id: expected a string' };
  if (typeof o.type !== 'string') return { id: o.id, problem: 'field type: expected a string' };
  for (const fields of [COMMON, BY_TYPE[o.type]]) {
    if (!fields) continue;
    for (const [name, check] of Object.entries(fields)) {
      if (o[name] === undefined) continue;
      const problem = check(o[name]);
      if (problem) return { id: o.id, problem: `field ${name}: ${problem}` };
    }
  }
  return undefined;
}

/** "skipped 3 malformed objects (first: attack-pattern--… field name: expected a string)". */
export function describeMalformed(malformed: readonly MalformedObject[]): string {
  if (!malformed.length) return '';
  const first = malformed[0];
  return `skipped ${malformed.length} malformed object${malformed.length === 1 ? '' : 's'} (first: ${first.id} ${first.problem})`;
}
