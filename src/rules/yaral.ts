import { AttackIndex } from '../attack/index';
import { kindOfReference, lenientId, tacticId } from './refIds';
import { inDeprecatedFolder, LineMap } from './text';
import { AttackReference, DetectionRule, ParsedRuleFile, ReferenceKind, RuleProblem } from './types';

// Google SecOps (Chronicle) YARA-L 2.0: `rule name { meta: key = "value" ... events: ...
// condition: ... }`, several rules per file. ATT&CK sits in meta strings as IDs, names or
// `Parent: Sub` names, possibly several per string separated by commas.

const RULE_HEADER = /^[ \t]*rule[ \t]+([A-Za-z_][\w]*)[ \t]*\{/gm;
const SECTION = /^[ \t]*(meta|events|match|outcome|condition|options)[ \t]*:/gm;
const META_LINE = /^[ \t]*([A-Za-z_][\w]*)[ \t]*=[ \t]*"((?:[^"\\\r\n]|\\.)*)"/gm;

const TACTIC_KEYS = new Set(['mitre_attack_tactic', 'tactic', 'mitre_tactic', 'mitre_attack_tactics']);
const TECHNIQUE_KEYS = new Set([
  'mitre_attack_technique',
  'mitre_attack_technique_id',
  'mitre_attack_subtechnique',
  'mitre_attack_id',
  'mitre_technique',
  'technique',
  'technique_id',
  'mitre_attack_techniques',
]);

export function parseYaraL(text: string, path: string, index: AttackIndex | undefined, lines: LineMap): ParsedRuleFile {
  const headers = [...text.matchAll(RULE_HEADER)];
  const rules: DetectionRule[] = [];
  const problems: RuleProblem[] = [];
  if (headers.length === 0) {
    problems.push({ message: 'No YARA-L rule found (expected `rule name { ... }`)', severity: 'warning', span: lines.span(0, lines.lineEnd(0)) });
  }
  headers.forEach((h, i) => {
    const start = h.index;
    const limit = i + 1 < headers.length ? headers[i + 1].index : text.length;
    const close = text.lastIndexOf('}', limit - 1);
    const headerEnd = start + h[0].length;
    if (close < headerEnd) {
      problems.push({ message: `Rule "${h[1]}" has no closing brace`, severity: 'error', span: lines.span(start + h[0].indexOf('rule'), headerEnd) });
    }
    const bodyEnd = close < headerEnd ? limit : close;
    rules.push(readRule(text, h[1], start + h[0].indexOf('rule'), headerEnd, bodyEnd, rules.length, path, index, lines));
  });
  return { path, format: 'yaral', rules, problems };
}

function readRule(text: string, name: string, start: number, bodyStart: number, bodyEnd: number, ruleIndex: number, path: string, index: AttackIndex | undefined, lines: LineMap): DetectionRule {
  const meta = metaEntries(text, bodyStart, bodyEnd);
  const value = (k: string) => meta.find((m) => m.key.toLowerCase() === k)?.value.trim() || undefined;
  const references: AttackReference[] = [];
  for (const m of meta) {
    const key = m.key.toLowerCase();
    const slot: ReferenceKind | undefined = TACTIC_KEYS.has(key) ? 'tactic' : TECHNIQUE_KEYS.has(key) ? 'technique' : undefined;
    if (slot) for (const item of splitItems(m.value, m.start)) references.push(itemReference(item, slot, `meta.${m.key}`, ruleIndex, index, lines));
  }
  const status = value('status');
  const platforms = ['platform', 'product', 'data_source', 'log_source', 'logsource'].map(value).filter((v): v is string => v !== undefined);
  return {
    index: ruleIndex,
    id: value('id') ?? value('rule_id') ?? name,
    title: name,
    status,
    level: value('severity') ?? value('priority'),
    deprecated: inDeprecatedFolder(path) || status?.toLowerCase() === 'deprecated',
    span: lines.span(start, start + 4 + text.slice(start + 4, bodyStart).indexOf(name) + name.length),
    platforms,
    references,
  };
}

interface MetaEntry {
  readonly key: string;
  readonly value: string;
  /** Offset of the value's first character (after the opening quote). */
  readonly start: number;
}

function metaEntries(text: string, bodyStart: number, bodyEnd: number): MetaEntry[] {
  const body = text.slice(bodyStart, bodyEnd);
  SECTION.lastIndex = 0;
  let metaStart = -1;
  let metaEnd = body.length;
  for (let s = SECTION.exec(body); s; s = SECTION.exec(body)) {
    if (metaStart < 0 && s[1] === 'meta') metaStart = s.index + s[0].length;
    else if (metaStart >= 0) {
      metaEnd = s.index;
      break;
    }
  }
  if (metaStart < 0) return [];
  const section = body.slice(metaStart, metaEnd);
  const out: MetaEntry[] = [];
  for (const m of section.matchAll(META_LINE)) {
    const quote = m.index + m[0].indexOf('"', m[0].indexOf('=') + 1);
    out.push({ key: m[1], value: m[2], start: bodyStart + metaStart + quote + 1 });
  }
  return out;
}

interface Item {
  readonly text: string;
  readonly start: number;
}

/** Comma-separated items of a meta string, each trimmed, with its own offset. */
function splitItems(value: string, start: number): Item[] {
  const items: Item[] = [];
  let from = 0;
  for (const part of value.split(',')) {
    const lead = part.length - part.trimStart().length;
    const t = part.trim();
    if (t !== '') items.push({ text: t, start: start + from + lead });
    from += part.length + 1;
  }
  return items;
}

function itemReference(item: Item, slot: ReferenceKind, field: string, ruleIndex: number, index: AttackIndex | undefined, lines: LineMap): AttackReference {
  const base = { text: item.text, span: lines.span(item.start, item.start + item.text.length), field, ruleIndex };
  const asId = lenientId(item.text) ?? lenientId(/^\S+/.exec(item.text)?.[0] ?? '');
  if (asId) {
    const kind = kindOfReference(asId) ?? slot;
    return { ...base, kind, id: kind === 'tactic' ? tacticId(asId, index) ?? asId : asId };
  }
  if (slot === 'tactic') {
    const id = tacticId(item.text, index);
    return { ...base, kind: 'tactic', ...(id ? { id } : {}) };
  }
  const id = techniqueByName(item.text, index);
  return { ...base, kind: 'technique', ...(id ? { id } : {}) };
}

/** `PowerShell`, `Command and Scripting Interpreter: PowerShell` → the technique's ID (active ones first). */
function techniqueByName(name: string, index: AttackIndex | undefined): string | undefined {
  if (!index) return undefined;
  const candidates = index.byExactName(name).filter((e) => e.kind === 'technique');
  const pick = candidates.find((e) => index.isActive(e)) ?? candidates[0];
  if (pick) return pick.id;
  const colon = name.indexOf(':');
  if (colon > 0) {
    const parent = techniqueByName(name.slice(0, colon), index);
    const sub = name.slice(colon + 1).trim().toLowerCase();
    if (parent) return index.subtechniques(parent, true).find((t) => t.name.toLowerCase() === sub)?.id;
  }
  return undefined;
}
