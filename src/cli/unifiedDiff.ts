import { applyEdits } from '../checks/fixAll';
import { TextEdit } from '../checks/findings';

// `check --fix --dry-run`: what the fixes would change, as a unified diff (`git apply`, `patch -p1`
// read it). Built from the edits themselves, so it costs time linear in the file, not a diff search.

const CONTEXT = 3;

interface Change {
  /** 0-based first and last (inclusive) line of the old text the edits touch. */
  readonly from: number;
  readonly to: number;
  readonly lines: readonly string[];
}

function splitLines(text: string): { lines: string[]; finalNewline: boolean } {
  const lines = text.split('\n');
  const finalNewline = lines.length > 1 && lines[lines.length - 1] === '';
  if (finalNewline) lines.pop();
  return { lines, finalNewline };
}

/** The edits grouped by the old lines they touch; each group's new lines. */
function changes(old: readonly string[], edits: readonly TextEdit[]): Change[] {
  const sorted = [...edits].sort((a, b) => a.span.start.line - b.span.start.line || a.span.start.character - b.span.start.character);
  const groups: { from: number; to: number; edits: TextEdit[] }[] = [];
  for (const e of sorted) {
    const last = groups[groups.length - 1];
    if (last && e.span.start.line <= last.to + 1) {
      last.to = Math.max(last.to, e.span.end.line);
      last.edits.push(e);
    } else groups.push({ from: e.span.start.line, to: e.span.end.line, edits: [e] });
  }
  return groups.map((g) => {
    const shifted = g.edits.map((e) => ({
      newText: e.newText,
      span: { start: { line: e.span.start.line - g.from, character: e.span.start.character }, end: { line: e.span.end.line - g.from, character: e.span.end.character } },
    }));
    return { from: g.from, to: g.to, lines: applyEdits(old.slice(g.from, g.to + 1).join('\n'), shifted).split('\n') };
  });
}

/** The unified diff of applying `edits` to `text`, with `a/` and `b/` prefixes on `file`; empty when nothing changes. */
export function unifiedDiff(file: string, text: string, edits: readonly TextEdit[]): string {
  const { lines: old, finalNewline } = splitLines(text);
  const all = changes(old, edits).filter((c) => c.lines.join('\n') !== old.slice(c.from, c.to + 1).join('\n'));
  if (!all.length) return '';
  const shown = file.replace(/\\/g, '/').replace(/^\/+/, '');
  const out = [`--- a/${shown}`, `+++ b/${shown}`];
  let delta = 0;
  for (let i = 0; i < all.length;) {
    // A hunk: changes whose unchanged lines between them fit in twice the context.
    let j = i;
    while (j + 1 < all.length && all[j + 1].from - all[j].to - 1 <= 2 * CONTEXT) j++;
    const start = Math.max(0, all[i].from - CONTEXT);
    const end = Math.min(old.length - 1, all[j].to + CONTEXT);
    const body: string[] = [];
    let oldCount = 0;
    let newCount = 0;
    let line = start;
    const lastOld = old.length - 1;
    const context = (to: number) => {
      for (; line < to; line++) {
        body.push(' ' + old[line]);
        if (line === lastOld && !finalNewline) body.push('\\ No newline at end of file');
        oldCount++;
        newCount++;
      }
    };
    let hunkDelta = 0;
    for (let k = i; k <= j; k++) {
      const c = all[k];
      context(c.from);
      for (let l = c.from; l <= c.to; l++) body.push('-' + old[l]);
      if (c.to === lastOld && !finalNewline) body.push('\\ No newline at end of file');
      for (const l of c.lines) body.push('+' + l);
      if (c.to === lastOld && !finalNewline) body.push('\\ No newline at end of file');
      oldCount += c.to - c.from + 1;
      newCount += c.lines.length;
      hunkDelta += c.lines.length - (c.to - c.from + 1);
      line = c.to + 1;
    }
    context(end + 1);
    out.push(`@@ -${start + 1},${oldCount} +${start + 1 + delta},${newCount} @@`, ...body);
    delta += hunkDelta;
    i = j + 1;
  }
  return out.join('\n') + '\n';
}
