import { AttackIndex } from '../attack/index';
import { tacticId } from './refIds';
import { idReferences } from './splunk';
import { FileLimits } from './limits';
import { baseName, inDeprecatedFolder, LineMap } from './text';
import { AttackReference, DetectionRule, ParsedRuleFile } from './types';
import { unreadableName } from './unreadable';
import { fieldNode, YAML_FIELDS } from './yamlFields';
import { nonTextReferences } from './yamlRefs';
import { get, keyNode, parseYaml, scalars, str, YNode } from './yamlTree';
import { RuleReads, sentinelReads, yamlMaturity } from './logSources';

// Microsoft Sentinel analytics rules (Azure/Azure-Sentinel `Detections/**.yaml`): tactics by
// name (`DefenseEvasion`), techniques by ID in `relevantTechniques` (and `subTechniques`); the
// keys are src/rules/yamlFields.ts.

export function parseSentinel(text: string, path: string, index: AttackIndex | undefined, lines: LineMap, limits: FileLimits): ParsedRuleFile {
  const yaml = parseYaml(text, lines, limits);
  if (yaml.problem) return { path, format: 'sentinel', rules: [], problems: [yaml.problem] };
  const rules: DetectionRule[] = [];
  for (const doc of yaml.documents) {
    const root = doc.root;
    if (!root || root.kind !== 'map') continue;
    if (!limits.rule(root.start)) break;
    const ruleIndex = rules.length;
    const name = str(get(root, 'name')) ?? str(get(root, 'displayName'));
    const status = str(get(root, 'status'));
    const nameKey = keyNode(root, 'name');
    const nameValue = get(root, 'name');
    const start = nameKey?.start ?? root.start;
    const end = nameValue?.kind === 'scalar' && nameValue.end >= 0 ? nameValue.end : start;
    const references: AttackReference[] = YAML_FIELDS.sentinel.flatMap((f) =>
      f.holds === 'tactic' ? tacticReferences(fieldNode(root, f), ruleIndex, index, lines, limits) : idReferences(fieldNode(root, f), f.path.join('.'), ruleIndex, lines, limits),
    );
    const reads = new RuleReads('sentinel', limits);
    sentinelReads(root, reads);
    rules.push({
      index: ruleIndex,
      id: str(get(root, 'id')),
      title: name ?? baseName(path),
      status,
      level: str(get(root, 'severity')),
      deprecated: inDeprecatedFolder(path) || /^\s*\[deprecated\]/i.test(name ?? '') || status?.toLowerCase() === 'deprecated',
      span: lines.span(start, end),
      platforms: connectorIds(get(root, 'requiredDataConnectors')),
      references,
      reads: reads.done(),
      maturity: yamlMaturity(root, ['status', 'enabled']),
    });
  }
  return { path, format: 'sentinel', rules, problems: [] };
}

function tacticReferences(node: YNode | undefined, ruleIndex: number, index: AttackIndex | undefined, lines: LineMap, limits: FileLimits): AttackReference[] {
  const named: AttackReference[] = [];
  for (const s of scalars(node)) {
    if (!limits.reference(s.start, s.end)) break;
    const id = tacticId(s.value, index);
    const unreadable = id || !index ? undefined : unreadableName(s.value, (t) => tacticId(t, index));
    named.push({
      text: lines.text.slice(s.start, s.end),
      kind: 'tactic' as const,
      ...(id ? { id } : {}),
      span: lines.span(s.start, s.end),
      field: 'tactics',
      ruleIndex,
      ...(unreadable ? { unreadable } : {}),
    });
  }
  return named.concat(nonTextReferences(node, 'tactic', 'tactics', ruleIndex, lines, limits));
}

function connectorIds(node: YNode | undefined): string[] {
  const out = new Set<string>();
  if (node?.kind !== 'seq') return [];
  for (const item of node.items) {
    const id = str(get(item, 'connectorId')) ?? str(item);
    if (id) out.add(id);
  }
  return [...out];
}
