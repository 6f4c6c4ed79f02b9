/** What one rule reads, in its format's own words (e.g. sigma `category:process_creation`). */
export interface LogSourceUse { format: string; value: string }
/** A rule's telemetry after mapping: ATT&CK data component IDs (DCxxxx) it reads, and what did not map. */
export interface RuleTelemetry { dataComponents: string[]; unmapped: LogSourceUse[] }
export type TelemetryState = 'detected' | 'no-telemetry' | 'visible' | 'blind';
