import { readSigmaTag } from '../attack/ids';
import type { Slot, SlotKind } from './slots';
import { LineSource, MAX_SCAN_LINES, MAX_SLOT_LINE, rightTrimmedEnd, spanOf } from './slotText';
import { Position, RuleFormat } from './types';
import { yamlFieldAt } from './yamlFields';

// Slots in YAML rules read line by line: a block sequence item (`- value`) or a flow sequence
// element (`key: [a, b]`) and the chain of parent keys above it, found by indentation.

interface LineShape {
  readonly indent: number;
  /** `- …` item line. */
  readonly item: boolean;
  /** The key on the line (after a `- ` for `- key: value`). */
  readonly key?: string;
  /** Where the key starts, the indentation its children are measured against. */
  readonly keyIndent: number;
  /** Text after `key:`, trimmed; '' when the value is on the following lines. */
  readonly value?: string;
  readonly blank: boolean;
  readonly documentMarker: boolean;
}

const KEY = /^("[^"]*"|'[^']*'|[^\s#'"\-[\]{}][^:#]*?|-[^\s:#][^:#]*?)\s*:(?:\s+(.*)|$)/;

function shape(text: string): LineShape {
  const indent = text.length - text.trimStart().length;
  const rest = text.slice(indent);
  if (rest === '' || rest.startsWith('#')) return { indent, item: false, keyIndent: indent, blank: true, documentMarker: false };
  if (indent === 0 && /^(---|\.\.\.)(\s|$)/.test(rest)) return { indent, item: false, keyIndent: indent, blank: false, documentMarker: true };
  const item = /^-(\s|$)/.exec(rest);
  let body = rest;
  let keyIndent = indent;
  if (item) {
    const after = rest.slice(1);
    const pad = after.length - after.trimStart().length;
    keyIndent = indent + 1 + pad;
    body = after.trimStart();
  }
  const key = KEY.exec(body);
  return {
    indent,
    item: !!item,
    key: key ? unquote(key[1].trim()) : undefined,
    keyIndent,
    value: key ? stripComment(key[2] ?? '').trim() : undefined,
    blank: false,
    documentMarker: false,
  };
}

function unquote(s: string): string {
  return /^(["']).*\1$/.test(s) ? s.slice(1, -1) : s;
}

function stripComment(s: string): string {
  const m = /(^|\s)#/.exec(s);
  return m ? s.slice(0, m.index) : s;
}

interface Located {
  /** Parent keys, outermost first: `['tags', 'mitre_attack_id']`. */
  readonly path: readonly string[];
  /** The line of the innermost key. */
  readonly keyLine: number;
  readonly slot: Pick<Slot, 'prefix' | 'range' | 'wrap'>;
}

/** The sequence element at the cursor and the key path it belongs to. */
function locateSequenceValue(lines: LineSource, position: Position): Located | undefined {
  const text = lines.lineAt(position.line);
  const here = shape(text);
  if (here.blank || here.documentMarker) return undefined;
  // Flow sequence on the key's own line: `tags: [attack.t1059, attack.ex|]`.
  const flow = here.key !== undefined && !here.item ? flowElement(text, position) : undefined;
  if (flow) {
    const above = ancestors(lines, position.line, here.keyIndent);
    return above && { path: [...above, here.key!], keyLine: position.line, slot: flow };
  }
  if (!here.item || here.key !== undefined) return undefined;
  const valueStart = here.keyIndent;
  if (position.character < valueStart) return undefined;
  const scalar = scalarAt(text, position.character, valueStart, position.line);
  if (!scalar) return undefined;
  // `-|` with no space yet: a completion must add it.
  const slot = text.length === here.indent + 1 ? { ...scalar, wrap: { before: ' ', after: '' } } : scalar;
  const parent = parentKey(lines, position.line, here.indent);
  if (!parent) return undefined;
  const above = ancestors(lines, parent.line, parent.indent);
  return above && { path: [...above, parent.key], keyLine: parent.line, slot };
}

/** The scalar value of an item starting at `start` (quotes and trailing comments excluded). */
function scalarAt(text: string, cursor: number, start: number, line: number): Located['slot'] | undefined {
  const quote = text[start] === '"' || text[start] === "'" ? text[start] : undefined;
  if (quote) {
    if (cursor <= start) return undefined;
    const close = text.indexOf(quote, start + 1);
    const end = close >= 0 ? close : rightTrimmedEnd(text, start + 1, text.length);
    if (cursor > end) return undefined;
    return { prefix: text.slice(start + 1, cursor), range: spanOf(line, start + 1, end), wrap: close >= 0 ? undefined : { before: '', after: quote } };
  }
  const comment = /\s#/.exec(text.slice(start));
  const end = rightTrimmedEnd(text, start, comment ? start + comment.index : text.length);
  if (cursor > end) return undefined;
  return { prefix: text.slice(start, cursor), range: spanOf(line, start, end) };
}

function flowElement(text: string, position: Position): Located['slot'] | undefined {
  const open = text.indexOf('[');
  const colon = text.indexOf(':');
  if (open < 0 || open < colon || text.slice(colon + 1, open).trim() !== '') return undefined;
  const cursor = position.character;
  const closeAt = text.indexOf(']', open);
  if (cursor <= open || (closeAt >= 0 && cursor > closeAt)) return undefined;
  const limit = closeAt >= 0 ? closeAt : text.length;
  const before = text.lastIndexOf(',', cursor - 1);
  let start = Math.max(before, open) + 1;
  while (start < cursor && text[start] === ' ') start++;
  const after = text.indexOf(',', cursor);
  const end = after >= 0 && after < limit ? after : limit;
  return scalarAt(text.slice(0, end), cursor, start, position.line);
}

/** The key line a sequence item at `itemIndent` belongs to (YAML allows items at the key's own indentation). */
function parentKey(lines: LineSource, line: number, itemIndent: number): { line: number; key: string; indent: number } | undefined {
  for (let l = line - 1; l >= 0 && line - l <= MAX_SCAN_LINES; l--) {
    const text = lines.lineAt(l);
    if (text.length > MAX_SLOT_LINE) return undefined;
    const s = shape(text);
    if (s.blank) continue;
    if (s.documentMarker) return undefined;
    if (s.indent > itemIndent) continue;
    if (s.item && s.indent === itemIndent) continue; // a sibling item
    if (s.key !== undefined && s.keyIndent <= itemIndent) return s.value === '' ? { line: l, key: s.key, indent: s.keyIndent } : undefined;
    return undefined;
  }
  return undefined;
}

/**
 * Keys enclosing a line whose key sits at `indent`, outermost first; undefined when a shallower
 * line is not a key opening a block (the line is inside a block scalar or broken YAML).
 */
function ancestors(lines: LineSource, line: number, indent: number): string[] | undefined {
  const out: string[] = [];
  let want = indent;
  for (let l = line - 1; l >= 0 && want > 0; l--) {
    if (line - l > MAX_SCAN_LINES) return undefined;
    const s = shape(lines.lineAt(l));
    if (s.blank) continue;
    if (s.documentMarker) return undefined;
    if (s.indent >= want) continue;
    if (s.key !== undefined && s.value === '' && s.keyIndent < want) {
      out.unshift(s.key);
      want = s.item ? s.indent : s.keyIndent;
    } else if (s.item) want = s.indent;
    else return undefined;
  }
  return out;
}

function yamlSlot(format: RuleFormat, kind: SlotKind, found: Located, extra: Partial<Slot> = {}): Slot {
  return { format, slot: kind, ...found.slot, ...extra };
}

export function sigmaSlotAt(lines: LineSource, position: Position): Slot | undefined {
  const found = locateSequenceValue(lines, position);
  if (!found || !yamlFieldAt('sigma', found.path)) return undefined;
  return yamlSlot('sigma', 'sigma-tag', found, { ruleTactics: sigmaTagTactics(lines, found.keyLine) });
}

export function splunkSlotAt(lines: LineSource, position: Position): Slot | undefined {
  const found = locateSequenceValue(lines, position);
  if (!found || !yamlFieldAt('splunk', found.path)) return undefined;
  return yamlSlot('splunk', 'splunk-technique', found);
}

export function sentinelSlotAt(lines: LineSource, position: Position): Slot | undefined {
  const found = locateSequenceValue(lines, position);
  const field = found && yamlFieldAt('sentinel', found.path);
  if (!found || !field) return undefined;
  return yamlSlot('sentinel', field.holds === 'tactic' ? 'sentinel-tactic' : 'sentinel-technique', found);
}

/** Tactic shortnames among the `attack.*` tags of the list starting at `keyLine`. */
function sigmaTagTactics(lines: LineSource, keyLine: number): string[] {
  const out: string[] = [];
  const take = (value: string) => {
    const tag = readSigmaTag(unquote(value.trim()), 'lenient');
    if (tag?.kind === 'tactic') out.push(tag.shortname);
  };
  const keyText = lines.lineAt(keyLine);
  const flow = /:\s*\[(.*?)\]?\s*$/.exec(keyText);
  if (flow) flow[1].split(',').forEach(take);
  const keyIndent = shape(keyText).keyIndent;
  for (let l = keyLine + 1; l < lines.lineCount && l - keyLine <= MAX_SCAN_LINES; l++) {
    const text = lines.lineAt(l);
    const s = shape(text);
    if (s.blank) continue;
    if (s.documentMarker || s.indent < keyIndent || (s.indent === keyIndent && !s.item)) break;
    if (s.item && s.key === undefined) take(stripComment(text.slice(s.keyIndent)));
  }
  return out;
}
