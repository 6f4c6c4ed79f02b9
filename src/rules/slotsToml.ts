import type { ElasticContext, Slot, SlotKind, TomlField } from './slots';
import { LineSource, MAX_SLOT_LINE, rightTrimmedEnd, spanOf } from './slotText';
import { multilineOpenedBy } from './tomlScan';
import { Position } from './types';

// Slots in Elastic detection-rules TOML: `id = "…"` / `name = "…"` in `[rule.threat.tactic]`,
// `[[rule.threat.technique]]` and `[[rule.threat.technique.subtechnique]]` tables, with the
// `[[rule.threat]]` entry around them (its tactic, its techniques, the parent technique).

/** Elastic rule files are a few hundred lines; beyond this a file is not one. */
const MAX_TOML_LINES = 20000;

interface Header {
  readonly line: number;
  readonly name: string;
}

const HEADER = /^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*(?:#.*)?$/;
const TABLES: Readonly<Record<string, ElasticContext['table']>> = {
  'rule.threat.tactic': 'tactic',
  'rule.threat.technique': 'technique',
  'rule.threat.technique.subtechnique': 'subtechnique',
};

/** Table headers outside multi-line strings, and whether `line` itself is inside one. */
function scanHeaders(lines: LineSource, line: number): { headers: Header[]; inString: boolean } {
  const headers: Header[] = [];
  let open: string | undefined;
  let inString = false;
  const count = Math.min(lines.lineCount, MAX_TOML_LINES);
  for (let l = 0; l < count; l++) {
    const text = lines.lineAt(l);
    if (l === line) inString = open !== undefined;
    if (open !== undefined) {
      if (text.includes(open)) open = undefined;
      continue;
    }
    if (text.length > MAX_SLOT_LINE) continue;
    const h = HEADER.exec(text);
    if (h) headers.push({ line: l, name: h[1] });
    else open = multilineOpenedBy(text);
  }
  return { headers, inString };
}

/** A `key = "value"` line: the value without quotes, or undefined for other lines. */
function tomlField(text: string, key: string, line: number): TomlField | undefined {
  const m = new RegExp(`^\\s*${key}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s#"']\\S*))`).exec(text);
  if (!m) return undefined;
  return { line, value: m[1] ?? m[2] ?? m[3] ?? '', lineSpan: spanOf(line, 0, text.length) };
}

function fieldsOf(lines: LineSource, first: number, last: number): ElasticContext['fields'] {
  const fields: { id?: TomlField; name?: TomlField; reference?: TomlField } = {};
  for (let l = first; l <= last; l++) {
    const text = lines.lineAt(l);
    for (const key of ['id', 'name', 'reference'] as const) fields[key] ??= tomlField(text, key, l);
  }
  return fields;
}

export function elasticSlotAt(lines: LineSource, position: Position): Slot | undefined {
  const text = lines.lineAt(position.line);
  const key = /^(\s*)(id|name)(\s*=\s*)/.exec(text);
  if (!key) return undefined;
  const { headers, inString } = scanHeaders(lines, position.line);
  if (inString) return undefined;
  const at = headers.findIndex((h) => h.line > position.line);
  const curIndex = (at < 0 ? headers.length : at) - 1;
  const current = headers[curIndex];
  const table = current && Object.hasOwn(TABLES, current.name) ? TABLES[current.name] : undefined;
  if (!table) return undefined;

  const valueStart = key[0].length;
  const cursor = position.character;
  if (cursor < valueStart) return undefined;
  const quote = text[valueStart] === '"' || text[valueStart] === "'" ? text[valueStart] : undefined;
  const innerStart = quote ? valueStart + 1 : valueStart;
  if (quote && cursor < innerStart) return undefined;
  const close = quote ? text.indexOf(quote, innerStart) : -1;
  const comment = text.indexOf('#', innerStart);
  const innerEnd = close >= 0 ? close : rightTrimmedEnd(text, innerStart, !quote && comment >= 0 ? comment : text.length);
  if (cursor > innerEnd) return undefined;

  const next = headers[curIndex + 1];
  const lastLine = (next ? next.line : Math.min(lines.lineCount, MAX_TOML_LINES)) - 1;
  const elastic = { ...threatContext(lines, headers, curIndex, table, lastLine, key[1]), lineLength: text.length };
  return {
    format: 'elastic',
    slot: `elastic-${table}-${key[2]}` as SlotKind,
    prefix: text.slice(innerStart, cursor),
    range: spanOf(position.line, innerStart, innerEnd),
    wrap: quote ? (close >= 0 ? undefined : { before: '', after: quote }) : { before: '"', after: '"' },
    elastic,
  };
}

/** What the `[[rule.threat]]` entry around header `curIndex` says. */
function threatContext(lines: LineSource, headers: readonly Header[], curIndex: number, table: ElasticContext['table'], lastLine: number, indent: string): Omit<ElasticContext, 'lineLength'> {
  let start = curIndex;
  while (start > 0 && headers[start].name !== 'rule.threat' && headers[start].name.startsWith('rule.threat.')) start--;
  let end = curIndex + 1;
  while (end < headers.length && headers[end].name.startsWith('rule.threat.')) end++;
  const blockEnd = (i: number) => (i + 1 < headers.length ? headers[i + 1].line - 1 : Math.min(lines.lineCount, MAX_TOML_LINES) - 1);
  const idOf = (i: number) => fieldsOf(lines, headers[i].line + 1, blockEnd(i)).id?.value;
  let tacticId: string | undefined;
  let parentTechniqueId: string | undefined;
  const techniqueIds: string[] = [];
  for (let i = start; i < end; i++) {
    const name = headers[i].name;
    if (name === 'rule.threat.tactic') tacticId ??= idOf(i);
    else if (name === 'rule.threat.technique') {
      const id = idOf(i);
      if (id) techniqueIds.push(id);
      if (i < curIndex) parentTechniqueId = id;
    }
  }
  return {
    table,
    headerLine: headers[curIndex].line,
    lastLine,
    endsText: curIndex + 1 >= headers.length && lastLine >= lines.lineCount - 1,
    fields: fieldsOf(lines, headers[curIndex].line + 1, lastLine),
    indent,
    tacticId,
    parentTechniqueId: table === 'subtechnique' ? parentTechniqueId : undefined,
    techniqueIds,
  };
}
