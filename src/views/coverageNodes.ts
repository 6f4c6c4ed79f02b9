import * as vscode from 'vscode';
import { markdownLink, markdownText } from '../outsideText';
import { untrustedMarkdown } from '../untrustedMarkdown';
import { CoverageProblem, percentOf, RevokedReference, RuleRef, SkippedFile, TacticCoverage, TechniqueCoverage, UnreadableReference } from '../coverage/model';
import { firstSentences, plural } from '../core/words';
import { StateCounts } from '../coverage/telemetryStates';
import { TelemetryState } from '../coverage/telemetryTypes';
import { stateIcon } from './telemetryStateLook';
import { stateCountsText, stateLabel, stateSentence } from '../coverage/telemetryStateText';
import type { DetectionRule } from '../rules/types';

// The coverage tree's node kinds and how each looks. Colours by number of rules:
//   0 → circle-outline, disabled colour · 1 → charts.yellow · 2–3 → charts.blue · 4+ → charts.green.
// Tactics are coloured the same way by their share of covered techniques: 0 %, < 34 %, < 67 %, ≥ 67 %.
// With a telemetry profile a technique's icon is its telemetry state's (telemetryStateLook.ts), its
// description and tooltip name the state, and a tactic's description adds the four counts.

export type CoverageNode =
  | { readonly kind: 'tactic'; readonly coverage: TacticCoverage }
  | { readonly kind: 'technique'; readonly coverage: TechniqueCoverage; readonly key: string }
  | { readonly kind: 'rule'; readonly ref: RuleRef; readonly key: string }
  | { readonly kind: 'problems'; readonly problems: readonly CoverageProblem[] }
  | { readonly kind: 'problem'; readonly problem: CoverageProblem }
  | { readonly kind: 'unknownRoot'; readonly unknown: ReadonlyMap<string, readonly RuleRef[]> }
  | { readonly kind: 'unknown'; readonly id: string; readonly refs: readonly RuleRef[] }
  | { readonly kind: 'newerRoot'; readonly newer: ReadonlyMap<string, readonly RuleRef[]> }
  | { readonly kind: 'newer'; readonly id: string; readonly refs: readonly RuleRef[] }
  | { readonly kind: 'revokedRoot'; readonly revoked: readonly RevokedReference[] }
  | { readonly kind: 'unreadableRoot'; readonly unreadable: readonly UnreadableReference[] }
  | { readonly kind: 'skippedRoot'; readonly skipped: readonly SkippedFile[] }
  | { readonly kind: 'skipped'; readonly file: SkippedFile }
  | { readonly kind: 'unmappedRoot'; readonly unmapped: readonly UnmappedLogSource[] }
  | { readonly kind: 'unmapped'; readonly source: UnmappedLogSource }
  | { readonly kind: 'readingRule'; readonly path: string; readonly rule: DetectionRule; readonly key: string };

/** A log source rules read that maps to no data component: `sigma:category:antivirus`, its rule count, and why when the mappings say. */
export interface UnmappedLogSource {
  readonly key: string;
  readonly rules: number;
  readonly reason?: string;
}

export interface NodeContext {
  readonly uriOf: (path: string) => vscode.Uri;
  readonly relativePath: (path: string) => string;
  readonly attackUrl: (id: string) => string;
  /** The loaded data, as `ATT&CK v18.1`. */
  readonly attackVersion: string;
}

function countColor(rules: number): vscode.ThemeColor {
  if (rules >= 4) return new vscode.ThemeColor('charts.green');
  if (rules >= 2) return new vscode.ThemeColor('charts.blue');
  if (rules === 1) return new vscode.ThemeColor('charts.yellow');
  return new vscode.ThemeColor('disabledForeground');
}

function percentColor(percent: number): vscode.ThemeColor {
  if (percent >= 67) return new vscode.ThemeColor('charts.green');
  if (percent >= 34) return new vscode.ThemeColor('charts.blue');
  if (percent > 0) return new vscode.ThemeColor('charts.yellow');
  return new vscode.ThemeColor('disabledForeground');
}

