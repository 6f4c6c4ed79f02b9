import { ParsedRuleFile } from '../rules/types';
import { CoverageModel, TechniqueCoverage } from './model';
import { logSourceKey, ruleTelemetry, TelemetryMappings } from './telemetry';
import { RuleTelemetry } from './telemetryTypes';

// What the rules the coverage counts read, added up: rules per data component (each rule once
// per component it reads), rules per unmapped log source, and the components per covered
// technique (those its covering rules read). One pass over the rules; the model supplies which
// rules count (deprecated ones only when it includes them).

interface TelemetryJson {
  readonly dataComponents: Readonly<Record<string, { readonly name: string; readonly rules: number }>>;
  readonly unmappedLogSources: Readonly<Record<string, number>>;
}

export interface TelemetrySummary {
  readonly json: TelemetryJson;
  /** The telemetry of each counted rule, by `path` and `ruleIndex` as a RuleRef names them. */
  ruleTelemetry(path: string, ruleIndex: number): RuleTelemetry | undefined;
  /** The data components the rules covering a technique read (directly or through a sub-technique), sorted. */
  techniqueComponents(c: TechniqueCoverage): string[];
}

export function telemetrySummary(files: readonly ParsedRuleFile[], model: CoverageModel, mappings: TelemetryMappings): TelemetrySummary {
  const byRule = new Map<string, RuleTelemetry>();
  const components = new Map<string, number>();
  const unmapped = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const file of files) {
    for (const rule of file.rules) {
      if (rule.deprecated && !model.includeDeprecated) continue;
      const t = ruleTelemetry(rule, mappings);
      byRule.set(ruleKey(file.path, rule.index), t);
      for (const dc of t.dataComponents) bump(components, dc);
      for (const u of new Set(t.unmapped.map(logSourceKey))) bump(unmapped, u);
    }
  }
  const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const json: TelemetryJson = {
    // Keys come from data files and rules: Object.fromEntries makes each (`__proto__` too) an own property.
    dataComponents: Object.fromEntries(sorted(components).map(([id, rules]) => [id, { name: model.index.get(id)?.name ?? id, rules }])),
    unmappedLogSources: Object.fromEntries(sorted(unmapped)),
  };
  return {
    json,
    ruleTelemetry: (path, ruleIndex) => byRule.get(ruleKey(path, ruleIndex)),
    techniqueComponents: (c) => {
      const out = new Set<string>();
      for (const r of [...c.rules, ...c.viaSubtechniques]) for (const dc of byRule.get(ruleKey(r.path, r.ruleIndex))?.dataComponents ?? []) out.add(dc);
      return [...out].sort();
    },
  };
}

function ruleKey(path: string, ruleIndex: number): string {
  return `${ruleIndex}\u0000${path}`;
}
