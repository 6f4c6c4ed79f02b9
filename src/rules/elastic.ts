import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };
import { AttackIndex } from '../attack/index';
import { normalizeId } from '../attack/ids';
import { tacticId } from './refIds';
import { FileLimits, MAX_TOML_ENTRIES_PER_FILE } from './limits';
import { baseName, inDeprecatedFolder, LineMap, problemAt } from './text';
import { scanToml, TomlHeader, TomlLine, TomlString } from './tomlScan';
import { AttackReference, ParsedRuleFile, Span } from './types';
import { unreadableId } from './unreadable';
import { elasticReads, RuleReads } from './logSources';

// Elastic detection rules (elastic/detection-rules `rules/**.toml`): one rule per file.
// ATT&CK is in `[[rule.threat]]` blocks: `[rule.threat.tactic]`, `[[rule.threat.technique]]`
// and `[[rule.threat.technique.subtechnique]]`, each with id/name/reference. The tactic
// table usually comes after the techniques, so tactic context is filled in per block.

// smol-toml ships an ESM entry and a CommonJS one (`require` condition); this file is CommonJS.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseTomlText } = require('smol-toml') as typeof SmolToml;

/** A one-line string this long is not ATT&CK (an ID, a name or a URL); it is a description or a query. */
const LONG_STRING = 64 * 1024;
/** `\b \t \n \f \r \" \\`, by their character codes. */
const SIMPLE_ESCAPES = new Set([98, 116, 110, 102, 114, 34, 92]);

/** Whether smol-toml would accept the basic string's content and decode only simple escapes in it (a loop: an alternation RegExp costs ten times more per character). */
function onlySimpleEscapes(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92) {
      if (!SIMPLE_ESCAPES.has(s.charCodeAt(++i))) return false;
    } else if ((c < 32 && c !== 9) || c === 127) return false;
  }
  return true;
}

/**
 * The text with each long one-line string's content blanked to spaces (same length, so every
 * offset stays put), when it holds only simple escapes. smol-toml decodes a string by joining
 * its pieces between escapes, and on 1 MB of escapes that cost grows faster than the string (a
 * rope the garbage collector walks again and again); nothing read from the parsed document
 * is that long. A string with anything unusual is left for smol-toml to judge.
 */
