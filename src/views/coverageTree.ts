import * as vscode from 'vscode';
import { attackUrl } from '../attack/ids';
import { LensContext } from '../context';
import { CoverageModel, percentOf, RuleRef, TacticCoverage, TechniqueCoverage } from '../coverage/model';
import { RuleStore } from '../workspace/ruleStore';
import { plural } from '../core/words';
import { RuleScope, scopeLabel } from '../workspace/ruleScope';
import type { WorkspaceWelcome } from './workspaceWelcome';
import type { CoverageTelemetry } from '../state/coverageTelemetry';
import { stateCountsForTactic, TelemetryStates } from '../coverage/telemetryStates';
import { TelemetryState } from '../coverage/telemetryTypes';
import { stateLabel } from '../coverage/telemetryStateText';
import {
  CoverageNode,
  NodeContext,
  problemItem,
  problemsItem,
  revokedRootItem,
  ruleItem,
  skippedItem,
  skippedRootItem,
  tacticItem,
  techniqueItem,
  newerItem,
  newerRootItem,
  unknownItem,
  unknownRootItem,
  unreadableRootItem,
  readingRuleItem,
  UnmappedLogSource,
  unmappedItem,
  unmappedRootItem,
} from './coverageNodes';
import { logSourceKey } from '../coverage/telemetry';
import type { ParsedRuleFile } from '../rules/types';

// The Coverage view (attackLens.coverage): tactics in matrix order → techniques → their
// sub-techniques and the rules naming them, plus "Problems", "Newer than ATT&CK vX", "Unknown references", "Revoked
// references", "Unreadable references", "Skipped files" and "Unmapped log sources" (what rules read that maps
// to no data component, each value with its rules) nodes. The view's description carries the total and the rule
// count, its badge what needs a look. With a telemetry profile, techniques show their telemetry state
// and tactics the four counts; the tree can be limited to some states. Everything comes from the RuleStore's model (or, scoped to
// folders by "Show coverage for this folder", the store's model of those); the tree only
// arranges it.

export type CoverageSort = 'matrix' | 'coverage';

const VIEW_ID = 'attackLens.coverage';