export function tacticItem(c: TacticCoverage, showDomain: boolean, states?: StateCounts): vscode.TreeItem {
  const pct = percentOf(c.techniques);
  const item = new vscode.TreeItem(showDomain ? `${c.tactic.name} (${c.tactic.domain.replace('-attack', '')})` : c.tactic.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `tactic:${c.tactic.domain}:${c.tactic.shortname}`;
  item.description = `${c.techniques.covered}/${c.techniques.total} · ${pct}%` + (states ? ` · ${stateCountsText(states)}` : '');
  item.iconPath = new vscode.ThemeIcon(pct > 0 ? 'shield' : 'circle-outline', percentColor(pct));
  item.contextValue = 'tactic';
  const md = untrustedMarkdown();
  md.appendMarkdown(`**${markdownText(`${c.tactic.id} ${c.tactic.name}`)}**\n\n`);
  md.appendMarkdown(markdownText(firstSentences(c.tactic.description)) + '\n\n');
  md.appendMarkdown(markdownText(`Techniques: ${c.techniques.covered}/${c.techniques.total} (${pct}%) · Sub-techniques: ${c.subtechniques.covered}/${c.subtechniques.total} (${percentOf(c.subtechniques)}%)`));
  if (states) md.appendMarkdown('\n\n' + markdownText(`Telemetry (techniques and sub-techniques): ${stateCountsText(states)}`));
  item.tooltip = md;
  return item;
}

export function techniqueItem(c: TechniqueCoverage, key: string, hasChildren: boolean, ctx: NodeContext, state?: TelemetryState): vscode.TreeItem {
  const t = c.technique;
  const item = new vscode.TreeItem(`${t.id} ${t.name}`, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = key;
  const direct = c.rules.length;
  const via = c.viaSubtechniques.length;
  const rules = direct ? plural(direct, 'rule') + (via ? ` · ${via} via sub-techniques` : '') : via ? `${plural(via, 'rule')} via sub-techniques` : 'no rules';
  item.description = state ? `${rules} · ${stateLabel(state)}` : rules;
  item.iconPath = state ? stateIcon(state) : new vscode.ThemeIcon(c.covered ? (direct ? 'pass-filled' : 'pass') : 'circle-outline', countColor(c.ruleCount));
  item.contextValue = c.covered ? 'technique.covered' : 'technique.gap';
  const md = untrustedMarkdown();
  md.appendMarkdown(`**${markdownText(`${t.id} ${t.name}`)}**\n\n`);
  md.appendMarkdown(markdownText(firstSentences(t.description)) + '\n\n');
  md.appendMarkdown(markdownText(`Rules naming it: ${direct}` + (t.isSubtechnique ? '' : ` · via sub-techniques: ${via}`) + (t.platforms.length ? ` · Platforms: ${t.platforms.join(', ')}` : '')));
  if (state) md.appendMarkdown('\n\n' + markdownText(stateSentence(state)));
  md.appendMarkdown(`\n\n${markdownLink(`${t.id} on ATT&CK`, ctx.attackUrl(t.id))}`);
  item.tooltip = md;
  return item;
}

export function ruleItem(ref: RuleRef, key: string, ctx: NodeContext): vscode.TreeItem {
  const item = new vscode.TreeItem(ref.title || ctx.relativePath(ref.path), vscode.TreeItemCollapsibleState.None);
  item.id = key;
  const line = ref.span.start.line;
  item.description = `${ctx.relativePath(ref.path)}:${line + 1}` + (ref.revoked ? ` · ${ref.revoked} is revoked` : '');
  item.iconPath = ref.revoked ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')) : new vscode.ThemeIcon('file-code');
  item.contextValue = ref.revoked ? 'rule.revoked' : 'rule';
  item.resourceUri = ctx.uriOf(ref.path);
  const range = new vscode.Range(line, ref.span.start.character, ref.span.end.line, ref.span.end.character);
  item.command = { command: 'vscode.open', title: 'Open rule', arguments: [ctx.uriOf(ref.path), { selection: range, preview: true }] };
  const md = untrustedMarkdown();
  md.appendMarkdown(`**${markdownText(ref.title)}**\n\n`);
  md.appendMarkdown(markdownText(`${ref.format} rule${ref.ruleId ? ` ${ref.ruleId}` : ''}`) + '\n\n' + markdownText(`${ctx.relativePath(ref.path)}:${line + 1} — ${ref.text}`));
  if (ref.revoked) md.appendMarkdown('\n\n' + markdownText(`${ref.revoked} is revoked in ATT&CK: the rule counts for its replacement. "Fix all revoked references in workspace" updates the tag.`));
  item.tooltip = md;
  return item;
}

export function problemsItem(count: number): vscode.TreeItem {
  return sectionItem('problems', 'Problems', plural(count, 'file'), new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')), 'Rule files that could not be parsed: they add nothing to the coverage until fixed.');
}

export function problemItem(p: CoverageProblem, ctx: NodeContext): vscode.TreeItem {
  const item = new vscode.TreeItem(ctx.relativePath(p.path), vscode.TreeItemCollapsibleState.None);
  item.id = `problem:${p.path}:${p.line}:${p.character}:${p.message}`;
  item.description = `${p.line + 1}: ${p.message}`;
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
  item.tooltip = `${ctx.relativePath(p.path)}:${p.line + 1}\n${p.message}`;
  const pos = new vscode.Position(p.line, p.character);
  item.command = { command: 'vscode.open', title: 'Open file', arguments: [ctx.uriOf(p.path), { selection: new vscode.Range(pos, pos) }] };
  return item;
}

export function unknownRootItem(count: number): vscode.TreeItem {
  return sectionItem('unknown', 'Unknown references', plural(count, 'reference'), new vscode.ThemeIcon('question', new vscode.ThemeColor('problemsWarningIcon.foreground')), 'References the loaded ATT&CK data does not know and that do not look like a newer release\'s: typos, IDs far above the data\'s range, names no tactic or technique has. They count for nothing.');
}

export function unknownItem(id: string, refs: readonly RuleRef[], ctx: NodeContext): vscode.TreeItem {
  const item = new vscode.TreeItem(id, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `unknown:${id}`;
  const rules = plural(new Set(refs.map((r) => r.rule)).size, 'rule');
  item.description = rules;
  item.iconPath = new vscode.ThemeIcon('question', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  // A plain string: the reference is rule text and is shown as such.
  item.tooltip = `${id} is not in the loaded ${ctx.attackVersion}: no ID or tactic a newer release would add, most likely a typo. ${rules} name it; it counts for nothing.`;
  return item;
}

export function newerRootItem(references: number, attackVersion: string): vscode.TreeItem {
  return sectionItem('newer', `Newer than ${attackVersion}`, plural(references, 'reference'), new vscode.ThemeIcon('cloud-download', new vscode.ThemeColor('problemsInfoIcon.foreground')), `References the loaded ${attackVersion} does not know but that look like a newer ATT&CK release's (an ID just above the data's highest, a tactic it lacks). They count for nothing until "Update ATT&CK data" loads a release that has them.`);
}

export function newerItem(id: string, refs: readonly RuleRef[], ctx: NodeContext): vscode.TreeItem {
  const item = new vscode.TreeItem(id, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `newer:${id}`;
  const files = plural(new Set(refs.map((r) => r.path)).size, 'file');
  item.description = `${plural(refs.length, 'reference')} · ${files}`;
  item.iconPath = new vscode.ThemeIcon('cloud-download', new vscode.ThemeColor('problemsInfoIcon.foreground'));
  // A plain string: the reference is rule text and is shown as such.
  item.tooltip = `${id} looks newer than the loaded ${ctx.attackVersion}: ${plural(refs.length, 'reference')} in ${files}. It counts for nothing until the ATT&CK data has it.`;
  return item;
}

export function revokedRootItem(count: number): vscode.TreeItem {
  return sectionItem('revoked', 'Revoked references', plural(count, 'reference'), new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')), 'References to techniques ATT&CK revoked. Each counts for its replacement; "Fix all revoked references in workspace" rewrites them.');
}

export function unreadableRootItem(count: number): vscode.TreeItem {
  return sectionItem('unreadable', 'Unreadable references', plural(count, 'reference'), new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')), 'Text shaped like an ATT&CK reference that cannot be read as written (a trailing dot, a zero-width or full-width character, a YAML alias). They count for nothing; each rule\'s diagnostic has the fix.');
}

export function skippedRootItem(count: number): vscode.TreeItem {
  return sectionItem('skipped', 'Skipped files', plural(count, 'file'), new vscode.ThemeIcon('circle-slash'), 'Files left out of the scan: larger than 1 MB, binary, unreadable, a broken symlink, a symlink loop, or not a regular file (a FIFO, socket or device).');
}

/** A collapsed root node for what needs a look (Problems, Unknown references, …). */
function sectionItem(id: string, label: string, description: string, icon: vscode.ThemeIcon, tooltip: string): vscode.TreeItem {
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = id;
  item.description = description;
  item.iconPath = icon;
  item.tooltip = tooltip;
  return item;
}

export function unmappedRootItem(sources: readonly UnmappedLogSource[]): vscode.TreeItem {
  return sectionItem(
    'unmapped',
    'Unmapped log sources',
    plural(sources.length, 'log source'),
    new vscode.ThemeIcon('debug-disconnect'),
    'What rules read that the telemetry mappings map to no ATT&CK data component: those rules count for no data component, so their techniques cannot be detected with any telemetry profile. Add mappings in attackLens.telemetry.mappings.',
  );
}

export function unmappedItem(source: UnmappedLogSource): vscode.TreeItem {
  const item = new vscode.TreeItem(source.key, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `unmapped:${source.key}`;
  item.description = plural(source.rules, 'rule') + (source.reason ? ' · unmappable' : '');
  item.iconPath = new vscode.ThemeIcon(source.reason ? 'circle-slash' : 'question');
  item.contextValue = 'unmappedLogSource';
  const md = untrustedMarkdown();
  md.appendMarkdown(`**${markdownText(source.key)}**\n\n`);
  md.appendMarkdown(
    markdownText(
      `${plural(source.rules, 'rule')} read it. ` +
        (source.reason ? `Cannot be mapped: ${source.reason}` : 'No telemetry mapping names the data components it stands for: add one in attackLens.telemetry.mappings ("<format>:<value>": ["DC…"]).'),
    ),
  );
  item.tooltip = md;
  return item;
}

export function readingRuleItem(path: string, rule: DetectionRule, key: string, ctx: NodeContext): vscode.TreeItem {
  const item = new vscode.TreeItem(rule.title || ctx.relativePath(path), vscode.TreeItemCollapsibleState.None);
  item.id = key;
  const line = rule.span.start.line;
  item.description = `${ctx.relativePath(path)}:${line + 1}`;
  item.iconPath = new vscode.ThemeIcon('file-code');
  item.contextValue = 'rule';
  item.resourceUri = ctx.uriOf(path);
  const at = new vscode.Position(line, rule.span.start.character);
  item.command = { command: 'vscode.open', title: 'Open rule', arguments: [ctx.uriOf(path), { selection: new vscode.Range(at, at), preview: true }] };
  // A plain string: the title is rule text and is shown as such.
  item.tooltip = `${rule.title} — ${ctx.relativePath(path)}:${line + 1}`;
  return item;
}

export function skippedItem(s: SkippedFile, ctx: NodeContext): vscode.TreeItem {
  const item = new vscode.TreeItem(ctx.relativePath(s.path), vscode.TreeItemCollapsibleState.None);
  item.id = `skipped:${s.path}`;
  item.description = s.reason;
  item.iconPath = new vscode.ThemeIcon('circle-slash');
  return item;
}
