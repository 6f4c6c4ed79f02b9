import { AttackIndex } from '../attack/index';
import { normalizeId } from '../attack/ids';
import { kindOfReference, sigmaTagReference } from './refIds';
import { FileLimits } from './limits';
import { baseName, inDeprecatedFolder, LineMap } from './text';
import { AttackReference, DetectionRule, ParsedRuleFile, ReferenceKind, Unreadable } from './types';
import { repairedMark, repairReferenceText } from './unreadable';
import { nonTextReference } from './yamlRefs';
import { get, keyNode, parseYaml, str, YNode } from './yamlTree';
import { fieldNode, YAML_FIELDS } from './yamlFields';
import { RuleReads, sigmaReads, yamlMaturity } from './logSources';

// Sigma rules (https://sigmahq.io): one rule per YAML document, correlation rules included.
// ATT&CK lives in `tags:` as `attack.t1059.001`, `attack.execution`, `attack.g0016`, `attack.s0154`.

export function parseSigma(text: string, path: string, index: AttackIndex | undefined, lines: LineMap, limits: FileLimits): ParsedRuleFile {
  const yaml = parseYaml(text, lines, limits);
  if (yaml.problem) return { path, format: 'sigma', rules: [], problems: [yaml.problem] };
  const rules: DetectionRule[] = [];
  const inDeprecated = inDeprecatedFolder(path);
  let globalTitle: string | undefined;
  for (const doc of yaml.documents) {
    const root = doc.root;
    if (!root || root.kind !== 'map') continue;
    if (!limits.rule(root.start)) break;
    const ruleIndex = rules.length;
    const title = str(get(root, 'title'));
    // Legacy rule collections: the first document (`action: global`) carries the shared title.
    if (str(get(root, 'action')) === 'global' && title) globalTitle = title;
    const status = str(get(root, 'status'));
    const titleKey = keyNode(root, 'title');
    const titleValue = get(root, 'title');
    const start = titleKey?.start ?? root.start;
    const end = titleValue?.kind === 'scalar' && titleValue.end >= 0 ? titleValue.end : start;
    const reads = new RuleReads('sigma', limits);
    sigmaReads(get(root, 'logsource'), get(root, 'detection'), reads);
    rules.push({
      index: ruleIndex,
      id: str(get(root, 'id')),
      title: title ?? globalTitle ?? baseName(path),
      status,
      level: str(get(root, 'level')),
      deprecated: inDeprecated || status?.toLowerCase() === 'deprecated',
      span: lines.span(start, end),
      platforms: logsourcePlatforms(get(root, 'logsource')),
      references: YAML_FIELDS.sigma.flatMap((f) => tagReferences(fieldNode(root, f), ruleIndex, index, lines, limits)),
      reads: reads.done(),
      maturity: yamlMaturity(root, ['status', 'level']),
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

function tagReferences(tags: YNode | undefined, ruleIndex: number, index: AttackIndex | undefined, lines: LineMap, limits: FileLimits): AttackReference[] {
  const refs: AttackReference[] = [];
  const items = tags?.kind === 'seq' ? tags.items : tags ? [tags] : [];
  for (const tag of items) {
    if (limits.referencesFull) break;
    if (tag.kind !== 'scalar') {
      if (!limits.reference(tag.start)) break;
      refs.push(nonTextReference(tag, 'technique', 'tags', ruleIndex, lines));
      continue;
    }
    if (str(tag) === undefined) continue;
    const reading = sigmaTagReference(tag.value, index);
    const unreadable = reading ? undefined : unreadableSigmaTag(tag.value, index);
    if (!reading && !unreadable) continue;
    if (!limits.reference(tag.start, tag.end)) break;
    const kind = reading?.kind ?? unreadable!.kind;
    const id = reading?.id;
    refs.push({
      text: lines.text.slice(tag.start, tag.end),
      kind,
      ...(id ? { id } : {}),
      span: lines.span(tag.start, tag.end),
      field: 'tags',
      ruleIndex,
      ...(unreadable ? { unreadable: unreadable.mark } : {}),
    });
  }
  return refs;
}

/**
 * A tag no reading takes that is meant as ATT&CK: in the `attack.` namespace once repaired
 * (`attack.t1059.001.`, `attack.t\u200b1059`, `attack.ｔ１０５９`), or a bare ID (`T1059.001`).
 * Undefined for other namespaces and for IDs of retired kinds (`attack.ds0005`).
 */
function unreadableSigmaTag(tag: string, index: AttackIndex | undefined): { kind: ReferenceKind; mark: Unreadable } | undefined {
  const repair = repairReferenceText(tag);
  const text = repair?.text ?? tag.trim();
  if (/^attack[._-]/i.test(text)) {
    const reading = repair ? sigmaTagReference(text, index) : undefined;
    if (repair && reading) {
      const canonical = reading.id && reading.kind !== 'tactic' ? `attack.${reading.id.toLowerCase()}` : text;
      return { kind: reading.kind, mark: repairedMark(repair, canonical) };
    }
    if (/^attack[._-][a-z]{1,3}\d+$/i.test(text)) return undefined;
    return { kind: /^attack[._-]t\d/i.test(text) ? 'technique' : 'tactic', mark: { reason: 'it is not an ATT&CK technique, tactic, group or software tag' } };
  }
  const id = normalizeId(text, 'lenient');
  const kind = id ? kindOfReference(id) : undefined;
  if (!id || !kind) return undefined;
  return { kind, mark: { reason: 'Sigma ATT&CK tags start with "attack."', repaired: `attack.${id.toLowerCase()}`, certain: true } };
}
