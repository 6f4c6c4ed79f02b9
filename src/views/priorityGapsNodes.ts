import * as vscode from 'vscode';
import { AtomicTest } from '../coverage/atomics';
import { gapStatusText, PriorityGap } from '../coverage/priorities';
import { markdownLink, markdownText as escapeMarkdown } from '../outsideText';
import { untrustedMarkdown } from '../untrustedMarkdown';
import { Actor, DataComponent, DetectionStrategy, Tactic, Technique } from '../attack/types';
import { firstSentences, plural } from '../core/words';
import { logSourceText } from '../coverage/telemetryDetectable';

// The Priority gaps view's node kinds and how each looks. A gap (or a technique listed under one
// of the cross-reference sections) expands into what a rule for it needs: who uses it, its
// tactics, ATT&CK v18 detection strategies and data components, uncovered sub-techniques and
// atomic tests. With a telemetry profile a gap says whether it is visible, and through which
// collected log source a rule would read it, or blind. Every tooltip is an untrusted MarkdownString with all text escaped.

export type SectionKind = 'testedNotDetected' | 'detectedNotTested' | 'baseline';
type DetailKind = 'actors' | 'strategies' | 'dataComponents' | 'subtechniques' | 'atomics';

export type GapNode =
  | { readonly kind: 'gap'; readonly gap: PriorityGap; readonly rank: number }
  | { readonly kind: 'section'; readonly section: SectionKind }
  | { readonly kind: 'entry'; readonly section: SectionKind; readonly id: string; readonly detail: string }
  | { readonly kind: 'detail'; readonly detail: DetailKind; readonly techniqueId: string; readonly key: string }
  | { readonly kind: 'tactics'; readonly tactics: readonly Tactic[]; readonly key: string }
  | { readonly kind: 'attack'; readonly id: string; readonly label: string; readonly description: string; readonly key: string; readonly isGap?: boolean }
  | { readonly kind: 'atomic'; readonly test: AtomicTest; readonly key: string };

/** What a gap's tooltip and children show about its technique. */
export interface TechniqueFacts {
  readonly technique: Technique;
  readonly fullName: string;
  readonly actors: readonly Actor[];
  readonly tactics: readonly Tactic[];
  readonly strategies: readonly DetectionStrategy[];
  readonly dataComponents: readonly DataComponent[];
  /** Sub-techniques no rule names (parents only). */
  readonly uncoveredSubtechniques: readonly Technique[];
  /** Atomic tests, when an atomics index is configured. */
  readonly atomicTests?: readonly AtomicTest[];
  readonly attackUrl: string;
}

function names(items: readonly { readonly id: string; readonly name: string }[], limit = 12): string {
  const shown = items.slice(0, limit).map((a) => `${a.name} (${a.id})`);
  return shown.join(', ') + (items.length > limit ? ` and ${items.length - limit} more` : '');
}

/** The tooltip every technique node (gap or section entry) carries; `telemetry` is a gap's telemetry line. */
function techniqueTooltip(f: TechniqueFacts, headline: string, telemetry?: string): vscode.MarkdownString {
  const md = untrustedMarkdown();
  md.appendMarkdown(`**${escapeMarkdown(`${f.technique.id} ${f.fullName}`)}**\n\n`);
  md.appendMarkdown(escapeMarkdown(headline) + '\n\n');
  md.appendMarkdown(escapeMarkdown(firstSentences(f.technique.description)) + '\n\n');
  const line = (label: string, text: string) => md.appendMarkdown(`**${escapeMarkdown(label)}:** ${escapeMarkdown(text)}\n\n`);
  if (f.actors.length) line(`Used by ${f.actors.length}`, names(f.actors));
  if (f.tactics.length) line('Tactics', f.tactics.map((t) => `${t.name} (${t.id})`).join(', '));
  line('Detection strategies', f.strategies.length ? names(f.strategies, 8) : 'none in the loaded ATT&CK data');
  line('Data components (telemetry a rule needs)', f.dataComponents.length ? f.dataComponents.map((d) => d.name).join(', ') : 'none listed');
  if (telemetry) line('Your telemetry', telemetry);
  if (f.uncoveredSubtechniques.length) line('Sub-techniques without rules', names(f.uncoveredSubtechniques, 10));
  if (f.atomicTests) line('Atomic Red Team tests', String(f.atomicTests.length));
  md.appendMarkdown(markdownLink(`${f.technique.id} on ATT&CK`, f.attackUrl));
  return md;
}

function gapDescription(gap: PriorityGap, atomicTests: number | undefined): string {
  const parts = [gap.reason];
  if (gap.status === 'partial') parts.push(gapStatusText(gap));
  else if (gap.parentRules > 0) parts.push(gapStatusText(gap));
  if (atomicTests !== undefined) parts.push(plural(atomicTests, 'atomic test'));
  const sources = gap.collectedLogSources;
  if (sources) parts.push(sources.length ? `visible: ${logSourceText(sources[0])}${sources.length > 1 ? ` +${sources.length - 1}` : ''}` : 'blind');
  return parts.join(' · ');
}

/** "a rule would read WinEventLog:Sysmon EventCode=1 (DC0032), …" or why it is blind; undefined without a telemetry profile. */
function gapTelemetryLine(gap: PriorityGap): string | undefined {
  const sources = gap.collectedLogSources;
  if (!sources) return undefined;
  if (!sources.length) return 'blind: none of the data components ATT&CK’s analytics for it read is collected';
  const shown = sources.slice(0, 6).map((ls) => `${logSourceText(ls)} (${ls.dataComponent})`);
  return `visible: a rule would read ${shown.join(', ')}${sources.length > 6 ? ` and ${sources.length - 6} more` : ''}`;
}

