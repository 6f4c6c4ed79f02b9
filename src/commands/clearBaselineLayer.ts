import * as vscode from 'vscode';
import { ThreatProfileState } from '../state/threatProfile';

// "Clear baseline layer": forgets the layer "Compare with a Navigator layer (baseline)" kept.

const CLEAR_BASELINE_COMMAND = 'attackLens.clearBaselineLayer';

export function registerClearBaselineLayerCommand(state: ThreatProfileState): vscode.Disposable {
  return vscode.commands.registerCommand(CLEAR_BASELINE_COMMAND, () => state.setBaseline(undefined));
}
