import { Domain, Technique } from '../attack/types';
import { newerThanDataPhrase } from '../checks/newerThanData';
import { visibleText } from '../rules/unreadable';
import { csvCell } from '../core/csv';
import { gapStatus, GapStatus } from './gaps';
import { CoverageModel, percentOf, TacticCoverage, TechniqueCoverage } from './model';
import { stateCountsForTactic, TelemetryStates } from './telemetryStates';
import { stateCountsText } from './telemetryStateText';
import type { TelemetrySummary } from './telemetryReport';

// Coverage reports for people (markdown, the CLI's summary table) and machines (json, csv).
// `displayPath` turns a RuleRef path (a URI string in the extension) into what the reader
// should see (a workspace-relative path).

export type ReportFormat = 'json' | 'markdown' | 'csv';

export interface ReportOptions {
  readonly displayPath?: (path: string) => string;
  /** How many uncovered techniques the markdown "Top gaps" lists. */
  readonly topGaps?: number;
  /** The four telemetry states (with a telemetry profile): the markdown's tactic table adds their counts, json its `telemetryStates`. */
  readonly telemetry?: TelemetryStates;
  /** What the rules read (no profile needed): json adds `telemetry` and each technique's `dataComponents`. */
  readonly reads?: TelemetrySummary;
}

/**
 * `attack-lens coverage --format json`. The keys the issue documents come first, in its order
 * (attackVersion … unknown); the rest add detail without changing those.
 */
export interface JsonReport {
  readonly attackVersion: string;
  readonly domains: readonly string[];
  readonly rules: number;
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
  readonly problems: readonly { readonly file: string; readonly line: number; readonly message: string }[];
  readonly tactics: Readonly<Record<string, { readonly covered: number; readonly total: number; readonly percent: number; readonly domain: string; readonly name: string; readonly subtechniques: CountJson }>>;
  readonly techniques: Readonly<Record<string, { readonly rules: number; readonly viaSubtechniques: number; readonly files: readonly string[] }>>;
  readonly unknown: Readonly<Record<string, number>>;
  /** The `unknown` references that look newer than the loaded data (src/checks/newerThanData.ts), with their counts. */
  readonly newerThanData: Readonly<Record<string, number>>;
  readonly platforms: readonly string[];
  readonly deprecatedRulesExcluded: number;
  readonly total: { readonly techniques: CountJson; readonly subtechniques: CountJson };
  readonly revoked: readonly { readonly file: string; readonly line: number; readonly id: string; readonly replacement: string | null }[];
  /** References that could not be read (counted for nothing), with why and what they most likely mean. */
  readonly unreadable: readonly { readonly file: string; readonly line: number; readonly text: string; readonly reason: string; readonly repaired: string | null }[];
  /** Files read only in part (over a per-file limit on references or rules), at the first thing not read. */
  readonly partial: readonly { readonly file: string; readonly line: number; readonly message: string }[];
}

interface CountJson {
  readonly covered: number;
  readonly total: number;
  readonly percent: number;
}

export function renderReport(model: CoverageModel, format: ReportFormat, options: ReportOptions = {}): string {
  switch (format) {
    case 'json':
      return JSON.stringify(jsonWithTelemetry(model, options), null, 2) + '\n';
    case 'csv':
      return csvReport(model, options);
    case 'markdown':
      return markdownReport(model, options);
  }
}

/**
 * The json report with what the rules read, when `reads` is given: `telemetry` (rules per data
 * component, rules per unmapped log source) and each covered technique's `dataComponents`; and the
 * `telemetryStates` with a telemetry profile. The CLI's `--format json` and the editor's export.
 */
export function jsonWithTelemetry(model: CoverageModel, options: ReportOptions = {}): JsonReport & { readonly telemetry?: unknown; readonly telemetryStates?: unknown } {
  const report = jsonReport(model, options);
  const { reads, telemetry } = options;
  const withReads = reads
    ? {
        ...report,
        techniques: Object.fromEntries(Object.entries(report.techniques).map(([id, entry]) => [id, { ...entry, dataComponents: reads.techniqueComponents(model.forTechnique(id)!) }])),
        telemetry: reads.json,
      }
    : report;
  return telemetry ? { ...withReads, telemetryStates: telemetry.lists } : withReads;
}

