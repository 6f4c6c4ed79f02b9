import * as vscode from 'vscode';
import { CoverageModel } from '../coverage/model';
import { TelemetryStates } from '../coverage/telemetryStates';
import { pickText } from '../outsideText';
import type { CoverageTelemetry } from '../state/coverageTelemetry';

// What colours an exported Navigator layer when a telemetry profile is set (issue #12 §4): the
// four telemetry states, or the rule count as without a profile. An interactive export asks with
// a QuickPick (states first); a scripted call passes 'telemetry' or 'rules', states when it passes
// neither. A choice on each export rather than following the matrix's colour mode: the export runs
// with no matrix open (and a folder's layer has no matrix at all), and a file handed to others
// should be coloured by what its author chose, not by how a view happened to be left.

type LayerColouring = 'telemetry' | 'rules';

/** The states to colour by, undefined to colour by score, or 'cancelled' when the pick was closed. */
export async function layerStates(telemetry: CoverageTelemetry | undefined, model: CoverageModel, colouring: unknown, ask: boolean): Promise<TelemetryStates | undefined | 'cancelled'> {
  const profile = telemetry?.profile;
  if (!telemetry || !profile) return undefined;
  let choice: LayerColouring | undefined = colouring === 'rules' || colouring === 'telemetry' ? colouring : undefined;
  if (!choice && ask) {
    const named = profile.name ? ` “${pickText(profile.name)}”` : '';
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'Telemetry states', description: `attackLens.telemetry${named}`, detail: 'Detected, no telemetry, visible, blind: one colour each, with a legend; the score stays the rule count', colouring: 'telemetry' as const },
        { label: 'Rule count', description: 'as without a telemetry profile', detail: 'The rule-count gradient; the layer carries no telemetry states', colouring: 'rules' as const },
      ],
      { title: 'Export Navigator layer', placeHolder: 'Colour the layer by' },
    );
    if (!pick) return 'cancelled';
    choice = pick.colouring;
  }
  return (choice ?? 'telemetry') === 'telemetry' ? telemetry.statesOf(model) : undefined;
}
