import { RuleTelemetryLookup } from '../coverage/telemetryStates';
import type { RuleStore } from './ruleStore';

// What each workspace rule reads (issue #12 §1), as the coverage views take it: asked again for
// each new coverage model, so it follows the store's files. Until the rules' own telemetry is
// mapped here (`ruleTelemetryLookup(store.files(), mappings)` from src/coverage/telemetry.ts),
// nothing is known: every covered technique is then "no-telemetry". Wiring it is this function.

export function workspaceRuleTelemetry(_store: RuleStore): () => RuleTelemetryLookup {
  return () => () => undefined;
}
