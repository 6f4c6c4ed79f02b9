import * as vscode from 'vscode';
import { MAX_SMALL_DATA_FILE_BYTES, readDataText } from '../workspace/readDataFile';
import { LensContext } from '../context';
import { AtomicsCrossReference, AtomicsIndex, AtomicTest, crossReferenceAtomics, parseAtomicsCsv, testsByTechnique } from '../coverage/atomics';
import { MatrixGapInput, MatrixProfile } from '../coverage/matrixData';
import { matrixGaps, PriorityRanking, rankGaps } from '../coverage/priorities';
import { profileFromSetting, ThreatProfile, ThreatProfileJson, weights } from '../coverage/profile';
import { CoverageModel } from '../coverage/model';
import { RuleStore } from '../workspace/ruleStore';
import { settingUri } from '../workspace/settingPath';
import type { TelemetryProfileState } from './telemetryProfile';
import { TelemetryProfile } from '../coverage/telemetryProfile';

// What the priority-gaps view, the coverage matrix and their commands share: the active threat
// profile (from the workspace setting), the ranking for the store's current model (and telemetry profile), the baseline
// layer (workspace state) and the Atomic Red Team index (attackLens.atomicsIndex, re-read when the
// file changes). Each is cached and dropped when its source changes; `onDidChange` then fires.

const BASELINE_STATE_KEY = 'attackLens.baselineLayer';

/** A Navigator layer kept for comparison ("techniques the baseline covers that we don't"). */
export interface Baseline {
  readonly name: string;
  /** Where it was read from (URI string). */
  readonly source: string;
  /** Technique IDs the layer marks (enabled entries). */
  readonly techniques: readonly string[];
  readonly domain?: string;
  /** ISO time of the import. */
  readonly importedAt?: string;
}

/** A baseline technique we have no rule for (a parent: none naming it directly). */
interface BaselineGap {
  readonly id: string;
  /** A parent covered only through some of its sub-techniques. */
  readonly partial: boolean;
}

export interface BaselineComparison {
  readonly gaps: readonly BaselineGap[];
  /** Baseline techniques in scope (after revoked → replacement). */
  readonly inScope: number;
  /** Baseline IDs the index does not know, or outside the coverage scope. */
  readonly ignored: readonly string[];
}

export type AtomicsState = { readonly index: AtomicsIndex; readonly file: string } | { readonly error: string; readonly file: string } | undefined;

export interface AtomicsView {
  readonly cross: AtomicsCrossReference;
  /** Canonical technique ID → its tests. */
  readonly tests: ReadonlyMap<string, readonly AtomicTest[]>;
}

/** Where the matrix gets its threat-profile overlay and ranked gaps. */
export interface MatrixInputs {
  profile(): MatrixProfile | undefined;
  gaps(): readonly MatrixGapInput[] | undefined;
  readonly onDidChange: vscode.Event<unknown>;
}