/** Tactic keys: the shortname, prefixed with the domain when two selected domains share it. */
export function tacticKey(model: CoverageModel, t: TacticCoverage): string {
  const shared = model.tactics().filter((x) => x.tactic.shortname === t.tactic.shortname).length > 1;
  return shared && t.tactic.domain !== model.domains[0] ? `${t.tactic.domain}:${t.tactic.shortname}` : t.tactic.shortname;
}

/** @internal The report without what the rules read; exported for the tests of its parts. */
export function jsonReport(model: CoverageModel, options: ReportOptions = {}): JsonReport {
  const show = options.displayPath ?? ((p: string) => p);
  const count = (c: { covered: number; total: number }): CountJson => ({ covered: c.covered, total: c.total, percent: percentOf(c) });
  // Keys come from rule files and bundles: built with Object.fromEntries, every key (`__proto__`,
  // `constructor`) is an own property that JSON.stringify writes.
  const tactics = Object.fromEntries(model.tactics().map((t) => [tacticKey(model, t), { covered: t.techniques.covered, total: t.techniques.total, percent: percentOf(t.techniques), domain: t.tactic.domain, name: t.tactic.name, subtechniques: count(t.subtechniques) }]));
  const techniques = Object.fromEntries(coveredTechniques(model).map((c) => [c.technique.id, { rules: c.rules.length, viaSubtechniques: c.viaSubtechniques.length, files: [...new Set(c.rules.map((r) => show(r.path)))].sort() }]));
  const counts = (m: ReadonlyMap<string, readonly unknown[]>) => Object.fromEntries([...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([id, refs]) => [id, refs.length]));
  return {
    attackVersion: [...new Set(model.domains.map((d) => model.index.domain(d)?.version ?? '?'))].join(', '),
    domains: model.domains,
    rules: model.ruleCount,
    skipped: model.skipped.map((s) => ({ file: show(s.path), reason: s.reason })),
    problems: model.problems.map((p) => ({ file: show(p.path), line: p.line + 1, message: p.message })),
    tactics,
    techniques,
    unknown: counts(model.unknown),
    newerThanData: counts(model.newerThanData),
    platforms: model.platforms,
    deprecatedRulesExcluded: model.deprecatedRuleCount,
    total: { techniques: count(model.total.techniques), subtechniques: count(model.total.subtechniques) },
    revoked: model.revoked.map((r) => ({ file: show(r.ref.path), line: r.ref.span.start.line + 1, id: r.id, replacement: r.replacement ?? null })),
    unreadable: model.unreadable.map((u) => ({ file: show(u.ref.path), line: u.ref.span.start.line + 1, text: u.ref.text, reason: u.reason, repaired: u.repaired ?? null })),
    partial: model.partial.map((p) => ({ file: show(p.path), line: p.line + 1, message: p.message })),
  };
}


/** Every known technique with at least one rule, directly or via a sub-technique, by ID. */
function coveredTechniques(model: CoverageModel): TechniqueCoverage[] {
  const ids = new Set<string>();
  for (const id of model.referencedTechniques()) {
    ids.add(id);
    const parent = model.index.technique(id)?.parent;
    if (parent) ids.add(parent);
  }
  return [...ids].sort().map((id) => model.forTechnique(id)).filter((c): c is TechniqueCoverage => !!c?.covered);
}

/** In-scope gaps (techniques and sub-techniques, src/coverage/gaps.ts), most-used by ATT&CK groups first. */
export function groupRankedGaps(model: CoverageModel, limit: number): { technique: Technique; groups: number; status: GapStatus }[] {
  const seen = new Map<string, { technique: Technique; status: GapStatus }>();
  const take = (c: TechniqueCoverage) => {
    const status = gapStatus(c);
    if (status) seen.set(c.technique.id, { technique: c.technique, status });
  };
  for (const t of model.tactics()) {
    for (const item of t.items) {
      take(item);
      item.subtechniques.forEach(take);
    }
  }
  return [...seen.values()]
    .map((g) => ({ ...g, groups: model.index.groupsUsing(g.technique.id).length }))
    .sort((a, b) => b.groups - a.groups || (a.technique.id < b.technique.id ? -1 : 1))
    .slice(0, limit);
}

