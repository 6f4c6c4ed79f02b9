import type * as JsYaml from 'js-yaml';
import { FileLimits, MAX_RULES_PER_FILE, MAX_YAML_LINES_PER_FILE } from './limits';
import { LineMap, problemAt } from './text';
import { RuleProblem } from './types';

// YAML as a small tree that remembers where every scalar is, built from js-yaml's event
// stream (one parse). Syntax errors come from the parser; the one constructor check that
// matters for rules, duplicate keys, is done here (constructing the documents as well
// would cost a third more time for nothing else of use).

// `require` makes esbuild bundle js-yaml's CommonJS build: the ESM build, once converted by
// esbuild, parses the Sigma corpus 2.3× slower (measured: 510 ms vs 220 ms).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { EVENT_ID, getScalarValue, parseEvents } = require('js-yaml') as typeof JsYaml;
type ScalarEvent = JsYaml.ScalarEvent;

export interface YScalar {
  readonly kind: 'scalar';
  readonly value: string;
  /** Offsets of the scalar's text, inside the quotes when it is quoted. */
  readonly start: number;
  readonly end: number;
}

interface YSeq {
  readonly kind: 'seq';
  readonly start: number;
  readonly items: YNode[];
}

interface YMap {
  readonly kind: 'map';
  readonly start: number;
  readonly keys: YNode[];
  readonly values: YNode[];
}

interface YAlias {
  readonly kind: 'alias';
  readonly start: number;
}

export type YNode = YScalar | YSeq | YMap | YAlias;

interface YamlDocument {
  /** The document's top node; undefined for an empty document. */
  readonly root?: YNode;
}

export interface YamlFile {
  readonly documents: readonly YamlDocument[];
  /** Set when the text is not valid YAML; `documents` is then empty. */
  readonly problem?: RuleProblem;
}

/** A `---` line: where a YAML document starts (inside a block scalar it would be indented). */
const DOCUMENT_MARKER = /^---(?=[ \t\r\n]|$)/gm;

/** The offset of the text's `n`th `---` document marker (from 1), or undefined when it has fewer. */
export function documentMarker(text: string, n: number): number | undefined {
  // Each marker but the last takes a line of at least four characters.
  if (text.length < (n - 1) * 4 + 3) return undefined;
  DOCUMENT_MARKER.lastIndex = 0;
  let markers = 0;
  for (let m = DOCUMENT_MARKER.exec(text); m; m = DOCUMENT_MARKER.exec(text)) {
    if (++markers === n) return m.index;
  }
  return undefined;
}

/**
 * The offset of the document marker past which more than MAX_RULES_PER_FILE documents start, or
 * undefined when there are fewer. The marker after that many documents is the cut (one more is
 * read, so the parser's own rule count finds the cap where the first unread document is).
 */
function documentCut(text: string): number | undefined {
  return documentMarker(text, MAX_RULES_PER_FILE + 2);
}

/**
 * The start of the first line (not blank) past MAX_YAML_LINES_PER_FILE, or undefined when the
 * text has fewer.
 */
function lineCut(text: string): number | undefined {
  if (text.length < MAX_YAML_LINES_PER_FILE * 2) return undefined;
  let lines = 0;
  for (let at = 0; at < text.length; ) {
    let c = at;
    for (let ch = text.charCodeAt(c); ch === 32 || ch === 9 || ch === 13; ch = text.charCodeAt(++c));
    if (c < text.length && text.charCodeAt(c) !== 10 && ++lines > MAX_YAML_LINES_PER_FILE) return at;
    const eol = text.indexOf('\n', c);
    if (eol < 0) return undefined;
    at = eol + 1;
  }
  return undefined;
}

/**
 * The start of the last top-level line at or before `cut` (a key, a `---`, an item of a
 * top-level list): a text cut there ends between two top-level nodes, not inside a quoted
 * string or a flow collection that a cut line would leave open.
 */
function topLevelBefore(text: string, cut: number): number {
  for (let at = text.lastIndexOf('\n', cut - 2); at >= 0; at = text.lastIndexOf('\n', at - 1)) {
    const ch = text[at + 1];
    if (ch !== undefined && !' \t\r\n#]},"\''.includes(ch)) return at + 1;
    if (at === 0) break;
  }
  return 0;
}

/**
 * Parses at most MAX_RULES_PER_FILE + 1 documents and MAX_YAML_LINES_PER_FILE lines (js-yaml
 * reads them all, at a cost that grows with them); a cut is reported through `limits`.
 */
