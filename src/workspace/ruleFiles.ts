import * as vscode from 'vscode';
import { Config, FileTreatment, Settings } from '../config';
import { SkippedFile } from '../coverage/model';
import { compileGlob, enabledGlobs, matchesPathOrAncestor } from '../core/glob';
import { DEFAULT_FILES, treatmentOf } from '../rules/fileTreatment';
import { walkFolder } from './walkFolder';

export { DEFAULT_FILES, treatmentOf } from '../rules/fileTreatment';

// Which workspace files are rule files, and how each is treated, from `attackLens.files`
// (glob → treatment), `files.exclude` and `attackLens.coverage.exclude`.

export interface RuleFileSelection {
  /** glob → treatment, as configured (the default when the setting is empty). */
  readonly files: Readonly<Record<string, FileTreatment>>;
  /** files.exclude (enabled entries) and attackLens.coverage.exclude. */
  readonly exclude: readonly string[];
  /** search.followSymlinks (default true). */
  readonly followSymlinks?: boolean;
  /** The selection for one workspace folder, whose own settings win (multi-root workspaces). */
  readonly forFolder?: (folder: vscode.Uri) => RuleFileSelection;
}

/** The rule files the settings select; given the Config, each workspace folder's own values apply to its files. */
export function currentSelection(settings: Settings | Config): RuleFileSelection {
  const files = settings.files;
  return {
    files: Object.keys(files).length ? files : DEFAULT_FILES,
    exclude: [...enabledGlobs(settings.filesExclude), ...settings.coverageExclude],
    followSymlinks: settings.followSymlinks,
    forFolder: settings instanceof Config ? (folder) => currentSelection(settings.for(folder)) : undefined,
  };
}

/** The selection that applies to a file or folder: its workspace folder's. */
export function selectionAt(selection: RuleFileSelection, uri: vscode.Uri): RuleFileSelection {
  const folder = selection.forFolder && vscode.workspace.getWorkspaceFolder(uri);
  return folder && selection.forFolder ? selection.forFolder(folder.uri) : selection;
}

/** The path relative to its workspace folder (`/`-separated), or undefined outside every folder. */
export function relativeToWorkspace(uri: vscode.Uri): string | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return undefined;
  const base = folder.uri.path.replace(/\/+$/, '');
  return uri.path.startsWith(base + '/') ? uri.path.slice(base.length + 1) : undefined;
}

export interface FoundRuleFile {
  readonly uri: vscode.Uri;
  readonly treatment: Exclude<FileTreatment, 'off'>;
}

/** Whether a folder (relative path) is excluded, so that nothing below it can be a rule file. */
export function folderExcluded(selection: RuleFileSelection, relativePath: string): boolean {
  // `**/node_modules/**` matches the folder's contents, not the folder: test `folder/` too.
  return selection.exclude.some((g) => matchesPathOrAncestor(g, relativePath) || compileGlob(g).test(relativePath + '/'));
}

/**
 * Every rule file in the workspace (or below `folder`), each once, in path order, and the
 * entries the scan had to leave out (symlink loops, broken links, unreadable folders).
 * `onFile` hears of each file as the walk finds it (a file two folders share, more than once).
 */
export async function discoverRuleFiles(selection: RuleFileSelection, token?: vscode.CancellationToken, folder?: vscode.Uri, onFile?: (file: FoundRuleFile) => void): Promise<{ files: FoundRuleFile[]; skipped: SkippedFile[] }> {
  const found = new Map<string, FoundRuleFile>();
  const skipped = new Map<string, SkippedFile>();
  const roots: [vscode.Uri, string][] = [];
  if (folder) {
    const rel = relativeToWorkspace(folder);
    if (rel !== undefined) roots.push([folder, rel]);
  } else for (const f of vscode.workspace.workspaceFolders ?? []) roots.push([f.uri, '']);
  const followSymlinks = selection.followSymlinks ?? true;
  for (const [root, rootRel] of roots) {
    if (token?.isCancellationRequested) break;
    const rootSelection = selectionAt(selection, root);
    const walked = await walkFolder(root, rootRel, {
      classify: (rel) => treatmentOf(rootSelection, rel),
      excludedFolder: (rel) => folderExcluded(rootSelection, rel),
      followSymlinks,
      token,
      onFile,
    });
    for (const f of walked.files) if (!found.has(f.uri.toString())) found.set(f.uri.toString(), f);
    for (const s of walked.skipped) skipped.set(s.path, s);
  }
  const files = [...found.values()].sort((a, b) => (a.uri.path < b.uri.path ? -1 : a.uri.path > b.uri.path ? 1 : 0));
  return { files, skipped: [...skipped.values()].sort((a, b) => (a.path < b.path ? -1 : 1)) };
}

/** The candidates that are existing folders, without those inside another one, and whether each is a symlink. */
export async function topmostFolders(candidates: readonly vscode.Uri[]): Promise<{ uri: vscode.Uri; link: boolean }[]> {
  const stats = await Promise.all(candidates.map((uri) => Promise.resolve(vscode.workspace.fs.stat(uri)).then((s) => s, () => undefined)));
  const dirs = candidates
    .map((uri, i) => ({ uri, type: stats[i]?.type ?? vscode.FileType.Unknown }))
    .filter((d) => d.type & vscode.FileType.Directory)
    .sort((a, b) => a.uri.path.length - b.uri.path.length);
  const top: { uri: vscode.Uri; link: boolean }[] = [];
  for (const d of dirs) if (!top.some((t) => d.uri.path.startsWith(t.uri.path.replace(/\/?$/, '/')))) top.push({ uri: d.uri, link: (d.type & vscode.FileType.SymbolicLink) !== 0 });
  return top;
}
