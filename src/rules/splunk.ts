import { AttackIndex } from '../attack/index';
import { normalizeId } from '../attack/ids';
import { kindOfReference } from './refIds';
import { FileLimits } from './limits';
import { baseName, inDeprecatedFolder, LineMap } from './text';
import { AttackReference, DetectionRule, ParsedRuleFile } from './types';
import { unreadableId } from './unreadable';
import { nonTextReferences } from './yamlRefs';
import { get, keyNode, parseYaml, scalars, str, YNode } from './yamlTree';
import { fieldNode, YAML_FIELDS } from './yamlFields';
import { RuleReads, splunkReads, yamlMaturity } from './logSources';

// Splunk ESCU detections (splunk/security_content): one rule per file, ATT&CK IDs in
// `tags.mitre_attack_id`; `status: deprecated` or a `deprecated/` folder marks retired ones.

export function parseSplunk(text: string, path: string, index: AttackIndex | undefined, lines: LineMap, limits: FileLimits): ParsedRuleFile {
  const yaml = parseYaml(text, lines, limits);
  if (yaml.problem) return { path, format: 'splunk', rules: [], problems: [yaml.problem] };
  const rules: DetectionRule[] = [];
  for (const doc of yaml.documents) {
    const root = doc.root;
    if (!root || root.kind !== 'map') continue;
    if (!limits.rule(root.start)) break;
    const ruleIndex = rules.length;
    const status = str(get(root, 'status'));
    const tags = get(root, 'tags');
    const nameKey = keyNode(root, 'name');
    const nameValue = get(root, 'name');
    const start = nameKey?.start ?? root.start;
    const end = nameValue?.kind === 'scalar' && nameValue.end >= 0 ? nameValue.end : start;
    const references = YAML_FIELDS.splunk.flatMap((f) => idReferences(fieldNode(root, f), f.path.join('.'), ruleIndex, lines, limits));
    const reads = new RuleReads('splunk', limits);
    splunkReads(root, reads);
    rules.push({
      index: ruleIndex,
      id: str(get(root, 'id')),
      title: str(nameValue) ?? baseName(path),
      status,
      level: severityOf(root, tags),
      deprecated: inDeprecatedFolder(path) || status?.toLowerCase() === 'deprecated',
      span: lines.span(start, end),
      platforms: dataSources(root),
      references,
      reads: reads.done(),
      maturity: yamlMaturity(root, ['status']),
    });
  }
  return { path, format: 'splunk', rules, problems: [] };
}

function dataSources(root: YNode): string[] {
  const out = new Set<string>();
  for (const key of ['data_source', 'data_sources']) for (const s of scalars(get(root, key))) out.add(s.value.trim());
  return [...out];
}

/** ESCU has no severity field of its own; honour one when a file states it. */
function severityOf(root: YNode, tags: YNode | undefined): string | undefined {
  return str(get(root, 'severity')) ?? str(get(tags, 'severity'));
}

/** References in a slot that takes only technique IDs; text no ID spelling reads and non-text items are kept, marked unreadable. */
export function idReferences(node: YNode | undefined, field: string, ruleIndex: number, lines: LineMap, limits: FileLimits): AttackReference[] {
  const refs: AttackReference[] = [];
  for (const s of scalars(node)) {
    if (!limits.reference(s.start, s.end)) break;
    const text = lines.text.slice(s.start, s.end);
    const id = normalizeId(s.value, 'lenient');
    const kind = id ? kindOfReference(id) : undefined;
    const unreadable = id ? undefined : unreadableId(s.value);
    // The slot's kind, not the ID's: a group or tactic ID here is in the wrong place (the checks say so).
    refs.push({
      text,
      kind: 'technique',
      ...(id && kind ? { id } : {}),
      span: lines.span(s.start, s.end),
      field,
      ruleIndex,
      ...(unreadable ? { unreadable } : {}),
    });
  }
  return refs.concat(nonTextReferences(node, 'technique', field, ruleIndex, lines, limits));
}
