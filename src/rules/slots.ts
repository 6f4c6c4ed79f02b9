import { LineSource, linesOf, MAX_SCAN_LINES, MAX_SLOT_LINE, rightTrimmedEnd, spanOf } from './slotText';
import { elasticSlotAt } from './slotsToml';
import { sigmaSlotAt, splunkSlotAt, sentinelSlotAt } from './slotsYaml';
import { Position, RuleFormat, Span } from './types';
import { YaralMetaContent, yaralMetaContent } from './yaralMeta';

export { LineSource } from './slotText';
/** @internal Tests and benches split a text once for many slotAt calls. */
export { linesOf } from './slotText';

// "Where is the cursor?" for ATT&CK completion: which ATT&CK slot of the rule format the
// position is in and the partial value being typed. Works on incomplete text while the user
// types (the YAML/TOML may not parse): it reads lines around the cursor, their indentation,
// the nearest parent key above and the current TOML table header, never the whole document.

export type SlotKind =
  | 'sigma-tag'
  | 'splunk-technique'
  | 'sentinel-tactic'
  | 'sentinel-technique'
  | 'elastic-tactic-id'
  | 'elastic-tactic-name'
  | 'elastic-technique-id'
  | 'elastic-technique-name'
  | 'elastic-subtechnique-id'
  | 'elastic-subtechnique-name'
  | 'yaral-tactic'
  | 'yaral-technique'
  | 'yaral-technique-id'
  | 'yaral-mixed'
  | 'generic-id';

/** A `key = value` line of an Elastic threat block. */
export interface TomlField {
  readonly line: number;
  /** The value without its quotes. */
  readonly value: string;
  /** The whole line, for rewriting it. */
  readonly lineSpan: Span;
}

/** The Elastic `[rule.threat.*]` table the cursor is in, and what its `[[rule.threat]]` entry says. */
export interface ElasticContext {
  readonly table: 'tactic' | 'technique' | 'subtechnique';
  readonly headerLine: number;
  /** Last line of the table (before the next header or the end of the text). */
  readonly lastLine: number;
  /** Whether the table runs to the end of the text (nothing follows `lastLine`). */
  readonly endsText: boolean;
  /** Length of the cursor's line (where lines after it are appended when it is the last). */
  readonly lineLength: number;
  readonly fields: { readonly id?: TomlField; readonly name?: TomlField; readonly reference?: TomlField };
  /** Indentation of the table's key lines. */
  readonly indent: string;
  /** The TA id of the entry's `[rule.threat.tactic]`, wherever it is in the entry. */
  readonly tacticId?: string;
  /** For a sub-technique: the id of the enclosing `[[rule.threat.technique]]`. */
  readonly parentTechniqueId?: string;
  /** Technique ids of the entry's `[[rule.threat.technique]]` tables. */
  readonly techniqueIds: readonly string[];
}

export interface Slot {
  readonly format: RuleFormat;
  readonly slot: SlotKind;
  /** The value typed so far: from the start of the value (after any quote) to the cursor. */
  readonly prefix: string;
  /** The whole value a completion replaces (without its quotes). */
  readonly range: Span;
  /** Text a completion must put around the value: quotes the user has not typed yet. */
  readonly wrap?: { readonly before: string; readonly after: string };
  /** Sigma: tactic shortnames the rule's tags already name (`execution`, `defense-evasion`). */
  readonly ruleTactics?: readonly string[];
  readonly elastic?: ElasticContext;
}

/** The ATT&CK slot at a position, or undefined when the cursor is not in one. Never throws. */
export function slotAt(source: LineSource | string, position: Position, format: RuleFormat): Slot | undefined {
  const lines = typeof source === 'string' ? linesOf(source) : source;
  if (position.line < 0 || position.line >= lines.lineCount) return undefined;
  const text = lines.lineAt(position.line);
  if (text.length > MAX_SLOT_LINE || position.character > text.length) return undefined;
  try {
    switch (format) {
      case 'sigma':
        return sigmaSlotAt(lines, position);
      case 'splunk':
        return splunkSlotAt(lines, position);
      case 'sentinel':
        return sentinelSlotAt(lines, position);
      case 'elastic':
        return elasticSlotAt(lines, position);
      case 'yaral':
        return yaralSlotAt(lines, position);
      case 'generic':
        return genericSlotAt(text, position);
    }
  } catch {
    return undefined;
  }
}

