import * as vscode from 'vscode';
import { attackUrl } from '../attack/ids';
import { LensContext } from '../context';
import { registerForAttackDocuments } from './documentSelector';
import { toRange } from './documentPositions';

// Ctrl/Cmd+click on an ATT&CK reference opens its page on the ATT&CK site (attackLens.siteBaseUrl).

/** A rule file with more references than this is not hand-written: link the first ones only. */
const MAX_LINKS = 5000;

export function registerDocumentLinks(lens: LensContext): vscode.Disposable {
  const provider: vscode.DocumentLinkProvider = {
    async provideDocumentLinks(document, token) {
      try {
        const found = await lens.parsing.documentOffThread(document);
        if (!found) return [];
        const base = lens.config.siteBaseUrl;
        const links: vscode.DocumentLink[] = [];
        for (const rule of found.parsed.rules) {
          for (const ref of rule.references) {
            if (token.isCancellationRequested || links.length >= MAX_LINKS) return links;
            const entry = ref.id ? lens.index.get(ref.id) : undefined;
            if (!entry) continue;
            const link = new vscode.DocumentLink(toRange(ref.span), vscode.Uri.parse(attackUrl(entry.id, base)));
            link.tooltip = `Open ${entry.id} ${entry.name} on the ATT&CK site`;
            links.push(link);
          }
        }
        return links;
      } catch (e) {
        lens.log.error(`ATT&CK document links failed: ${(e as Error)?.stack ?? String(e)}`);
        return [];
      }
    },
  };
  return registerForAttackDocuments(lens.config, (selector) => vscode.languages.registerDocumentLinkProvider(selector, provider));
}
