import * as vscode from 'vscode';
import { FileTreatment } from '../config';
import { SkippedFile } from '../coverage/model';
import { compileGlob, enabledGlobs, matchesPathOrAncestor } from './glob';
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
}

export function currentSelection(files: Readonly<Record<string, FileTreatment>>, coverageExclude: readonly string[]): RuleFileSelection {
  const filesExclude = vscode.workspace.getConfiguration('files').get<Record<string, unknown>>('exclude', {});
  return {
    files: Object.keys(files).length ? files : DEFAULT_FILES,
    exclude: [...enabledGlobs(filesExclude), ...coverageExclude],
  };
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
 */
export async function discoverRuleFiles(selection: RuleFileSelection, token?: vscode.CancellationToken, folder?: vscode.Uri): Promise<{ files: FoundRuleFile[]; skipped: SkippedFile[] }> {
  const found = new Map<string, FoundRuleFile>();
  const skipped = new Map<string, SkippedFile>();
  const roots: [vscode.Uri, string][] = [];
  if (folder) {
    const rel = relativeToWorkspace(folder);
    if (rel !== undefined) roots.push([folder, rel]);
  } else for (const f of vscode.workspace.workspaceFolders ?? []) roots.push([f.uri, '']);
  const followSymlinks = vscode.workspace.getConfiguration('search').get<boolean>('followSymlinks', true);
  for (const [root, rootRel] of roots) {
    if (token?.isCancellationRequested) break;
    const walked = await walkFolder(root, rootRel, {
      classify: (rel) => treatmentOf(selection, rel),
      excludedFolder: (rel) => folderExcluded(selection, rel),
      followSymlinks,
      token,
    });
    for (const f of walked.files) if (!found.has(f.uri.toString())) found.set(f.uri.toString(), f);
    for (const s of walked.skipped) skipped.set(s.path, s);
  }
  const files = [...found.values()].sort((a, b) => (a.uri.path < b.uri.path ? -1 : a.uri.path > b.uri.path ? 1 : 0));
  return { files, skipped: [...skipped.values()].sort((a, b) => (a.path < b.path ? -1 : 1)) };
}

/** Every rule file in the workspace (or below `folder`), each once, in path order. */
export async function findRuleFiles(selection: RuleFileSelection, token?: vscode.CancellationToken, folder?: vscode.Uri): Promise<FoundRuleFile[]> {
  return (await discoverRuleFiles(selection, token, folder)).files;
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
