import { FindingSeverity } from './findings';

// attackLens.diagnostics.severity applied to a finding: the one rule for the editor's diagnostics
// (Config.severity) and the CLI's `check` (--settings, --severity).

export const SEVERITIES = ['error', 'warning', 'information', 'hint', 'off'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** The override for `code` in the setting's value when it is a known level; otherwise the fallback ("warn", "Error" are not levels). */
export function severityFor(overrides: unknown, code: string, fallback: Severity): Severity {
  const value = overrides && typeof overrides === 'object' && Object.hasOwn(overrides, code) ? (overrides as Record<string, unknown>)[code] : undefined;
  return isSeverity(value) ? value : fallback;
}

const RANK: Record<FindingSeverity, number> = { hint: 0, information: 1, warning: 2, error: 3 };

/** Whether a finding of `severity` is at or above `threshold` (`--fail-on warning`: errors and warnings). */
export function atLeast(severity: FindingSeverity, threshold: FindingSeverity): boolean {
  return RANK[severity] >= RANK[threshold];
}
