import { AttackIndex } from '../attack/index';
import { normalizeId } from '../attack/ids';
import { kindOfReference, tacticId } from './refIds';
import { FileLimits } from './limits';
import { inDeprecatedFolder, LineMap } from './text';
import { AttackReference, DetectionRule, ParsedRuleFile, ReferenceKind, RuleProblem, Unreadable } from './types';
import { repairedMark, repairReferenceText, unreadableName } from './unreadable';
import { YaralMetaContent, yaralMetaContent } from './yaralMeta';
import { RuleReads, yaralReads } from './logSources';

// Google SecOps (Chronicle) YARA-L 2.0: `rule name { meta: key = "value" ... events: ...
// condition: ... }`, several rules per file. ATT&CK sits in meta strings as IDs, names or
// `Parent: Sub` names, possibly several per string separated by commas. Which meta keys hold
// ATT&CK is src/rules/yaralMeta.ts.

const RULE_HEADER = /^[ \t]*rule[ \t]+([A-Za-z_][\w]*)\s*\{/gm;
const SECTION = /^[ \t]*(meta|events|match|outcome|condition|options)[ \t]*:/gm;
const META_LINE = /^[ \t]*([A-Za-z_][\w]*)[ \t]*=[ \t]*"((?:[^"\\\r\n]|\\.)*)"/gm;

export function parseYaraL(source: string, path: string, index: AttackIndex | undefined, lines: LineMap, limits: FileLimits): ParsedRuleFile {
  // Comments become spaces, so a commented-out rule or meta line is not read and offsets still match the source.
  const text = withoutComments(source);
  // Headers up to the rule cap, and the next one (where the last rule read ends).
  const headers: RegExpExecArray[] = [];
  let capped = false;
  for (const h of text.matchAll(RULE_HEADER)) {
    headers.push(h);
    if (!limits.rule(h.index + h[0].indexOf('rule'), h.index + h[0].length)) {
      capped = true;
      break;
    }
  }
  const rules: DetectionRule[] = [];
  const problems: RuleProblem[] = [];
  if (headers.length === 0) {
    problems.push({ message: 'No YARA-L rule found (expected `rule name { ... }`)', severity: 'warning', span: lines.span(0, lines.lineEnd(0)) });
  }
  headers.forEach((h, i) => {
    if (capped && i === headers.length - 1) return;
    const start = h.index;
    const limit = i + 1 < headers.length ? headers[i + 1].index : text.length;
    const headerEnd = start + h[0].length;
    const close = lastBrace(text, headerEnd, limit);
    if (close < headerEnd) {
      problems.push({ message: `Rule "${h[1]}" has no closing brace`, severity: 'error', span: lines.span(start + h[0].indexOf('rule'), headerEnd) });
    }
    const bodyEnd = close < headerEnd ? limit : close;
    rules.push(readRule(text, h[1], start + h[0].indexOf('rule'), headerEnd, bodyEnd, rules.length, path, index, lines, problems, limits));
  });
  return { path, format: 'yaral', rules, problems };
}

/**
 * The last `}` in [from, to), or -1. Bounded by the rule's own text: `lastIndexOf` from the
 * next header would search back to the start of the file for a rule with no brace, and a file
 * of unclosed headers took quadratic time (116 000 headers: 53 s).
 */
function lastBrace(text: string, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (text.charCodeAt(i) === 125) return i;
  return -1;
}

