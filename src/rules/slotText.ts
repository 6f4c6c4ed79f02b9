import { Span } from './types';

// Line access and small text helpers shared by the slot readers (src/rules/slots*.ts).

/** Lines of a document, read lazily (a VS Code TextDocument adapts to this without copying). */
export interface LineSource {
  readonly lineCount: number;
  lineAt(line: number): string;
}

/** Lines longer than this are not rule text (minified or binary content): no slot. */
export const MAX_SLOT_LINE = 4096;
/** How far slot detection walks up or down from the cursor. */
export const MAX_SCAN_LINES = 5000;

export function linesOf(text: string): LineSource {
  const lines = text.split(/\r\n|\r|\n/);
  return { lineCount: lines.length, lineAt: (n) => lines[n] ?? '' };
}

export function spanOf(line: number, start: number, end: number): Span {
  return { start: { line, character: start }, end: { line, character: end } };
}

/** `end` moved left over trailing whitespace, not past `start`. */
export function rightTrimmedEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /\s/.test(text[e - 1])) e--;
  return e;
}
