import { Domain } from '../attack/types';
import type { NavigatorTechnique } from './navigator';
import { TELEMETRY_STATES, TelemetryStates } from './telemetryStates';
import { stateCountsText, stateLabel, stateSentence } from './telemetryStateText';
import { TelemetryState } from './telemetryTypes';

// A layer coloured by telemetry state (issue #12 §4): every in-scope technique and sub-technique
// of the layer's domain gets one entry whose `color` is its state's, with the state in its
// metadata and comment. Navigator paints a technique's own `color` before any score colour
// (aggregate or not), so the scores (rules or strength) stay in the entries — tooltip, sorting,
// aggregates — while the cells show the states; the legend lists the four states.

/** @internal Exported for the layer colour tests. */
export const STATE_COLORS: Readonly<Record<TelemetryState, string>> = {
  detected: '#31a354',
  'no-telemetry': '#fd8d3c',
  visible: '#6baed6',
  blind: '#bdbdbd',
};

/** The metadata name that carries a technique's state. */
const STATE_METADATA = 'telemetry';

export interface StateColouring {
  readonly techniques: NavigatorTechnique[];
  readonly legend: { label: string; color: string }[];
  /** "12 detected · 3 no telemetry · 40 visible · 100 blind", this domain's. */
  readonly summary: string;
}

interface TechniqueFacts {
  readonly domainOf: (id: string) => Domain | undefined;
  /** A parent with rules on some of its sub-techniques: shown expanded, as the layer does without states. */
  readonly coveredBelow: (id: string) => boolean;
}

/** The entries with one per in-scope technique of the domain added or amended with its state, sorted by ID. */
export function colourByState(entries: readonly NavigatorTechnique[], states: TelemetryStates, domain: Domain, facts: TechniqueFacts): StateColouring {
  const byId = new Map(entries.map((t) => [t.techniqueID, t]));
  const counts: Record<TelemetryState, number> = { detected: 0, 'no-telemetry': 0, visible: 0, blind: 0 };
  for (const [id, state] of states.byTechnique) {
    if (facts.domainOf(id) !== domain) continue;
    counts[state]++;
    const t = byId.get(id);
    const sentence = stateSentence(state);
    byId.set(id, {
      ...(t ?? { techniqueID: id, enabled: true, ...(facts.coveredBelow(id) ? { showSubtechniques: true } : {}) }),
      color: STATE_COLORS[state],
      comment: t ? `${t.comment} | ${sentence}` : sentence,
      metadata: [...(t?.metadata ?? []), { name: STATE_METADATA, value: state }],
    });
  }
  const techniques = [...byId.values()].sort((a, b) => (a.techniqueID < b.techniqueID ? -1 : a.techniqueID > b.techniqueID ? 1 : 0));
  return {
    techniques,
    legend: TELEMETRY_STATES.map((s) => ({ label: `Telemetry: ${stateLabel(s)}`, color: STATE_COLORS[s] })),
    summary: stateCountsText(counts),
  };
}