function withoutLongStrings(text: string, strings: readonly TomlLine[]): string {
  const long = strings.filter((s) => s.value.end - s.value.start > LONG_STRING && text[s.value.start - 1] === '"' && onlySimpleEscapes(s.value.text));
  if (long.length === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (const s of long) {
    parts.push(text.slice(at, s.value.start), ' '.repeat(s.value.end - s.value.start));
    at = s.value.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

interface ThreatTable {
  id?: TomlString;
  name?: TomlString;
  reference?: TomlString;
}

interface ThreatBlock {
  framework?: string;
  tactic?: ThreatTable;
  techniques: { slot: ThreatTable; subs: ThreatTable[] }[];
}

export function parseElastic(text: string, path: string, index: AttackIndex | undefined, lines: LineMap, limits: FileLimits): ParsedRuleFile {
  // Tables and keys past the cap are not read, by the scan or by the parser (whose cost grows with them).
  const scan = scanToml(text, MAX_TOML_ENTRIES_PER_FILE);
  if (scan.cutAt !== undefined) limits.stoppedAt('tables', scan.cutAt);
  let doc: Record<string, unknown>;
  try {
    doc = parseTomlText(withoutLongStrings(scan.cutAt === undefined ? text : text.slice(0, scan.cutAt), scan.strings)) as Record<string, unknown>;
  } catch (e) {
    const err = e as { message?: string; line?: number; column?: number };
    const message = `Invalid TOML: ${String(err?.message ?? e).split('\n')[0].replace(/^Invalid TOML document:\s*/, '')}`;
    return { path, format: 'elastic', rules: [], problems: [problemAt(lines, Math.max(0, (err?.line ?? 1) - 1), Math.max(0, (err?.column ?? 1) - 1), message)] };
  }
  const rule = record(doc.rule);
  const metadata = record(doc.metadata);
  const maturity = stringOf(metadata?.maturity);
  const scanned = threatBlocks(scan.strings);
  // `threat = [{ framework = "MITRE ATT&CK", tactic = { … } }]` and other inline layouts have no
  // table headers to scan: read them from the parsed document and find each value in the text.
  const blocks = scanned.some(hasIds) ? scanned : inlineThreatBlocks(record(doc.rule)?.threat, text) ?? scanned;
  const references = threatReferences(blocks, index, lines, limits).concat(nonTextIds(scan.headers, lines, limits));
  const nameLine = scan.strings.find((s) => s.table === 'rule' && s.key === 'name');
  const ruleHeader = scan.headers.find((h) => h.table === 'rule');
  const ruleSpan: Span = nameLine
    ? lines.span(nameLine.value.start, nameLine.value.end)
    : ruleHeader
      ? lines.span(ruleHeader.start, ruleHeader.end)
      : lines.span(0, 0);
  if (!rule) {
    return { path, format: 'elastic', rules: [], problems: [{ message: 'Not an Elastic detection rule: no [rule] table', severity: 'warning', span: lines.span(0, lines.lineEnd(0)) }] };
  }
  const indices = Array.isArray(rule.index) ? rule.index.filter((x): x is string => typeof x === 'string') : [];
  const language = stringOf(rule.language);
  const reads = new RuleReads('elastic', limits);
  elasticReads(rule, reads);
  return {
    path,
    format: 'elastic',
    rules: [
      {
        index: 0,
        id: stringOf(rule.rule_id),
        title: stringOf(rule.name) ?? baseName(path),
        status: maturity,
        level: stringOf(rule.severity),
        deprecated: maturity?.toLowerCase() === 'deprecated' || inDeprecatedFolder(path),
        span: ruleSpan,
        platforms: indices.length > 0 ? indices : language ? [language] : [],
        references,
        reads: reads.done(),
        maturity: maturity ? [{ field: 'maturity', value: maturity }] : [],
      },
    ],
    problems: [],
  };
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function stringOf(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function threatBlocks(strings: readonly TomlLine[]): ThreatBlock[] {
  const blocks: ThreatBlock[] = [];
  let lastSerial = -1;
  let slot: ThreatTable | undefined;
  for (const s of strings) {
    if (!s.table.startsWith('rule.threat')) continue;
    if (s.tableSerial !== lastSerial) {
      lastSerial = s.tableSerial;
      slot = openTable(blocks, s.table);
    }
    if (s.table === 'rule.threat') {
      if (s.key === 'framework') current(blocks).framework = s.value.text;
      continue;
    }
    if (slot && (s.key === 'id' || s.key === 'name' || s.key === 'reference')) slot[s.key] = s.value;
  }
  return blocks;
}

function current(blocks: ThreatBlock[]): ThreatBlock {
  if (blocks.length === 0) blocks.push({ techniques: [] });
  return blocks[blocks.length - 1];
}

/** The table a new header opens; `[[rule.threat]]` itself starts a new block. */
function openTable(blocks: ThreatBlock[], table: string): ThreatTable | undefined {
  switch (table) {
    case 'rule.threat':
      blocks.push({ techniques: [] });
      return undefined;
    case 'rule.threat.tactic': {
      const b = current(blocks);
      return (b.tactic = b.tactic ?? {});
    }
    case 'rule.threat.technique': {
      const slot: ThreatTable = {};
      current(blocks).techniques.push({ slot, subs: [] });
      return slot;
    }
    case 'rule.threat.technique.subtechnique': {
      const b = current(blocks);
      if (b.techniques.length === 0) b.techniques.push({ slot: {}, subs: [] });
      const slot: ThreatTable = {};
      b.techniques[b.techniques.length - 1].subs.push(slot);
      return slot;
    }
    default:
      return undefined;
  }
}

function hasIds(b: ThreatBlock): boolean {
  return b.tactic?.id !== undefined || b.techniques.some((t) => t.slot.id !== undefined || t.subs.some((x) => x.id !== undefined));
}

/** Threat blocks from the parsed `rule.threat` value, each string located in the text (first unused quoted occurrence after `threat`). */
function inlineThreatBlocks(threat: unknown, text: string): ThreatBlock[] | undefined {
  if (!Array.isArray(threat) || threat.length === 0) return undefined;
  const from = Math.max(0, text.search(/\bthreat\b/));
  const used = new Set<number>();
  // Where the search for each quoted value resumes: occurrences before it are used, so a value
  // repeated n times is found in one pass instead of n searches from `from`.
  const resume = new Map<string, number>();
  const locate = (v: unknown): TomlString | undefined => {
    if (typeof v !== 'string' || v === '') return undefined;
    for (const quote of ['"', "'"]) {
      const needle = quote + v + quote;
      for (let at = text.indexOf(needle, resume.get(needle) ?? from); at >= 0; at = text.indexOf(needle, at + 1)) {
        if (used.has(at)) continue;
        used.add(at);
        resume.set(needle, at + 1);
        return { text: v, start: at + 1, end: at + 1 + v.length };
      }
      resume.set(needle, text.length);
    }
    return undefined;
  };
  const tableOf = (v: unknown): ThreatTable => {
    const r = record(v);
    return r ? { id: locate(r.id), name: locate(r.name), reference: locate(r.reference) } : {};
  };
  const blocks = threat.map((entry): ThreatBlock => {
    const r = record(entry) ?? {};
    const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
    return {
      framework: typeof r.framework === 'string' ? r.framework : undefined,
      techniques: list(r.technique).map((t) => ({ slot: tableOf(t), subs: list(record(t)?.subtechnique).map(tableOf) })),
      tactic: r.tactic === undefined ? undefined : tableOf(r.tactic),
    };
  });
  return blocks.some(hasIds) ? blocks : undefined;
}

function threatReferences(blocks: readonly ThreatBlock[], index: AttackIndex | undefined, lines: LineMap, limits: FileLimits): AttackReference[] {
  const refs: AttackReference[] = [];
  const take = (s: TomlString) => limits.reference(s.start, s.end);
  const ctx = (slot: ThreatTable) => ({
    ...(slot.name ? { name: { text: slot.name.text, span: lines.span(slot.name.start, slot.name.end) } } : {}),
    ...(slot.reference ? { reference: { text: slot.reference.text, span: lines.span(slot.reference.start, slot.reference.end) } } : {}),
  });
  for (const block of blocks) {
    if (limits.referencesFull) break;
    if (block.framework !== undefined && !/^mitre att&ck$/i.test(block.framework.trim())) continue;
    const tacticText = block.tactic?.id?.text;
    const tactic = tacticText !== undefined ? tacticId(tacticText, index) : block.tactic?.name ? tacticId(block.tactic.name.text, index) : undefined;
    if (block.tactic?.id && take(block.tactic.id)) {
      refs.push(reference(block.tactic.id, 'tactic', tactic, 'threat.tactic.id', lines, ctx(block.tactic)));
    }
    for (const t of block.techniques) {
      const parentId = t.slot.id ? normalizeId(t.slot.id.text, 'lenient') : undefined;
      if (t.slot.id && take(t.slot.id)) refs.push(reference(t.slot.id, 'technique', parentId, 'threat.technique.id', lines, { ...ctx(t.slot), ...(tactic ? { tacticId: tactic } : {}) }));
      for (const sub of t.subs) {
        if (!sub.id || !take(sub.id)) continue;
        const context = { ...ctx(sub), ...(tactic ? { tacticId: tactic } : {}), ...(parentId ? { parentTechniqueId: parentId } : {}) };
        refs.push(reference(sub.id, 'technique', normalizeId(sub.id.text, 'lenient'), 'threat.technique.subtechnique.id', lines, context));
      }
    }
  }
  return refs;
}

function reference(value: TomlString, kind: 'tactic' | 'technique', id: string | undefined, field: string, lines: LineMap, context: AttackReference['context']): AttackReference {
  const unreadable = id ? undefined : unreadableId(value.text);
  return {
    text: value.text,
    kind,
    ...(id ? { id } : {}),
    ...(unreadable ? { unreadable } : {}),
    span: lines.span(value.start, value.end),
    field,
    ruleIndex: 0,
    ...(context && Object.keys(context).length > 0 ? { context } : {}),
  };
}

const THREAT_FIELDS: ReadonlyMap<string, { kind: 'tactic' | 'technique'; field: string }> = new Map([
  ['rule.threat.tactic', { kind: 'tactic', field: 'threat.tactic.id' }],
  ['rule.threat.technique', { kind: 'technique', field: 'threat.technique.id' }],
  ['rule.threat.technique.subtechnique', { kind: 'technique', field: 'threat.technique.subtechnique.id' }],
]);
const NON_STRING_ID = /^[ \t]*id[ \t]*=[ \t]*(?=[^"'\s#])/gm;

/** `id = 1059` or `id = ["T1059"]` in a threat table: not text, so not an ID; kept as unreadable references. */
function nonTextIds(headers: readonly TomlHeader[], lines: LineMap, limits: FileLimits): AttackReference[] {
  const out: AttackReference[] = [];
  const text = lines.text;
  headers.forEach((h, i) => {
    const slot = THREAT_FIELDS.get(h.table);
    if (!slot || limits.referencesFull) return;
    const section = text.slice(h.end, headers[i + 1]?.start ?? text.length);
    for (const m of section.matchAll(NON_STRING_ID)) {
      const start = h.end + m.index + m[0].length;
      if (!limits.reference(start)) return;
      const value = text.slice(start, lines.lineEnd(start));
      const hash = value.indexOf('#');
      const end = start + (hash >= 0 ? value.slice(0, hash) : value).trimEnd().length;
      out.push({ text: text.slice(start, end), kind: slot.kind, span: lines.span(start, end), field: slot.field, ruleIndex: 0, unreadable: { reason: 'it is not text: ATT&CK IDs are strings ("T1059")' } });
    }
  });
  return out;
}
