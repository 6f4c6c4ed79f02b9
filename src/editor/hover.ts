import * as vscode from 'vscode';
import { commandLinkMarkdown, untrustedMarkdown } from '../untrustedMarkdown';
import { AttackIndex } from '../attack/index';
import { LensContext } from '../context';
import { registerForAttackDocuments } from './documentSelector';
import { referenceAt, ReferenceTarget } from './documentReferences';
import { toRange } from './documentPositions';
import { entryHoverMarkdown, unknownReferenceMarkdown } from './entryMarkdown';
import { telemetryHoverMarkdown } from './telemetryHover';
import { TelemetryProfile } from '../coverage/telemetryProfile';
import type { TelemetryProfileState } from '../state/telemetryProfile';
import type { TelemetryMappingsState } from '../state/telemetryMappings';
import { ruleTelemetry } from '../coverage/telemetry';
import { RuleTelemetry } from '../coverage/telemetryTypes';
import { DetectionRule } from '../rules/types';
import { ruleReadsMarkdown } from './ruleReadsHover';

// Hover on any ATT&CK reference a rule parser found (and on Elastic's sibling name/reference
// values): the entry rendered by entryHoverMarkdown, short enough to fit above a line; what the rule
// around the reference reads (its data components, and with a telemetry profile whether each is
// collected); with a profile, where a technique is detectable with the collected telemetry; then a
// "More" link to Open technique for the whole entry. Untrusted Markdown, no HTML: rule text and
// ATT&CK text are escaped there; the link is a separate MarkdownString that trusts only that command.

const OPEN_TECHNIQUE_COMMAND = 'attackLens.openTechnique';

/** The hover Markdown for a reference, vscode-free apart from the config values passed in. */
function hoverMarkdown(index: AttackIndex, target: ReferenceTarget, siteBaseUrl: string, fullDescription: boolean, reads: RuleTelemetry | undefined, telemetry?: { readonly profile: TelemetryProfile; readonly platforms: readonly string[] }): string {
  const { ref } = target;
  const entry = ref.id ? index.get(ref.id) : undefined;
  if (!entry) return unknownReferenceMarkdown(index, ref.text, ref.kind, ref.id);
  const markdown = entryHoverMarkdown(index, entry, { siteBaseUrl, fullDescription, written: ref.text });
  const lines = [reads && ruleReadsMarkdown(index, reads, entry, telemetry), telemetry && telemetryHoverMarkdown(index, entry, telemetry.profile, telemetry.platforms)].filter((l): l is string => !!l);
  return [markdown, ...lines].join('\n\n');
}

/** The rule a reference belongs to. */
function ruleOf(rules: readonly DetectionRule[], target: ReferenceTarget): DetectionRule | undefined {
  return rules.find((r) => r.references.includes(target.ref));
}

/** "More…": the entry in full (all strategies, mitigations, groups) in the Open technique view. */
function moreLink(index: AttackIndex, target: ReferenceTarget): vscode.MarkdownString | undefined {
  const id = target.ref.id && index.get(target.ref.id)?.id;
  return id ? commandLinkMarkdown('More…', OPEN_TECHNIQUE_COMMAND, id, 'Open technique: the whole entry in ATT&CK Lens') : undefined;
}

export { untrustedMarkdown };

export function registerHover(lens: LensContext, telemetry?: { readonly state: TelemetryProfileState; readonly mappings: TelemetryMappingsState }): vscode.Disposable {
  const provider: vscode.HoverProvider = {
    async provideHover(document, position, token) {
      try {
        const found = await lens.parsing.documentOffThread(document);
        if (!found || token.isCancellationRequested) return undefined;
        const target = referenceAt(found.parsed, position);
        // An unreadable reference names nothing: its diagnostic's hover says why and what it likely means.
        if (!target || target.ref.unreadable) return undefined;
        const profile = telemetry?.state.profile;
        const rule = telemetry && ruleOf(found.parsed.rules, target);
        const reads = rule && ruleTelemetry(rule, telemetry.mappings.current);
        const markdown = hoverMarkdown(lens.index, target, lens.config.siteBaseUrl, lens.config.hoverFullDescription, reads, profile && { profile, platforms: lens.config.platforms });
        const more = moreLink(lens.index, target);
        return new vscode.Hover(more ? [untrustedMarkdown(markdown), more] : untrustedMarkdown(markdown), toRange(target.span));
      } catch (e) {
        lens.log.error(`ATT&CK hover failed: ${(e as Error)?.stack ?? String(e)}`);
        return undefined;
      }
    },
  };
  return registerForAttackDocuments(lens.config, (selector) => vscode.languages.registerHoverProvider(selector, provider));
}
