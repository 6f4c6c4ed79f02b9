import { AttackIndex } from '../attack/index';
import { CoverageModel, RuleRef, TechniqueCoverage } from './model';
import { collectedAnalytics, collectedForTechnique } from './telemetryDetectable';
import { TelemetryProfile } from './telemetryProfile';
import { logSourceKey } from './telemetry';
import { stateLabel, stateSentence } from './telemetryStateText';
import { RuleTelemetryLookup, TELEMETRY_STATES, TelemetryStates } from './telemetryStates';
import { TelemetryState } from './telemetryTypes';

// The coverage matrix's telemetry mode (issue #12 §4) as plain data: the legend of the four states
// (each with a letter, so a cell never says its state by colour alone), and for the side panel what
// each covering rule reads (collected or not) and, from ATT&CK's detection strategies → analytics →
// log source references, the analytics whose log sources the profile collects. The states themselves
// are telemetryStates.ts's; nothing here decides one.

/** One entry of the telemetry legend. */
export interface MatrixStateKey {
  readonly state: TelemetryState;
  readonly label: string;
  /** The letter a cell and its legend swatch show (D, N, V, B). */
  readonly mark: string;
  readonly meaning: string;
}

const MARKS: Readonly<Record<TelemetryState, string>> = { detected: 'D', 'no-telemetry': 'N', visible: 'V', blind: 'B' };

/** The telemetry mode's legend, the states in report order. */
export const MATRIX_STATE_KEYS: readonly MatrixStateKey[] = TELEMETRY_STATES.map((state) => ({ state, label: stateLabel(state), mark: MARKS[state], meaning: stateSentence(state) }));

/** What the matrix needs to know about telemetry: the profile (if set), its states for the model, what each rule reads. */
export interface MatrixTelemetry {
  readonly profile?: TelemetryProfile;
  readonly states?: TelemetryStates;
  readonly readsOf?: RuleTelemetryLookup;
}

/** A data component a rule reads; `collected` only when a telemetry profile is set. */
interface MatrixRead {
  readonly id: string;
  readonly name: string;
  readonly collected?: boolean;
}

/** What one covering rule reads. */
export interface MatrixRuleReads {
  readonly dataComponents: readonly MatrixRead[];
  /** `<format>:<value>` it reads that maps to no data component. */
  readonly unmapped: readonly string[];
}

/** An analytic with a collected log source: what a new rule would read. */
interface MatrixAnalytic {
  readonly id: string;
  readonly name: string;
  readonly platforms: readonly string[];
  readonly logSources: readonly { readonly dataComponent: string; readonly dataComponentName: string; readonly name: string; readonly channel: string }[];
}

/** The side panel's telemetry part for a technique, with a profile set. */
export interface MatrixTelemetryDetail {
  readonly state: TelemetryState;
  readonly label: string;
  readonly mark: string;
  readonly sentence: string;
  /** ATT&CK's analytics for it whose log sources are collected (in scope), in ATT&CK's order. */
  readonly analytics: readonly MatrixAnalytic[];
}

/** What each rule behind a cell reads, by rule reference; undefined without a lookup. */
export function ruleReadsFor(model: CoverageModel, c: TechniqueCoverage, telemetry: MatrixTelemetry | undefined): ((ref: RuleRef) => MatrixRuleReads | undefined) | undefined {
  const readsOf = telemetry?.readsOf;
  if (!readsOf) return undefined;
  const collected = telemetry.profile && collectedForTechnique(telemetry.profile, model.platforms, c.technique);
  return (ref) => {
    const t = readsOf(ref);
    if (!t) return undefined;
    return {
      dataComponents: t.dataComponents.map((id) => ({ id, name: model.index.dataComponent(id)?.name ?? id, collected: collected?.has(id) })),
      unmapped: t.unmapped.map(logSourceKey),
    };
  };
}

/** The state of a technique with the analytics a new rule could read; undefined without a profile or states. */
export function telemetryDetail(model: CoverageModel, c: TechniqueCoverage, telemetry: MatrixTelemetry | undefined): MatrixTelemetryDetail | undefined {
  const state = telemetry?.profile && telemetry.states?.byTechnique.get(c.technique.id);
  if (!state || !telemetry.profile) return undefined;
  return {
    state,
    label: stateLabel(state),
    mark: MARKS[state],
    sentence: stateSentence(state),
    analytics: collectedAnalytics(model.index, c.technique, telemetry.profile, model.platforms).map(({ analytic, logSources }) => ({
      id: analytic.id,
      name: analytic.name,
      platforms: analytic.platforms,
      logSources: logSources.map((ls) => ({ dataComponent: ls.dataComponent, dataComponentName: componentName(model.index, ls.dataComponent), name: ls.name, channel: ls.channel })),
    })),
  };
}

function componentName(index: AttackIndex, id: string): string {
  return index.dataComponent(id)?.name ?? id;
}