export function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/([*_`[\]<>])/g, '\\$1');
}

function markdownReport(model: CoverageModel, options: ReportOptions): string {
  const show = options.displayPath ?? ((p: string) => p);
  const out: string[] = [];
  const total = model.total;
  out.push('# ATT&CK coverage', '');
  out.push(`${model.ruleCount} rules against ${model.domains.map((d) => `${d} ${model.index.domain(d)?.version ?? '?'}`).join(', ')}${model.platforms.length ? ` (platforms: ${model.platforms.join(', ')})` : ''}.`);
  out.push(`Techniques covered: **${total.techniques.covered}/${total.techniques.total} (${percentOf(total.techniques)}%)**; sub-techniques: **${total.subtechniques.covered}/${total.subtechniques.total} (${percentOf(total.subtechniques)}%)**.`, '');
  const states = options.telemetry;
  out.push(`| Tactic | Techniques | % | Sub-techniques | % |${states ? ' Detected | No telemetry | Visible | Blind |' : ''}`, `| --- | ---: | ---: | ---: | ---: |${states ? ' ---: | ---: | ---: | ---: |' : ''}`);
  for (const t of model.tactics()) {
    const name = model.domains.length > 1 ? `${t.tactic.name} (${t.tactic.domain})` : t.tactic.name;
    const c = states ? stateCountsForTactic(model, t.tactic.shortname, t.tactic.domain, states) : undefined;
    const stateCells = c ? ` ${c.detected} | ${c['no-telemetry']} | ${c.visible} | ${c.blind} |` : '';
    out.push(`| ${mdCell(name)} | ${t.techniques.covered}/${t.techniques.total} | ${percentOf(t.techniques)} | ${t.subtechniques.covered}/${t.subtechniques.total} | ${percentOf(t.subtechniques)} |${stateCells}`);
  }
  if (states) out.push('', `Telemetry states count each tactic's techniques and sub-techniques together: ${telemetryTotals(states)}.`);
  const gaps = groupRankedGaps(model, options.topGaps ?? 20);
  if (gaps.length) {
    out.push('', '## Top gaps', '', 'Techniques without rules, and parents with rules for only some of their sub-techniques (partial), ranked by the number of ATT&CK groups known to use them.', '');
    out.push('| Technique | Name | Tactics | Groups | Status |', '| --- | --- | --- | ---: | --- |');
    for (const g of gaps) {
      out.push(`| ${g.technique.id} | ${mdCell(model.index.fullName(g.technique.id))} | ${g.technique.tactics.join(', ')} | ${g.groups} | ${g.status === 'partial' ? 'partial' : 'no rules'} |`);
    }
  }
  if (model.unknown.size) {
    out.push('', '## Unknown references', '', `Not in the loaded ATT&CK data (newer ATT&CK, or a typo).`, '');
    out.push('| Reference | Rules | First seen |', '| --- | ---: | --- |');
    for (const [id, refs] of model.unknown) out.push(`| ${mdCell(id)} | ${refs.length} | ${mdCell(show(refs[0].path))}:${refs[0].span.start.line + 1} |`);
  }
  if (model.unreadable.length) {
    out.push('', '## Unreadable references', '', 'Shaped like ATT&CK references but not readable as written, so counted for nothing.', '');
    out.push('| Reference | Why | Likely meant | File |', '| --- | --- | --- | --- |');
    for (const u of model.unreadable) out.push(`| ${mdCell(visibleText(u.ref.text))} | ${mdCell(u.reason)} | ${u.repaired ? mdCell(u.repaired) : '—'} | ${mdCell(show(u.ref.path))}:${u.ref.span.start.line + 1} |`);
  }
  if (model.revoked.length) {
    out.push('', '## Revoked references', '', '| Reference | Counted as | File |', '| --- | --- | --- |');
    for (const r of model.revoked) out.push(`| ${r.id} | ${r.replacement ?? '(no replacement)'} | ${mdCell(show(r.ref.path))}:${r.ref.span.start.line + 1} |`);
  }
  if (model.problems.length) {
    out.push('', '## Files that could not be parsed', '');
    for (const p of model.problems) out.push(`- ${mdCell(show(p.path))}:${p.line + 1}: ${mdCell(p.message)}`);
  }
  if (model.partial.length) {
    out.push('', '## Files read in part', '', 'Over a per-file limit: what follows the line shown was not read for ATT&CK.', '');
    for (const p of model.partial) out.push(`- ${mdCell(show(p.path))}:${p.line + 1}: ${mdCell(p.message)}`);
  }
  if (model.skipped.length) {
    out.push('', '## Skipped files', '');
    for (const s of model.skipped) out.push(`- ${mdCell(show(s.path))}: ${mdCell(s.reason)}`);
  }
  return out.join('\n') + '\n';
}

/** One row per in-scope technique and sub-technique (each once, with all its tactics). */
function csvReport(model: CoverageModel, options: ReportOptions): string {
  const show = options.displayPath ?? ((p: string) => p);
  const rows: string[] = ['domain,tactics,technique_id,name,subtechnique,covered,rules,via_subtechniques,files'];
  const seen = new Set<string>();
  const add = (c: TechniqueCoverage) => {
    if (seen.has(c.technique.id)) return;
    seen.add(c.technique.id);
    const files = [...new Set(c.rules.map((r) => show(r.path)))].sort().join(';');
    rows.push([c.technique.domain, c.technique.tactics.join(';'), c.technique.id, c.technique.name, c.technique.isSubtechnique, c.covered, c.rules.length, c.viaSubtechniques.length, files].map(csvCell).join(','));
  };
  for (const t of model.tactics()) {
    for (const item of t.items) {
      add(item);
      item.subtechniques.forEach(add);
    }
  }
  return rows.join('\r\n') + '\r\n';
}

const DOMAIN_HEADINGS: Readonly<Record<Domain, string>> = { 'enterprise-attack': 'Enterprise ATT&CK', 'mobile-attack': 'Mobile ATT&CK', 'ics-attack': 'ICS ATT&CK' };

/** "12 detected · 3 no telemetry · 40 visible · 100 blind", over the whole scope. */
function telemetryTotals(states: TelemetryStates): string {
  const l = states.lists;
  return stateCountsText({ detected: l.detected.length, 'no-telemetry': l['no-telemetry'].length, visible: l.visible.length, blind: l.blind.length });
}

const STATE_HEADER = '  Detected No-telem Visible  Blind';

/** The CLI's default output: one line per tactic with a bar (and the four telemetry counts with a profile), then the totals. */
/**
 * The CLI's default output: one line per tactic with a bar, then the totals, then where the
 * unknown, revoked and unreadable references are (the first ten of each; `verbose`: all).
 */
export function summaryTable(model: CoverageModel, options: ReportOptions & { readonly verbose?: boolean; readonly telemetry?: TelemetryStates } = {}): string {
  const telemetry = options.telemetry;
  const show = options.displayPath ?? ((p: string) => p);
  const listed = options.verbose ? Infinity : REFERENCES_LISTED;
  const lines: string[] = [];
  const width = Math.max(8, ...model.tactics().map((t) => t.tactic.name.length));
  lines.push(`${'Tactic'.padEnd(width)}  Techniques       Sub-techniques${telemetry ? ' '.repeat(22) + STATE_HEADER : ''}`);
  const several = model.domains.length > 1;
  let domain: string | undefined;
  for (const t of model.tactics()) {
    // Several domains share tactic names (Execution, Persistence…): each domain gets a heading.
    if (several && t.tactic.domain !== domain) {
      domain = t.tactic.domain;
      lines.push(`${domain === model.domains[0] ? '' : '\n'}${DOMAIN_HEADINGS[t.tactic.domain]} ${model.index.domain(t.tactic.domain)?.version ?? ''}`.trimEnd());
    }
    const c = t.techniques;
    const s = t.subtechniques;
    const n = telemetry ? stateCountsForTactic(model, t.tactic.shortname, t.tactic.domain, telemetry) : undefined;
    const stateCells = n ? `  ${String(n.detected).padStart(8)} ${String(n['no-telemetry']).padStart(8)} ${String(n.visible).padStart(7)} ${String(n.blind).padStart(6)}` : '';
    lines.push(`${t.tactic.name.padEnd(width)}  ${`${c.covered}/${c.total}`.padStart(7)} ${`${percentOf(c)}%`.padStart(6)}   ${`${s.covered}/${s.total}`.padStart(7)} ${`${percentOf(s)}%`.padStart(6)}  ${bar(percentOf(c))}${stateCells}`);
  }
  const total = model.total;
  lines.push('');
  lines.push(`${model.ruleCount} rules · techniques ${total.techniques.covered}/${total.techniques.total} (${percentOf(total.techniques)}%) · sub-techniques ${total.subtechniques.covered}/${total.subtechniques.total} (${percentOf(total.subtechniques)}%)`);
  const deprecated = model.deprecatedReferences();
  const notes = [
    model.unknown.size ? `${model.unknown.size} unknown reference${model.unknown.size === 1 ? '' : 's'}` : '',
    model.revoked.length ? `${model.revoked.length} revoked reference${model.revoked.length === 1 ? '' : 's'}` : '',
    model.unreadable.length ? `${model.unreadable.length} unreadable reference${model.unreadable.length === 1 ? '' : 's'} (counted for nothing)` : '',
    deprecated.length ? `${deprecated.length} reference${deprecated.length === 1 ? '' : 's'} to deprecated techniques (counted for nothing)` : '',
    model.problems.length ? `${model.problems.length} parse problem${model.problems.length === 1 ? '' : 's'}` : '',
    model.partial.length ? `${model.partial.length} file${model.partial.length === 1 ? '' : 's'} read in part (over a per-file limit)` : '',
    model.skipped.length ? `${model.skipped.length} skipped file${model.skipped.length === 1 ? '' : 's'}` : '',
    model.deprecatedRuleCount ? `${model.deprecatedRuleCount} deprecated rule${model.deprecatedRuleCount === 1 ? '' : 's'} left out` : '',
  ].filter(Boolean);
  if (notes.length) lines.push(notes.join(' · '));
  if (telemetry) lines.push(`telemetry (techniques and sub-techniques): ${telemetryTotals(telemetry)}`);
  if (model.newerThanData.size) lines.push(newerThanDataLine(model));
  const unknown = [...model.unknown].sort((a, b) => (a[0] < b[0] ? -1 : 1)).flatMap(([id, refs]) => refs.map((ref) => ({ id, ref })));
  lines.push(...listLines(unknown.map((u) => `  ${visibleText(show(u.ref.path))}:${u.ref.span.start.line + 1}: ${visibleText(u.ref.text)}: ${u.id} is not in ${model.index.versionLabel}`), listed, 'unknown references'));
  lines.push(...listLines(model.revoked.map((r) => `  ${visibleText(show(r.ref.path))}:${r.ref.span.start.line + 1}: ${visibleText(r.ref.text)}: ${r.id} is revoked${r.replacement ? `, replaced by ${r.replacement}` : ''}`), listed, 'revoked references'));
  lines.push(...listLines(unreadableLines(model, show), options.verbose ? Infinity : UNREADABLE_LISTED, '', '--format json lists them all'));
  lines.push(...model.partial.slice(0, PARTIAL_LISTED).map((p) => `  ${visibleText(show(p.path))}:${p.line + 1}: ${p.message}`));
  if (model.partial.length > PARTIAL_LISTED) lines.push(`  … and ${model.partial.length - PARTIAL_LISTED} more files read in part (--format json lists them all)`);
  return lines.join('\n');
}

const NEWER_LISTED = 5;

/** "212 references look newer than the loaded ATT&CK v18.1 (update the ATT&CK data): attack.stealth ×944, T1685 ×157, …", most named first. */
function newerThanDataLine(model: CoverageModel): string {
  const top = [...model.newerThanData.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  const listed = top.slice(0, NEWER_LISTED).map(([key, refs]) => `${visibleText(key)} ×${refs.length}`);
  if (top.length > NEWER_LISTED) listed.push('…');
  return `${newerThanDataPhrase(model.newerThanDataCount, model.index.versionLabel)} (update the ATT&CK data): ${listed.join(', ')}`;
}

const REFERENCES_LISTED = 10;
const UNREADABLE_LISTED = 10;
const PARTIAL_LISTED = 10;

/** The first `limit` lines, and how many more there are. */
function listLines(lines: readonly string[], limit: number, what: string, more = '--verbose lists them all'): string[] {
  if (lines.length <= limit) return [...lines];
  return [...lines.slice(0, limit), `  … and ${lines.length - limit} more${what ? ` ${what}` : ''} (${more})`];
}

/** Where the unreadable references are, for the summary: they are few and each is a fix to make. */
function unreadableLines(model: CoverageModel, show: (path: string) => string): string[] {
  return model.unreadable.map((u) => `  ${visibleText(show(u.ref.path))}:${u.ref.span.start.line + 1}: ${visibleText(u.ref.text)} cannot be read as an ATT&CK reference: ${u.reason}${u.repaired ? ` (meant ${u.repaired}?)` : ''}`);
}

function bar(percent: number): string {
  const n = Math.round(percent / 5);
  return '█'.repeat(n) + '░'.repeat(20 - n);
}
