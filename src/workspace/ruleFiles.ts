import * as vscode from 'vscode';
import { FileTreatment } from '../config';
import { enabledGlobs, matchesPathOrAncestor } from './glob';

// Which workspace files are rule files, and how each is treated, from `attackLens.files`
// (glob → treatment), `files.exclude` and `attackLens.coverage.exclude`.

export const DEFAULT_FILES: Readonly<Record<string, FileTreatment>> = {
  '**/*.{yml,yaml}': 'auto',
  '**/*.toml': 'auto',
  '**/*.{yaral,yara-l,yaraL}': 'yaral',
};

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

/**
 * How a file is treated, or undefined when no glob selects it or it is excluded. `off` wins
 * over everything; an explicit format wins over `auto`; otherwise the first matching glob.
 */
export function treatmentOf(selection: RuleFileSelection, relativePath: string): Exclude<FileTreatment, 'off'> | undefined {
  if (selection.exclude.some((g) => matchesPathOrAncestor(g, relativePath))) return undefined;
  let found: FileTreatment | undefined;
  for (const [glob, treatment] of Object.entries(selection.files)) {
    if (!matchesPathOrAncestor(glob, relativePath)) continue;
    if (treatment === 'off') return undefined;
    if (!found || (found === 'auto' && treatment !== 'auto')) found = treatment;
  }
  return found === 'off' ? undefined : found;
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

/** Every rule file in the workspace (or below `folder`), each once, in path order. */
export async function findRuleFiles(selection: RuleFileSelection, token?: vscode.CancellationToken, folder?: vscode.Uri): Promise<FoundRuleFile[]> {
  const found = new Map<string, FoundRuleFile>();
  // Below a folder the workspace-relative globs cannot be re-anchored: list everything there
  // and let treatmentOf decide.
  const globs: [string, FileTreatment][] = folder ? [['**/*', 'auto']] : Object.entries(selection.files);
  for (const [glob, treatment] of globs) {
    if (treatment === 'off' || token?.isCancellationRequested) continue;
    // undefined exclude = files.exclude applies; coverage.exclude is applied by treatmentOf.
    const uris = await vscode.workspace.findFiles(folder ? new vscode.RelativePattern(folder, glob) : glob, undefined, undefined, token);
    for (const uri of uris) {
      const key = uri.toString();
      if (found.has(key)) continue;
      const rel = relativeToWorkspace(uri);
      const t = rel === undefined ? undefined : treatmentOf(selection, rel);
      if (t) found.set(key, { uri, treatment: t });
    }
  }
  return [...found.values()].sort((a, b) => (a.uri.path < b.uri.path ? -1 : a.uri.path > b.uri.path ? 1 : 0));
}
