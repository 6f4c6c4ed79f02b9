import { AttackIndex } from '../attack/index';
import { readSigmaTag } from './refIds';
import { baseName, inDeprecatedFolder, LineMap } from './text';
import { AttackReference, DetectionRule, ParsedRuleFile } from './types';
import { get, keyNode, parseYaml, scalars, str, YNode } from './yamlTree';

// Sigma rules (https://sigmahq.io): one rule per YAML document, correlation rules included.
// ATT&CK lives in `tags:` as `attack.t1059.001`, `attack.execution`, `attack.g0016`, `attack.s0154`.

export function parseSigma(text: string, path: string, index: AttackIndex | undefined, lines: LineMap): ParsedRuleFile {
  const yaml = parseYaml(text, lines);
  if (yaml.problem) return { path, format: 'sigma', rules: [], problems: [yaml.problem] };
  const rules: DetectionRule[] = [];
  const inDeprecated = inDeprecatedFolder(path);
  let globalTitle: string | undefined;
  for (const doc of yaml.documents) {
    const root = doc.root;
    if (!root || root.kind !== 'map') continue;
    const ruleIndex = rules.length;
    const title = str(get(root, 'title'));
    // Legacy rule collections: the first document (`action: global`) carries the shared title.
    if (str(get(root, 'action')) === 'global' && title) globalTitle = title;
    const status = str(get(root, 'status'));
    const titleKey = keyNode(root, 'title');
    const titleValue = get(root, 'title');
    const start = titleKey?.start ?? root.start;
    const end = titleValue?.kind === 'scalar' && titleValue.end >= 0 ? titleValue.end : start;
    rules.push({
      index: ruleIndex,
      id: str(get(root, 'id')),
      title: title ?? globalTitle ?? baseName(path),
      status,
      level: str(get(root, 'level')),
      deprecated: inDeprecated || status?.toLowerCase() === 'deprecated',
      span: lines.span(start, end),
      platforms: logsourcePlatforms(get(root, 'logsource')),
      references: tagReferences(get(root, 'tags'), ruleIndex, index, lines),
    });
  }
  return { path, format: 'sigma', rules, problems: [] };
}

function logsourcePlatforms(logsource: YNode | undefined): string[] {
  const out: string[] = [];
  for (const key of ['product', 'service', 'category']) {
    const v = str(get(logsource, key));
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

function tagReferences(tags: YNode | undefined, ruleIndex: number, index: AttackIndex | undefined, lines: LineMap): AttackReference[] {
  const refs: AttackReference[] = [];
  for (const tag of scalars(tags)) {
    const reading = readSigmaTag(tag.value, index);
    if (!reading) continue;
    refs.push({
      text: lines.text.slice(tag.start, tag.end),
      kind: reading.kind,
      ...(reading.id ? { id: reading.id } : {}),
      span: lines.span(tag.start, tag.end),
      field: 'tags',
      ruleIndex,
    });
  }
  return refs;
}