export class ThreatProfileState implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the profile, the baseline, the atomics index, the ATT&CK data, the coverage or the telemetry profile changed. */
  readonly onDidChange = this.changed.event;
  private cachedProfile?: { readonly profile: ThreatProfile | undefined };
  private cachedRanking?: { readonly model: CoverageModel; readonly profile: ThreatProfile | undefined; readonly telemetry: TelemetryProfile | undefined; readonly ranking: PriorityRanking };
  private cachedAtomics?: { readonly model: CoverageModel; readonly index: AtomicsIndex; readonly view: AtomicsView };
  private cachedBaseline?: { readonly model: CoverageModel; readonly baseline: Baseline; readonly comparison: BaselineComparison };
  private atomics: AtomicsState;
  private atomicsLoad: Promise<void>;
  private atomicsGeneration = 0;
  private atomicsWatcher?: vscode.Disposable;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly lens: LensContext,
    readonly store: RuleStore,
    private readonly telemetry?: TelemetryProfileState,
  ) {
    this.disposables.push(
      this.changed,
      lens.config.onDidChange((affects) => {
        if (affects('threatProfile')) this.invalidateProfile();
        if (affects('atomicsIndex')) void this.reloadAtomics(true);
      }),
      lens.onDidChangeIndex(() => this.invalidateProfile()),
      store.onDidChange(() => this.changed.fire()),
    );
    if (telemetry) this.disposables.push(telemetry.onDidChange(() => this.changed.fire()));
    this.atomicsLoad = this.loadAtomics(true);
  }

  /** The profile the setting describes; undefined means prevalence mode. */
  get profile(): ThreatProfile | undefined {
    return (this.cachedProfile ??= { profile: profileFromSetting(this.lens.config.threatProfile as ThreatProfileJson, this.lens.index) }).profile;
  }

  /** Gaps of the current coverage, ranked against the profile (or prevalence); cached per model and profile. */
  get ranking(): PriorityRanking {
    const model = this.store.model;
    const profile = this.profile;
    const telemetry = this.telemetry?.profile;
    const c = this.cachedRanking;
    if (c && c.model === model && c.profile === profile && c.telemetry === telemetry) return c.ranking;
    const ranking = rankGaps(model, profile, telemetry ? { telemetry } : {});
    this.cachedRanking = { model, profile, telemetry, ranking };
    return ranking;
  }

  /** The profile and ranked gaps as the coverage matrix overlays them. */
  readonly matrixInputs: MatrixInputs = {
    profile: () => {
      const p = this.profile;
      return p ? { name: p.name, weights: weights(p) } : undefined;
    },
    gaps: () => matrixGaps(this.ranking),
    onDidChange: this.onDidChange,
  };

  get baseline(): Baseline | undefined {
    const b = this.lens.extension.workspaceState.get<Baseline>(BASELINE_STATE_KEY);
    return b && typeof b.name === 'string' && Array.isArray(b.techniques) ? b : undefined;
  }

  async setBaseline(baseline: Baseline | undefined): Promise<void> {
    await this.lens.extension.workspaceState.update(BASELINE_STATE_KEY, baseline);
    this.cachedBaseline = undefined;
    void vscode.commands.executeCommand('setContext', 'attackLens.priorityGaps.hasBaseline', baseline !== undefined);
    this.changed.fire();
  }

  /** The baseline's techniques we have no rule for, in baseline order; undefined without a baseline. */
  get baselineComparison(): BaselineComparison | undefined {
    const baseline = this.baseline;
    if (!baseline) return undefined;
    const model = this.store.model;
    const c = this.cachedBaseline;
    if (c && c.model === model && c.baseline.source === baseline.source && c.baseline.importedAt === baseline.importedAt) return c.comparison;
    const comparison = compareBaseline(model, baseline);
    this.cachedBaseline = { model, baseline, comparison };
    return comparison;
  }

  /** The Atomic Red Team index from attackLens.atomicsIndex (undefined when unset). */
  get atomicsState(): AtomicsState {
    return this.atomics;
  }

  /** The atomics cross-reference for the current coverage; undefined without a readable index. */
  get atomicsView(): AtomicsView | undefined {
    const state = this.atomics;
    if (!state || !('index' in state)) return undefined;
    const model = this.store.model;
    const c = this.cachedAtomics;
    if (c && c.model === model && c.index === state.index) return c.view;
    const view: AtomicsView = { cross: crossReferenceAtomics(model, state.index), tests: testsByTechnique(model, state.index).tests };
    this.cachedAtomics = { model, index: state.index, view };
    return view;
  }

  /** Resolves when the atomics index named by the setting has been read. */
  get ready(): Promise<void> {
    return this.atomicsLoad;
  }

  private invalidateProfile(): void {
    this.cachedProfile = undefined;
    this.cachedRanking = undefined;
    this.changed.fire();
  }

  private async reloadAtomics(settingChanged: boolean): Promise<void> {
    this.atomicsLoad = this.loadAtomics(settingChanged);
    await this.atomicsLoad;
  }

  /** Reads the CSV; a newer load (setting changed again meanwhile) wins. */
  private async loadAtomics(settingChanged: boolean): Promise<void> {
    const generation = ++this.atomicsGeneration;
    const setting = this.lens.config.atomicsIndexPath;
    if (settingChanged) this.watchAtomics(setting ? settingUri(setting) : undefined);
    let next: AtomicsState;
    if (!setting) next = undefined;
    else {
      const uri = settingUri(setting);
      try {
        const text = await readDataText(uri, MAX_SMALL_DATA_FILE_BYTES);
        const index = parseAtomicsCsv(text);
        next = { index, file: uri.toString() };
        this.lens.log.info(`Atomic Red Team index: ${index.testCount} tests from ${uri.toString(true)}`);
      } catch (e) {
        const message = (e as Error)?.message ?? String(e);
        next = { error: message, file: uri.toString() };
        this.lens.log.warn(`attackLens.atomicsIndex: cannot read ${uri.toString(true)}: ${message}`);
      }
    }
    if (generation !== this.atomicsGeneration) return;
    this.atomics = next;
    this.cachedAtomics = undefined;
    this.changed.fire();
  }

  /** Re-reads the index when its file is created, changed or deleted (e.g. a `git pull` of atomic-red-team). */
  private watchAtomics(uri: vscode.Uri | undefined): void {
    this.atomicsWatcher?.dispose();
    this.atomicsWatcher = undefined;
    if (!uri) return;
    const folder = vscode.Uri.joinPath(uri, '..');
    const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, name));
    const reload = () => void this.reloadAtomics(false);
    this.atomicsWatcher = vscode.Disposable.from(watcher, watcher.onDidChange(reload), watcher.onDidCreate(reload), watcher.onDidDelete(reload));
  }

  dispose(): void {
    this.atomicsWatcher?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Baseline techniques in the model's scope that no rule names directly (revoked IDs count for their replacement). */
function compareBaseline(model: CoverageModel, baseline: Baseline): BaselineComparison {
  const gaps: BaselineGap[] = [];
  const ignored: string[] = [];
  const seen = new Set<string>();
  for (const raw of baseline.techniques) {
    const t = model.index.technique(raw);
    const id = t ? (t.revoked ? model.index.replacementOf(t.id) : t.id) : undefined;
    const c = id ? model.forTechnique(id) : undefined;
    if (!c || !model.inScope(c.technique)) {
      ignored.push(raw);
      continue;
    }
    if (seen.has(c.technique.id)) continue;
    seen.add(c.technique.id);
    if (c.rules.length === 0) gaps.push({ id: c.technique.id, partial: c.viaSubtechniques.length > 0 });
  }
  return { gaps, inScope: seen.size, ignored };
}
