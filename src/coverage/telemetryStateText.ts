import { StateCounts } from './telemetryStates';
import { TelemetryState } from './telemetryTypes';

// The four telemetry states in words: a short label for descriptions and lists, a sentence for tooltips.

const WORDS: Readonly<Record<TelemetryState, { readonly label: string; readonly meaning: string }>> = {
  detected: { label: 'detected', meaning: 'covered, and a covering rule reads a collected data component' },
  'no-telemetry': { label: 'no telemetry', meaning: 'covered, but no covering rule reads a collected data component: the rules cannot fire here' },
  visible: { label: 'visible', meaning: 'no rule, but a data component ATT&CK’s analytics for it read is collected: a rule can be written today' },
  blind: { label: 'blind', meaning: 'no rule, and none of its data components is collected' },
};

export const stateLabel = (state: TelemetryState): string => WORDS[state].label;

/** "Telemetry: visible — no rule, but …". */
export const stateSentence = (state: TelemetryState): string => `Telemetry: ${WORDS[state].label} — ${WORDS[state].meaning}.`;

/** "12 detected · 3 no telemetry · 40 visible · 100 blind". */
export function stateCountsText(c: StateCounts): string {
  return `${c.detected} detected · ${c['no-telemetry']} no telemetry · ${c.visible} visible · ${c.blind} blind`;
}
