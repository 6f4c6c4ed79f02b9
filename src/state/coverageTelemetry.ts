import * as vscode from 'vscode';
import { CoverageModel } from '../coverage/model';
import { TelemetryProfile } from '../coverage/telemetryProfile';
import { componentsReadByCoveringRules, RuleTelemetryLookup, telemetryStates, TelemetryStates } from '../coverage/telemetryStates';
import type { TelemetryMappings } from '../coverage/telemetry';
import { telemetrySummary, TelemetrySummary } from '../coverage/telemetryReport';
import type { ParsedRuleFile } from '../rules/types';
import { TelemetryMappingsState } from './telemetryMappings';
import { TelemetryProfileState } from './telemetryProfile';

// The four telemetry states of a coverage model (the whole workspace's or a folder's) against the
// telemetry profile, cached per model, profile and mappings. Without a profile there are none (issue #12 §3).
// What the model's rules read (per data component, and the log sources that map to none) needs no
// profile: cached per model and mappings.

export class CoverageTelemetry {
  private readonly cache = new WeakMap<CoverageModel, { readonly profile: TelemetryProfile; readonly mappings: TelemetryMappings; readonly states: TelemetryStates }>();
  private readonly reads = new WeakMap<CoverageModel, { readonly mappings: TelemetryMappings; readonly lookup: RuleTelemetryLookup }>();
  private readonly summaries = new WeakMap<CoverageModel, { readonly mappings: TelemetryMappings; readonly summary: TelemetrySummary }>();
  /** Fires when the telemetry profile or the mappings changed. */
  readonly onDidChange: vscode.Event<void>;

  constructor(
    private readonly telemetry: TelemetryProfileState,
    private readonly mappings: TelemetryMappingsState,
    /** What the rules read under these mappings, asked once per model. */
    private readonly readsFor: (mappings: TelemetryMappings) => RuleTelemetryLookup,
  ) {
    this.onDidChange = (listener, thisArg, disposables) => {
      const both = vscode.Disposable.from(telemetry.onDidChange(listener, thisArg), mappings.onDidChange(listener, thisArg));
      disposables?.push(both);
      return both;
    };
  }

  get profile(): TelemetryProfile | undefined {
    return this.telemetry.profile;
  }

  /** What each rule of the model reads under the mappings in use (with or without a profile). */
  readsOf(model: CoverageModel): RuleTelemetryLookup {
    const mappings = this.mappings.current;
    const r = this.reads.get(model);
    if (r && r.mappings === mappings) return r.lookup;
    const lookup = this.readsFor(mappings);
    this.reads.set(model, { mappings, lookup });
    return lookup;
  }

  statesOf(model: CoverageModel): TelemetryStates | undefined {
    const profile = this.telemetry.profile;
    if (!profile) return undefined;
    const mappings = this.mappings.current;
    const c = this.cache.get(model);
    if (c && c.profile === profile && c.mappings === mappings) return c.states;
    const states = telemetryStates(model, profile, componentsReadByCoveringRules(model, this.readsOf(model)));
    this.cache.set(model, { profile, mappings, states });
    return states;
  }

  /** What the rules of `files` (the model's) read under the mappings in use; the model decides which rules count. */
  summaryOf(model: CoverageModel, files: () => readonly ParsedRuleFile[]): TelemetrySummary {
    const mappings = this.mappings.current;
    const c = this.summaries.get(model);
    if (c && c.mappings === mappings) return c.summary;
    const summary = telemetrySummary(files(), model, mappings);
    this.summaries.set(model, { mappings, summary });
    return summary;
  }

  /** Why a `<format>:<value>` cannot be mapped, when the mappings say. */
  unmappableReason(key: string): string | undefined {
    return this.mappings.current.unmappable.get(key);
  }
}
