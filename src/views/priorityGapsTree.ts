import * as vscode from 'vscode';
import { attackUrl } from '../attack/ids';
import { Actor, Technique } from '../attack/types';
import { atomicTestCount } from '../coverage/atomics';
import { actorsFor, gapTelemetry } from '../coverage/priorities';
import { LensContext } from '../context';
import { atomicItem, attackItem, detailItem, entryItem, entryTooltip, gapItem, gapTooltip, GapNode, sectionItem, SectionKind, tacticsItem, TechniqueFacts } from './priorityGapsNodes';
import { ThreatProfileState } from '../state/threatProfile';
import { plural } from '../core/words';
import type { WorkspaceWelcome } from './workspaceWelcome';

// The Priority gaps view (attackLens.priorityGaps): the cross-reference sections ("Tested but
// not detected", "Detected but never tested" with an atomics index, "Baseline covers, we
// don't" with a baseline layer), then the ranked gaps, highest weight first. Its description
// names the active weighting; its message explains it and anything that needs a look.

const PRIORITY_GAPS_VIEW = 'attackLens.priorityGaps';

export class PriorityGapsProvider implements vscode.TreeDataProvider<GapNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<GapNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private view?: vscode.TreeView<GapNode>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly lens: LensContext,
    readonly state: ThreatProfileState,
    private readonly welcome: WorkspaceWelcome,
  ) {
    this.disposables.push(this.changed, state.onDidChange(() => this.refresh()), welcome.onDidChange(() => this.refresh()));
  }

  attach(view: vscode.TreeView<GapNode>): void {
    this.view = view;
    this.updateView();
  }

  /** The view's message and description as last set (tests). */
  get viewState(): { readonly message?: string; readonly description?: string } {
    return { message: this.view?.message, description: this.view?.description };
  }

  refresh(): void {
    this.updateView();
    this.changed.fire(undefined);
  }

  getParent(): undefined {
    return undefined;
  }

  getChildren(node?: GapNode): GapNode[] {
    if (!this.state.store.lastScan) return [];
    // No folder, the first scan, no rule files: the view's welcome content shows instead (package.json viewsWelcome).
    if (!node) return this.welcome.state ? [] : this.roots();
    switch (node.kind) {
      case 'gap':
        return this.details(node.gap.technique, `gap:${node.gap.technique.id}`, node.gap.actors);
      case 'section':
        return this.sectionEntries(node.section);
      case 'entry': {
        const t = this.lens.index.technique(node.id);
        return t ? this.details(t, `section:${node.section}/${node.id}`) : [];
      }
      case 'detail':
        return this.detailChildren(node);
      default:
        return [];
    }
  }

  getTreeItem(node: GapNode): vscode.TreeItem {
    switch (node.kind) {
      case 'gap': {
        const ranking = this.state.ranking;
        return gapItem(node, this.atomicCount(node.gap.technique.id), ranking.gaps[0]?.weight ?? 1);
      }
      case 'section':
        return this.sectionTreeItem(node.section);
      case 'entry': {
        const t = this.lens.index.technique(node.id);
        return t ? entryItem(node, t, this.lens.index.fullName(t.id)) : new vscode.TreeItem(node.id);
      }
      case 'detail': {
        const children = this.detailChildren(node);
        const summary = children.slice(0, 4).map((c) => (c.kind === 'attack' ? c.label.replace(/^\S+\s/, '') : c.kind === 'atomic' ? c.test.name : '')).join(', ');
        return detailItem(node, children.length, summary + (children.length > 4 ? ', …' : ''));
      }
      case 'tactics':
        return tacticsItem(node);
      case 'attack':
        return attackItem(node);
      case 'atomic':
        return atomicItem(node);
    }
  }

  /** A technique row's tooltip, worked out when it is hovered. */
  resolveTreeItem(item: vscode.TreeItem, node: GapNode): vscode.TreeItem {
    if (node.kind === 'gap') item.tooltip = gapTooltip(node, this.facts(node.gap.technique, node.gap.actors));
    else if (node.kind === 'entry') {
      const t = this.lens.index.technique(node.id);
      if (t) item.tooltip = entryTooltip(node, this.facts(t));
    }
    return item;
  }

  private roots(): GapNode[] {
    const out: GapNode[] = [];
    if (this.state.atomicsView) out.push({ kind: 'section', section: 'testedNotDetected' }, { kind: 'section', section: 'detectedNotTested' });
    if (this.state.baselineComparison) out.push({ kind: 'section', section: 'baseline' });
    this.state.ranking.gaps.forEach((gap, i) => out.push({ kind: 'gap', gap, rank: i + 1 }));
    return out;
  }

  private sectionEntries(section: SectionKind): GapNode[] {
    if (section === 'baseline') {
      return (this.state.baselineComparison?.gaps ?? []).map((g) => ({ kind: 'entry', section, id: g.id, detail: g.partial ? 'partial: only some sub-techniques have rules' : 'no rules' }));
    }
    const cross = this.state.atomicsView?.cross;
    if (!cross) return [];
    if (section === 'testedNotDetected') return cross.testedNotDetected.map((e) => ({ kind: 'entry', section, id: e.id, detail: plural(e.tests, 'atomic test') }));
    return cross.detectedNotTested.map((e) => ({ kind: 'entry', section, id: e.id, detail: plural(e.rules, 'rule') }));
  }

  private sectionTreeItem(section: SectionKind): vscode.TreeItem {
    const count = this.sectionEntries(section).length;
    if (section === 'baseline') {
      const b = this.state.baseline;
      const cmp = this.state.baselineComparison;
      const source = b ? vscode.Uri.parse(b.source).path.replace(/^.*\//, '') : '';
      const tip = b && cmp ? `Baseline layer “${b.name}” (${source}): ${cmp.inScope} techniques in scope, ${count} without a rule of ours${cmp.ignored.length ? `; ${cmp.ignored.length} not in the loaded ATT&CK data or outside the coverage scope` : ''}.` : '';
      const item = sectionItem(section, count, tip);
      item.description = `${item.description} · ${b?.name ?? ''}`;
      return item;
    }
    const file = this.state.atomicsState?.file;
    const where = file ? vscode.Uri.parse(file).path : 'the atomics index';
    return sectionItem(section, count, section === 'testedNotDetected' ? `Techniques with Atomic Red Team tests (${where}) and no rule: an attack the team can run that nothing would see.` : `Techniques our rules name that no atomic test in ${where} exercises: rules nobody has fired.`);
  }

  private details(t: Technique, key: string, actors: readonly Actor[] = actorsFor(this.lens.index, t)): GapNode[] {
    const f = this.facts(t, actors);
    const out: GapNode[] = [];
    if (f.actors.length) out.push({ kind: 'detail', detail: 'actors', techniqueId: t.id, key: `${key}/actors` });
    if (f.tactics.length) out.push({ kind: 'tactics', tactics: f.tactics, key: `${key}/tactics` });
    if (f.strategies.length) out.push({ kind: 'detail', detail: 'strategies', techniqueId: t.id, key: `${key}/strategies` });
    if (f.dataComponents.length) out.push({ kind: 'detail', detail: 'dataComponents', techniqueId: t.id, key: `${key}/dataComponents` });
    if (f.uncoveredSubtechniques.length) out.push({ kind: 'detail', detail: 'subtechniques', techniqueId: t.id, key: `${key}/subtechniques` });
    if (f.atomicTests?.length) out.push({ kind: 'detail', detail: 'atomics', techniqueId: t.id, key: `${key}/atomics` });
    return out;
  }

  private detailChildren(node: Extract<GapNode, { kind: 'detail' }>): GapNode[] {
    const t = this.lens.index.technique(node.techniqueId);
    if (!t) return [];
    const gap = this.state.ranking.gaps.find((g) => g.technique.id === t.id);
    const f = this.facts(t, gap?.actors ?? actorsFor(this.lens.index, t));
    const attack = (e: { id: string; name: string }, description: string): GapNode => ({ kind: 'attack', id: e.id, label: `${e.id} ${e.name}`, description, key: `${node.key}/${e.id}` });
    switch (node.detail) {
      case 'actors':
        return f.actors.map((a) => attack(a, a.kind));
      case 'strategies':
        return f.strategies.map((s) => attack(s, plural(s.analytics.length, 'analytic')));
      case 'dataComponents':
        return f.dataComponents.map((d) => attack(d, 'data component'));
      case 'subtechniques':
        return f.uncoveredSubtechniques.map((s) => ({ ...attack(s, 'no rules'), isGap: true }));
      case 'atomics':
        return (f.atomicTests ?? []).map((test) => ({ kind: 'atomic', test, key: `${node.key}/${test.guid}` }));
    }
  }

  private facts(t: Technique, actors: readonly Actor[] = actorsFor(this.lens.index, t)): TechniqueFacts {
    const index = this.lens.index;
    const telemetry = gapTelemetry(index, t.id);
    const model = this.state.store.model;
    const coverage = model.forTechnique(t.id);
    const tests = this.state.atomicsView?.tests;
    return {
      technique: t,
      fullName: index.fullName(t.id),
      actors,
      tactics: index.tactics(t.domain).filter((x) => t.tactics.includes(x.shortname)),
      strategies: telemetry.strategies,
      dataComponents: telemetry.dataComponents,
      uncoveredSubtechniques: t.isSubtechnique ? [] : (coverage?.subtechniques ?? []).filter((s) => !s.covered).map((s) => s.technique),
      ...(tests ? { atomicTests: t.isSubtechnique ? (tests.get(t.id) ?? []) : [...tests].filter(([id]) => id === t.id || id.startsWith(t.id + '.')).flatMap(([, v]) => v) } : {}),
      attackUrl: attackUrl(t.id, this.lens.config.siteBaseUrl),
    };
  }

  private atomicCount(id: string): number | undefined {
    const tests = this.state.atomicsView?.tests;
    return tests ? atomicTestCount(tests, id) : undefined;
  }

  private updateView(): void {
    const view = this.view;
    if (!view) return;
    if (this.welcome.state || !this.state.store.lastScan) {
      // A message would hide the welcome content.
      view.message = undefined;
      view.description = undefined;
      return;
    }
    const ranking = this.state.ranking;
    const gaps = ranking.gaps.length;
    const weighting = ranking.mode === 'prevalence' ? 'prevalence' : ranking.profile.name;
    view.description = `${weighting} · ${plural(gaps, 'gap')}`;
    const lines: string[] = [];
    const profile = ranking.profile;
    if (ranking.mode === 'prevalence') {
      lines.push(`No threat profile: ranked by prevalence, the number of ATT&CK groups using each technique (${profile.detail ?? 'all groups'}). "Choose threat profile" ranks for your adversaries.`);
      lines.push(`${ranking.covered} of ${ranking.interest} techniques some group uses have rules.`);
    } else {
      const by = profile.source === 'actors' ? 'how many of its actors use each technique' : profile.source === 'layer' ? 'layer score' : 'weight';
      lines.push(`Threat profile “${profile.name}”${profile.detail ? ` (${profile.detail})` : ''}: ${ranking.covered} of ${ranking.interest} techniques have rules. Ranked by ${by}.`);
    }
    if (ranking.unknown.length) lines.push(`Not in the loaded ${this.lens.index.versionLabel}: ${ranking.unknown.slice(0, 5).join(', ')}${ranking.unknown.length > 5 ? ', …' : ''}.`);
    const atomics = this.state.atomicsState;
    if (atomics && 'error' in atomics) lines.push(`attackLens.atomicsIndex: cannot read ${vscode.Uri.parse(atomics.file).path}: ${atomics.error}`);
    view.message = lines.join(' ');
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}


/** Creates the provider and its TreeView. */
export function registerPriorityGapsTree(lens: LensContext, state: ThreatProfileState, welcome: WorkspaceWelcome): { provider: PriorityGapsProvider; view: vscode.TreeView<GapNode>; disposable: vscode.Disposable } {
  const provider = new PriorityGapsProvider(lens, state, welcome);
  const view = vscode.window.createTreeView(PRIORITY_GAPS_VIEW, { treeDataProvider: provider, showCollapseAll: true });
  provider.attach(view);
  return { provider, view, disposable: vscode.Disposable.from(view, provider) };
}
