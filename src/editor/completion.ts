import * as vscode from 'vscode';
import { EntryKind } from '../attack/types';
import { LensContext } from '../context';
import { slotAt } from '../rules/slots';
import { Candidate, completionCandidates, namedElsewhere } from './completionCandidates';
import { registerForAttackDocuments } from './documentSelector';
import { documentLines, toRange } from './documentPositions';
import { entryMarkdown } from './entryMarkdown';
import { untrustedMarkdown } from './hover';

// ATT&CK completion in every slot of every supported format: the slot reader says where the
// cursor is, completionCandidates what fits there; this file only speaks VS Code.

const TRIGGER_CHARACTERS = ['.', '"', "'", ',', ' ', '-'];

const ITEM_KIND: Partial<Record<EntryKind, vscode.CompletionItemKind>> = {
  technique: vscode.CompletionItemKind.EnumMember,
  tactic: vscode.CompletionItemKind.Enum,
  group: vscode.CompletionItemKind.Class,
  software: vscode.CompletionItemKind.Module,
  campaign: vscode.CompletionItemKind.Event,
  mitigation: vscode.CompletionItemKind.Interface,
};

class AttackCompletionItem extends vscode.CompletionItem {
  constructor(readonly entryId: string, label: vscode.CompletionItemLabel) {
    super(label);
  }
}

function toItem(c: Candidate, replacing: vscode.Range, inserting: vscode.Range): AttackCompletionItem {
  const item = new AttackCompletionItem(c.entry.id, { label: c.value, detail: c.labelDetail, description: c.description });
  item.kind = ITEM_KIND[c.entry.kind] ?? vscode.CompletionItemKind.Reference;
  item.insertText = c.insertText;
  item.filterText = c.filterText;
  item.sortText = c.sortText;
  item.range = { inserting, replacing };
  item.detail = `${c.entry.id} ${c.entry.name}`;
  if (c.additionalEdits.length) item.additionalTextEdits = c.additionalEdits.map((e) => vscode.TextEdit.replace(toRange(e.span), e.newText));
  return item;
}

export function registerCompletion(lens: LensContext): vscode.Disposable {
  const provider: vscode.CompletionItemProvider<AttackCompletionItem> = {
    provideCompletionItems(document, position, token) {
      try {
        const format = lens.parsing.formatOf(document);
        if (!format || token.isCancellationRequested) return undefined;
        const slot = slotAt(documentLines(document), position, format);
        if (!slot) return undefined;
        // The document's parse at this version (shared with diagnostics: no extra parse).
        const parsed = lens.parsing.documentForCompletion(document)?.parsed;
        const list = completionCandidates(lens.index, lens.search, slot, {
          domains: lens.config.domains,
          ...(parsed ? { named: namedElsewhere(parsed, slot.range) } : {}),
          eol: document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n',
          isCancelled: () => token.isCancellationRequested,
        });
        if (token.isCancellationRequested) return undefined;
        const replacing = toRange(slot.range);
        const inserting = new vscode.Range(replacing.start, position);
        return new vscode.CompletionList(
          list.items.map((c) => toItem(c, replacing, inserting)),
          list.incomplete,
        );
      } catch (e) {
        lens.log.error(`ATT&CK completion failed: ${(e as Error)?.stack ?? String(e)}`);
        return undefined;
      }
    },
    resolveCompletionItem(item, token) {
      try {
        const entry = lens.index.get(item.entryId);
        if (!entry || token.isCancellationRequested) return item;
        item.documentation = untrustedMarkdown(entryMarkdown(lens.index, entry, { siteBaseUrl: lens.config.siteBaseUrl, listLimit: 4 }));
      } catch (e) {
        lens.log.error(`ATT&CK completion details failed: ${(e as Error)?.stack ?? String(e)}`);
      }
      return item;
    },
  };
  return registerForAttackDocuments(lens.config, (selector) => vscode.languages.registerCompletionItemProvider(selector, provider, ...TRIGGER_CHARACTERS));
}
