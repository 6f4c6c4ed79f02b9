import * as vscode from 'vscode';
import { registerClearBaselineLayerCommand } from '../commands/clearBaselineLayer';
import { registerCreateRuleForGapCommand } from '../commands/createRuleForGap';
import { registerImportBaselineLayerCommand } from '../commands/importBaselineLayer';
import { LensContext } from '../context';
import { RuleStore } from '../workspace/ruleStore';
import { PriorityGapsProvider, registerPriorityGapsTree } from './priorityGapsTree';
import { ThreatProfileState } from './threatProfileState';

// Threat-informed priorities, wired: the shared ThreatProfileState, the Priority gaps view and
// its commands (create a rule for a gap, compare with / clear a baseline layer).
// `ready` resolves when the atomics index (if any) has been read.

export interface PriorityGapsFeature {
  readonly disposable: vscode.Disposable;
  readonly ready: Promise<void>;
  readonly state: ThreatProfileState;
  readonly tree: PriorityGapsProvider;
}

export function registerPriorityGaps(lens: LensContext, store: RuleStore): PriorityGapsFeature {
  const state = new ThreatProfileState(lens, store);
  const tree = registerPriorityGapsTree(lens, state);
  void vscode.commands.executeCommand('setContext', 'attackLens.priorityGaps.hasBaseline', state.baseline !== undefined);
  const disposable = vscode.Disposable.from(
    state,
    tree.disposable,
    registerCreateRuleForGapCommand(lens, state),
    registerImportBaselineLayerCommand(state),
    registerClearBaselineLayerCommand(state),
  );
  return { disposable, ready: state.ready, state, tree: tree.provider };
}
