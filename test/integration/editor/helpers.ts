import * as assert from 'assert';
import * as vscode from 'vscode';

// Shared by the editor suite: the activated extension, fixture documents, positions by text,
// and the providers called through VS Code's own commands.

import { activateApi, workspaceUri } from '../../host/inHost';
import { vscodeKeeps } from '../../unit/helpers/vscodeFilter';

export { activateApi as extensionApi, workspaceUri };

export async function openFixture(rel: string): Promise<vscode.TextDocument> {
  return vscode.workspace.openTextDocument(workspaceUri(rel));
}

/** Writes a scratch file into the workspace (so globs and content detection apply) and opens it. */
export async function scratch(name: string, text: string): Promise<vscode.TextDocument> {
  const uri = workspaceUri(`scratch/${name}`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return vscode.workspace.openTextDocument(uri);
}

/** Position of `offset` characters into the first occurrence of `needle` (at or after line `from`). */
export function positionOf(doc: vscode.TextDocument, needle: string, offset = needle.length, from = 0): vscode.Position {
  const at = doc.getText().indexOf(needle, doc.offsetAt(new vscode.Position(from, 0)));
  assert.ok(at >= 0, `${needle} not in ${doc.uri.path}`);
  return doc.positionAt(at + offset);
}

/** Text with a `|` marking the cursor → a scratch document and the cursor position. */
export async function typing(name: string, textWithCursor: string): Promise<{ doc: vscode.TextDocument; at: vscode.Position }> {
  const offset = textWithCursor.indexOf('|');
  assert.ok(offset >= 0 && offset === textWithCursor.lastIndexOf('|'), 'exactly one | (the cursor) in the text');
  const doc = await scratch(name, textWithCursor.replace('|', ''));
  return { doc, at: doc.positionAt(offset) };
}

export async function completions(doc: vscode.TextDocument, at: vscode.Position, resolve = 0): Promise<vscode.CompletionItem[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, at, undefined, resolve);
  return list.items;
}

export function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

/** Our items only (other extensions, e.g. word-based suggestions, may add their own). */
export async function attackCompletions(doc: vscode.TextDocument, at: vscode.Position, resolve = 0): Promise<vscode.CompletionItem[]> {
  return (await completions(doc, at, resolve)).filter((i) => typeof i.label !== 'string' && i.label.description !== undefined && i.sortText !== undefined);
}

/**
 * What the user sees after typing `typed`: the items VS Code's filter keeps (vscodeKeeps, checked
 * against the real suggest widget in completion.test.ts), equally good matches ordered by sortText.
 */
export function visible(items: readonly vscode.CompletionItem[], typed: string): vscode.CompletionItem[] {
  return items.filter((i) => vscodeKeeps(typed, i.filterText ?? labelOf(i))).sort((a, b) => (a.sortText ?? labelOf(a)).localeCompare(b.sortText ?? labelOf(b)));
}

export function insertTextOf(item: vscode.CompletionItem): string {
  return typeof item.insertText === 'string' ? item.insertText : (item.insertText?.value ?? labelOf(item));
}

export async function hovers(doc: vscode.TextDocument, at: vscode.Position): Promise<vscode.Hover[]> {
  return vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
}

export function hoverText(h: vscode.Hover): string {
  return h.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
}

/** Our hover at a position (the one naming ATT&CK), or undefined. */
export async function attackHover(doc: vscode.TextDocument, at: vscode.Position): Promise<{ hover: vscode.Hover; text: string } | undefined> {
  for (const hover of await hovers(doc, at)) {
    const text = hoverText(hover);
    if (/ATT&CK|ATT\\&CK|not in ATT/.test(text)) return { hover, text };
  }
  return undefined;
}

export async function removeScratch(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  try {
    await vscode.workspace.fs.delete(workspaceUri('scratch'), { recursive: true, useTrash: false });
  } catch {
    // nothing was written
  }
}
