import * as vscode from 'vscode';
import { LensContext } from '../context';
import { parseRuleFile } from '../rules/index';
import { RuleStore } from '../workspace/ruleStore';
import { CoverageTreeProvider, registerCoverageTree } from './coverageTree';

// Workspace coverage, wired: the RuleStore (scan + watch) and the Coverage view; its commands
// register in extension.ts with the store and the tree. `ready` is the store's first scan;
// `store` and `tree` are handed to the extension's API.

export interface CoverageFeature {
  readonly disposable: vscode.Disposable;
  readonly ready: Promise<void>;
  readonly store: RuleStore;
  readonly tree: CoverageTreeProvider;
}

/** The URI string of the folder above the file's workspace folder: folder names above the workspace do not make rules deprecated. */
function folderParent(path: string): string | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(path, true))?.uri.toString();
  return folder ? folder.replace(/\/+$/, '').replace(/[^/]*$/, '') : undefined;
}

export function registerCoverage(lens: LensContext): CoverageFeature {
  const store = new RuleStore(lens, (text, path, treatment) => {
    const root = folderParent(path);
    return parseRuleFile(text, path, lens.index, treatment === 'generic' ? { format: 'generic', genericPattern: lens.config.genericIdRegExp, root } : { format: treatment, root });
  });
  const tree = registerCoverageTree(lens, store);
  const disposable = vscode.Disposable.from(store, tree.disposable);
  return { disposable, ready: store.ready, store, tree: tree.provider };
}
