import * as vscode from 'vscode';
import { TELEMETRY_STATES } from '../coverage/telemetryStates';
import { TelemetryState } from '../coverage/telemetryTypes';
import { stateLabel, stateSentence } from '../coverage/telemetryStateText';

// "Filter coverage by telemetry state": a multi-select of the four states (the current filter
// checked); the Coverage view then shows only techniques in one of them (and the parents holding
// such sub-techniques). Nothing picked shows all again. Called with a list of states it sets those
// without asking; returns the states now filtered on ([] for all). States need a telemetry profile.

/** The Coverage view's telemetry-state filter (src/views/coverageTree.ts). */
export interface TelemetryStateFilter {
  stateFilter: ReadonlySet<TelemetryState> | undefined;
  readonly telemetryStates: unknown;
}

const isState = (v: unknown): v is TelemetryState => typeof v === 'string' && (TELEMETRY_STATES as readonly string[]).includes(v);

export function registerFilterCoverageByTelemetryCommand(tree: TelemetryStateFilter): vscode.Disposable {
  return vscode.commands.registerCommand('attackLens.filterCoverageByTelemetry', async (given?: unknown) => {
    if (!tree.telemetryStates) {
      const choice = await vscode.window.showInformationMessage('ATT&CK Lens: telemetry states need a telemetry profile (attackLens.telemetry).', 'Choose telemetry');
      if (choice) void vscode.commands.executeCommand('attackLens.chooseTelemetry');
      return undefined;
    }
    let states: TelemetryState[] | undefined = Array.isArray(given) ? given.filter(isState) : undefined;
    if (!states) {
      const current = tree.stateFilter;
      const items = TELEMETRY_STATES.map((state) => ({ label: stateLabel(state), detail: stateSentence(state), state, picked: current?.has(state) ?? false }));
      const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Coverage: telemetry states', placeHolder: 'Show only techniques in these states (none picked: all)' });
      if (!picked) return undefined;
      states = picked.map((i) => i.state);
    }
    tree.stateFilter = new Set(states);
    return [...(tree.stateFilter ?? [])];
  });
}
