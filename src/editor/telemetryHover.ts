import { markdownText } from '../outsideText';
import { AttackIndex } from '../attack/index';
import { AttackEntry } from '../attack/types';
import { collectedLogSources, detectableWithText } from '../coverage/telemetryDetectable';
import { TelemetryProfile } from '../coverage/telemetryProfile';

// The hover's telemetry line on a technique, with a telemetry profile set: which collected data
// components (and through which log source and channel) ATT&CK's analytics for it read, or that
// none is collected. `scope` is the coverage platform filter (attackLens.platforms). No vscode import.

export function telemetryHoverMarkdown(index: AttackIndex, entry: AttackEntry, profile: TelemetryProfile, scope: readonly string[]): string | undefined {
  if (entry.kind !== 'technique' || entry.revoked || entry.deprecated) return undefined;
  const sources = collectedLogSources(index, entry, profile, scope);
  if (sources.length) return `**Detectable with your telemetry:** ${markdownText(detectableWithText(index, sources).join(' · '))}`;
  const components = index.dataComponentsFor(entry.id);
  const why = components.length ? `none of its data components (${components.slice(0, 5).map((d) => `${d.id} ${d.name}`).join(', ')}${components.length > 5 ? ', …' : ''}) is collected` : 'ATT&CK lists no analytics for it';
  return `**Not detectable with your telemetry:** ${markdownText(why)}`;
}