export function parseYaml(text: string, lines: LineMap, limits?: FileLimits): YamlFile {
  const documentsEnd = limits ? documentCut(text) : undefined;
  const linesEnd = limits ? lineCut(text) : undefined;
  let cut: number | undefined;
  if (documentsEnd !== undefined && (linesEnd === undefined || documentsEnd <= linesEnd)) {
    cut = documentsEnd;
    limits!.stoppedAt('rules', cut);
  } else if (linesEnd !== undefined) {
    cut = linesEnd;
    limits!.stoppedAt('lines', cut);
  }
  let events;
  try {
    events = parseEvents(cut === undefined ? text : text.slice(0, cut), {});
  } catch (e) {
    if (cut === undefined || cut !== linesEnd) return { documents: [], problem: yamlProblem(e, lines) };
    // The line cut may have fallen inside a multi-line string or flow collection.
    try {
      events = parseEvents(text.slice(0, topLevelBefore(text, cut)), {});
    } catch (again) {
      return { documents: [], problem: yamlProblem(again, lines) };
    }
  }
  const documents: YamlDocument[] = [];
  const stack: (YSeq | YMap)[] = [];
  let root: YNode | undefined;
  let inDocument = false;
  let duplicate: YScalar | undefined;
  // Scalar keys seen per open mapping (beside `stack`): a Set, as a scan of the keys before each
  // one was quadratic (95 000 keys: 16 s); made on the mapping's second key, as most have few.
  const seenStack: (Set<string> | undefined)[] = [];
  const attach = (node: YNode): void => {
    const parent = stack[stack.length - 1];
    if (!parent) root = node;
    else if (parent.kind === 'seq') parent.items.push(node);
    else if (parent.keys.length === parent.values.length) {
      if (!duplicate && node.kind === 'scalar' && parent.keys.length > 0) {
        const top = seenStack.length - 1;
        let seen = seenStack[top];
        if (!seen) {
          seen = seenStack[top] = new Set();
          for (const k of parent.keys) if (k.kind === 'scalar') seen.add(k.value);
        }
        if (seen.has(node.value)) duplicate = node;
        else seen.add(node.value);
      }
      parent.keys.push(node);
    } else parent.values.push(node);
  };
  for (const ev of events) {
    switch (ev.type) {
      case EVENT_ID.DOCUMENT:
        inDocument = true;
        root = undefined;
        break;
      case EVENT_ID.MAPPING: {
        const node: YMap = { kind: 'map', start: ev.start, keys: [], values: [] };
        attach(node);
        stack.push(node);
        seenStack.push(undefined);
        break;
      }
      case EVENT_ID.SEQUENCE: {
        const node: YSeq = { kind: 'seq', start: ev.start, items: [] };
        attach(node);
        stack.push(node);
        seenStack.push(undefined);
        break;
      }
      case EVENT_ID.SCALAR:
        attach(new LazyScalar(text, ev));
        break;
      case EVENT_ID.ALIAS:
        attach({ kind: 'alias', start: ev.anchorStart });
        break;
      case EVENT_ID.POP:
        if (stack.length > 0) {
          stack.pop();
          seenStack.pop();
        } else if (inDocument) {
          documents.push({ root });
          inDocument = false;
        }
        break;
    }
  }
  if (duplicate) {
    const problem: RuleProblem = { message: `Invalid YAML: duplicated mapping key "${duplicate.value}"`, severity: 'error', span: lines.span(duplicate.start, duplicate.end) };
    return { documents: [], problem };
  }
  return { documents };
}

/** Decodes its value on first use: most scalars of a rule (its detection logic) are never read. */
class LazyScalar implements YScalar {
  readonly kind = 'scalar';
  readonly start: number;
  readonly end: number;
  private decoded: string | undefined;

  constructor(
    private readonly text: string,
    private readonly event: ScalarEvent,
  ) {
    this.start = event.valueStart;
    this.end = event.valueEnd;
  }

  get value(): string {
    if (this.decoded === undefined) {
      const ev = this.event;
      this.decoded = ev.valueStart < 0 ? '' : ev.fast ? this.text.slice(ev.valueStart, ev.valueEnd) : getScalarValue(this.text, ev);
    }
    return this.decoded;
  }
}

function yamlProblem(e: unknown, lines: LineMap): RuleProblem {
  const err = e as { reason?: string; message?: string; mark?: { line?: number; column?: number } };
  const message = `Invalid YAML: ${err?.reason ?? err?.message ?? String(e)}`;
  const line = typeof err?.mark?.line === 'number' ? err.mark.line : 0;
  const column = typeof err?.mark?.column === 'number' ? err.mark.column : 0;
  return problemAt(lines, line, column, message);
}

/** The value under a mapping key (first match), or undefined. */
export function get(node: YNode | undefined, key: string): YNode | undefined {
  if (!node || node.kind !== 'map') return undefined;
  for (let i = 0; i < node.keys.length; i++) {
    const k = node.keys[i];
    if (k.kind === 'scalar' && k.value === key) return node.values[i];
  }
  return undefined;
}

/** The key node of a mapping entry, for spans that start at the key. */
export function keyNode(node: YNode | undefined, key: string): YScalar | undefined {
  if (!node || node.kind !== 'map') return undefined;
  for (const k of node.keys) if (k.kind === 'scalar' && k.value === key) return k;
  return undefined;
}

/** A scalar's text, or undefined for anything else (also for empty values). */
export function str(node: YNode | undefined): string | undefined {
  if (node?.kind !== 'scalar') return undefined;
  const v = node.value.trim();
  return v === '' || v === '~' || v === 'null' ? undefined : v;
}

/** The scalars of a sequence, or the scalar itself as a one-item list. */
export function scalars(node: YNode | undefined): YScalar[] {
  if (!node) return [];
  if (node.kind === 'scalar') return str(node) === undefined ? [] : [node];
  if (node.kind === 'seq') return node.items.filter((n): n is YScalar => n.kind === 'scalar' && str(n) !== undefined);
  return [];
}