export class CoverageTreeProvider implements vscode.TreeDataProvider<CoverageNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<CoverageNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private gaps = false;
  private order: CoverageSort = 'matrix';
  private scoped?: { readonly uris: RuleScope; readonly label: string };
  private states?: ReadonlySet<TelemetryState>;
  private view?: vscode.TreeView<CoverageNode>;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly nodeContext: NodeContext;

  constructor(
    lens: LensContext,
    private readonly store: RuleStore,
    private readonly welcome: WorkspaceWelcome,
    private readonly telemetry?: CoverageTelemetry,
  ) {
    this.nodeContext = {
      uriOf: (p) => store.uriOf(p),
      relativePath: (p) => vscode.workspace.asRelativePath(store.uriOf(p), vscode.workspace.workspaceFolders !== undefined && vscode.workspace.workspaceFolders.length > 1),
      attackUrl: (id) => attackUrl(id, lens.config.siteBaseUrl),
      get attackVersion() {
        return lens.index.versionLabel;
      },
    };
    this.disposables.push(this.changed, store.onDidChange(() => this.refresh()), welcome.onDidChange(() => this.refresh()));
    if (telemetry) this.disposables.push(telemetry.onDidChange(() => this.refresh()));
  }

  /** Attaches the TreeView whose message, description and badge this provider keeps current. */
  attach(view: vscode.TreeView<CoverageNode>): void {
    this.view = view;
    this.updateView();
  }

  /** What the view shows above and on the tree: its message, description and badge (tests). */
  get viewState(): { readonly message?: string; readonly description?: string; readonly badge?: vscode.ViewBadge; readonly visible?: boolean } {
    return { message: this.view?.message, description: this.view?.description, badge: this.view?.badge, visible: this.view?.visible };
  }

    get gapsOnly(): boolean {
    return this.gaps;
  }

  set gapsOnly(on: boolean) {
    this.gaps = on;
    void vscode.commands.executeCommand('setContext', 'attackLens.coverage.gapsOnly', on);
    this.refresh();
  }

  get sort(): CoverageSort {
    return this.order;
  }

  set sort(order: CoverageSort) {
    this.order = order;
    void vscode.commands.executeCommand('setContext', 'attackLens.coverage.sort', order);
    this.refresh();
  }

  /** The telemetry states the view is limited to, or undefined for all (applies with a telemetry profile only). */
  get stateFilter(): ReadonlySet<TelemetryState> | undefined {
    return this.states;
  }

  set stateFilter(states: ReadonlySet<TelemetryState> | undefined) {
    this.states = states?.size ? states : undefined;
    this.refresh();
  }

  /** The telemetry states of the model shown; undefined without a telemetry profile. */
  get telemetryStates(): TelemetryStates | undefined {
    return this.telemetry?.statesOf(this.model);
  }

  /** The folders the view is limited to ("Show coverage for this folder"), or undefined for the whole workspace. */
  get scope(): RuleScope | undefined {
    return this.scoped?.uris;
  }

  set scope(uris: RuleScope | undefined) {
    this.scoped = uris ? { uris, label: scopeLabel(uris) } : undefined;
    void vscode.commands.executeCommand('setContext', 'attackLens.coverage.scoped', uris !== undefined);
    this.refresh();
  }

  refresh(): void {
    this.updateView();
    this.changed.fire(undefined);
  }

  private get model(): CoverageModel {
    return this.scoped ? this.store.modelFor(this.scoped.uris) : this.store.model;
  }

  getTreeItem(node: CoverageNode): vscode.TreeItem {
    const ctx = this.nodeContext;
    switch (node.kind) {
      case 'tactic': {
        const states = this.telemetryStates;
        const t = node.coverage.tactic;
        return tacticItem(node.coverage, this.model.domains.length > 1, states && stateCountsForTactic(this.model, t.shortname, t.domain, states));
      }
      case 'technique':
        return techniqueItem(node.coverage, node.key, this.techniqueChildren(node.coverage, node.key).length > 0, ctx, this.telemetryStates?.byTechnique.get(node.coverage.technique.id));
      case 'rule':
        return ruleItem(node.ref, node.key, ctx);
      case 'problems':
        return problemsItem(new Set(node.problems.map((p) => p.path)).size);
      case 'problem':
        return problemItem(node.problem, ctx);
      case 'unknownRoot':
        return unknownRootItem(node.unknown.size);
      case 'unknown':
        return unknownItem(node.id, node.refs, ctx);
      case 'newerRoot':
        return newerRootItem(this.model.newerThanDataCount, ctx.attackVersion);
      case 'newer':
        return newerItem(node.id, node.refs, ctx);
      case 'revokedRoot':
        return revokedRootItem(node.revoked.length);
      case 'unreadableRoot':
        return unreadableRootItem(node.unreadable.length);
      case 'skippedRoot':
        return skippedRootItem(node.skipped.length);
      case 'skipped':
        return skippedItem(node.file, ctx);
      case 'unmappedRoot':
        return unmappedRootItem(node.unmapped);
      case 'unmapped':
        return unmappedItem(node.source);
      case 'readingRule':
        return readingRuleItem(node.path, node.rule, node.key, ctx);
    }
  }

  getChildren(node?: CoverageNode): CoverageNode[] {
    // No folder, the first scan, no rule files: the view's welcome content shows instead (package.json viewsWelcome).
    if (!node && this.welcome.state) return [];
    const model = this.model;
    if (!node) return this.roots(model);
    switch (node.kind) {
      case 'tactic':
        return this.sortTechniques(node.coverage.items.filter((i) => (!this.gaps || hasGap(i)) && this.inStateFilter(i, true))).map((c) => ({ kind: 'technique', coverage: c, key: `technique:${node.coverage.tactic.domain}:${node.coverage.tactic.shortname}:${c.technique.id}` }));
      case 'technique':
        return this.techniqueChildren(node.coverage, node.key);
      case 'problems':
        return node.problems.map((problem) => ({ kind: 'problem', problem }));
      case 'unknownRoot':
        return [...node.unknown.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([id, refs]) => ({ kind: 'unknown', id, refs }));
      case 'unknown':
        return node.refs.map((ref) => ({ kind: 'rule', ref, key: `unknown:${node.id}/${ruleKey(ref)}` }));
      case 'newerRoot':
        return [...node.newer.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([id, refs]) => ({ kind: 'newer', id, refs }));
      case 'newer':
        return node.refs.map((ref) => ({ kind: 'rule', ref, key: `newer:${node.id}/${ruleKey(ref)}` }));
      case 'revokedRoot':
        return node.revoked.map((r) => ({ kind: 'rule', ref: r.ref, key: `revoked:${r.id}/${ruleKey(r.ref)}:${r.ref.span.start.line}:${r.ref.span.start.character}` }));
      case 'unreadableRoot':
        return node.unreadable.map((u) => ({ kind: 'rule', ref: u.ref, key: `unreadable:${ruleKey(u.ref)}:${u.ref.span.start.line}:${u.ref.span.start.character}` }));
      case 'skippedRoot':
        return node.skipped.map((file) => ({ kind: 'skipped', file }));
      case 'unmappedRoot':
        return node.unmapped.map((source) => ({ kind: 'unmapped', source }));
      case 'unmapped':
        return this.rulesReading(model, node.source.key);
      default:
        return [];
    }
  }

  getParent(): undefined {
    return undefined;
  }

  private roots(model: CoverageModel): CoverageNode[] {
    const tactics: TacticCoverage[] = [...model.tactics()];
    if (this.order === 'coverage') tactics.sort((a, b) => ratio(a) - ratio(b));
    const roots: CoverageNode[] = tactics.map((coverage) => ({ kind: 'tactic', coverage }));
    if (model.problems.length) roots.push({ kind: 'problems', problems: model.problems });
    if (model.newerThanData.size) roots.push({ kind: 'newerRoot', newer: model.newerThanData });
    const typos = notNewer(model);
    if (typos.size) roots.push({ kind: 'unknownRoot', unknown: typos });
    if (model.revoked.length) roots.push({ kind: 'revokedRoot', revoked: model.revoked });
    if (model.unreadable.length) roots.push({ kind: 'unreadableRoot', unreadable: model.unreadable });
    if (model.skipped.length) roots.push({ kind: 'skippedRoot', skipped: model.skipped });
    const unmapped = this.unmappedLogSources(model);
    if (unmapped.length) roots.push({ kind: 'unmappedRoot', unmapped });
    return roots;
  }

  /** The rule files of the model shown: the folders' when scoped. */
  private modelFiles(): readonly ParsedRuleFile[] {
    return this.store.files(this.scoped?.uris);
  }

  /** What the model's rules read that maps to no data component, most rules first. */
  private unmappedLogSources(model: CoverageModel): UnmappedLogSource[] {
    const telemetry = this.telemetry;
    if (!telemetry) return [];
    const counts = telemetry.summaryOf(model, () => this.modelFiles()).json.unmappedLogSources;
    return Object.entries(counts)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([key, rules]) => ({ key, rules, reason: telemetry.unmappableReason(key) }));
  }

  /** The rules (the model counts) that read an unmapped log source, in file order. */
  private rulesReading(model: CoverageModel, key: string): CoverageNode[] {
    const summary = this.telemetry?.summaryOf(model, () => this.modelFiles());
    if (!summary) return [];
    const out: CoverageNode[] = [];
    for (const f of this.modelFiles()) {
      for (const rule of f.rules) {
        if (summary.ruleTelemetry(f.path, rule.index)?.unmapped.some((u) => logSourceKey(u) === key)) out.push({ kind: 'readingRule', path: f.path, rule, key: `unmapped:${key}/rule:${f.path}#${rule.index}` });
      }
    }
    return out;
  }

  private techniqueChildren(c: TechniqueCoverage, key: string): CoverageNode[] {
    const subs = this.sortTechniques(c.subtechniques.filter((s) => (!this.gaps || !s.covered) && this.inStateFilter(s, false))).map((s): CoverageNode => ({ kind: 'technique', coverage: s, key: `${key}/${s.technique.id}` }));
    const rules = this.gaps ? [] : c.rules.map((ref): CoverageNode => ({ kind: 'rule', ref, key: `${key}/${ruleKey(ref)}` }));
    return [...subs, ...rules];
  }

  /** In the state filter (or no filter); a parent is kept for a sub-technique in it when `holdsSubs`. */
  private inStateFilter(c: TechniqueCoverage, holdsSubs: boolean): boolean {
    const wanted = this.states;
    const states = wanted && this.telemetryStates;
    if (!wanted || !states) return true;
    const inIt = (x: TechniqueCoverage) => wanted.has(states.byTechnique.get(x.technique.id)!);
    return inIt(c) || (holdsSubs && c.subtechniques.some(inIt));
  }

  /** Matrix order: by name, as the ATT&CK matrix lists them. Coverage: fewest rules first. */
  private sortTechniques(items: readonly TechniqueCoverage[]): TechniqueCoverage[] {
    const byName = (a: TechniqueCoverage, b: TechniqueCoverage) => a.technique.name.localeCompare(b.technique.name);
    return [...items].sort(this.order === 'coverage' ? (a, b) => a.ruleCount - b.ruleCount || byName(a, b) : byName);
  }

  private updateView(): void {
    const view = this.view;
    if (!view) return;
    if (this.welcome.state || !this.store.lastScan) {
      // A message would hide the welcome content.
      view.message = undefined;
      view.description = undefined;
      view.badge = undefined;
      return;
    }
    const model = this.model;
    view.message =
      this.store.lastScan.cancelled && !this.store.scanning
        ? 'The rule scan was cancelled: coverage may be incomplete. Run "Refresh coverage" to scan again.'
        : model.total.techniques.total === 0 && model.platforms.length
        ? `No active ${model.domains.join(', ')} technique is on ${model.platforms.join(', ')}: check attackLens.platforms ("Filter coverage by platform and domain").`
        : this.scoped
        ? `Coverage of ${this.scoped.label} only${model.ruleCount === 0 ? ': no detection rules there' : ''}. "Show coverage for the whole workspace" (in the … menu) shows all of it again.`
        : model.ruleCount === 0 && model.problems.length === 0
        ? 'No detection rules found in this workspace. Sigma, Splunk ESCU, Elastic, Sentinel and YARA-L rules are picked up by the attackLens.files globs.'
        : this.gaps
          ? 'Showing gaps only: techniques no rule names, and the uncovered sub-techniques of the others.'
          : this.states && this.telemetryStates
          ? `Showing telemetry states ${[...this.states].map(stateLabel).join(', ')} only (and the techniques holding such sub-techniques). "Filter coverage by telemetry state" shows all again.`
          : undefined;
    const total = model.total.techniques;
    view.description = [`${percentOf(total)}%`, plural(model.ruleCount, 'rule'), model.skipped.length ? `${model.skipped.length} skipped` : '', this.order === 'coverage' ? 'least covered first' : ''].filter(Boolean).join(' · ');
    // The badge counts what needs a look: files that do not parse, unknown (not newer), revoked and
    // unreadable references. References newer than the data have the status bar's warning instead.
    const problemFiles = new Set(model.problems.map((p) => p.path)).size;
    const unknown = notNewer(model).size;
    const parts = [
      problemFiles ? plural(problemFiles, 'file') + ' with problems' : '',
      unknown ? plural(unknown, 'unknown reference') : '',
      model.revoked.length ? plural(model.revoked.length, 'revoked reference') : '',
      model.unreadable.length ? plural(model.unreadable.length, 'unreadable reference') : '',
    ].filter(Boolean);
    const attention = problemFiles + unknown + model.revoked.length + model.unreadable.length;
    view.badge = attention ? { value: attention, tooltip: `ATT&CK Lens: ${parts.join(', ')}` } : undefined;
  }

  /** Shows the "Newer than ATT&CK vX" node, expanded; false when there is none. */
  async revealNewerThanData(): Promise<boolean> {
    const node = this.getChildren().find((n) => n.kind === 'newerRoot');
    if (!node || !this.view) return false;
    await this.view.reveal(node, { expand: true, focus: true, select: true });
    return true;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The unknown references that do not look newer than the data: typos and the like. */
function notNewer(model: CoverageModel): ReadonlyMap<string, readonly RuleRef[]> {
  if (!model.newerThanData.size) return model.unknown;
  return new Map([...model.unknown].filter(([key]) => !model.newerThanData.has(key)));
}


/** Uncovered itself, or a parent with an uncovered sub-technique (kept in "gaps only" to hold it). */
function hasGap(c: TechniqueCoverage): boolean {
  return !c.covered || c.subtechniques.some((s) => !s.covered);
}

function ratio(t: TacticCoverage): number {
  return t.techniques.total ? t.techniques.covered / t.techniques.total : 0;
}

function ruleKey(ref: RuleRef): string {
  return `rule:${ref.path}#${ref.ruleIndex}`;
}

/** Creates the provider and its TreeView. */
export function registerCoverageTree(lens: LensContext, store: RuleStore, welcome: WorkspaceWelcome, telemetry?: CoverageTelemetry): { provider: CoverageTreeProvider; disposable: vscode.Disposable } {
  const provider = new CoverageTreeProvider(lens, store, welcome, telemetry);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  provider.attach(view);
  void vscode.commands.executeCommand('setContext', 'attackLens.coverage.gapsOnly', false);
  void vscode.commands.executeCommand('setContext', 'attackLens.coverage.sort', 'matrix');
  return { provider, disposable: vscode.Disposable.from(view, provider) };
}
