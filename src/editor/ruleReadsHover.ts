import { clip, markdownText } from '../outsideText';
import { AttackIndex } from '../attack/index';
import { AttackEntry } from '../attack/types';
import { logSourceKey } from '../coverage/telemetry';
import { collectedForTechnique } from '../coverage/telemetryDetectable';
import { collectedOn, TelemetryProfile } from '../coverage/telemetryProfile';
import { RuleTelemetry } from '../coverage/telemetryTypes';

// The hover's line on what the rule around a reference reads: its data components (the telemetry
// mappings applied to what its parser found) and, with a telemetry profile, whether each is
// collected — on the technique's platforms in scope for a technique reference, as its telemetry
// state counts them; on the scope's otherwise. What maps to no data component is named as unmapped.
// No vscode import; every name is escaped (rule text and mapping files are outside text).

const MAX_UNMAPPED = 3;

export function ruleReadsMarkdown(index: AttackIndex, reads: RuleTelemetry, entry: AttackEntry | undefined, telemetry?: { readonly profile: TelemetryProfile; readonly platforms: readonly string[] }): string | undefined {
  if (!reads.dataComponents.length && !reads.unmapped.length) return undefined;
  const collected = telemetry && (entry?.kind === 'technique' ? collectedForTechnique(telemetry.profile, telemetry.platforms, entry) : collectedOn(telemetry.profile, telemetry.platforms));
  const parts = reads.dataComponents.map((id) => {
    const name = index.dataComponent(id)?.name;
    const text = `${id}${name ? ` ${name}` : ''}`;
    return collected ? `${text} (${collected.has(id) ? 'collected' : 'not collected'})` : text;
  });
  const unmapped = [...new Set(reads.unmapped.map(logSourceKey))];
  if (unmapped.length) parts.push(`unmapped: ${unmapped.slice(0, MAX_UNMAPPED).map((k) => clip(k)).join(', ')}${unmapped.length > MAX_UNMAPPED ? `, ${unmapped.length - MAX_UNMAPPED} more` : ''}`);
  return `**This rule reads:** ${markdownText(parts.join(' · '))}`;
}
