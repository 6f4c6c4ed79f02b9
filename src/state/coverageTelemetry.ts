import * as vscode from 'vscode';
import { CoverageModel } from '../coverage/model';
import { TelemetryProfile } from '../coverage/telemetryProfile';
import { componentsReadByCoveringRules, RuleTelemetryLookup, telemetryStates, TelemetryStates } from '../coverage/telemetryStates';
import type { TelemetryMappings } from '../coverage/telemetry';
import { TelemetryMappingsState } from './telemetryMappings';
import { TelemetryProfileState } from './telemetryProfile';

// The four telemetry states of a coverage model (the whole workspace's or a folder's) against the
// telemetry profile, cached per model, profile and mappings. Without a profile there are none (issue #12 §3).

export class CoverageTelemetry {
  private readonly cache = new WeakMap<CoverageModel, { readonly profile: TelemetryProfile; readonly mappings: TelemetryMappings; readonly states: TelemetryStates }>();
  private readonly reads = new WeakMap<CoverageModel, { readonly mappings: TelemetryMappings; readonly lookup: RuleTelemetryLookup }>();
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
}
