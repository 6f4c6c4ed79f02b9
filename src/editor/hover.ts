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

// Hover on any ATT&CK reference a rule parser found (and on Elastic's sibling name/reference
// values): the entry rendered by entryHoverMarkdown, short enough to fit above a line, then a
// "More" link to Open technique for the whole entry. With a telemetry profile, a technique's hover
// adds where it is detectable with the collected telemetry. Untrusted Markdown, no HTML: rule text and
// ATT&CK text are escaped there; the link is a separate MarkdownString that trusts only that command.

const OPEN_TECHNIQUE_COMMAND = 'attackLens.openTechnique';

/** The hover Markdown for a reference, vscode-free apart from the config values passed in. */
function hoverMarkdown(index: AttackIndex, target: ReferenceTarget, siteBaseUrl: string, fullDescription: boolean, telemetry?: { readonly profile: TelemetryProfile; readonly platforms: readonly string[] }): string {
  const { ref } = target;
  const entry = ref.id ? index.get(ref.id) : undefined;
  if (!entry) return unknownReferenceMarkdown(index, ref.text, ref.kind, ref.id);
  const markdown = entryHoverMarkdown(index, entry, { siteBaseUrl, fullDescription, written: ref.text });
  const line = telemetry && telemetryHoverMarkdown(index, entry, telemetry.profile, telemetry.platforms);
  return line ? `${markdown}\n\n${line}` : markdown;
}

/** "More…": the entry in full (all strategies, mitigations, groups) in the Open technique view. */
function moreLink(index: AttackIndex, target: ReferenceTarget): vscode.MarkdownString | undefined {
  const id = target.ref.id && index.get(target.ref.id)?.id;
  return id ? commandLinkMarkdown('More…', OPEN_TECHNIQUE_COMMAND, id, 'Open technique: the whole entry in ATT&CK Lens') : undefined;
}

export { untrustedMarkdown };

export function registerHover(lens: LensContext, telemetry?: TelemetryProfileState): vscode.Disposable {
  const provider: vscode.HoverProvider = {
    async provideHover(document, position, token) {
      try {
        const found = await lens.parsing.documentOffThread(document);
        if (!found || token.isCancellationRequested) return undefined;
        const target = referenceAt(found.parsed, position);
        // An unreadable reference names nothing: its diagnostic's hover says why and what it likely means.
        if (!target || target.ref.unreadable) return undefined;
        const profile = telemetry?.profile;
        const markdown = hoverMarkdown(lens.index, target, lens.config.siteBaseUrl, lens.config.hoverFullDescription, profile && { profile, platforms: lens.config.platforms });
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