const YARAL_SECTION = /^\s*(meta|events|match|outcome|condition|options)\s*:/;
const YARAL_SLOTS: Readonly<Record<YaralMetaContent, SlotKind>> = {
  tactic: 'yaral-tactic',
  technique: 'yaral-technique',
  'technique-id': 'yaral-technique-id',
  mixed: 'yaral-mixed',
};

/** YARA-L `meta:` values: `mitre_attack_technique = "T1059, T10|"` (comma-separated lists allowed). */
function yaralSlotAt(lines: LineSource, position: Position): Slot | undefined {
  const text = lines.lineAt(position.line);
  const m = /^(\s*)([A-Za-z_][A-Za-z0-9_]*)(\s*=\s*)/.exec(text);
  if (!m) return undefined;
  const content = yaralMetaContent(m[2]);
  const slot = content && YARAL_SLOTS[content];
  if (!slot || !inYaralMeta(lines, position.line)) return undefined;
  const valueStart = m[0].length;
  const cursor = position.character;
  if (cursor < valueStart) return undefined;
  const quoted = text[valueStart] === '"';
  const innerStart = quoted ? valueStart + 1 : valueStart;
  if (quoted && cursor < innerStart) return undefined;
  const close = quoted ? text.indexOf('"', innerStart) : -1;
  const innerEnd = close >= 0 ? close : rightTrimmedEnd(text, innerStart, commentStart(text, innerStart));
  if (cursor > innerEnd) return undefined;
  // The comma-separated element around the cursor.
  const before = text.lastIndexOf(',', cursor - 1);
  let start = before >= innerStart ? before + 1 : innerStart;
  while (start < cursor && text[start] === ' ') start++;
  const after = text.indexOf(',', cursor);
  const end = rightTrimmedEnd(text, start, after >= 0 && after < innerEnd ? after : innerEnd);
  return {
    format: 'yaral',
    slot,
    prefix: text.slice(start, cursor),
    range: spanOf(position.line, start, Math.max(end, cursor)),
    wrap: quoted ? (close >= 0 ? undefined : { before: '', after: '"' }) : { before: '"', after: '"' },
  };
}

function inYaralMeta(lines: LineSource, line: number): boolean {
  for (let l = line - 1; l >= 0 && line - l <= MAX_SCAN_LINES; l--) {
    const text = lines.lineAt(l);
    const section = YARAL_SECTION.exec(text);
    if (section) return section[1] === 'meta';
    if (/^\s*rule\s+[A-Za-z_]/.test(text)) return false;
  }
  return false;
}

/** Start of a `//` comment outside a string, or the line length. */
function commentStart(text: string, from: number): number {
  const i = text.indexOf('//', from);
  return i >= 0 ? i : text.length;
}

const GENERIC_WORD = /^(?:TA|T|G|S|C|M)\d{1,4}(?:\.\d{0,3})?$/i;

/** A bare ATT&CK ID being typed anywhere in the text: `T10|`, `G00|`, `T1059.0|`. */
function genericSlotAt(text: string, position: Position): Slot | undefined {
  const cursor = position.character;
  let start = cursor;
  while (start > 0 && /[A-Za-z0-9.]/.test(text[start - 1])) start--;
  // A trailing sentence dot is not part of the ID.
  let end = cursor;
  while (end < text.length && /[A-Za-z0-9.]/.test(text[end])) end++;
  while (end > cursor && text[end - 1] === '.') end--;
  const prefix = text.slice(start, cursor);
  if (!GENERIC_WORD.test(prefix) || !GENERIC_WORD.test(text.slice(start, end))) return undefined;
  return { format: 'generic', slot: 'generic-id', prefix, range: spanOf(position.line, start, end) };
}
