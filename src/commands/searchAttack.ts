import * as vscode from 'vscode';
import { noticeText } from '../outsideText';
import { AttackEntry } from '../attack/types';
import { LensContext } from '../context';
import { entryFromArgument, pickAttackEntry } from '../editor/attackQuickPick';
import { documentLines, toRange } from '../editor/documentPositions';
import { insertionFor, InsertionPlan } from '../editor/searchInsertion';
import { OPEN_TECHNIQUE_COMMAND } from './openTechnique';

// "ATT&CK Lens: Search ATT&CK": a fuzzy QuickPick over the index; the chosen entry is inserted
// at the cursor in the current file's spelling (Sigma tag form in Sigma tags, Elastic name and
// reference filled, the plain ID elsewhere), or opened when no editor is active. With an ID
// argument (`executeCommand('attackLens.searchAttack', 'T1059.001')`) it skips the picker.

const SEARCH_ATTACK_COMMAND = 'attackLens.searchAttack';

async function insertEntry(editor: vscode.TextEditor, entry: AttackEntry, lens: LensContext): Promise<InsertionPlan | undefined> {
  const document = editor.document;
  const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  const plan = insertionFor(lens.index, documentLines(document), editor.selection.active, lens.parsing.formatOf(document), entry, eol);
  const selection = editor.selection;
  const edits = plan.edits.map((e) => {
    const range = toRange(e.span);
    // A plain insertion at the cursor replaces the selection, as typing would.
    return range.isEmpty && range.start.isEqual(selection.active) && !selection.isEmpty ? { range: selection, newText: e.newText } : { range, newText: e.newText };
  });
  const ok = await editor.edit((b) => edits.forEach((e) => b.replace(e.range, e.newText)));
  return ok ? plan : undefined;
}

export function registerSearchAttackCommand(lens: LensContext): vscode.Disposable {
  return vscode.commands.registerCommand(SEARCH_ATTACK_COMMAND, async (arg?: unknown): Promise<InsertionPlan | undefined> => {
    const given = arg === undefined ? undefined : entryFromArgument(lens.index, arg);
    if (arg !== undefined && !given) {
      void vscode.window.showWarningMessage(noticeText(`ATT&CK Lens: ${String(typeof arg === 'string' ? arg : JSON.stringify(arg))} is not in ${lens.index.versionLabel}.`));
      return undefined;
    }
    const entry = given ?? (await pickAttackEntry(lens, 'Search ATT&CK'));
    if (!entry) return undefined;
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      await vscode.commands.executeCommand(OPEN_TECHNIQUE_COMMAND, entry.id);
      return undefined;
    }
    return insertEntry(editor, entry, lens);
  });
}
