import * as vscode from 'vscode';
import { untrustedMarkdown } from '../untrustedMarkdown';
import { AttackIndex } from '../attack/index';
import { LensContext } from '../context';
import { registerForAttackDocuments } from './documentSelector';
import { referenceAt, ReferenceTarget } from './documentReferences';
import { toRange } from './documentPositions';
import { entryMarkdown, unknownReferenceMarkdown } from './entryMarkdown';

// Hover on any ATT&CK reference a rule parser found (and on Elastic's sibling name/reference
// values): the entry rendered by entryMarkdown. Untrusted Markdown, no HTML: rule text and
// ATT&CK text are escaped there.

/** The hover Markdown for a reference, vscode-free apart from the config values passed in. */
function hoverMarkdown(index: AttackIndex, target: ReferenceTarget, siteBaseUrl: string, fullDescription: boolean): string {
  const { ref } = target;
  const entry = ref.id ? index.get(ref.id) : undefined;
  if (!entry) return unknownReferenceMarkdown(index, ref.text, ref.kind, ref.id);
  return entryMarkdown(index, entry, { siteBaseUrl, fullDescription, written: ref.text });
}

export { untrustedMarkdown };

export function registerHover(lens: LensContext): vscode.Disposable {
  const provider: vscode.HoverProvider = {
    provideHover(document, position, token) {
      try {
        const found = lens.parsing.document(document);
        if (!found || token.isCancellationRequested) return undefined;
        const target = referenceAt(found.parsed, position);
        // An unreadable reference names nothing: its diagnostic's hover says why and what it likely means.
        if (!target || target.ref.unreadable) return undefined;
        const markdown = hoverMarkdown(lens.index, target, lens.config.siteBaseUrl, lens.config.hoverFullDescription);
        return new vscode.Hover(untrustedMarkdown(markdown), toRange(target.span));
      } catch (e) {
        lens.log.error(`ATT&CK hover failed: ${(e as Error)?.stack ?? String(e)}`);
        return undefined;
      }
    },
  };
  return registerForAttackDocuments(lens.config, (selector) => vscode.languages.registerHoverProvider(selector, provider));
}
