import * as vscode from 'vscode';
import { CoverageModel } from '../coverage/model';
import { TelemetryProfile } from '../coverage/telemetryProfile';
import { componentsReadByCoveringRules, RuleTelemetryLookup, telemetryStates, TelemetryStates } from '../coverage/telemetryStates';
import { TelemetryProfileState } from './telemetryProfile';

// The four telemetry states of a coverage model (the whole workspace's or a folder's) against the
// telemetry profile, cached per model and profile. Without a profile there are none (issue #12 §3).

export class CoverageTelemetry {
  private readonly cache = new WeakMap<CoverageModel, { readonly profile: TelemetryProfile; readonly states: TelemetryStates }>();
  /** Fires when the telemetry profile changed. */
  readonly onDidChange: vscode.Event<void>;

  constructor(
    private readonly telemetry: TelemetryProfileState,
    /** What the rules read, asked once per model. */
    private readonly readsFor: () => RuleTelemetryLookup,
  ) {
    this.onDidChange = telemetry.onDidChange;
  }

  get profile(): TelemetryProfile | undefined {
    return this.telemetry.profile;
  }

  statesOf(model: CoverageModel): TelemetryStates | undefined {
    const profile = this.telemetry.profile;
    if (!profile) return undefined;
    const c = this.cache.get(model);
    if (c && c.profile === profile) return c.states;
    const states = telemetryStates(model, profile, componentsReadByCoveringRules(model, this.readsFor()));
    this.cache.set(model, { profile, states });
    return states;
  }
}
