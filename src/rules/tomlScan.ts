// A line scanner over TOML source that finds where `key = "value"` strings sit under each
// table header, so the Elastic parser can point at them. Validation is smol-toml's job;
// this only needs to be right for files that parse. Multi-line strings are skipped so a
// query containing `[rule.threat]` is never read as a header.

export interface TomlString {
  /** The string's content as written (without the quotes). */
  readonly text: string;
  /** Offsets of that content. */
  readonly start: number;
  readonly end: number;
}

export interface TomlLine {
  /** Header of the table the key is in: `rule.threat.technique`. */
  readonly table: string;
  /** True when the header was an array-of-tables `[[...]]` (each occurrence a new element). */
  readonly arrayTable: boolean;
  /** Counts headers seen so far, so keys of different `[[x]]` elements can be told apart. */
  readonly tableSerial: number;
  readonly key: string;
  readonly value: TomlString;
}

export interface TomlHeader {
  readonly table: string;
  readonly arrayTable: boolean;
  readonly serial: number;
  readonly start: number;
  readonly end: number;
}

export interface TomlScan {
  readonly headers: TomlHeader[];
  readonly strings: TomlLine[];
  /** Set when the scan stopped at a table header or key line past `maxEntries`: the offset of that line. */
  readonly cutAt?: number;
}

// A header is read in two steps: the bracketed part up to the first `]` (one pass, no
// backtracking), then its name. The single pattern this replaces had a lazy name next to
// `[ \t]*`, both matching spaces, which took quadratic time on a header that never closes.
const HEADER = /^[ \t]*(\[\[?)([^\]]*)\]\]?[ \t]*(?:#.*)?$/;
const HEADER_NAME = /^[A-Za-z0-9_.\- "']+$/;

const KEY_STRING = /^[ \t]*([A-Za-z0-9_-]+|"[^"]*")[ \t]*=[ \t]*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')[ \t]*(?:#.*)?$/;
const MULTILINE_OPEN = /=[ \t]*("""|''')/;

export function scanToml(text: string, maxEntries = Infinity): TomlScan {
  const headers: TomlHeader[] = [];
  const strings: TomlLine[] = [];
  let table = '';
  let arrayTable = false;
  let serial = 0;
  let lineStart = 0;
  let closing: string | undefined;
  let entries = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const next = lineEnd + 1;
    const contentEnd = lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    const line = text.slice(lineStart, contentEnd);
    if (closing) {
      if (line.includes(closing)) closing = undefined;
    } else if (line.length > 0) {
      const first = line.trimStart()[0];
      // Every line here opens a table or holds a key (or continues an array): counted against the cap.
      // Past it, the text is cut at the next header or key line, so what is kept still parses.
      if (first !== '#' && first !== undefined && ++entries > maxEntries && startsEntry(line, first)) return { headers, strings, cutAt: lineStart };
      if (first === '[') {
        const h = HEADER.exec(line);
        const name = h ? trimSpaces(h[2]) : '';
        if (h && name && HEADER_NAME.test(name)) {
          table = name.split('.').map(trimSpaces).join('.').replace(/["']/g, '');
          arrayTable = h[1] === '[[';
          serial++;
          headers.push({ table, arrayTable, serial, start: lineStart + line.indexOf('['), end: lineStart + line.length });
        }
      } else if (first !== '#') {
        const kv = KEY_STRING.exec(line);
        if (kv) {
          const raw = kv[2] ?? kv[3] ?? '';
          const quote = kv[2] !== undefined ? '"' : "'";
          const eq = line.indexOf('=', kv[1].length);
          const open = line.indexOf(quote, eq);
          const start = lineStart + open + 1;
          strings.push({ table, arrayTable, tableSerial: serial, key: kv[1].replace(/"/g, ''), value: { text: raw, start, end: start + raw.length } });
        } else closing = multilineOpenedBy(line);
      }
    }
    lineStart = next;
  }
  return { headers, strings };
}

const BARE_KEY_LINE = /^[ \t]*[A-Za-z0-9_-]+[ \t]*[.=]/;

/** A table header or a bare `key =` line: where a TOML document can be cut and still parse. */
function startsEntry(line: string, first: string): boolean {
  if (first !== '[') return BARE_KEY_LINE.test(line);
  const h = HEADER.exec(line);
  const name = h ? trimSpaces(h[2]) : '';
  return name !== '' && HEADER_NAME.test(name);
}

/**
 * The delimiter of a multi-line string a key line opens and leaves open (`query = '''`), or
 * undefined. Only a value can open one: `'''` in a one-line string or a comment does not.
 */
export function multilineOpenedBy(line: string): string | undefined {
  const first = line.trimStart()[0];
  if (first === undefined || first === '[' || first === '#' || KEY_STRING.test(line)) return undefined;
  const ml = MULTILINE_OPEN.exec(line);
  if (!ml) return undefined;
  return line.slice(ml.index + ml[0].length).includes(ml[1]) ? undefined : ml[1];
}

/** Without leading and trailing spaces and tabs. A loop: `/[ \t]+$/` rescans a run of spaces from each of its characters. */
function trimSpaces(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && (s.charCodeAt(start) === 32 || s.charCodeAt(start) === 9)) start++;
  while (end > start && (s.charCodeAt(end - 1) === 32 || s.charCodeAt(end - 1) === 9)) end--;
  return s.slice(start, end);
}
