import * as vscode from 'vscode';
import { LensContext } from '../context';
import { PriorityGapsProvider, registerPriorityGapsTree } from './priorityGapsTree';
import { ThreatProfileState } from '../state/threatProfile';
import type { WorkspaceWelcome } from './workspaceWelcome';

// Threat-informed priorities, wired: the Priority gaps view over the shared ThreatProfileState
// (src/state/); its commands (create a rule for a gap, compare with / clear a baseline layer)
// register in extension.ts with the same state.

export interface PriorityGapsFeature {
  readonly disposable: vscode.Disposable;
  readonly tree: PriorityGapsProvider;
}

export function registerPriorityGaps(lens: LensContext, state: ThreatProfileState, welcome: WorkspaceWelcome): PriorityGapsFeature {
  const tree = registerPriorityGapsTree(lens, state, welcome);
  void vscode.commands.executeCommand('setContext', 'attackLens.priorityGaps.hasBaseline', state.baseline !== undefined);
  return { disposable: tree.disposable, tree: tree.provider };
}
