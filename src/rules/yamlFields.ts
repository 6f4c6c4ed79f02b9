import { get, YNode } from './yamlTree';

// The YAML keys that hold ATT&CK in the YAML rule formats, and what each holds: one table for
// the parsers and the completion slot reader (slotsYaml.ts), so whatever counts can be
// completed. Paths are keys from the document root.

export interface YamlField {
  readonly path: readonly string[];
  /** `tag`: Sigma's `attack.*` tags (tactics, techniques, groups, software). */
  readonly holds: 'tactic' | 'technique' | 'tag';
}

export const YAML_FIELDS: Readonly<Record<'sigma' | 'splunk' | 'sentinel', readonly YamlField[]>> = {
  sigma: [{ path: ['tags'], holds: 'tag' }],
  splunk: [{ path: ['tags', 'mitre_attack_id'], holds: 'technique' }],
  sentinel: [
    { path: ['tactics'], holds: 'tactic' },
    { path: ['relevantTechniques'], holds: 'technique' },
    { path: ['subTechniques'], holds: 'technique' },
  ],
};

/** The field a key path is, in a format's table. */
export function yamlFieldAt(format: keyof typeof YAML_FIELDS, path: readonly string[]): YamlField | undefined {
  return YAML_FIELDS[format].find((f) => f.path.length === path.length && f.path.every((k, i) => k === path[i]));
}

/** The node a field's path leads to in a document. */
export function fieldNode(root: YNode | undefined, field: YamlField): YNode | undefined {
  return field.path.reduce<YNode | undefined>((node, key) => get(node, key), root);
}
