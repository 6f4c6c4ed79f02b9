import { Finding, FindingSeverity } from '../checks/findings';
import { visibleText } from '../rules/unreadable';

// The text and JSON reports of `attack-lens check`. Text is ESLint's "stylish": the file, then one
// line per finding, `line:col  severity  message  code`, and a count. Outside text (paths, the
// rule's words quoted in messages) reaches the terminal through visibleText.

interface CheckedFinding {
  readonly finding: Finding;
  readonly severity: FindingSeverity;
}

export interface CheckedFile {
  /** As walked (what the user typed, joined with the names below it). */
  readonly path: string;
  readonly text: string;
  readonly findings: readonly CheckedFinding[];
}

export interface SkippedRuleFile {
  readonly path: string;
  readonly reason: string;
}

const ORDER: readonly FindingSeverity[] = ['error', 'warning', 'information', 'hint'];

function severityCounts(files: readonly CheckedFile[]): Record<FindingSeverity, number> {
  const counts: Record<FindingSeverity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const f of files) for (const x of f.findings) counts[x.severity]++;
  return counts;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `show` turns a walked path into what is printed (src/cli/displayPath.ts). */
export function textReport(files: readonly CheckedFile[], show: (path: string) => string = (p) => p): string {
  const out: string[] = [];
  for (const file of files) {
    if (!file.findings.length) continue;
    const rows = file.findings.map(({ finding: f, severity }) => [`${f.span.start.line + 1}:${f.span.start.character + 1}`, severity, visibleText(f.message), f.code]);
    const width = (i: number) => Math.max(...rows.map((r) => r[i].length));
    const [w0, w1] = [width(0), width(1)];
    out.push(visibleText(show(file.path)));
    for (const r of rows) out.push(`  ${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}  ${r[3]}`);
    out.push('');
  }
  const c = severityCounts(files);
  const total = ORDER.reduce((n, s) => n + c[s], 0);
  if (!total) return '';
  const notes = c.information + c.hint;
  out.push(`✖ ${plural(total, 'problem')} (${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${plural(notes, 'note')})`);
  return out.join('\n') + '\n';
}

/** `--format json`: 1-based lines and columns (UTF-16 units), the fixes as edits; paths as walked (a stable interface for scripts). */
export function jsonReport(files: readonly CheckedFile[], skipped: readonly SkippedRuleFile[], meta: { readonly version: string; readonly attackVersion: string }): string {
  const pos = (p: { line: number; character: number }) => ({ line: p.line + 1, column: p.character + 1 });
  const findings = files.flatMap((file) =>
    file.findings.map(({ finding: f, severity }) => ({
      file: file.path,
      line: f.span.start.line + 1,
      column: f.span.start.character + 1,
      endLine: f.span.end.line + 1,
      endColumn: f.span.end.character + 1,
      severity,
      code: f.code,
      message: f.message,
      fixes: f.fixes
        .filter((x) => x.edits.length)
        .map((x) => ({ title: x.title, preferred: x.isPreferred === true, edits: x.edits.map((e) => ({ start: pos(e.span.start), end: pos(e.span.end), newText: e.newText })) })),
    })),
  );
  const report = {
    tool: 'attack-lens',
    version: meta.version,
    attackVersion: meta.attackVersion,
    files: files.length,
    summary: severityCounts(files),
    findings,
    skipped: skipped.map((s) => ({ file: s.path, reason: s.reason })),
  };
  return JSON.stringify(report, null, 2) + '\n';
}
