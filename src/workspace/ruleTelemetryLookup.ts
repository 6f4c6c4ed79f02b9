import { RuleTelemetryLookup } from '../coverage/telemetryStates';

// What each workspace rule reads (issue #12 §1), as the coverage views take it. Until the rules'
// own telemetry is parsed and mapped (`ruleTelemetry(rule, mappings)`), nothing is known: every
// covered technique is then "no-telemetry". Wiring it is this one function.

export function workspaceRuleTelemetry(): RuleTelemetryLookup {
  return () => undefined;
}
