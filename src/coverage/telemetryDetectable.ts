import { AttackIndex } from '../attack/index';
import { Analytic, LogSourceRef, Technique } from '../attack/types';
import { collectedOn, TelemetryProfile } from './telemetryProfile';

// Where a technique is detectable with the collected telemetry: the log source references of
// ATT&CK's analytics for it whose data component the profile collects — what a rule for it would
// read today. Platforms as in telemetryStates.ts: a profile's per-platform components count on the
// technique's in-scope platforms, or on the analytic's own in-scope platforms when it names some;
// an analytic only for platforms outside the scope says nothing about this scope.

/** The platforms of a technique or analytic in the scope (all of them without a platform filter). */
function scopedPlatforms(scope: readonly string[], platforms: readonly string[]): readonly string[] {
  if (!scope.length) return platforms;
  const wanted = new Set(scope.map((p) => p.toLowerCase()));
  return platforms.filter((p) => wanted.has(p.toLowerCase()));
}

/** The data components the profile collects for a technique: on its platforms in the scope (what its telemetry state counts). */
export function collectedForTechnique(profile: TelemetryProfile, scope: readonly string[], technique: { readonly platforms: readonly string[] }): ReadonlySet<string> {
  return collectedOn(profile, scopedPlatforms(scope, technique.platforms));
}

/** One of ATT&CK's analytics for a technique, with those of its log source references whose data component is collected. */
export interface CollectedAnalytic {
  readonly analytic: Analytic;
  readonly logSources: readonly LogSourceRef[];
}

/** The technique's analytics with a collected log source, each with those log sources, all in ATT&CK's order. */
export function collectedAnalytics(index: AttackIndex, t: Technique, profile: TelemetryProfile, scope: readonly string[]): CollectedAnalytic[] {
  const out: CollectedAnalytic[] = [];
  for (const { analytic, collected } of inScopeAnalytics(index, t, profile, scope)) {
    const logSources = analytic.logSources.filter((ls) => collected.has(ls.dataComponent));
    if (logSources.length) out.push({ analytic, logSources });
  }
  return out;
}

/** Whether any of the technique's analytics reads a collected data component (the states' visible or blind), stopping at the first. */
export function hasCollectedLogSource(index: AttackIndex, t: Technique, profile: TelemetryProfile, scope: readonly string[]): boolean {
  for (const { analytic, collected } of inScopeAnalytics(index, t, profile, scope)) if (analytic.logSources.some((ls) => collected.has(ls.dataComponent))) return true;
  return false;
}

/** The technique's analytics that apply in the scope, each with what the profile collects on its platforms. */
function* inScopeAnalytics(index: AttackIndex, t: Technique, profile: TelemetryProfile, scope: readonly string[]): Generator<{ readonly analytic: Analytic; readonly collected: ReadonlySet<string> }> {
  const techniquePlatforms = scopedPlatforms(scope, t.platforms);
  for (const analytic of index.analyticsFor(t.id)) {
    const on = analytic.platforms.length ? scopedPlatforms(scope, analytic.platforms) : techniquePlatforms;
    if (analytic.platforms.length && scope.length && !on.length) continue;
    yield { analytic, collected: collectedOn(profile, on) };
  }
}

/** The collected log sources of the technique's analytics, each once, by data component ID, name, channel. */
export function collectedLogSources(index: AttackIndex, t: Technique, profile: TelemetryProfile, scope: readonly string[]): LogSourceRef[] {
  const out = new Map<string, LogSourceRef>();
  for (const { logSources } of collectedAnalytics(index, t, profile, scope)) {
    for (const ls of logSources) out.set(`${ls.dataComponent}\u0000${ls.name}\u0000${ls.channel}`, ls);
  }
  return [...out.values()].sort(byLogSource);
}

function byLogSource(a: LogSourceRef, b: LogSourceRef): number {
  const [x, y] = [
    [a.dataComponent, a.name, a.channel],
    [b.dataComponent, b.name, b.channel],
  ];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/** "WinEventLog:Sysmon EventCode=1" (the name alone when ATT&CK gives no channel). */
export function logSourceText(ls: LogSourceRef): string {
  return ls.channel ? `${ls.name} ${ls.channel}` : ls.name;
}

/** "DC0032 Process Creation (WinEventLog:Sysmon EventCode=1; WinEventLog:Security EventCode=4688)", one per data component. */
export function detectableWithText(index: AttackIndex, sources: readonly LogSourceRef[], perComponent = 3): string[] {
  const byComponent = new Map<string, LogSourceRef[]>();
  for (const ls of sources) (byComponent.get(ls.dataComponent) ?? byComponent.set(ls.dataComponent, []).get(ls.dataComponent)!).push(ls);
  return [...byComponent].map(([id, list]) => {
    const name = index.dataComponent(id)?.name;
    const shown = list.slice(0, perComponent).map(logSourceText).join('; ') + (list.length > perComponent ? `; ${list.length - perComponent} more` : '');
    return `${id}${name ? ` ${name}` : ''} (${shown})`;
  });
}
