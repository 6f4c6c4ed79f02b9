import * as vscode from 'vscode';
import { MAX_SMALL_DATA_FILE_BYTES, readDataText } from '../workspace/readDataFile';
import { noticeText } from '../outsideText';
import { isLayerError, layerTechniqueIds, parseLayerText } from '../coverage/layerImport';
import { Baseline, ThreatProfileState } from '../state/threatProfile';

// "Compare with a Navigator layer (baseline)": reads an ATT&CK Navigator 4.x layer (another
// team's coverage, a layer of Atomic Red Team tests, a vendor's mapping) and keeps its
// techniques in workspace state; the Priority gaps view then lists "Baseline covers, we
// don't". A malformed layer is an error message naming the field at fault.
// Argument: the layer's URI (explorer context, tests); otherwise an open dialog.

const IMPORT_BASELINE_COMMAND = 'attackLens.importBaselineLayer';

/** @public What the command returns to executeCommand callers. */
export type BaselineImport = { readonly baseline: Baseline } | { readonly error: string; readonly field?: string };

async function importBaselineLayer(state: ThreatProfileState, uri?: vscode.Uri): Promise<BaselineImport | undefined> {
  const file =
    uri ??
    (
      await vscode.window.showOpenDialog({
        title: 'Compare with a Navigator layer (baseline)',
        openLabel: 'Compare',
        canSelectMany: false,
        filters: { 'Navigator layer': ['json'], 'All files': ['*'] },
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      })
    )?.[0];
  if (!file) return undefined;
  const name = file.path.replace(/^.*\//, '');
  let text: string;
  try {
    text = await readDataText(file, MAX_SMALL_DATA_FILE_BYTES);
  } catch (e) {
    const error = `Cannot read ${name}: ${(e as Error)?.message ?? String(e)}`;
    void vscode.window.showErrorMessage(noticeText(error));
    return { error };
  }
  // From a list of layers (one per domain), the one for the coverage scope's first domain.
  const layer = parseLayerText(text, state.store.model.domains[0]);
  if (isLayerError(layer)) {
    const error = `${name} is not a usable Navigator layer: ${layer.message}`;
    void vscode.window.showErrorMessage(noticeText(error));
    return { error, ...(layer.field ? { field: layer.field } : {}) };
  }
  const baseline: Baseline = { name: layer.name, source: file.toString(), techniques: layerTechniqueIds(layer), domain: layer.domain, importedAt: new Date().toISOString() };
  await state.setBaseline(baseline);
  const comparison = state.baselineComparison;
  const missing = comparison?.gaps.length ?? 0;
  void vscode.commands.executeCommand('attackLens.priorityGaps.focus').then(undefined, () => undefined);
  if (baseline.techniques.length > 0 && comparison?.inScope === 0) {
    void vscode.window.showWarningMessage(noticeText(`Baseline “${layer.name}” (${layer.domain}): none of its ${baseline.techniques.length} techniques is in the coverage scope. Check attackLens.domains and attackLens.platforms.`));
    return { baseline };
  }
  void vscode.window.showInformationMessage(noticeText(`Baseline “${layer.name}”: ${baseline.techniques.length} techniques, ${missing} of them without a rule of ours (Priority gaps view).`));
  return { baseline };
}

export function registerImportBaselineLayerCommand(state: ThreatProfileState): vscode.Disposable {
  return vscode.commands.registerCommand(IMPORT_BASELINE_COMMAND, (uri?: unknown) => importBaselineLayer(state, uri instanceof vscode.Uri ? uri : undefined));
}