/**
 * A gap's row. Its tooltip comes when the row is hovered (gapTooltip, through the tree's
 * resolveTreeItem): the extension host parses every Markdown tooltip it sends, and the view lists
 * hundreds of gaps after each scan.
 */
export function gapItem(node: Extract<GapNode, { kind: 'gap' }>, atomicTests: number | undefined, topWeight: number): vscode.TreeItem {
  const { gap } = node;
  const item = new vscode.TreeItem(`${gap.technique.id} ${gap.technique.name}`, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `gap:${gap.technique.id}`;
  item.description = gapDescription(gap, atomicTests);
  const hot = gap.weight >= topWeight * 0.75;
  item.iconPath = new vscode.ThemeIcon(gap.status === 'partial' ? 'pass' : 'circle-outline', new vscode.ThemeColor(hot ? 'charts.red' : gap.status === 'partial' ? 'charts.yellow' : 'charts.orange'));
  item.contextValue = 'gap';
  return item;
}

export function gapTooltip(node: Extract<GapNode, { kind: 'gap' }>, f: TechniqueFacts): vscode.MarkdownString {
  const { gap } = node;
  return techniqueTooltip(f, `#${node.rank} · weight ${gap.weight}: ${gap.reason} · ${gapStatusText(gap)}`, gapTelemetryLine(gap));
}

const SECTION_LABELS: Readonly<Record<SectionKind, string>> = {
  testedNotDetected: 'Tested but not detected',
  detectedNotTested: 'Detected but never tested',
  baseline: "Baseline covers, we don't",
};

export function sectionItem(section: SectionKind, count: number, tooltip: string): vscode.TreeItem {
  const item = new vscode.TreeItem(SECTION_LABELS[section], vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `section:${section}`;
  item.description = plural(count, 'technique');
  item.iconPath = new vscode.ThemeIcon(section === 'baseline' ? 'layers' : section === 'testedNotDetected' ? 'beaker' : 'debug-disconnect');
  item.contextValue = `section.${section}`;
  item.tooltip = tooltip;
  return item;
}

/** A section's technique row; its tooltip comes on hover (entryTooltip), as a gap's. */
export function entryItem(node: Extract<GapNode, { kind: 'entry' }>, t: Technique, fullName: string): vscode.TreeItem {
  const item = new vscode.TreeItem(`${t.id} ${fullName}`, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `section:${node.section}/${node.id}`;
  item.description = node.detail;
  item.iconPath = new vscode.ThemeIcon(node.section === 'detectedNotTested' ? 'pass-filled' : 'circle-outline');
  // Tested-not-detected and baseline entries are gaps: a rule can be created for them.
  item.contextValue = node.section === 'detectedNotTested' ? 'technique' : 'gap';
  return item;
}

export function entryTooltip(node: Extract<GapNode, { kind: 'entry' }>, f: TechniqueFacts): vscode.MarkdownString {
  return techniqueTooltip(f, `${SECTION_LABELS[node.section]}: ${node.detail}`);
}

const DETAIL_LABELS: Readonly<Record<DetailKind, [string, string]>> = {
  actors: ['Used by', 'organization'],
  strategies: ['Detection strategies', 'telescope'],
  dataComponents: ['Data components', 'database'],
  subtechniques: ['Sub-techniques without rules', 'circle-outline'],
  atomics: ['Atomic tests', 'beaker'],
};

export function detailItem(node: Extract<GapNode, { kind: 'detail' }>, count: number, summary: string): vscode.TreeItem {
  const [label, icon] = DETAIL_LABELS[node.detail];
  const item = new vscode.TreeItem(`${label} (${count})`, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.key;
  item.description = summary;
  item.iconPath = new vscode.ThemeIcon(icon);
  item.contextValue = `detail.${node.detail}`;
  return item;
}

export function tacticsItem(node: Extract<GapNode, { kind: 'tactics' }>): vscode.TreeItem {
  const item = new vscode.TreeItem('Tactics', vscode.TreeItemCollapsibleState.None);
  item.id = node.key;
  item.description = node.tactics.map((t) => t.name).join(', ');
  item.tooltip = node.tactics.map((t) => `${t.id} ${t.name}`).join('\n');
  item.iconPath = new vscode.ThemeIcon('symbol-enum');
  return item;
}

export function attackItem(node: Extract<GapNode, { kind: 'attack' }>): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
  item.id = node.key;
  item.description = node.description;
  // An uncovered sub-technique listed under its parent is a gap too: a rule can be created for it.
  item.contextValue = node.isGap ? 'gap' : 'attackEntry';
  item.command = { command: 'attackLens.openTechnique', title: 'Open in ATT&CK Lens', arguments: [node.id] };
  return item;
}

export function atomicItem(node: Extract<GapNode, { kind: 'atomic' }>): vscode.TreeItem {
  const t = node.test;
  const item = new vscode.TreeItem(`#${t.number} ${t.name}`, vscode.TreeItemCollapsibleState.None);
  item.id = node.key;
  item.description = [t.technique, t.executor].filter(Boolean).join(' · ');
  item.tooltip = `${t.technique} test #${t.number}: ${t.name}\nExecutor: ${t.executor || 'unknown'}\nGUID: ${t.guid}`;
  item.iconPath = new vscode.ThemeIcon('beaker');
  item.contextValue = 'atomicTest';
  return item;
}
