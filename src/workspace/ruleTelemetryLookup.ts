import { ruleTelemetryLookup, TelemetryMappings } from '../coverage/telemetry';
import { telemetrySummary } from '../coverage/telemetryReport';
import type { RuleTelemetryLookup } from '../coverage/telemetryStates';
import type { TelemetryMappingsState } from '../state/telemetryMappings';
import type { RuleStore } from './ruleStore';

// What each workspace rule reads (issue #12 §1), as the coverage views take it: asked again for
// each new coverage model, so it follows the store's files and the mappings in use.

export function workspaceRuleTelemetry(store: RuleStore): (mappings: TelemetryMappings) => RuleTelemetryLookup {
  return (mappings) => ruleTelemetryLookup(store.files(), mappings);
}

/** The data component IDs the rules the coverage counts read, under the mappings in use (Choose telemetry checks them). */
export function workspaceRulesRead(store: RuleStore, mappings: TelemetryMappingsState): () => ReadonlySet<string> {
  return () => new Set(Object.keys(telemetrySummary(store.files(), store.model, mappings.current).json.dataComponents));
}
