import * as vscode from 'vscode';

// A part of the workspace a command runs on: the files and folders picked in the explorer (or
// the file of the editor) through a context menu. Paths are URI strings, as the RuleStore keys
// its files.

export type RuleScope = readonly vscode.Uri[];

/** Whether a rule file's path (its URI string) is one of the scope's files or below one of its folders. */
export function inScope(path: string, scope: RuleScope): boolean {
  return scope.some((uri) => {
    const key = uri.toString().replace(/\/+$/, '');
    return path === key || path.startsWith(key + '/');
  });
}

/**
 * The scope of a context-menu command: VS Code passes the clicked resource and, from the
 * explorer, every selected one. Undefined when the command was not run on a resource.
 */
export function scopeOfArguments(clicked: unknown, selected: unknown): RuleScope | undefined {
  if (!(clicked instanceof vscode.Uri)) return undefined;
  const all = Array.isArray(selected) ? selected.filter((u): u is vscode.Uri => u instanceof vscode.Uri) : [];
  return all.some((u) => u.toString() === clicked.toString()) ? all : [clicked];
}

/** The folders of a scope: a file stands for the folder it is in ("for this folder" from a rule file's menu). */
export async function foldersOf(scope: RuleScope): Promise<RuleScope> {
  const folders = new Map<string, vscode.Uri>();
  for (const uri of scope) {
    let folder = uri;
    try {
      if ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File) folder = vscode.Uri.joinPath(uri, '..');
    } catch {
      // Gone meanwhile: nothing is in it, and the scope says so by matching nothing.
    }
    folders.set(folder.toString(), folder);
  }
  return [...folders.values()];
}

/** How the scope is named to the user: workspace-relative paths. */
export function scopeLabel(scope: RuleScope): string {
  const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  const names = scope.map((uri) => vscode.workspace.asRelativePath(uri, multiRoot) || uri.path);
  return names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
}
