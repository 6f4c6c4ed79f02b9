import * as vscode from 'vscode';
import { noticeText } from '../outsideText';
import { AttackIndex } from '../attack/index';
import { AttackEntry } from '../attack/types';
import { LensContext } from '../context';
import { entryFromArgument, pickAttackEntry } from '../editor/attackQuickPick';
import { entryMarkdown } from '../editor/entryMarkdown';

// "ATT&CK Lens: Open technique": a read-only rendered view of an ATT&CK entry. The entry is a
// virtual Markdown document (scheme attack-lens, content from entryMarkdown, everything escaped)
// shown in VS Code's Markdown preview, whose own CSP blocks scripts. Argument: an ID, else asks.

export const OPEN_TECHNIQUE_COMMAND = 'attackLens.openTechnique';
const ENTRY_SCHEME = 'attack-lens';

function entryUri(id: string): vscode.Uri {
  return vscode.Uri.from({ scheme: ENTRY_SCHEME, path: `/${id}.md` });
}

/** The view's Markdown: the hover content with the full description and longer lists. */
function entryDocument(index: AttackIndex, e: AttackEntry, siteBaseUrl: string): string {
  return `${entryMarkdown(index, e, { siteBaseUrl, fullDescription: true, listLimit: 60 })}\n`;
}

class EntryContentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly open = new Set<string>();

  constructor(private readonly lens: LensContext) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    const id = uri.path.replace(/^\//, '').replace(/\.md$/, '');
    const entry = this.lens.index.get(id);
    this.open.add(uri.toString());
    return entry ? entryDocument(this.lens.index, entry, this.lens.config.siteBaseUrl) : `${id.replace(/[!-/:-@[-`{-~]/g, '\\$&')} is not in ${this.lens.index.versionLabel}.\n`;
  }

  /** The data or a setting changed: open views render again. */
  refresh(): void {
    for (const u of this.open) this.changed.fire(vscode.Uri.parse(u));
  }

  dispose(): void {
    this.changed.dispose();
  }
}

async function openEntry(entry: AttackEntry): Promise<void> {
  const uri = entryUri(entry.id);
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    // Without the built-in Markdown extension: the Markdown source, read-only.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
  }
}

export function registerOpenTechniqueCommand(lens: LensContext): vscode.Disposable {
  const provider = new EntryContentProvider(lens);
  return vscode.Disposable.from(
    provider,
    vscode.workspace.registerTextDocumentContentProvider(ENTRY_SCHEME, provider),
    lens.onDidChangeIndex(() => provider.refresh()),
    lens.config.onDidChange((affects) => affects('siteBaseUrl') && provider.refresh()),
    vscode.commands.registerCommand(OPEN_TECHNIQUE_COMMAND, async (arg?: unknown) => {
      const given = arg === undefined ? undefined : entryFromArgument(lens.index, arg);
      if (arg !== undefined && !given) {
        void vscode.window.showWarningMessage(noticeText(`ATT&CK Lens: ${typeof arg === 'string' ? arg : 'that entry'} is not in ${lens.index.versionLabel}.`));
        return undefined;
      }
      const entry = given ?? (await pickAttackEntry(lens, 'Open ATT&CK entry'));
      if (!entry) return undefined;
      await openEntry(entry);
      return entryUri(entry.id).toString();
    }),
  );
}