function readRule(text: string, name: string, start: number, bodyStart: number, bodyEnd: number, ruleIndex: number, path: string, index: AttackIndex | undefined, lines: LineMap, problems: RuleProblem[], limits: FileLimits): DetectionRule {
  const meta = metaEntries(text, bodyStart, bodyEnd);
  // First entry per lower-cased key, and each entry's slot, computed once: a meta section of
  // thousands of lines was searched once per field read.
  const first = new Map<string, MetaEntry>();
  const contents: (YaralMetaContent | undefined)[] = [];
  for (const m of meta) {
    const key = m.key.toLowerCase();
    if (!first.has(key)) first.set(key, m);
    contents.push(yaralMetaContent(key));
  }
  const value = (k: string) => first.get(k)?.value.trim() || undefined;
  const references: AttackReference[] = [];
  // Words of a mixed list that are not tactics, read as technique names once the tactics are known.
  const pending: { item: Item; field: string }[] = [];
  const read = (want: (c: YaralMetaContent) => boolean, take: (item: Item, field: string, content: YaralMetaContent) => void) => {
    for (const [i, m] of meta.entries()) {
      if (limits.referencesFull) return;
      const content = contents[i];
      if (!content || !want(content)) continue;
      for (const item of splitItems(m.value, m.start)) {
        if (content === 'mixed' && OTHER_VOCABULARY.test(item.text)) continue;
        if (!limits.reference(item.start, item.start + item.text.length)) break;
        take(item, `meta.${m.key}`, content);
      }
    }
  };
  // Tactics first: they tell apart sub-techniques that share a name ("Cloud Accounts").
  read(
    (c) => c === 'tactic' || c === 'mixed',
    (item, field, content) => {
      const kind = content === 'mixed' ? idKindOf(item.text) : undefined;
      if (kind) references.push(itemReference(item, kind, field, ruleIndex, index, lines));
      else if (content === 'tactic' || tacticId(item.text, index)) references.push(itemReference(item, 'tactic', field, ruleIndex, index, lines));
      else pending.push({ item, field });
    },
  );
  const tactics = new Set(references.map((r) => (r.id && index?.get(r.id)?.kind === 'tactic' ? index.tactic(r.id)?.shortname : undefined)).filter((t) => t !== undefined));
  const byName = (item: Item) => techniqueByName(item, tactics, index, lines, problems);
  read(
    (c) => c === 'technique' || c === 'technique-id',
    (item, field) => references.push(itemReference(item, 'technique', field, ruleIndex, index, lines, byName)),
  );
  for (const { item, field } of pending) {
    // `process_injection`: a technique's name in the mixed list's snake case.
    const spaced = item.text.includes('_') ? { ...item, text: item.text.replace(/_/g, ' ') } : item;
    const id = byName(index?.byExactName(item.text).length ? item : spaced);
    // A word that names no technique is a tactic by the mixed list's convention (the checks say it is unknown).
    references.push(id ? { ...itemReference(item, 'technique', field, ruleIndex, index, lines), id } : itemReference(item, 'tactic', field, ruleIndex, index, lines));
  }
  references.sort((a, b) => a.span.start.line - b.span.start.line || a.span.start.character - b.span.start.character);
  const status = value('status');
  const platforms = ['platform', 'product', 'data_source', 'log_source', 'logsource'].map(value).filter((v): v is string => v !== undefined);
  const reads = new RuleReads('yaral', limits);
  yaralReads(text.slice(bodyStart, bodyEnd), bodyStart, (k) => first.get(k), reads);
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
    reads: reads.done(),
    maturity: status ? [{ field: 'status', value: status }] : [],
  };
}

/** Other vocabularies a mixed `mitre` list may hold: `car.2013-05-009`, `cve.2018-2894`. */
const OTHER_VOCABULARY = /^(?:car|cve|cwe|capec|d3f)[.-]/i;

