import { ruleTelemetryLookup, TelemetryMappings } from '../coverage/telemetry';
import type { RuleTelemetryLookup } from '../coverage/telemetryStates';
import type { RuleStore } from './ruleStore';

// What each workspace rule reads (issue #12 §1), as the coverage views take it: asked again for
// each new coverage model, so it follows the store's files and the mappings in use.

export function workspaceRuleTelemetry(store: RuleStore): (mappings: TelemetryMappings) => RuleTelemetryLookup {
  return (mappings) => ruleTelemetryLookup(store.files(), mappings);
}