/** The kind of ID an item is written as, however misspelt (`t1204`, `T1059.1`, `T1059.001.`, `g0016 APT29`), or undefined for a word. */
function idKindOf(text: string): ReferenceKind | undefined {
  const id = normalizeId(text, 'any') ?? normalizeId(/^\S+/.exec(text)?.[0] ?? '', 'any') ?? repairedId(text)?.repaired;
  return id ? kindOfReference(id) : undefined;
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

/** Comma-separated items of a meta string, each trimmed, with its own offset; read lazily, so a capped reader stops splitting. */
function* splitItems(value: string, start: number): Generator<Item> {
  for (let from = 0; from <= value.length; ) {
    let comma = value.indexOf(',', from);
    if (comma < 0) comma = value.length;
    const part = value.slice(from, comma);
    const lead = part.length - part.trimStart().length;
    const t = part.trim();
    if (t !== '') yield { text: t, start: start + from + lead };
    from = comma + 1;
  }
}

function itemReference(item: Item, slot: ReferenceKind, field: string, ruleIndex: number, index: AttackIndex | undefined, lines: LineMap, byName?: (item: Item) => string | undefined): AttackReference {
  const base = { text: item.text, span: lines.span(item.start, item.start + item.text.length), field, ruleIndex };
  const whole = normalizeId(item.text, 'lenient');
  // `T1059 .001` must not read as T1059 by its first word.
  const repaired = whole ? undefined : repairedId(item.text);
  if (repaired) return { ...base, kind: kindOfReference(repaired.repaired!) ?? slot, unreadable: repaired };
  const asId = whole ?? normalizeId(/^\S+/.exec(item.text)?.[0] ?? '', 'lenient');
  if (asId) {
    const kind = kindOfReference(asId) ?? slot;
    return { ...base, kind, id: kind === 'tactic' ? tacticId(asId, index) ?? asId : asId };
  }
  if (slot === 'tactic') {
    const id = tacticId(item.text, index);
    const unreadable = id || !index ? undefined : unreadableName(item.text, (t) => tacticId(t, index));
    return { ...base, kind: 'tactic', ...(id ? { id } : {}), ...(unreadable ? { unreadable } : {}) };
  }
  const id = byName?.(item);
  return { ...base, kind: 'technique', ...(id ? { id } : {}) };
}

/** An item that reads as an ID once repaired (`T1059.001.`, `T1059 .001`, `Ｔ１０５９`); names are left to the checks. */
function repairedId(text: string): Unreadable | undefined {
  const repair = repairReferenceText(text);
  const id = repair ? normalizeId(repair.text, 'any') : undefined;
  return repair && id ? repairedMark(repair, id) : undefined;
}

/**
 * `PowerShell`, `Command and Scripting Interpreter: PowerShell` → the technique's ID. A bare
 * sub-technique name several parents share ("Cloud Accounts") resolves only when the rule's
 * tactics single one out; otherwise it stays unresolved, with a warning naming the candidates.
 */
function techniqueByName(item: Item, tactics: ReadonlySet<string>, index: AttackIndex | undefined, lines: LineMap, problems: RuleProblem[]): string | undefined {
  if (!index) return undefined;
  const name = item.text;
  const all = index.byExactName(name).filter((e) => e.kind === 'technique');
  const active = all.filter((e) => index.isActive(e));
  const current = active.length ? active : all;
  // Domains reuse names (Enterprise and Mobile both have "Obfuscated Files or Information"); rules here are for the primary domain.
  const primary = current.filter((e) => e.domain === index.primary?.domain);
  const candidates = primary.length ? primary : current;
  if (candidates.length === 1) return candidates[0].id;
  if (candidates.length > 1) {
    const inTactics = candidates.filter((e) => index.technique(e.id)?.tactics.some((t) => tactics.has(t)));
    if (inTactics.length === 1) return inTactics[0].id;
    const listed = (inTactics.length ? inTactics : candidates).map((e) => `${e.id} (${index.fullName(e.id)})`).join(', ');
    problems.push({
      message: `"${name}" names ${candidates.length} techniques: ${listed}. Write the parent's name before it ("Parent: ${name}") or the ID`,
      severity: 'warning',
      span: lines.span(item.start, item.start + name.length),
    });
    return undefined;
  }
  const colon = name.indexOf(':');
  if (colon > 0) {
    const parent = index.byExactName(name.slice(0, colon).trim()).find((e) => e.kind === 'technique' && !index.technique(e.id)?.isSubtechnique);
    const sub = name.slice(colon + 1).trim().toLowerCase();
    if (parent) return index.subtechniques(parent.id, true).find((t) => t.name.toLowerCase() === sub)?.id;
  }
  return undefined;
}

/** Blanks `//` and `/* *\/` comments outside strings, keeping every newline and offset. Escapes (`\/` in a regex literal) are skipped. */
function withoutComments(text: string): string {
  if (!text.includes('/*') && !text.includes('//')) return text;
  const out = text.split('');
  let i = 0;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '"' || c === '`') {
      // Strings do not span lines in YARA-L; an unclosed one ends at the line end.
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' && c === '"' ? 2 : 1;
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      let j = text.indexOf('\n', i);
      if (j < 0) j = text.length;
      blank(i, j);
      i = j;
    } else if (c === '/' && text[i + 1] === '*') {
      let j = text.indexOf('*/', i + 2);
      j = j < 0 ? text.length : j + 2;
      blank(i, j);
      i = j;
    } else i++;
  }
  return out.join('');
}
